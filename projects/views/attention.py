"""What needs attention, listed whole: the items of the dashboard's panel and of the daily
digests (``projects.services.alert_rules``), in the user's scope (``summary.attention_scope``),
filtered by kind and severity and paginated in the database."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from projects.forms.attention import AttentionFilterForm
from projects.services.alerts import ItemRows
from projects.services.summary import attention_scope, kind_counts
from projects.tables.attention import AttentionTable
from projects.views.base import PER_PAGE


class AttentionListView(LoginRequiredMixin, SingleTableMixin, TemplateView):
    """Every item that needs the user's attention, overdue first. An administrator sees every
    unit's and the unassigned ones; a unit's member their unit's; anybody else is refused, as
    the dashboard shows them no panel."""

    template_name = "projects/attention/list.html"
    table_class = AttentionTable
    table_pagination = {"per_page": PER_PAGE}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.scope = attention_scope(request.user)
            if self.scope is None:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        if not hasattr(self, "_form"):
            self._form = AttentionFilterForm(self.request.GET or None)
        return self._form

    def get_rows(self):
        if not hasattr(self, "_rows"):
            form = self.get_form()
            kind = form.choice("kind")
            today = timezone.localdate()
            self._rows = ItemRows(
                today,
                settings.ALERT_DAYS_AHEAD,
                unit=self.scope.unit,
                kinds=[kind] if kind else None,
                severity=form.choice("severity"),
            )
        return self._rows

    def get_table(self, **kwargs):
        return super().get_table(all_units=self.scope.all_units, **kwargs)

    def get_table_data(self):
        return self.get_rows()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.get_rows()
        context.update(
            filter={"form": self.get_form()},
            unit=self.scope.unit,
            days_ahead=settings.ALERT_DAYS_AHEAD,
            kinds=kind_counts(rows.counts),
        )
        return context
