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


# Translation functions and which of their positional arguments are (context, singular, plural).
GETTEXT_CALLS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


def marked_strings():
    """{(context, msgid, is_plural): where} for every string the project marks for translation,
    found without gettext: Python through its syntax tree, templates through Django's own
    ``templatize`` (what makemessages feeds to xgettext) and Python's tokenizer."""
    import tokenize

    from django.utils.translation.template import templatize

    found = {}

    def record(name, args, where):
        context_at, singular_at, plural_at = GETTEXT_CALLS[name]
        try:
            context = args[context_at] if context_at is not None else None
            found[(context, args[singular_at], plural_at is not None)] = where
        except IndexError:
            pass

    base = settings.BASE_DIR
    for path in sorted((base / "projects").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT_CALLS:
                args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
                if all(isinstance(a, str) for a in args[:2] if a is not None):
                    record(node.func.id, args, f"{path.relative_to(base)}:{node.lineno}")
    for path in sorted((base / "templates").rglob("*.html")):
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        tokens = [
            t
            for t in tokenize.generate_tokens(StringIO(code).readline)
            if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
        ]
        for i, token in enumerate(tokens[:-1]):
            if token.string in GETTEXT_CALLS and tokens[i + 1].string == "(":
                args, j = [], i + 2
                while tokens[j].type == tokenize.STRING:
                    args.append(ast.literal_eval(tokens[j].string))
                    j += 1 if tokens[j + 1].string != "," else 2
                record(token.string, args, f"{path.relative_to(base)}:{token.start[0]}")
    return found


class CompleteCatalogueTestCase(SimpleTestCase):
    def test_it_finds_the_marked_strings_it_checks(self):
        strings = marked_strings()
        self.assertIn((None, "Problem list", False), strings)
        self.assertIn(("task status", "Completed", False), strings)
        self.assertIn((None, "%(counter)s interception work", True), strings)
        self.assertIn((None, "Amounts and lengths cannot be negative.", False), strings)

    def test_it_translates_every_marked_string_into_chinese(self):
        with MO_FILE.open("rb") as mo:
            catalogue = gettext.GNUTranslations(mo)._catalog
        missing = []
        for (context, msgid, plural), where in sorted(marked_strings().items(), key=str):
            key = f"{context}\x04{msgid}" if context else msgid
            if plural:
                key = (key, 0)
            if not catalogue.get(key):
                missing.append(f"{where}: {msgid!r}")
        self.assertEqual(missing, [], "untranslated: run makemessages and translate")
