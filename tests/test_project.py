"""Project-wide smoke tests: migrations, system checks, settings, the compiled catalogue."""

import ast
import gettext
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

LC_MESSAGES = settings.BASE_DIR / "projects" / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# A fresh `git clone` writes django.mo a few milliseconds before django.po (alphabetical order),
# so "not older" allows this much slack; an edit to the .po without recompiling is caught by
# test_it_has_every_translation_of_the_po_in_the_mo all the same.
CHECKOUT_SLACK_SECONDS = 5


def po_translations(path):
    """{catalogue key: msgstr} for every translated, non-fuzzy entry of a .po file, keyed as
    GNUTranslations keys its catalogue ("ctx\\x04msgid", or (msgid, n) for plurals)."""
    entries, entry, field = [], {}, None

    def finish():
        nonlocal entry
        if "msgid" in entry:
            entries.append(entry)
        entry = {}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if "msgid" in entry:
                finish()
            entry["fuzzy"] = "fuzzy" in line
        elif line.startswith("#"):
            continue  # comments and obsolete (#~) entries
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            if field in ("msgctxt", "msgid") and "msgid" in entry:
                finish()
            entry[field] = ast.literal_eval(value)
    finish()

    translations = {}
    for entry in entries:
        if entry.get("fuzzy") or entry["msgid"] == "":
            continue
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            forms = sorted(k for k in entry if k.startswith("msgstr["))
            if all(entry[k] for k in forms):
                for key in forms:
                    translations[(msgid, int(key[len("msgstr[") : -1]))] = entry[key]
        elif entry.get("msgstr"):
            translations[msgid] = entry["msgstr"]
    return translations


class MigrationsTestCase(TestCase):
    def test_it_has_no_pending_migrations(self):
        out = StringIO()
        try:
            call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
        except SystemExit:
            self.fail(f"Model changes have no migration:\n{out.getvalue()}")


class SystemCheckTestCase(SimpleTestCase):
    def test_it_passes_the_system_checks(self):
        # Raises SystemCheckError on any error.
        call_command("check", stdout=StringIO(), stderr=StringIO())


class SettingsTestCase(SimpleTestCase):
    def test_it_uses_shanghai_time_and_simplified_chinese(self):
        self.assertEqual(settings.TIME_ZONE, "Asia/Shanghai")
        self.assertEqual(settings.LANGUAGE_CODE, "zh-hans")
        self.assertTrue(settings.USE_TZ)

    def test_it_keeps_health_checked_persistent_connections(self):
        database = settings.DATABASES["default"]
        self.assertIs(database["CONN_HEALTH_CHECKS"], True)
        self.assertGreater(database["CONN_MAX_AGE"], 0)

    def test_it_puts_whitenoise_right_after_the_security_middleware(self):
        middleware = settings.MIDDLEWARE
        security = middleware.index("django.middleware.security.SecurityMiddleware")
        self.assertEqual(middleware[security + 1], "whitenoise.middleware.WhiteNoiseMiddleware")


class CatalogueTestCase(SimpleTestCase):
    def test_it_has_a_compiled_catalogue_not_older_than_its_source(self):
        self.assertTrue(PO_FILE.exists(), f"{PO_FILE} is missing")
        self.assertTrue(MO_FILE.exists(), f"{MO_FILE} is missing: run `manage.py compilemessages`")
        self.assertGreaterEqual(
            MO_FILE.stat().st_mtime + CHECKOUT_SLACK_SECONDS,
            PO_FILE.stat().st_mtime,
            "django.mo is older than django.po: run `manage.py compilemessages`",
        )

    def test_it_has_every_translation_of_the_po_in_the_mo(self):
        self.assertTrue(PO_FILE.exists(), f"{PO_FILE} is missing")
        self.assertTrue(MO_FILE.exists(), f"{MO_FILE} is missing: run `manage.py compilemessages`")
        with MO_FILE.open("rb") as mo:
            compiled = gettext.GNUTranslations(mo)._catalog

        expected = po_translations(PO_FILE)
        stale = {key: value for key, value in expected.items() if compiled.get(key) != value}
        self.assertEqual(
            stale, {}, "django.mo does not match django.po: run `manage.py compilemessages`"
        )
