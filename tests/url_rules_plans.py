"""URL-walk rules for writing channels and plans in the site (see tests/test_urls.py,
AREA_RULES): administrators only."""

from django.test import Client
from django.urls import reverse

from projects.models import Channel
from tests.browser_forms import form_data


def setup(cls):
    """The walk's 105 channel has a plan; 金凤 has none (the article gives none)."""
    cls.channel_without_plan = Channel.objects.get(name="金凤排洪渠")


def as_sent(url, css_class, **changes):
    """A valid POST: the form as an administrator's browser sends it, with ``changes``."""

    def body(testcase, user):
        client = Client()
        client.force_login(testcase.administrator)
        data = form_data(client.get(url).content, css_class)
        data.update({name: [value] for name, value in changes.items()})
        return data

    return body


def rules(t):
    """Site pattern name → [Case] for every URL of channel and plan writing."""
    from tests.test_urls import LOGIN, Case, table

    administrators = table((LOGIN, LOGIN), (403, 403), (403, 403), (403, 403), (200, 302))
    create = reverse("projects:channel-create")
    update = reverse("projects:channel-update", args=[t.g105.pk])
    plan_105 = reverse("projects:plan-edit", args=[t.g105.pk])
    new_plan = reverse("projects:plan-edit", args=[t.channel_without_plan.pk])
    return {
        "projects:channel-create": [
            Case("", create, administrators, body=as_sent(create, "edit-form", name="新渠")),
        ],
        "projects:channel-update": [
            Case("105", update, administrators, body=as_sent(update, "edit-form", location="北岭")),
        ],
        "projects:plan-edit": [
            Case(
                "105, with a plan",
                plan_105,
                administrators,
                body=as_sent(plan_105, "plan-form", **{"plan-summary": "修订"}),
            ),
            Case(
                "金凤, without a plan",
                new_plan,
                administrators,
                body=as_sent(new_plan, "plan-form"),
            ),
        ],
    }
