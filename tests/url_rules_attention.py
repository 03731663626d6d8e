"""URL-walk rules for the "needs attention" list (see tests/test_urls.py, AREA_RULES)."""

from django.urls import reverse


def setup(cls):
    """Nothing to create: the list reads what the walk's fixture holds."""


def rules(t):
    from tests.test_urls import LOGIN, Case, table

    # A unit's members read their unit's items, an administrator everybody's; a user with
    # neither unit nor administration has nothing to see (the dashboard shows them no panel):
    # 403. Nobody posts.
    attention = table((LOGIN, LOGIN), (403, 403), (200, 405), (200, 405), (200, 405))
    url = reverse("projects:attention")
    return {
        "projects:attention": [
            Case("", url, attention),
            Case("overdue tasks, page 2", url, attention, query={"kind": "task", "page": "2"}),
            Case("a kind that does not exist", url, attention, query={"kind": "nothing"}),
        ],
    }
