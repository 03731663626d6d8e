"""`check --deploy --fail-level WARNING` passes with the README's production settings, both with
Django redirecting to HTTPS and behind a proxy that does it (SECURE_SSL_REDIRECT=0)."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "ALLOWED_HOSTS": "water.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://water.example.gov.cn",
    "DATABASE_URL": "sqlite:///:memory:",
}


@pytest.mark.parametrize(
    "behind_proxy",
    [{}, {"SECURE_SSL_REDIRECT": "0", "TRUSTED_PROXY_COUNT": "1"}],
    ids=["django-redirects", "proxy-redirects"],
)
def test_it_passes_the_deploy_checks(behind_proxy):
    test_only = ("DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env.update(PRODUCTION, SECRET_KEY=secrets.token_urlsafe(60), **behind_proxy)
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
