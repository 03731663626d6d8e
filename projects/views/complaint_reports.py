"""Receiving complaints: recording one (发现), as a new case or as another report of an open
case chosen in a search box, and adding a report to an open case from its page. Each report
keeps its source and reporter; the case is handled once (``projects.services.complaints``),
the reports are ``projects.services.complaint_reports``'."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from projects.forms.complaint_reports import ReportForm
from projects.forms.complaints import ComplaintCreateForm
from projects.services import complaint_reports as reports
from projects.services import complaints as loop
from projects.views.complaints import ComplaintPage, add_errors


def report_added(request, report):
    messages.success(
        request,
        _("The report has been added to complaint %(number)s, which now has %(count)s reports.")
        % {"number": report.complaint.number, "count": report.complaint.reports.count()},
    )


class ComplaintCreateView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """发现: record a complaint as it comes in, with photos. The same complaint sent twice by
    the same user is recorded once (``open_complaint``'s ``refuse_duplicate``). With a case
    chosen, it is that case's next report instead (no new case)."""

    permission_required = "projects.add_complaint"
    form_class = ComplaintCreateForm
    template_name = "projects/complaints/form.html"

    def form_valid(self, form):
        case = form.cleaned_data.get("case")
        if case is not None:
            return self.add_to_case(form, case)
        try:
            complaint = loop.open_complaint(
                self.request.user,
                photos=form.cleaned_data["photos"],
                refuse_duplicate=True,
                **form.complaint_fields(),
            )
        except loop.AlreadyRecorded as duplicate:
            # The form sent twice (a double click, a resent page): show the one recorded.
            messages.info(
                self.request,
                _(
                    "You recorded this same complaint a moment ago as %(number)s: it is shown "
                    "here, and was not recorded twice."
                )
                % {"number": duplicate.complaint.number},
            )
            return redirect(duplicate.complaint)
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        except IntegrityError:
            # Many complaints recorded at the same moment took every number it drew.
            form.add_error(None, _("The complaint could not be numbered: please save again."))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Complaint %(number)s has been recorded.") % {"number": complaint.number},
        )
        return redirect(complaint)

    def add_to_case(self, form, case):
        if not self.request.user.has_perm("projects.add_complaintreport"):
            raise PermissionDenied
        try:
            report = reports.add_report(
                case,
                self.request.user,
                photos=form.cleaned_data["photos"],
                **form.report_fields(),
            )
        except ValidationError as error:
            add_errors(form, error, names=form.REPORT_FIELDS)
            return self.form_invalid(form)
        report_added(self.request, report)
        return redirect(report.complaint)


class AddReportView(ComplaintPage, View):
    """Another report of the problem, added to the open case from its page: GET shows the
    page with the form, POST adds it (403 without the permission; a closed case: a message,
    nothing added)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("projects.add_complaintreport"):
            raise PermissionDenied
        self.complaint = self.get_complaint()
        if not self.complaint.is_open:
            messages.error(request, reports.CaseClosed(self.complaint).messages[0])
            return redirect(self.complaint)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_page(self.complaint, self.next_form(self.complaint))

    def post(self, request, *args, **kwargs):
        form = ReportForm(request.POST, prefix="report")
        if form.is_valid():
            try:
                report = reports.add_report(self.complaint, request.user, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                report_added(request, report)
                return redirect(self.complaint)
        context = self.page_context(self.complaint, self.next_form(self.complaint))
        context["report_form"] = form
        return render(request, self.template_name, context)
