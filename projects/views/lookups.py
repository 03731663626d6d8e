"""``/lookup/<kind>/?q=…``: the matches of what is typed in a search box over a big table
(``projects.forms.widgets.LookupSelect``), as JSON ``[{"id": …, "text": …}]`` — at most
``LOOKUP_LIMIT``, matching the name (case-insensitive, anywhere in it), ordered by name, read in
one query whatever they are.

Kinds:

- ``channels``: every channel;
- ``problems``: the plans' problems (``channel=``: of that channel's plan only; otherwise the
  text names the channel too, and the channel's name matches as well);
- ``outfalls``: the outfalls, matching the code or the place (``channel=``: of that channel
  only; otherwise the text names the channel too); ``complaint-outfalls``: those of them a
  complaint case names (the complaint list's filter);
- ``units``: every responsible unit;
- ``projects``: every project (a plan measure's project);
- ``posts``: the active patrol posts the user may record on; ``all-posts``: every post (the
  patrol list's filter);
- ``patrol-channels``, ``patrol-stations``: the channels and pumping stations those posts cover
  (``post=``: of that post only);
- ``open-complaints``: the complaint cases not closed (assessed), matching the number or the
  place, the latest received first.

For logged-in users (anonymous: the login page); GET only; an unknown kind: 404."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Concat, Trim
from django.http import Http404, JsonResponse
from django.views import View

from projects.forms.widgets import LOOKUP_LIMIT
from projects.models import (
    Channel,
    Complaint,
    Outfall,
    PatrolPost,
    Problem,
    Project,
    PumpingStation,
    ResponsibleUnit,
)
from projects.services.patrol_access import patrol_scope_of

SEPARATOR = " · "


def _id(request, name):
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


def channels(request, q):
    return Channel.objects.filter(name__icontains=q).order_by("name").values("id", text=F("name"))


def problems(request, q):
    channel = _id(request, "channel")
    problems = Problem.objects.order_by("plan__channel__name", "title", "pk")
    if channel is not None:
        return problems.filter(plan__channel=channel, title__icontains=q).values(
            "id", text=F("title")
        )
    return problems.filter(Q(title__icontains=q) | Q(plan__channel__name__icontains=q)).values(
        "id", text=Concat("plan__channel__name", Value(SEPARATOR), "title")
    )


def outfalls(request, q):
    channel = _id(request, "channel")
    outfalls = Outfall.objects.filter(Q(code__icontains=q) | Q(place__icontains=q))
    if channel is not None:
        return (
            outfalls.filter(channel=channel)
            .order_by("code")
            .values("id", text=Trim(Concat("code", Value(" "), "place")))
        )
    return outfalls.order_by("code").values(
        "id",
        text=Concat(Trim(Concat("code", Value(" "), "place")), Value(SEPARATOR), "channel__name"),
    )


def complaint_outfalls(request, q):
    return outfalls(request, q).filter(Exists(Complaint.objects.filter(outfall=OuterRef("pk"))))


def units(request, q):
    return (
        ResponsibleUnit.objects.filter(name__icontains=q)
        .order_by("name")
        .values("id", text=F("name"))
    )


def projects(request, q):
    return Project.objects.filter(name__icontains=q).order_by("name").values("id", text=F("name"))


def _posts(request):
    posts = patrol_scope_of(request).posts()
    post = _id(request, "post")
    return posts if post is None else posts.filter(pk=post)


def posts(request, q, posts=None):
    return (
        (_posts(request) if posts is None else posts)
        .filter(Q(name__icontains=q) | Q(station__name__icontains=q))
        .order_by("station__name", "name")
        .values("id", text=Concat("station__name", Value(SEPARATOR), "name"))
    )


def all_posts(request, q):
    return posts(request, q, PatrolPost.objects.all())


def patrol_channels(request, q):
    return channels(request, q).filter(patrol_posts__in=_posts(request)).distinct()


def patrol_stations(request, q):
    return (
        PumpingStation.objects.filter(name__icontains=q, patrol_posts__in=_posts(request))
        .distinct()
        .order_by("name")
        .values("id", text=F("name"))
    )


def open_complaints(request, q):
    return (
        Complaint.objects.exclude(stage=Complaint.Stage.ASSESSED)
        .filter(Q(number__icontains=q) | Q(location__icontains=q))
        .order_by("-received_at", "-pk")
        .values("id", text=Concat("number", Value(" "), "location"))
    )


KINDS = {
    "channels": channels,
    "problems": problems,
    "outfalls": outfalls,
    "complaint-outfalls": complaint_outfalls,
    "units": units,
    "projects": projects,
    "posts": posts,
    "all-posts": all_posts,
    "patrol-channels": patrol_channels,
    "patrol-stations": patrol_stations,
    "open-complaints": open_complaints,
}


class LookupView(LoginRequiredMixin, View):
    def get(self, request, kind):
        matches = KINDS.get(kind)
        if matches is None:
            raise Http404
        q = request.GET.get("q", "").strip()[:100]
        rows = matches(request, q)[:LOOKUP_LIMIT]
        return JsonResponse([{"id": row["id"], "text": row["text"]} for row in rows], safe=False)
