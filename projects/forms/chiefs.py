"""River chiefs: the register's filters and the form that records a chief's inspection."""

import django_filters as filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects.core.event_times import BoundedDates
from projects.forms.edits import DateInput
from projects.forms.filters import YesNoFilter
from projects.forms.photos import MultiplePhotoField
from projects.forms.widgets import use_lookup
from projects.models import Channel, ChiefAssignment, ChiefInspection, RiverChief
from projects.models.chiefs import Level
from projects.services.chiefs import chiefs_with_term


def all_channels(request):
    return Channel.objects.all()


class RiverChiefFilter(filters.FilterSet):
    """Each filter asks for a term of the chief: at the level, on the channel, serving today,
    missed today. 全部 (empty) by default: a form sent untouched filters nothing."""

    q = filters.CharFilter(label=_("Search"), method="search")
    level = filters.ChoiceFilter(label=_("Chief level"), choices=Level.choices, method="by_level")
    channel = filters.ModelChoiceFilter(
        label=_("Channel"), queryset=all_channels, method="by_channel"
    )
    serving = YesNoFilter(label=_("Serving now"), method="by_serving")
    missed = YesNoFilter(label=_("Missed inspections"), method="by_missed")

    class Meta:
        model = RiverChief
        fields = ("q", "level", "channel", "serving", "missed")

    @property
    def form(self):
        if not hasattr(self, "_form"):
            # A district's channels can be thousands: always a search box.
            use_lookup(super().form.fields["channel"], "channels")
        return self._form

    @property
    def today(self):
        return timezone.localdate()

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(position__icontains=value) | Q(phone__icontains=value)
        )

    def by_level(self, queryset, name, value):
        return queryset.filter(chiefs_with_term(ChiefAssignment.objects.filter(level=value)))

    def by_channel(self, queryset, name, value):
        return queryset.filter(chiefs_with_term(ChiefAssignment.objects.filter(channel=value)))

    def by_serving(self, queryset, name, value):
        condition = chiefs_with_term(ChiefAssignment.objects.serving(self.today))
        return queryset.filter(condition if value else ~condition)

    def by_missed(self, queryset, name, value):
        condition = chiefs_with_term(ChiefAssignment.objects.missed(self.today))
        return queryset.filter(condition if value else ~condition)


class ChiefInspectionForm(BoundedDates, forms.ModelForm):
    """An inspection by ``chief`` of one of their channels on a day of one of their terms on
    it (a 2018 inspection entered today says 2018), how long, what was found, photos."""

    photos = MultiplePhotoField(label=_("Photos"))

    class Meta:
        model = ChiefInspection
        fields = ("channel", "inspected_on", "duration_minutes", "problems_found")
        widgets = {
            "inspected_on": DateInput(),
            "problems_found": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, chief, **kwargs):
        super().__init__(*args, **kwargs)
        self.chief = chief
        field = self.fields["channel"]
        field.queryset = Channel.objects.filter(chief_assignments__chief=chief).distinct()
        field.error_messages["invalid_choice"] = _("Choose one of the chief's channels.")
        self.has_channels = field.queryset.exists()
        self.fields["inspected_on"].label = capfirst(_("inspection date"))
        self.fields["duration_minutes"].widget.attrs.update(min=1, step=1)

    def clean_duration_minutes(self):
        minutes = self.cleaned_data.get("duration_minutes")
        if minutes is not None and minutes < 1:
            raise forms.ValidationError(_("The duration must be at least one minute."))
        return minutes

    def clean_problems_found(self):
        return self.cleaned_data.get("problems_found", "").strip()

    def clean(self):
        cleaned = super().clean()
        channel, day = cleaned.get("channel"), cleaned.get("inspected_on")
        if channel is not None and day is not None and not self.has_error("inspected_on"):
            terms = ChiefAssignment.objects.filter(chief=self.chief, channel=channel)
            held = terms.filter(Q(term_end__isnull=True) | Q(term_end__gte=day))
            if not held.filter(term_start__lte=day).exists():
                self.add_error(
                    "inspected_on",
                    _("%(chief)s was not a river chief of %(channel)s on that day.")
                    % {"chief": self.chief.name, "channel": channel.name},
                )
        return cleaned
