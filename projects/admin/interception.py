"""Old-village interception batches with their named works (a batch never names more works
than it declares)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.admin.audit import (
    HistoryAdmin,
)
from projects.admin.base import (
    EMPTY,
    AdminForm,
    ConstraintMessageFormSet,
    TextareaSizes,
)
from projects.admin.works import ProgressReportInline, ProjectAdminBase
from projects.models import (
    InterceptionBatch,
    Stream,
    VillageWork,
)
from projects.services.queries import count_of


def too_many_villages(named, declared):
    return ValidationError(
        _(
            "The batch names %(named)s interception works but declares only %(declared)s: "
            "raise the number of works or remove names."
        ),
        code="too_many_villages",
        params={"named": named, "declared": declared},
    )


class VillageWorkFormSet(ConstraintMessageFormSet):
    """A batch cannot name more villages than the number it declares."""

    def clean(self):
        super().clean()
        declared = getattr(self.instance, "works_count", None)
        if declared is None:
            return
        named = sum(
            1
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)
        )
        if named > declared:
            raise too_many_villages(named, declared)


class VillageWorkInline(TextareaSizes, admin.TabularInline):
    model = VillageWork
    form = AdminForm
    formset = VillageWorkFormSet
    extra = 0
    fields = ["sequence", "name", "pipe_length_m", "note"]
    textarea_sizes = {"note": (1, 40)}


@admin.register(InterceptionBatch)
class InterceptionBatchAdmin(ProjectAdminBase):
    list_display = [
        "batch_number",
        "name",
        "status",
        "named_villages",
        "pipe_length_m",
        "investment_wan",
        "percent",
        "cumulative_investment",
        "overdue",
    ]
    list_display_links = ["batch_number", "name"]
    readonly_fields = [*ProjectAdminBase.readonly_fields, "named_villages"]
    default_stream = Stream.INTERCEPT
    detail_fieldsets = [
        (
            _("Interception batch"),
            {"fields": ["batch_number", "works_count", "named_villages", "pipe_length_m"]},
        )
    ]
    inlines = [VillageWorkInline, ProgressReportInline]

    def get_queryset(self, request):
        # The count of ``for_table()``, without a GROUP BY (see ``count_of``).
        return (
            super()
            .get_queryset(request)
            .annotate(named_count=count_of(VillageWork.objects.all(), "batch"))
        )

    @admin.display(description=_("named works / declared"), ordering="named_count")
    def named_villages(self, obj):
        if obj is None or obj.pk is None:
            return EMPTY
        return f"{getattr(obj, 'named_count', 0)} / {obj.works_count}"


class VillageWorkAdminForm(AdminForm):
    def clean(self):
        cleaned = super().clean()
        batch = cleaned.get("batch")
        if batch is not None:
            others = batch.villages.exclude(pk=self.instance.pk).count()
            if others + 1 > batch.works_count:
                self.add_error("batch", too_many_villages(others + 1, batch.works_count))
        return cleaned


@admin.register(VillageWork)
class VillageWorkAdmin(HistoryAdmin):
    form = VillageWorkAdminForm
    list_display = ["name", "batch", "sequence", "pipe_length_m"]
    list_filter = [("batch", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["batch"]
    search_fields = ["name", "note", "batch__name"]
    autocomplete_fields = ["batch", "source"]
    fields = ["batch", "sequence", "name", "pipe_length_m", "note", "source"]
