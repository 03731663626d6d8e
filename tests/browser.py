"""What the browser tests share: logging in through the form, watching for what the Content
Security Policy refuses, and putting back the rows the data migrations wrote after a
transactional test emptied the tables."""

import importlib

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def log_in(page, live_server, username, password):
    """Log in through the site's form, as a person does, and land on the overview."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def watch_csp(page):
    """The list that will hold every message of ``page``'s console saying the Content Security
    Policy refused something."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return refused


def restore_migrated_data():
    """A transactional test empties every table when it ends, the rows data migrations wrote
    included; post_migrate restores content types and permissions only. Run the logic of
    migrations 0005 and 0008 again, on their own historical models: the CJJ 181 defect codes, the
    roles with their daily-operations permissions, and the default assessment items (E1, E2,
    ...)."""
    codes = importlib.import_module("projects.migrations.0005_defect_codes_and_roles")
    codes_state = MigrationExecutor(connection).loader.project_state(
        ("projects", "0005_defect_codes_and_roles")
    )
    codes_apps = codes_state.apps
    if not codes_apps.get_model("projects", "DefectCode").objects.exists():
        codes.load_codes(codes_apps, None)
    migration = importlib.import_module("projects.migrations.0008_daily_operations_data")
    state = MigrationExecutor(connection).loader.project_state(
        ("projects", "0008_daily_operations_data")
    )
    migration.sync_roles(state.apps, None)
    migration.load_items(state.apps, None)
