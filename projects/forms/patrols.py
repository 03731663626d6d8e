"""Recording a patrol from a phone, the filters of the patrol list, the station page's month,
and ``record_patrol``: the record, its photos and what its finding opens, in one transaction."""

import django_filters as filters
from django import forms
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.core.event_times import EARLIEST, EventTimeField
from projects.core.months import this_month
from projects.forms.edits import DateInput, MonthField
from projects.forms.filters import DateRangeFilter, YesNoFilter
from projects.forms.photos import MultiplePhotoField, MultiplePhotoInput
from projects.forms.widgets import LIST_LIMIT, lookup_when_long, use_lookup
from projects.models import (
    Channel,
    Complaint,
    PatrolPost,
    PatrolRecord,
    Photo,
    Plan,
    Problem,
    PumpingStation,
    ResponsibleUnit,
)
from projects.services.complaints import open_complaint
from projects.services.photos import attach_photo_sets


class CameraInput(MultiplePhotoInput):
    """Several photos. No ``capture`` attribute: with it a phone opens the camera for one shot
    and hides the gallery; without it the phone offers both, and several photos at once."""


def _choice(label, choices):
    return forms.ChoiceField(label=label, required=False, choices=[("", "---------"), *choices])


class PatrolRecordForm(forms.ModelForm):
    """One patrol of a post: where (a channel or a pumping station the post covers), what
    work, when (now by default; a patrol of 2018 entered today says 2018), who, what was found
    and done, before and after photos; a finding can open a problem on the channel's plan and
    a work order (received when the patrol took place, concerning that problem)."""

    patrolled_at = EventTimeField(
        label=capfirst(PatrolRecord._meta.get_field("patrolled_at").verbose_name),
        future_message=_("The patrol time cannot be in the future."),
    )
    before_photos = MultiplePhotoField(label=_("Photos before"), widget=CameraInput)
    after_photos = MultiplePhotoField(label=_("Photos after"), widget=CameraInput)
    open_problem = forms.BooleanField(
        label=_("Open a problem on the channel's plan"),
        required=False,
        help_text=_("Adds the finding to the problem list of the channel's plan (一河一策)."),
    )
    problem_category = _choice(_("Problem category"), Problem.Category.choices)
    problem_severity = _choice(_("Problem severity"), Problem.Severity.choices)
    open_work_order = forms.BooleanField(
        label=_("Open a work order"),
        required=False,
        help_text=_("Starts a work order at “found”, to be dispatched and handled."),
    )

    class Meta:
        model = PatrolRecord
        fields = (
            "post",
            "channel",
            "pumping_station",
            "kind",
            "patrolled_at",
            "patroller",
            "findings",
            "action_taken",
        )
        widgets = {
            "kind": forms.RadioSelect,
            "findings": forms.Textarea(attrs={"rows": 3}),
            "action_taken": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, scope, user, post=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.user = user
        self.problem_plan = None
        self.coverage = None  # post id → (channels, stations), when the lists are short

        posts = scope.posts()
        post_count = posts.count()
        self.has_posts = post_count > 0
        field = self.fields["post"]
        field.queryset = posts
        field.error_messages["invalid_choice"] = _(
            "Choose one of the active posts you may record patrols on."
        )
        if post_count > LIST_LIMIT:
            use_lookup(field, "posts")
        if post is not None:
            field.initial = post.pk
        elif post_count == 1:
            field.initial = posts.get().pk
        shown = posts if post is None else posts.filter(pk=post.pk)

        # Validation accepts any channel or pumping station, so that one outside the post gets
        # a message saying so. A few of them: a list of the posts', grouped by post; more: a
        # search box over those of the chosen post.
        places = sum(
            through.objects.filter(patrolpost__in=shown).count()
            for through in (PatrolPost.channels.through, PatrolPost.pumping_stations.through)
        )
        self.fields["channel"].queryset = Channel.objects.all()
        self.fields["pumping_station"].queryset = PumpingStation.objects.all()
        if places > LIST_LIMIT:
            for name, kind in (
                ("channel", "patrol-channels"),
                ("pumping_station", "patrol-stations"),
            ):
                use_lookup(self.fields[name], kind, depends_on=("id_post", "post"))
        else:
            self.list_places(scope, shown)
        self.fields["kind"].initial = PatrolRecord.Kind.INSPECTION
        self.fields["kind"].choices = PatrolRecord.Kind.choices
        self.fields["patroller"].initial = user.get_full_name() or user.get_username()
        if not scope.can_open_problem:
            for name in ("open_problem", "problem_category", "problem_severity"):
                del self.fields[name]
        if not scope.can_open_work_order:
            del self.fields["open_work_order"]

    def list_places(self, scope, shown):
        shown = list(shown.prefetch_related("channels", "pumping_stations"))
        self.coverage = {
            p.pk: (list(p.channels.all()), list(p.pumping_stations.all())) for p in shown
        }
        for name, index in (("channel", 0), ("pumping_station", 1)):
            field = self.fields[name]
            groups = [
                (
                    str(p) if scope.any_unit else p.name,
                    [(item.pk, item.name) for item in self.coverage[p.pk][index]],
                )
                for p in shown
            ]
            groups = [(label, items) for label, items in groups if items]
            if len(groups) == 1:
                groups = groups[0][1]
            field.widget.choices = [("", field.empty_label), *groups]
            if not groups:
                field.widget.attrs["disabled"] = True
        # Posts that cover one place only: that place.
        channels = {c.pk for p in shown for c in self.coverage[p.pk][0]}
        stations = {s.pk for p in shown for s in self.coverage[p.pk][1]}
        if len(channels) + len(stations) == 1:
            name = "channel" if channels else "pumping_station"
            self.fields[name].initial = next(iter(channels or stations))

    def covers(self, post, place, index):
        """Whether ``post`` covers the channel (index 0) or pumping station (1) ``place``."""
        if self.coverage is not None and post.pk in self.coverage:
            return place in self.coverage[post.pk][index]
        related = post.channels if index == 0 else post.pumping_stations
        return related.filter(pk=place.pk).exists()

    def clean_findings(self):
        return self.cleaned_data.get("findings", "").strip()

    def clean(self):
        cleaned = super().clean()
        post = cleaned.get("post")
        channel = cleaned.get("channel")
        station = cleaned.get("pumping_station")
        if channel and station:
            self.add_error(
                "pumping_station",
                _("Record one place per patrol: a channel or a pumping station, not both."),
            )
        elif not channel and not station and not self.has_error("channel"):
            self.add_error("channel", _("Choose the channel or pumping station patrolled."))
        elif post is not None:
            if channel and not self.covers(post, channel, 0):
                self.add_error(
                    "channel",
                    _("%(place)s is not covered by the post %(post)s.")
                    % {"place": channel.name, "post": post.name},
                )
            if station and not self.covers(post, station, 1):
                self.add_error(
                    "pumping_station",
                    _("%(place)s is not covered by the post %(post)s.")
                    % {"place": station.name, "post": post.name},
                )
        opens_problem = cleaned.get("open_problem")
        opens_work_order = cleaned.get("open_work_order")
        if (opens_problem or opens_work_order) and not cleaned.get("findings"):
            self.add_error(
                "findings", _("Describe what was found to open a problem or a work order.")
            )
        if opens_problem:
            self.clean_problem(cleaned, channel or (station.channel if station else None))
        return cleaned

    def clean_problem(self, cleaned, channel):
        for name in ("problem_category", "problem_severity"):
            if not cleaned.get(name):
                self.add_error(name, _("Choose this to open a problem."))
        if channel is None:
            if not self.has_error("channel") and not self.has_error("pumping_station"):
                self.add_error(
                    "open_problem",
                    _(
                        "This pumping station is on no channel: there is no plan to add a "
                        "problem to."
                    ),
                )
            return
        self.problem_plan = Plan.objects.filter(channel=channel).first()
        if self.problem_plan is None:
            self.add_error(
                "open_problem",
                _(
                    "%(channel)s has no one-river-one-policy plan, so no problem can be opened "
                    "on it; open a work order instead."
                )
                % {"channel": channel.name},
            )

    @property
    def photo_fields(self):
        return [self[name] for name in ("before_photos", "after_photos")]

    @property
    def finding_fields(self):
        names = ("open_problem", "problem_category", "problem_severity", "open_work_order")
        return [self[name] for name in names if name in self.fields]


def _first_line(text, length):
    line = next((part.strip() for part in text.splitlines() if part.strip()), text)
    return Truncator(line).chars(length)


@transaction.atomic
def record_patrol(form, user):
    """Save the patrol of a valid ``PatrolRecordForm``: the record (by ``user``), its before and
    after photos, and the problem and work order its finding opens, linked from the record (a
    work order opened with a problem concerns that problem). All or nothing: photo files
    written before a failure are removed again."""
    data = form.cleaned_data
    record = form.save(commit=False)
    record.recorded_by = user
    place = record.channel or record.pumping_station
    channel = record.channel or record.pumping_station.channel
    if data.get("open_problem"):
        problem = Problem(
            plan=form.problem_plan,
            title=_first_line(record.findings, 200),
            category=data["problem_category"],
            severity=data["problem_severity"],
            how_found=Problem.Found.PATROL,
            location=Truncator(place.name).chars(200),
            description=record.findings,
        )
        problem.full_clean()
        problem.save()
        record.problem = problem
    if data.get("open_work_order"):
        record.complaint = open_complaint(
            user,
            note=gettext("Found on patrol by %(patroller)s (%(post)s).")
            % {"patroller": record.patroller or user.get_username(), "post": record.post},
            source=Complaint.Source.PATROL,
            received_at=record.patrolled_at,
            location=Truncator(place.name).chars(200),
            channel=channel,
            problem=record.problem,
            description=record.findings,
        )
    record.full_clean()
    record.save()
    attach_photo_sets(
        record,
        [
            (Photo.Phase.BEFORE, data.get("before_photos") or []),
            (Photo.Phase.AFTER, data.get("after_photos") or []),
        ],
        user=user,
    )
    return record


# --- lists ---------------------------------------------------------------------------------


def stations(request):
    return ResponsibleUnit.objects.filter(kind=ResponsibleUnit.Kind.STATION)


def posts(request):
    return PatrolPost.objects.select_related("station")


def patrolled_channels(request):
    covered = PatrolPost.channels.through.objects.filter(channel=OuterRef("pk"))
    return Channel.objects.filter(Exists(covered))


class DateRange(filters.widgets.DateRangeWidget):
    """From and to, each a date picker."""

    def __init__(self, attrs=None):
        filters.widgets.SuffixedMultiWidget.__init__(self, (DateInput(), DateInput()), attrs)


class PatrolRecordFilter(filters.FilterSet):
    station = filters.ModelChoiceFilter(
        label=_("Municipal station"), field_name="post__station", queryset=stations
    )
    post = filters.ModelChoiceFilter(label=_("Post"), queryset=posts)
    channel = filters.ModelChoiceFilter(label=_("Channel"), queryset=patrolled_channels)
    kind = filters.ChoiceFilter(label=_("Work done"), choices=PatrolRecord.Kind.choices)
    patrolled = DateRangeFilter(
        label=_("Date"),
        field_name="patrolled_at",
        widget=DateRange,
    )
    has_finding = YesNoFilter(label=_("Has a finding"), method="filter_finding")

    class Meta:
        model = PatrolRecord
        fields = ("station", "post", "channel", "kind", "patrolled", "has_finding")

    @property
    def form(self):
        if not hasattr(self, "_form"):
            fields = super().form.fields
            lookup_when_long(fields["post"], "all-posts")
            lookup_when_long(fields["channel"], "channels")
        return self._form

    def filter_finding(self, queryset, name, value):
        return queryset.exclude(findings="") if value else queryset.filter(findings="")


class MonthForm(forms.Form):
    """The station page's ?month=YYYY-MM, from January 1990 to this month (a year 0001 or
    9999 is refused, and the page shows this month)."""

    month = MonthField(label=_("Month"), required=False)

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and not EARLIEST.date() <= month <= this_month():
            raise forms.ValidationError(_("Choose a month from January 1990 to this month."))
        return month

    def month_or(self, default):
        if self.is_valid() and self.cleaned_data["month"]:
            return self.cleaned_data["month"]
        return default
