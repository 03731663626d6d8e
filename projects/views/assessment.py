"""The monthly maintenance assessment: stations across months with their scores, fees and
trend; one assessment with its itemised deductions; the assessment items. Administrators edit
assessments and items in the admin, and may add a deduction from an assessment's page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from projects.forms.assessment import DeductionForm
from projects.models import AssessmentItem, MonthlyAssessment
from projects.services import assessment
from projects.standards.maintenance import describe
from projects.tables.assessment import AssessmentGridTable, AssessmentItemTable, DeductionTable
from projects.views.base import TablesMixin

ADD_DEDUCTION = "projects.add_deduction"


class AllRowsTablesMixin(TablesMixin):
    """``TablesMixin`` without pagination: each table shows all its rows."""

    per_page = None


def fee_rule_context():
    """The rule in force, highest band first, for the pages' explanation."""
    rule = assessment.fee_rule()
    return {"bands": describe(rule), "fee_floor": rule.floor_percent}


class AssessmentListView(LoginRequiredMixin, TablesMixin, TemplateView):
    """Stations (rows) across months (columns): score, fee and the change on the month before.
    The latest twelve months with assessments, or the twelve months of ``?year=``. A page of
    stations at a time (``services.assessment.StationRows`` reads only its stations'
    assessments); the download holds them all."""

    template_name = "projects/assessment/list.html"
    export_name = "assessments"

    def get_year(self):
        if not hasattr(self, "_year"):
            self.year_error = None
            text = self.request.GET.get("year", "").strip()
            self._year = None
            if text:
                if text.isdigit() and 2000 <= int(text) <= 2100:
                    self._year = int(text)
                else:
                    self.year_error = _("“%(year)s” is not a year: enter one such as 2018.") % {
                        "year": text
                    }
        return self._year

    def get_months(self):
        if not hasattr(self, "_months"):
            self._months = assessment.months_shown(self.get_year())
        return self._months

    def build_tables(self):
        months = self.get_months()
        rows = assessment.StationRows(months)
        return {"assessments": AssessmentGridTable(rows, months)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            year=self.get_year(),
            year_error=self.year_error,
            years=assessment.assessed_years(),
            months=self.get_months(),
            **fee_rule_context(),
        )
        return context


class AssessmentDetailView(LoginRequiredMixin, AllRowsTablesMixin, TemplateView):
    """One station's month: its deductions item by item, the score and the fee it earns."""

    template_name = "projects/assessment/detail.html"

    @property
    def export_name(self):
        return f"assessment-{self.kwargs['pk']}"

    def get_assessment(self):
        if not hasattr(self, "_assessment"):
            found = get_object_or_404(
                MonthlyAssessment.objects.select_related("station", "assessed_by"),
                pk=self.kwargs["pk"],
            )
            self._assessment = assessment.with_trend(found)
            self._deductions = assessment.deductions_of(found)
            self._lines = assessment.itemise(self._deductions)
        return self._assessment

    def build_tables(self):
        self.get_assessment()
        return {"deductions": DeductionTable(self._deductions)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = self.get_assessment()
        can_deduct = self.request.user.has_perm(ADD_DEDUCTION)
        context.update(
            assessment=found,
            lines=self._lines,
            **fee_rule_context(),
            can_deduct=can_deduct,
            form=(
                DeductionForm(assessment=found)
                if can_deduct and found.status != MonthlyAssessment.Status.FINAL
                else None
            ),
        )
        return context


class AssessmentItemListView(LoginRequiredMixin, AllRowsTablesMixin, TemplateView):
    """What is checked and what each failure costs, with where the items come from."""

    template_name = "projects/assessment/items.html"
    export_name = "assessment-items"

    def get_items(self):
        if not hasattr(self, "_items"):
            self._items = list(AssessmentItem.objects.order_by("-active", "code"))
        return self._items

    def build_tables(self):
        return {"items": AssessmentItemTable(self.get_items())}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        sources = {}
        for item in self.get_items():
            if item.source_note:
                sources.setdefault(item.source_note, []).append(item.code)
        context["sources"] = list(sources.items())
        return context


class DeductionCreateView(LoginRequiredMixin, FormView):
    """An administrator adds a deduction to an assessment still being assessed."""

    template_name = "projects/assessment/deduction_form.html"
    form_class = DeductionForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assessment = get_object_or_404(
            MonthlyAssessment.objects.select_related("station"), pk=kwargs["pk"]
        )
        if not request.user.has_perm(ADD_DEDUCTION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "assessment": self.assessment}

    def form_valid(self, form):
        deduction = form.save()
        messages.success(
            self.request,
            _("Deducted %(points)s points for %(item)s.")
            % {"points": deduction.points, "item": deduction.item.code},
        )
        return redirect(self.assessment.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(assessment=self.assessment, **kwargs)
