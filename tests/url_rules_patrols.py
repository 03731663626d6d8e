"""URL-walk rules for the patrols pages (see tests/test_urls.py, AREA_RULES)."""


def setup(cls):
    """Create, on the walk's test class, the objects these pages and their admin need."""


def rules(t):
    """Site pattern name → [Case] for every patrols URL."""
    return {}
