import os
import shutil

import pytest
from django.test.utils import override_settings

# pytest-django's live_server runs in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """PBKDF2's million iterations cost about half a second a password on a 2-core machine, and
    the suite creates and logs in users hundreds of times: hash test passwords with MD5 (Django's
    advice for tests). PBKDF2 stays in the list so hashes made with it still check; a test about
    how passwords are stored overrides the list itself."""
    with override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
    ):
        yield


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render pages without running collectstatic: use the plain storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if CHROMIUM is None:
        message = (
            "No Chromium found at /usr/bin/chromium: install it with "
            "`apt-get install -y chromium` to run the browser tests."
        )
        if os.environ.get("REQUIRE_BROWSER", "") not in ("", "0"):
            # CI sets REQUIRE_BROWSER=1: a missing browser fails the run instead of skipping.
            pytest.fail(f"REQUIRE_BROWSER is set. {message}", pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
