"""URL-walk rules for the patrols pages (see tests/test_urls.py, AREA_RULES)."""

import datetime

from django.urls import reverse

from projects.models import PatrolPost, PatrolRecord


def setup(cls):
    """Create, on the walk's test class, the objects these pages and their admin need: a post
    of station A on the 105 channel with one patrol (with a finding), and a post of station B
    on 造贝 with none."""
    cls.patrol_post_a = PatrolPost.objects.create(
        station=cls.unit_a, name="105渠岗", person_on_post="张工", phone="13800000000"
    )
    cls.patrol_post_a.channels.add(cls.g105)
    cls.patrol_post_b = PatrolPost.objects.create(station=cls.unit_b, name="造贝渠岗")
    cls.patrol_post_b.channels.add(cls.zaobei)
    cls.patrol_record = PatrolRecord.objects.create(
        post=cls.patrol_post_a,
        channel=cls.g105,
        kind=PatrolRecord.Kind.INSPECTION,
        patrolled_at=datetime.datetime(2018, 6, 1, 1, 30, tzinfo=datetime.UTC),
        patroller="张工",
        findings="渠面有漂浮垃圾",
        recorded_by=cls.editor_a,
    )


def patrol_body(post, channel):
    """A valid patrol of ``channel`` on ``post``: a permitted POST saves and redirects."""
    return {
        "post": post.pk,
        "channel": channel.pk,
        "kind": PatrolRecord.Kind.INSPECTION,
        "patrolled_at": "2018-06-02T09:30",
        "patroller": "张工",
        "findings": "",
        "action_taken": "",
    }


def rules(t):
    """Site pattern name → [Case] for every patrols URL."""
    from tests.test_urls import EDIT_A, LOGIN, READ, Case, table

    create = reverse("projects:patrol-create")
    # Without ?post= the form opens for every unit editor (with their own posts); posting
    # station A's post is refused to the editor of station B.
    create_any = table((LOGIN, LOGIN), (403, 403), (200, 302), (200, 403), (200, 302))
    return {
        "projects:station-list": [Case("", reverse("projects:station-list"), READ)],
        "projects:station-detail": [
            Case("station A", reverse("projects:station-detail", args=[t.unit_a.pk]), READ),
            Case(
                "station B, June 2018",
                reverse("projects:station-detail", args=[t.unit_b.pk]),
                READ,
                query={"month": "2018-06"},
            ),
        ],
        "projects:patrol-list": [Case("", reverse("projects:patrol-list"), READ)],
        "projects:patrol-detail": [
            Case(
                "a patrol of station A",
                reverse("projects:patrol-detail", args=[t.patrol_record.pk]),
                READ,
            )
        ],
        "projects:patrol-create": [
            Case(
                "post of station A",
                create,
                EDIT_A,
                query={"post": t.patrol_post_a.pk},
                body=patrol_body(t.patrol_post_a, t.g105),
            ),
            Case(
                "no post chosen, posting station A's",
                create,
                create_any,
                body=patrol_body(t.patrol_post_a, t.g105),
            ),
        ],
    }
