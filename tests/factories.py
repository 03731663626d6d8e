"""Shared test data: users and bulk rows for the query-count tests."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from projects.models import Channel, ProgressReport, Project, Stream


def make_users(testcase):
    User = get_user_model()
    testcase.staff = User.objects.create_user("staff", password="staff-pass-1")
    testcase.admin = User.objects.create_superuser("admin", password="admin-pass-1")


def add_bulk(n=1000, channel_for_some=None):
    """``n`` extra channels and ``n`` extra projects, each project on its own channel with one
    monthly report; every tenth project is overdue; the first 40 also touch
    ``channel_for_some`` so that channel's page has several pages of projects."""
    channels = Channel.objects.bulk_create(
        Channel(name=f"测试渠{i:04d}", code=f"T{i:04d}", condition=Channel.Condition.UNKNOWN)
        for i in range(n)
    )
    today = datetime.date.today()
    projects = Project.objects.bulk_create(
        Project(
            name=f"测试项目{i:04d}",
            stream=Stream.values[i % 6],
            status=Project.Status.IN_PROGRESS,
            investment_wan=Decimal("10.00"),
            planned_start=today - datetime.timedelta(days=400),
            planned_end=today - datetime.timedelta(days=10 if i % 10 == 0 else -200),
        )
        for i in range(n)
    )
    Through = Project.channels.through
    pairs = zip(projects, channels, strict=True)
    links = [Through(project_id=p.pk, channel_id=c.pk) for p, c in pairs]
    if channel_for_some is not None:
        links += [Through(project_id=p.pk, channel_id=channel_for_some.pk) for p in projects[:40]]
    Through.objects.bulk_create(links)
    month = today.replace(day=1)
    ProgressReport.objects.bulk_create(
        ProgressReport(
            project=p,
            month=month,
            percent_complete=Decimal("40.0"),
            investment_this_month_wan=Decimal("2.50"),
        )
        for p in projects
    )
    return channels, projects
