"""URL-walk rules for the search boxes' lookup URL (see tests/test_urls.py, AREA_RULES)."""

from django.urls import reverse


def setup(cls):
    """Nothing to create: the lookups read what the walk's fixture holds."""


def rules(t):
    from tests.test_urls import LOGIN, READ, Case, table

    # Every logged-in user looks up (JSON, GET only); anonymous is sent to log in; a kind the
    # site has no lookup for: 404.
    unknown = table((LOGIN, LOGIN), (404, 405), (404, 405), (404, 405), (404, 405))
    url = reverse("projects:lookup", args=["channels"])
    return {
        "projects:lookup": [
            Case("channels", url, READ, query={"q": "排洪渠"}),
            Case(
                "a channel's problems",
                reverse("projects:lookup", args=["problems"]),
                READ,
                query={"channel": t.g105.pk},
            ),
            Case(
                "a channel's outfalls",
                reverse("projects:lookup", args=["outfalls"]),
                READ,
                query={"channel": t.g105.pk},
            ),
            Case(
                "the outfalls complaint cases name",
                reverse("projects:lookup", args=["complaint-outfalls"]),
                READ,
                query={"q": "0"},
            ),
            Case("posts", reverse("projects:lookup", args=["posts"]), READ),
            Case(
                "open complaint cases", reverse("projects:lookup", args=["open-complaints"]), READ
            ),
            Case("unknown kind", reverse("projects:lookup", args=["users"]), unknown),
        ],
    }
