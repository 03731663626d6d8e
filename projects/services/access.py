"""Who may change what. Everyone who can log in reads everything; changes are scoped:

- an administrator (permission ``edit_any_unit``) edits every task and report;
- a unit editor edits the tasks its unit leads and the monthly reports of the projects its unit
  is responsible for (lead unit or contractor);
- a viewer changes nothing.

Views call ``task_for_update`` / ``project_for_report`` / ``report_for_update``: 404 for what
does not exist, 403 for what exists but is not the user's to change."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from projects.models import Profile, ProgressReport, Project, Task


def unit_id_of(user):
    """The unit of ``user``'s profile (None without one), read at most once per user object,
    i.e. once per request, however many scopes ask."""
    if not user.is_authenticated:
        return None
    try:
        return user._profile_unit_id
    except AttributeError:
        unit_id = Profile.objects.filter(user=user).values_list("unit_id", flat=True).first()
        user._profile_unit_id = unit_id
        return unit_id


class Scope:
    """What one user may change; computed once per request."""

    def __init__(self, user):
        self.user = user
        self.any_unit = user.has_perm("projects.edit_any_unit")
        self.can_change_tasks = user.has_perm("projects.change_task")
        self.can_add_reports = user.has_perm("projects.add_progressreport")
        self.can_change_reports = user.has_perm("projects.change_progressreport")
        self._unit_id = None
        self._unit_loaded = False

    @property
    def unit_id(self):
        if not self._unit_loaded:
            self._unit_loaded = True
            if self.can_change_tasks or self.can_add_reports:
                self._unit_id = unit_id_of(self.user)
        return self._unit_id

    def owns_unit(self, *unit_ids):
        return self.any_unit or (self.unit_id is not None and self.unit_id in unit_ids)

    def can_update_task(self, task):
        return self.can_change_tasks and self.owns_unit(task.lead_unit_id)

    def can_report_on(self, project):
        return self.can_add_reports and self.owns_unit(project.lead_unit_id, project.contractor_id)

    def can_correct_report(self, report, project):
        return self.can_change_reports and self.owns_unit(
            project.lead_unit_id, project.contractor_id
        )

    @property
    def edits_anything(self):
        return self.can_change_tasks or self.can_add_reports or self.can_change_reports


def scope_of(request):
    if not hasattr(request, "_edit_scope"):
        request._edit_scope = Scope(request.user)
    return request._edit_scope


def task_for_update(request, pk):
    task = get_object_or_404(Task.objects.select_related("plan__channel", "lead_unit"), pk=pk)
    if not scope_of(request).can_update_task(task):
        raise PermissionDenied
    return task


def project_for_report(request, pk):
    project = get_object_or_404(Project, pk=pk)
    if not scope_of(request).can_report_on(project):
        raise PermissionDenied
    return project


def report_for_update(request, pk):
    report = get_object_or_404(ProgressReport.objects.select_related("project"), pk=pk)
    if not scope_of(request).can_correct_report(report, report.project):
        raise PermissionDenied
    return report
