"""Patrols of the municipal stations: the stations with this month's coverage, a station's
posts, patrols and unpatrolled channels, every patrol record (filtered, exported), one record
with its photos, and recording a patrol from a phone. Reading is open to everyone logged in;
recording is scoped by ``projects.services.patrol_access``."""

import datetime
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from projects.core.months import month_bounds, next_month, previous_month, this_month
from projects.forms.patrols import MonthForm, PatrolRecordFilter, PatrolRecordForm, record_patrol
from projects.models import Measure, PatrolPost, PatrolRecord, Photo, ResponsibleUnit
from projects.services.patrol_access import patrol_scope_of
from projects.services.patrols import unpatrolled_channels, unpatrolled_counts
from projects.services.queries import count_of, photos_of
from projects.tables.patrols import (
    PatrolRecordTable,
    PostTable,
    StationPatrolTable,
    StationTable,
    UnpatrolledTable,
    optional_url,
)
from projects.views.base import ListPage, TablesMixin

# --- reads shared by the pages ---------------------------------------------------------------


def patrol_records():
    """Patrol records with what their rows show: station, post, place, what they opened and
    how many photos they have. One query for any number of rows."""
    return PatrolRecord.objects.select_related(
        "post__station", "channel", "pumping_station", "problem__plan", "complaint"
    ).annotate(photo_count=count_of(photos_of(PatrolRecord), "object_id"))


def in_month(records, month):
    start, end = month_bounds(month)
    return records.filter(patrolled_at__gte=start, patrolled_at__lt=end)


def stations_with_figures(month):
    """Every municipal station with its active posts, the distinct channels they cover, the
    month's patrols and findings, and (in Python, from ``unpatrolled_counts``) how many
    channels are overdue for a patrol. Two queries."""
    start, end = month_bounds(month)
    records = PatrolRecord.objects.filter(patrolled_at__gte=start, patrolled_at__lt=end)
    covered = PatrolPost.channels.through.objects.filter(patrolpost__active=True)
    stations = list(
        ResponsibleUnit.objects.filter(kind=ResponsibleUnit.Kind.STATION).annotate(
            posts_count=count_of(PatrolPost.objects.filter(active=True), "station"),
            channels_count=count_of(covered, "patrolpost__station", "channel", distinct=True),
            patrols_count=count_of(records, "post__station"),
            findings_count=count_of(records.exclude(findings=""), "post__station"),
        )
    )
    unpatrolled = unpatrolled_counts()
    for station in stations:
        station.unpatrolled_count = unpatrolled.get(station.pk, 0)
    return stations


def channel_patrol_posts(channel, now=None):
    """The active posts covering ``channel``, each with ``last_patrolled_at`` (its latest patrol
    of the channel) and ``overdue`` (not patrolled within the post's interval). One query."""
    now = now or timezone.now()
    # Each post channel's latest patrol is kept (PostChannelPatrol): read, not searched for.
    posts = list(
        PatrolPost.objects.filter(channels=channel, active=True)
        .filter(channel_patrols__channel=channel)
        .select_related("station")
        .annotate(last_patrolled_at=F("channel_patrols__last_patrolled_at"))
    )
    for post in posts:
        due = now - datetime.timedelta(days=post.effective_interval_days)
        post.overdue = post.last_patrolled_at is None or post.last_patrolled_at < due
    return posts


def measure_photos(plan):
    """{measure pk: [photos]} for the measures of ``plan``, in one query."""
    photos = defaultdict(list)
    measures = Measure.objects.filter(plan=plan).values("pk")
    for photo in photos_of(Measure).filter(object_id__in=measures):
        photos[photo.object_id].append(photo)
    return photos


# --- pages -----------------------------------------------------------------------------------


class StationListView(LoginRequiredMixin, TablesMixin, TemplateView):
    template_name = "projects/patrols/station_list.html"
    export_name = "stations"

    def build_tables(self):
        return {"stations": StationTable(stations_with_figures(this_month()))}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["month"] = this_month()
        context["may_record"] = patrol_scope_of(self.request).may_record
        return context


class StationDetailView(LoginRequiredMixin, TablesMixin, TemplateView):
    template_name = "projects/patrols/station_detail.html"

    @property
    def export_name(self):
        return f"station-{self.kwargs['pk']}"

    def get_station(self):
        if not hasattr(self, "_station"):
            self._station = get_object_or_404(
                ResponsibleUnit, pk=self.kwargs["pk"], kind=ResponsibleUnit.Kind.STATION
            )
        return self._station

    def get_month_form(self):
        if not hasattr(self, "_month_form"):
            self._month_form = MonthForm(self.request.GET or None)
        return self._month_form

    def get_month(self):
        return self.get_month_form().month_or(this_month())

    def may_record(self):
        return patrol_scope_of(self.request).may_record_for(self.get_station().pk)

    def build_tables(self):
        station = self.get_station()
        posts = PatrolPost.objects.filter(station=station).prefetch_related(
            "channels", "pumping_stations"
        )
        patrols = in_month(patrol_records().filter(post__station=station), self.get_month())
        return {
            "posts": PostTable(posts, may_record=self.may_record()),
            "patrols": StationPatrolTable(patrols),
            "unpatrolled": UnpatrolledTable(unpatrolled_channels(station)),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = self.get_month()
        context.update(
            station=self.get_station(),
            month=month,
            month_form=self.get_month_form(),
            previous_month=f"{previous_month(month):%Y-%m}",
            next_month=f"{next_month(month):%Y-%m}" if month < this_month() else None,
            may_record=self.may_record(),
        )
        return context


class PatrolListView(ListPage):
    model = PatrolRecord
    table_class = PatrolRecordTable
    filterset_class = PatrolRecordFilter
    template_name = "projects/patrols/patrol_list.html"
    export_name = "patrols"

    def get_queryset(self):
        return patrol_records()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_record"] = patrol_scope_of(self.request).may_record
        return context


class PatrolDetailView(LoginRequiredMixin, TemplateView):
    template_name = "projects/patrols/patrol_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = get_object_or_404(
            patrol_records().select_related("recorded_by"), pk=self.kwargs["pk"]
        )
        photos = list(photos_of(PatrolRecord).filter(object_id=record.pk))
        context.update(
            record=record,
            before=[p for p in photos if p.phase == Photo.Phase.BEFORE],
            after=[p for p in photos if p.phase == Photo.Phase.AFTER],
            other=[p for p in photos if p.phase == Photo.Phase.OTHER],
            complaint_url=optional_url(record.complaint) if record.complaint_id else None,
        )
        return context


class PatrolCreateView(LoginRequiredMixin, FormView):
    """Record a patrol, from a phone on site: the post (one of the user's station's, any for an
    administrator), where, what was done, what was found, photos; a finding can open a problem
    on the channel's plan and a work order. A post that is not the user's: 403."""

    template_name = "projects/patrols/patrol_form.html"
    form_class = PatrolRecordForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.scope = patrol_scope_of(request)
        if not self.scope.may_record:
            raise PermissionDenied
        self.chosen_post = self.requested_post()
        return super().dispatch(request, *args, **kwargs)

    def requested_post(self):
        """The post asked for (?post= on the page, the form's post when posted): 403 when it is
        not the user's; an id that names no post is left to the form (or ignored on GET)."""
        raw = (self.request.POST if self.request.method == "POST" else self.request.GET).get(
            "post", ""
        )
        if not raw.isdigit():
            return None
        post = PatrolPost.objects.select_related("station").filter(pk=int(raw)).first()
        if post is None:
            if self.request.method == "GET":
                raise Http404
            return None
        if not self.scope.may_record_on(post):
            raise PermissionDenied
        return post

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "scope": self.scope,
            "user": self.request.user,
            "post": self.chosen_post,
        }

    def form_valid(self, form):
        record = record_patrol(form, self.request.user)
        place = record.channel or record.pumping_station
        messages.success(
            self.request,
            _("The patrol of %(place)s has been recorded.") % {"place": place.name},
        )
        if record.problem_id:
            messages.success(
                self.request,
                _("A problem was added to the plan of %(channel)s.")
                % {"channel": record.problem.plan.channel.name},
            )
        if record.complaint_id:
            messages.success(
                self.request,
                _("Work order %(number)s was opened.") % {"number": record.complaint.number},
            )
        url = reverse("projects:station-detail", args=[record.post.station_id])
        month = timezone.localtime(record.patrolled_at)
        return redirect(f"{url}?month={month:%Y-%m}")

    def form_invalid(self, form):
        messages.error(
            self.request,
            _(
                "The patrol was not recorded: correct what is marked below. Photos have to be "
                "chosen again."
            ),
        )
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(post=self.chosen_post, **kwargs)
