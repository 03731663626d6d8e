"""River chiefs (河长): the register (filtered, exported), a chief's page (their channels with
the frequency each level must meet, the last inspection and the missed flag, and their
inspections), and recording an inspection. Reading is open to everyone logged in; recording
needs the permission to add inspections (administrators)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from projects.forms.chiefs import ChiefInspectionForm, RiverChiefFilter
from projects.models import RiverChief
from projects.services.chiefs import (
    chief_inspections,
    chief_terms,
    chiefs_for_list,
    record_inspection,
)
from projects.tables.chiefs import (
    CHANNELS_SHOWN,
    ChiefInspectionTable,
    ChiefTermTable,
    RiverChiefTable,
)
from projects.views.base import ListPage, TablesMixin

ADD_INSPECTION = "projects.add_chiefinspection"


class RiverChiefListView(ListPage):
    model = RiverChief
    table_class = RiverChiefTable
    filterset_class = RiverChiefFilter
    template_name = "projects/chiefs/chief_list.html"
    export_name = "river-chiefs"

    def get_queryset(self):
        # A page names each chief's first few channels (the chief's page has them all); a
        # download holds every one.
        exporting = self.request.GET.get("_export") in self.export_formats
        return chiefs_for_list(first=None if exporting else CHANNELS_SHOWN)

    def get_context_data(self, **kwargs):
        return super().get_context_data(frequency=settings.CHIEF_INSPECTION_DAYS, **kwargs)


class RiverChiefDetailView(LoginRequiredMixin, TablesMixin, TemplateView):
    template_name = "projects/chiefs/chief_detail.html"

    @property
    def export_name(self):
        return f"river-chief-{self.kwargs['pk']}"

    def get_chief(self):
        if not hasattr(self, "_chief"):
            self._chief = get_object_or_404(RiverChief, pk=self.kwargs["pk"])
        return self._chief

    def build_tables(self):
        chief = self.get_chief()
        today = timezone.localdate()
        return {
            "terms": ChiefTermTable(chief_terms(chief, today), today=today),
            "inspections": ChiefInspectionTable(chief_inspections(chief)),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            chief=self.get_chief(),
            may_record=self.request.user.has_perm(ADD_INSPECTION),
            **kwargs,
        )


class ChiefInspectionCreateView(LoginRequiredMixin, FormView):
    """Record an inspection by the chief: one of their channels, the day (within a term of
    theirs on it), how long, what was found, photos."""

    template_name = "projects/chiefs/inspection_form.html"
    form_class = ChiefInspectionForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(ADD_INSPECTION):
            raise PermissionDenied
        self.chief = get_object_or_404(RiverChief, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "chief": self.chief}

    def form_valid(self, form):
        inspection = record_inspection(self.chief, form.cleaned_data, self.request.user)
        messages.success(
            self.request,
            _("The inspection of %(channel)s on %(date)s has been recorded.")
            % {
                "channel": inspection.channel.name,
                "date": formats.date_format(inspection.inspected_on),
            },
        )
        return redirect(self.chief)

    def form_invalid(self, form):
        messages.error(
            self.request,
            _(
                "The inspection was not recorded: correct what is marked below. Photos have to "
                "be chosen again."
            ),
        )
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(chief=self.chief, **kwargs)
