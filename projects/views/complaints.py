"""Complaints handled in a closed loop: the board of open complaints by stage with the counts
per unit, the list of every complaint, and a complaint's page with its reports, its timeline
and, for whoever may take it, the next step's form: 调配 dispatch, 处置 handle, 评价 evaluate
(or return for re-handling), 考核 assess. Recording one (发现) and adding a report to a case:
``projects.views.complaint_reports``; each case's number of reports is counted in the board's
and the list's queries.

Every step posts to its own URL with the time it happened; the server checks the user (403),
the stage (a clear message, nothing changed) and the time whatever the page showed. The writes
are ``projects.services.complaints``' transitions. A complaint opened by a patrol links to the
patrol
and shows its photos."""

import copy
import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Value,
    When,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView

from projects.forms.complaint_reports import ReportForm
from projects.forms.complaints import (
    STEP_FORMS,
    ComplaintBoardFilter,
    ComplaintFilter,
    EvaluateForm,
)
from projects.models import Complaint, ComplaintReport, ComplaintStep, PatrolRecord
from projects.models.complaints import STAGE_ORDER, Stage
from projects.services import complaint_queries as queries
from projects.services import complaints as loop
from projects.services.access import unit_id_of
from projects.services.complaint_reports import with_report_count
from projects.tables.complaints import ComplaintTable, UnitStatisticsTable
from projects.views.base import ListPage, TablesMixin

# The most cards a board column shows, whatever the stage holds: the column says how many there
# are in all and links to the list filtered to its stage (and the board's filters) for the rest.
BOARD_COLUMN_LIMIT = 20

# A step entered this long after it happened shows when it was entered too.
ENTERED_LATER = datetime.timedelta(minutes=10)

STEP_URLS = {
    Stage.DISPATCHED: "projects:complaint-dispatch",
    Stage.HANDLED: "projects:complaint-handle",
    Stage.EVALUATED: "projects:complaint-evaluate",
    Stage.ASSESSED: "projects:complaint-assess",
}


def stage_order():
    """The stage's place in the loop, for sorting (stages sort by meaning, not name)."""
    return Case(
        *[When(stage=stage, then=Value(index)) for index, stage in enumerate(STAGE_ORDER)],
        output_field=IntegerField(),
    )


class ComplaintBoardView(LoginRequiredMixin, TablesMixin, FilterView):
    """The open complaints as a board, one column per stage, overdue ones flagged; below it
    the counts and average handling time per unit. The filters apply to both."""

    template_name = "projects/complaints/board.html"
    filterset_class = ComplaintBoardFilter
    export_name = "complaints-by-unit"

    def get_queryset(self):
        return Complaint.objects.all()

    def build_tables(self):
        return {"units": UnitStatisticsTable(queries.unit_statistics(self.object_list))}

    def columns(self):
        open_complaints = self.object_list.exclude(stage=Stage.ASSESSED)
        # Each stage's open complaints and overdue ones, counted over all of them (one query).
        counts, self.overdue_count = {}, 0
        for stage, count, overdue in (
            open_complaints.order_by()
            .values_list("stage")
            .annotate(n=Count("pk"), late=Count("pk", filter=queries.overdue_q()))
            .values_list("stage", "n", "late")
        ):
            counts[stage] = count
            self.overdue_count += overdue
        # Each stage's first cards, read from the (stage, deadline) index: one short query a
        # stage (four, whatever the board holds) rather than numbering every open complaint.
        today = timezone.localdate()
        by_stage = {stage: [] for stage in STAGE_ORDER[:-1]}
        for stage, stage_cards in by_stage.items():
            stage_cards.extend(
                with_report_count(open_complaints.filter(stage=stage))
                .select_related("assigned_unit", "channel")
                .order_by(F("deadline").asc(nulls_last=True), "received_at", "pk")[
                    :BOARD_COLUMN_LIMIT
                ]
            )
            for card in stage_cards:
                card.age_days = (today - timezone.localtime(card.received_at).date()).days
                card.days_overdue = (today - card.deadline).days if card.overdue else 0
        list_url = reverse("projects:complaint-list")
        query = self.request.GET.copy()
        columns = []
        for stage, stage_cards in by_stage.items():
            query["stage"] = stage
            columns.append(
                {
                    "stage": stage,
                    "label": Stage(stage).label,
                    "next": loop.next_stage(Complaint(stage=stage)).label,
                    "cards": stage_cards,
                    "count": counts.get(stage, 0),
                    "more_url": f"{list_url}?{query.urlencode()}",
                }
            )
        return columns

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = self.columns()
        context["overdue_count"] = self.overdue_count
        context["can_add"] = self.request.user.has_perm("projects.add_complaint")
        return context


class ComplaintListView(ListPage):
    """Every complaint, closed ones too, with filters and CSV/XLSX export."""

    model = Complaint
    table_class = ComplaintTable
    filterset_class = ComplaintFilter
    template_name = "projects/complaints/list.html"
    export_name = "complaints"

    def get_queryset(self):
        return queries.with_overdue(
            with_report_count(
                Complaint.objects.select_related("assigned_unit", "channel", "outfall", "problem")
            )
        ).annotate(stage_order=stage_order())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("projects.add_complaint")
        return context


# -- A complaint's page and its steps -------------------------------------------------------


class ComplaintPage(LoginRequiredMixin):
    """A complaint's page: its facts, its timeline and, for a user who may take it, the form
    of its next step."""

    template_name = "projects/complaints/detail.html"

    def get_complaint(self):
        steps = ComplaintStep.objects.select_related("user").prefetch_related("photos")
        reports = ComplaintReport.objects.select_related("created_by")
        patrols = PatrolRecord.objects.select_related(
            "post__station", "channel", "pumping_station"
        ).prefetch_related("photos")
        return get_object_or_404(
            Complaint.objects.select_related(
                "channel",
                "outfall",
                "problem__plan",
                "assigned_unit",
                "created_by",
                "assessment_deduction__item",
                "assessment_deduction__assessment",
            ).prefetch_related(
                Prefetch("steps", queryset=steps),
                Prefetch("reports", queryset=reports),
                Prefetch("patrol_records", queryset=patrols),
            ),
            pk=self.kwargs["pk"],
        )

    def unit_id(self):
        """The user's unit, read only when it decides something (a unit editor handling)."""
        user = self.request.user
        if user.has_perm("projects.change_complaint") and not user.has_perm(
            "projects.edit_any_unit"
        ):
            return unit_id_of(user)
        return None

    def report_form(self, complaint):
        """The form of another report, for a user who may add one to the open case."""
        if not complaint.is_open or not self.request.user.has_perm("projects.add_complaintreport"):
            return None
        return ReportForm(prefix="report")

    def may_take(self, complaint, stage):
        return loop.may_take_step(self.request.user, complaint, stage, self.unit_id())

    def next_form(self, complaint):
        stage = loop.next_stage(complaint)
        if stage is None or not self.may_take(complaint, stage):
            return None
        return STEP_FORMS[stage](instance=complaint_copy(complaint))

    def render_page(self, complaint, form, status=200):
        return render(
            self.request, self.template_name, self.page_context(complaint, form), status=status
        )

    def page_context(self, complaint, form):
        steps = list(complaint.steps.all())
        previous = None
        for step in steps:
            # A handling sent back by the evaluation: a 调配 step right after a 处置 step.
            step.is_return = step.stage == Stage.DISPATCHED and previous == Stage.HANDLED
            step.entered_later = step.recorded_at - step.at > ENTERED_LATER
            previous = step.stage
        context = {
            "complaint": complaint,
            "steps": steps,
            "patrols": list(complaint.patrol_records.all()),
            "reports": list(complaint.reports.all()),
            "report_form": self.report_form(complaint),
            "handling_days": handling_days(complaint),
            "stages": stage_track(complaint),
            "form": form,
            "deduction": complaint.assessment_deduction,
            "assessment_url": assessment_url(complaint.assessment_deduction),
        }
        if form is not None:
            context["step_label"] = Stage(form.step).label
            context["step_url"] = reverse(STEP_URLS[form.step], args=[complaint.pk])
            if form.step == Stage.ASSESSED:
                context.update(assess_context(complaint, form))
        return context


def complaint_copy(complaint):
    """The form works on its own copy: the page keeps showing the complaint as stored."""
    return copy.copy(complaint)


def add_errors(form, error, names=None):
    """A transition's refusal on the form: under the field it names when the form has it.
    ``names``: {form field: the field the error names} where they differ."""
    fields_of = {named: field for field, named in (names or {}).items()}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = fields_of.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def handling_days(complaint):
    """Receipt to handling in days, a whole number when it is one (“9”), else one decimal."""
    duration = complaint.handling_time
    if duration is None:
        return None
    days = round(duration.total_seconds() / 86400, 1)
    return f"{days:.0f}" if days == int(days) else f"{days:.1f}"


def stage_track(complaint):
    """The five stages with whether each is done or current, for the stage track."""
    index = complaint.stage_index
    return [
        {"stage": stage, "label": stage.label, "done": i <= index, "current": i == index}
        for i, stage in enumerate(STAGE_ORDER)
    ]


def assessment_url(deduction):
    """The page of the assessment a deduction is in, when the assessment pages exist."""
    if deduction is None:
        return None
    try:
        return reverse("projects:assessment-detail", args=[deduction.assessment_id])
    except NoReverseMatch:
        return None


def assess_context(complaint, form):
    """Why an item is suggested, and where a deduction would go."""
    context = {"suggested_item": form.suggested}
    if loop.handled_late(complaint):
        handled = timezone.localtime(complaint.handled_at).date()
        context["late_days"] = (handled - complaint.deadline).days
    unit = complaint.assigned_unit
    context["deductible"] = unit is not None and unit.kind == unit.Kind.STATION
    if complaint.handled_at:
        context["assessment_month"] = loop.assessment_month(complaint)
    return context


class ComplaintDetailView(ComplaintPage, TemplateView):
    def get(self, request, *args, **kwargs):
        complaint = self.get_complaint()
        return self.render_page(complaint, self.next_form(complaint))


class StepView(ComplaintPage, View):
    """One step of the loop: GET shows the complaint's page with the step's form, POST takes
    the step. 403 for a user who may not take it; a complaint at another stage is sent back to
    its page with a message saying why, nothing changed."""

    step = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.complaint = self.get_complaint()
        if not self.may_take(self.complaint, self.step):
            raise PermissionDenied
        if self.complaint.stage != loop.PREVIOUS_STAGE[self.step]:
            return self.refuse_stage(loop.WrongStage(self.complaint, self.step))
        return super().dispatch(request, *args, **kwargs)

    def refuse_stage(self, error):
        messages.error(self.request, error.messages[0])
        return redirect(self.complaint)

    def form_class(self):
        return STEP_FORMS[self.step]

    def form_kwargs(self):
        return {"instance": complaint_copy(self.complaint)}

    def get(self, request, *args, **kwargs):
        return self.render_page(self.complaint, self.form_class()(**self.form_kwargs()))

    def post(self, request, *args, **kwargs):
        form = self.form_class()(request.POST, request.FILES, **self.form_kwargs())
        if form.is_valid():
            try:
                self.take_step(form, form.cleaned_data["expected_version"])
            except loop.WrongStage as error:
                return self.refuse_stage(error)
            except loop.StaleComplaint as stale:
                form.refuse_stale(stale.expected, stale.current)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, self.success_message())
                return redirect(self.complaint)
        return self.render_page(self.complaint, form)

    def take_step(self, form, version):
        raise NotImplementedError

    def success_message(self):
        return _("%(step)s of complaint %(number)s has been recorded.") % {
            "step": Stage(self.step).label,
            "number": self.complaint.number,
        }


class DispatchView(StepView):
    step = Stage.DISPATCHED

    def take_step(self, form, version):
        data = form.cleaned_data
        loop.dispatch(
            self.complaint,
            self.request.user,
            assigned_unit=data["assigned_unit"],
            deadline=data["deadline"],
            note=data["note"],
            expected_version=version,
            at=data["at"],
        )


class HandleView(StepView):
    step = Stage.HANDLED

    def take_step(self, form, version):
        loop.handle(
            self.complaint,
            self.request.user,
            action_taken=form.cleaned_data["action_taken"],
            cause=form.cleaned_data["cause"],
            photos=form.cleaned_data["photos"],
            expected_version=version,
            at=form.cleaned_data["at"],
        )


class EvaluateView(StepView):
    step = Stage.EVALUATED

    def returning(self):
        return self.request.method == "POST" and EvaluateForm.RETURN in self.request.POST

    def form_kwargs(self):
        return {**super().form_kwargs(), "returning": self.returning()}

    def take_step(self, form, version):
        data = form.cleaned_data
        loop.evaluate(
            self.complaint,
            self.request.user,
            satisfaction=data["satisfaction"],
            note=data["note"],
            return_for_rehandling=self.returning(),
            deadline=data["new_deadline"],
            expected_version=version,
            at=data["at"],
        )

    def success_message(self):
        if self.returning():
            return _("Complaint %(number)s has been returned to %(unit)s for re-handling.") % {
                "number": self.complaint.number,
                "unit": self.complaint.assigned_unit,
            }
        return super().success_message()


class AssessView(StepView):
    step = Stage.ASSESSED

    def take_step(self, form, version):
        self.item = form.cleaned_data["item"]
        loop.assess(
            self.complaint,
            self.request.user,
            item=self.item,
            note=form.cleaned_data["note"],
            expected_version=version,
            at=form.cleaned_data["at"],
        )

    def success_message(self):
        if self.item is None:
            return _("Complaint %(number)s has been closed without a deduction.") % {
                "number": self.complaint.number
            }
        return _(
            "Complaint %(number)s has been closed; %(item)s is deducted in the maintenance "
            "assessment of %(unit)s."
        ) % {
            "number": self.complaint.number,
            "item": self.item,
            "unit": self.complaint.assigned_unit,
        }
