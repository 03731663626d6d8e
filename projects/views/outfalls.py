"""Outfalls and treatment plants: the outfall register (filtered, exported), an outfall's page
with its problems, measures, latest samples and photos, an administrator's outfall form, and a
plant's page with its outfalls and the plan problems put down to it. Reading is open to
everyone logged in; writing to administrators (``edit_any_unit``) holding the model's
permission."""

import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import IntegrityError, transaction
from django.db.models import Count, Window
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, TemplateView, UpdateView

from projects.forms.outfalls import OutfallFilter, OutfallForm
from projects.models import Outfall, Problem, Sample, TreatmentPlant
from projects.services.complaint_reports import with_report_count
from projects.services.queries import photos_of
from projects.tables.outfalls import OutfallTable, PlantOutfallTable, PlantProblemTable
from projects.tables.water import SampleTable
from projects.views.base import ListPage, TablesMixin
from projects.views.plan_edits import AdministratorsOnly

# The latest samples an outfall's page shows (the download holds them all), and the most
# sampling points it names.
LATEST_SAMPLES = 10
POINTS_SHOWN = 20
# The latest complaint cases an outfall's page lists (the complaints list holds them all).
COMPLAINTS_SHOWN = 10


class OutfallListView(ListPage):
    model = Outfall
    table_class = OutfallTable
    filterset_class = OutfallFilter
    template_name = "projects/outfalls/outfall_list.html"
    export_name = "outfalls"

    def get_queryset(self):
        return Outfall.objects.for_list()


class OutfallDetailView(LoginRequiredMixin, TablesMixin, TemplateView):
    """An outfall with everything recorded of it: its problems and measures (linked to its
    channel's plan), its sampling points and their latest ``LATEST_SAMPLES`` samples with how
    many there are (a window count in the same query), the latest ``COMPLAINTS_SHOWN``
    complaint cases about it with how many there are (each case once, whatever its number of
    reports), and its photos."""

    template_name = "projects/outfalls/outfall_detail.html"
    per_page = None

    @property
    def export_name(self):
        return f"outfall-{self.kwargs['pk']}"

    def get_outfall(self):
        if not hasattr(self, "_outfall"):
            self._outfall = get_object_or_404(
                Outfall.objects.select_related("channel", "plant"), pk=self.kwargs["pk"]
            )
        return self._outfall

    def build_tables(self):
        samples = (
            Sample.objects.filter(point__outfall=self.get_outfall())
            .select_related("point")
            .order_by("-sampled_at", "-pk")
        )
        if self.request.GET.get("_table") != "samples":
            samples = samples.annotate(total=Window(Count("pk")))[:LATEST_SAMPLES]
        self.samples = samples
        return {"samples": SampleTable(samples, order_by=(), orderable=False)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        outfall = self.get_outfall()
        # A download reads its rows itself; the page shows these, read once.
        exporting = self.request.GET.get("_table") == "samples"
        samples = [] if exporting else list(self.samples)
        complaints = list(
            with_report_count(outfall.complaints.all())
            .annotate(total=Window(Count("pk")))
            .order_by("-received_at", "-pk")[:COMPLAINTS_SHOWN]
        )
        points = list(outfall.sampling_points.order_by("sequence", "name")[: POINTS_SHOWN + 1])
        context.update(
            outfall=outfall,
            problems=list(outfall.problems.select_related("plan__channel").order_by("pk")),
            measures=list(
                outfall.measures.select_related("plan__channel", "technique").order_by("pk")
            ),
            points=points[:POINTS_SHOWN],
            more_points=len(points) > POINTS_SHOWN,
            samples_shown=len(samples),
            samples_total=samples[0].total if samples else 0,
            complaints=complaints,
            complaints_total=complaints[0].total if complaints else 0,
            photos=list(photos_of(Outfall).filter(object_id=outfall.pk)),
        )
        return context


class OutfallFormMixin(AdministratorsOnly):
    model = Outfall
    form_class = OutfallForm
    template_name = "projects/outfalls/outfall_form.html"

    def form_valid(self, form):
        try:
            with transaction.atomic():
                outfall = form.save()
        except IntegrityError:
            form.add_error(None, _("The outfall could not be saved: it conflicts with another."))
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"code": outfall.code})
        return redirect(outfall)


class OutfallCreateView(OutfallFormMixin, CreateView):
    """A new outfall; ``?channel=<pk>`` (the channel page's button) chooses its channel."""

    permissions = ("projects.add_outfall",)
    success_message = gettext_lazy("The outfall “%(code)s” has been recorded.")

    def get_initial(self):
        initial = super().get_initial()
        channel = self.request.GET.get("channel", "")
        if channel.isdigit() and len(channel) < 18:
            initial["channel"] = int(channel)
        return initial


class OutfallUpdateView(OutfallFormMixin, UpdateView):
    permissions = ("projects.change_outfall",)
    success_message = gettext_lazy("The outfall “%(code)s” has been saved.")

    def get_queryset(self):
        return Outfall.objects.select_related("channel", "plant")

    def get_form_kwargs(self):
        # The form works on its own copy: the page keeps showing the outfall as stored.
        return {**super().get_form_kwargs(), "instance": copy.copy(self.object)}


class PlantDetailView(LoginRequiredMixin, TablesMixin, TemplateView):
    """A treatment plant: its capacity and load, the outfalls that drain to it and the plan
    problems put down to it, each a paginated table of its own."""

    template_name = "projects/outfalls/plant_detail.html"

    @property
    def export_name(self):
        return f"plant-{self.kwargs['pk']}"

    def get_plant(self):
        if not hasattr(self, "_plant"):
            self._plant = get_object_or_404(TreatmentPlant, pk=self.kwargs["pk"])
        return self._plant

    def build_tables(self):
        plant = self.get_plant()
        return {
            "outfalls": PlantOutfallTable(
                Outfall.objects.filter(plant=plant).select_related("channel")
            ),
            "problems": PlantProblemTable(
                Problem.objects.filter(plant=plant).select_related("plan__channel")
            ),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(plant=self.get_plant(), **kwargs)
