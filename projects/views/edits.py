"""Editing in the site: a unit editor updates its tasks and files the monthly reports of its
projects; an administrator may do both for every unit. The server enforces the scope whatever
the page showed (see projects.services.access). A task's evidence file replaced or cleared is
deleted
from storage once the change is committed (``projects.core.stored_files``)."""

import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, View

from projects.core.stored_files import discard_new_files
from projects.forms.edits import ProgressReportForm, TaskAdministrationForm, TaskUpdateForm
from projects.models import Task
from projects.services.access import (
    project_for_report,
    report_for_update,
    scope_of,
    task_for_update,
)


class TaskUpdateView(LoginRequiredMixin, FormView):
    template_name = "projects/edits/task_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.task = task_for_update(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return TaskAdministrationForm if scope_of(self.request).any_unit else TaskUpdateForm

    def get_form_kwargs(self):
        # The form works on its own copy: the page keeps showing the task as stored.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.task)}

    def form_valid(self, form):
        if form.save_or_refuse() is None:
            # Refused after the new evidence file was written: it is no task's evidence.
            discard_new_files(form.instance, self.task)
            return self.form_invalid(form)
        messages.success(self.request, _("The task “%s” has been updated.") % self.task.content)
        return redirect(self.task.plan.channel)

    def get_context_data(self, **kwargs):
        return super().get_context_data(task=self.task, **kwargs)


class ReportFormMixin(LoginRequiredMixin, FormView):
    template_name = "projects/edits/report_form.html"
    form_class = ProgressReportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "project": self.project, "instance": self.report}

    def form_valid(self, form):
        report = form.save_or_refuse()
        if report is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The report for %(month)s has been saved.") % {"month": f"{report.month:%Y-%m}"},
        )
        return redirect(self.project.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(project=self.project, report=self.report, **kwargs)


class ReportCreateView(ReportFormMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.project = project_for_report(request, kwargs["pk"])
        self.report = None
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        form.instance.reported_by = self.request.user
        return super().form_valid(form)


class ReportUpdateView(ReportFormMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.report = report_for_update(request, kwargs["pk"])
        self.project = self.report.project
        return super().dispatch(request, *args, **kwargs)


class EvidenceView(LoginRequiredMixin, View):
    """A task's evidence file, for logged-in users only (never a public media URL)."""

    def get(self, request, pk):
        task = get_object_or_404(Task, pk=pk)
        if not task.evidence:
            raise Http404
        try:
            handle = task.evidence.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        return FileResponse(handle, as_attachment=True, filename=task.evidence.name.rsplit("/")[-1])
