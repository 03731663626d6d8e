"""Every URL of the site and of the admin, walked for every role: who may GET it and who may
POST to it.

The patterns come from the resolver itself, so a URL added to the project without a rule here
fails this test: adding a URL means deciding who may use it. Site URLs have one explicit rule
each; admin URLs are covered by rules chosen from the pattern name's suffix and the model's
permissions, so new model admins are absorbed, but a suffix no rule knows fails too.

Expected statuses are plain HTTP codes (``follow=False``: a redirect is its 302), or the name of
the login page an anonymous or non-staff user must be sent to. Every request runs in a
transaction rolled back afterwards, so a successful save cannot change the next check."""

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import router, transaction
from django.test import RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from projects.models import ImportBatch, InterceptionBatch, ProgressReport, ResponsibleUnit
from tests import (
    url_rules_assessment,
    url_rules_attention,
    url_rules_chiefs,
    url_rules_complaint_reports,
    url_rules_complaints,
    url_rules_jobs,
    url_rules_lookups,
    url_rules_map,
    url_rules_outfalls,
    url_rules_patrols,
    url_rules_photos,
    url_rules_plans,
)
from tests.factories import add_sewer_records, add_water_records
from tests.test_editing import PDF, EditingTestCase

ANONYMOUS, VIEWER, EDITOR_A, EDITOR_B, ADMINISTRATOR = USERS = (
    "anonymous",
    "viewer",
    "editor_a",
    "editor_b",
    "administrator",
)

LOGIN = "login"  # 302 to the site's login page, with ?next= the requested path
ADMIN_LOGIN = "admin:login"  # 302 to the admin's login page, with ?next=
ADMIN_INDEX = "admin:index"  # 302 to the admin index (the admin's logout, when not staff)
REDIRECT_TARGETS = {LOGIN, ADMIN_LOGIN, ADMIN_INDEX}


# -- Walking the resolver -------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str | None  # full namespaced name, e.g. "projects:task-update"; None when unnamed
    namespace: str  # e.g. "admin"; "" at the root
    route: str  # the concatenated routes, for messages and unnamed patterns
    parameters: tuple[str, ...]  # the named parameters
    positional: int  # how many unnamed groups (django-simple-history's routes use them)

    @property
    def key(self):
        """What failures are reported under: the name, or the route when the pattern has none."""
        return self.name or f"{self.namespace}:<unnamed {self.route}>"


def url_patterns(resolver=None, namespace="", route=""):
    """Every URL pattern reachable from the root URLconf, includes followed."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from url_patterns(entry, inner, route + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Pattern(
                name=name,
                namespace=namespace,
                route=route + str(entry.pattern),
                parameters=tuple(entry.pattern.regex.groupindex),
                positional=entry.pattern.regex.groups - len(entry.pattern.regex.groupindex),
            )


# -- Rules ----------------------------------------------------------------------------------


@dataclass
class Case:
    """One concrete URL of a pattern and, per user, the (GET, POST) answer expected."""

    label: str
    url: str
    expected: dict
    query: dict = field(default_factory=dict)  # GET parameters
    body: object = None  # the POST body: a dict, or a callable (testcase, user) -> dict


def table(anonymous, viewer, editor_a, editor_b, administrator):
    return dict(zip(USERS, (anonymous, viewer, editor_a, editor_b, administrator), strict=True))


# Site pages that only show: everyone logged in reads, nobody posts.
READ = table((LOGIN, LOGIN), (200, 405), (200, 405), (200, 405), (200, 405))
# An edit page of something unit A answers for (unit B's: the two editors swapped). POST bodies
# are valid, so a permitted POST saves and redirects.
EDIT_A = table((LOGIN, LOGIN), (403, 403), (200, 302), (403, 403), (200, 302))
EDIT_B = table((LOGIN, LOGIN), (403, 403), (403, 403), (200, 302), (200, 302))
# A task's evidence: a download for everyone logged in; 404 when the task has none.
EVIDENCE = table((LOGIN, LOGIN), (200, 405), (200, 405), (200, 405), (200, 405))
NO_EVIDENCE = table((LOGIN, LOGIN), (404, 405), (404, 405), (404, 405), (404, 405))
# Bulk import needs the kind's "add" permissions: the viewer gets 403, editors and the
# administrator use it (POSTing no file re-shows the form: 200).
IMPORT_PAGE = table((LOGIN, LOGIN), (403, 403), (200, 405), (200, 405), (200, 405))
IMPORT_UPLOAD = table((LOGIN, LOGIN), (403, 403), (200, 200), (200, 200), (200, 200))
# An upload token that does not exist (or is not the user's): 404; confirm takes POST only.
IMPORT_PREVIEW = table((LOGIN, LOGIN), (403, 403), (404, 405), (404, 405), (404, 405))
IMPORT_CONFIRM = table((LOGIN, LOGIN), (403, 403), (405, 404), (405, 404), (405, 404))

# The rules of the daily-operations pages, one module per area: each has ``setup(cls)`` (run in
# setUpTestData, creating what its pages and admin pages need) and ``rules(testcase)`` (site
# pattern name → [Case]).
AREA_RULES = (
    url_rules_patrols,
    url_rules_complaints,
    url_rules_assessment,
    url_rules_photos,
    url_rules_plans,
    url_rules_lookups,
    url_rules_jobs,
    url_rules_attention,
    url_rules_chiefs,
    url_rules_outfalls,
    url_rules_map,
    url_rules_complaint_reports,
)


class SiteRules:
    """One explicit rule per site pattern: its URL arguments and what each user gets."""

    def __init__(self, testcase):
        t = testcase  # with the objects of setUpTestData
        self.rules = {
            # Django's authentication and language views.
            "login": [Case("", reverse("login"), table(*[(200, 200)] * 5))],
            # The load balancer's probe: anyone, GET only, no data.
            "healthz": [Case("", reverse("healthz"), table(*[(200, 405)] * 5))],
            # LogoutView takes POST only; logging out shows the logged-out page.
            "logout": [Case("", reverse("logout"), table(*[(405, 200)] * 5))],
            # Every logged-in user changes their own password (an empty form: its errors).
            "password_change": [
                Case("", reverse("password_change"), table((LOGIN, LOGIN), *[(200, 200)] * 4))
            ],
            "password_change_done": [
                Case("", reverse("password_change_done"), table((LOGIN, LOGIN), *[(200, 405)] * 4))
            ],
            # set_language redirects back (to "/" without a referrer), GET or POST.
            "set_language": [Case("", reverse("set_language"), table(*[(302, 302)] * 5))],
            # The dashboard and its pages.
            "projects:dashboard": [Case("", reverse("projects:dashboard"), READ)],
            "projects:channel-list": [Case("", reverse("projects:channel-list"), READ)],
            "projects:channel-detail": [
                Case("105", reverse("projects:channel-detail", args=[t.g105.pk]), READ)
            ],
            "projects:channel-history": [
                Case("105", reverse("projects:channel-history", args=[t.g105.pk]), READ)
            ],
            "projects:task-update": [
                Case(
                    "task of unit A",
                    reverse("projects:task-update", args=[t.task_a.pk]),
                    EDIT_A,
                    body=task_body(t.task_a),
                ),
                Case(
                    "task of unit B",
                    reverse("projects:task-update", args=[t.task_b.pk]),
                    EDIT_B,
                    body=task_body(t.task_b),
                ),
            ],
            "projects:task-history": [
                Case("task of unit A", reverse("projects:task-history", args=[t.task_a.pk]), READ),
                Case("task of unit B", reverse("projects:task-history", args=[t.task_b.pk]), READ),
            ],
            "projects:task-evidence": [
                Case(
                    "task of unit A, with evidence",
                    reverse("projects:task-evidence", args=[t.task_a.pk]),
                    EVIDENCE,
                ),
                Case(
                    "task of unit B, without evidence",
                    reverse("projects:task-evidence", args=[t.task_b.pk]),
                    NO_EVIDENCE,
                ),
            ],
            "projects:batch-list": [Case("", reverse("projects:batch-list"), READ)],
            "projects:batch-detail": [
                Case("batch 2", reverse("projects:batch-detail", args=[t.batch.pk]), READ)
            ],
            "projects:pipes": [Case("", reverse("projects:pipes"), READ)],
            "projects:segment-priority": [Case("", reverse("projects:segment-priority"), READ)],
            "projects:segment-maintenance": [
                Case("", reverse("projects:segment-maintenance"), READ)
            ],
            "projects:segment-detail": [
                Case(
                    "a scored segment",
                    reverse("projects:segment-detail", args=[t.segment.pk]),
                    READ,
                )
            ],
            "projects:import-index": [Case("", reverse("projects:import-index"), IMPORT_PAGE)],
            "projects:import-batch": [
                Case(
                    "an import batch",
                    reverse("projects:import-batch", args=[t.import_batch.pk]),
                    READ,
                )
            ],
            "projects:import-upload": [
                Case(kind, reverse("projects:import-upload", args=[kind]), IMPORT_UPLOAD)
                for kind in ("samples", "inspections")
            ],
            "projects:import-template": [
                Case(
                    f"{kind} {file_format}",
                    reverse("projects:import-template", args=[kind, file_format]),
                    IMPORT_PAGE,
                )
                for kind in ("samples", "inspections")
                for file_format in ("csv", "xlsx")
            ],
            "projects:import-preview": [
                Case(
                    "unknown token",
                    reverse("projects:import-preview", args=["samples", "nosuchtoken"]),
                    IMPORT_PREVIEW,
                )
            ],
            "projects:import-confirm": [
                Case(
                    "unknown token",
                    reverse("projects:import-confirm", args=["samples", "nosuchtoken"]),
                    IMPORT_CONFIRM,
                )
            ],
            "projects:project-list": [Case("", reverse("projects:project-list"), READ)],
            "projects:project-detail": [
                Case(
                    "project of unit A",
                    reverse("projects:project-detail", args=[t.project_a.pk]),
                    READ,
                ),
                Case("a batch", reverse("projects:project-detail", args=[t.batch.pk]), READ),
            ],
            "projects:project-history": [
                Case(
                    "project of unit A",
                    reverse("projects:project-history", args=[t.project_a.pk]),
                    READ,
                ),
                Case("a batch", reverse("projects:project-history", args=[t.batch.pk]), READ),
            ],
            "projects:report-create": [
                Case(
                    "project of unit A",
                    reverse("projects:report-create", args=[t.project_a.pk]),
                    EDIT_A,
                    body={
                        "month": "2018-06",
                        "percent_complete": "20",
                        "investment_this_month_wan": "1.00",
                        "note": "六月进度",
                    },
                )
            ],
            "projects:report-update": [
                Case(
                    "report on a project of unit A",
                    reverse("projects:report-update", args=[t.report.pk]),
                    EDIT_A,
                    body=report_body(t.report),
                )
            ],
        }

        for module in AREA_RULES:
            for name, cases in module.rules(t).items():
                if name in self.rules:
                    raise AssertionError(f"{module.__name__} redefines the rule for {name}")
                self.rules[name] = cases

    def cases(self, pattern):
        return self.rules.get(pattern.name)


def task_body(task):
    """A valid save of the task as it stands (the version read at request time); the fields
    only the administrator's form has are ignored by the unit editor's."""

    def body(testcase, user):
        task.refresh_from_db()
        return {
            "status": task.status,
            "percent_complete": task.percent_complete or "",
            "note": "已核实",
            "completion_note": task.completion_note,
            "extension_reason": task.extension_reason,
            "extended_deadline": task.extended_deadline or "",
            "expected_version": task.version,
            "lead_unit": task.lead_unit_id,
            "responsible_person": task.responsible_person or "王工",
            "deadline": task.deadline or "2030-06-30",
        }

    return body


def report_body(report):
    def body(testcase, user):
        report.refresh_from_db()
        return {
            "month": f"{report.month:%Y-%m}",
            "percent_complete": "15",
            "investment_this_month_wan": "3",
            "note": "更正",
            "expected_version": report.version,
        }

    return body


# What the 管理员 group may do in the admin (projects/roles.py, migration 0003_roles): every
# permission of the projects app, and of auth only to see, add and change users and see groups.
ADMINISTRATOR_ADMIN_PERMISSIONS = {
    "projects": {"view", "add", "change", "delete"},
    "auth.user": {"view", "add", "change"},
    "auth.group": {"view"},
}


def administrator_may(model, action):
    opts = model._meta
    label = f"{opts.app_label}.{opts.model_name}"
    granted = ADMINISTRATOR_ADMIN_PERMISSIONS.get(label)
    if granted is None:
        granted = ADMINISTRATOR_ADMIN_PERMISSIONS.get(opts.app_label)
    if granted is None:
        return None
    if action == "view":
        return bool(granted & {"view", "change"})
    return action in granted


def admin_table(staff_get, staff_post):
    """Non-staff users are sent to the admin login, GET or POST; the administrator gets
    ``staff_get`` / ``staff_post``."""
    return table(
        (ADMIN_LOGIN, ADMIN_LOGIN),
        (ADMIN_LOGIN, ADMIN_LOGIN),
        (ADMIN_LOGIN, ADMIN_LOGIN),
        (ADMIN_LOGIN, ADMIN_LOGIN),
        (staff_get, staff_post),
    )


def allowed(permitted, status):
    return status if permitted else 403


def admin_refuses(model_admin, permission):
    """True when ``model_admin`` refuses ``permission`` in code whatever the user's permissions
    (a read-only admin of rows the application writes refuses add, change and delete)."""
    request = RequestFactory().get("/")
    request.user = get_user_model()(is_superuser=True, is_active=True)
    if permission == "add":
        return not model_admin.has_add_permission(request)
    return not getattr(model_admin, f"has_{permission}_permission")(request, None)


# The views of a model's admin, by the suffix of their name (None: the unnamed pre-1.9 change
# URL "<object_id>/", which redirects to "<object_id>/change/"): the permission GET needs and
# its answer, the permission POST needs and its answer; 403 when the permission is missing.
# POST bodies are empty (a form re-renders with its errors: 200), except the delete
# confirmation's, which deletes and redirects.
MODEL_ADMIN_VIEWS = {
    "changelist": ("view", 200, "view", 200),
    "add": ("add", 200, "add", 200),
    "change": ("view", 200, "change", 200),
    "history": ("view", 200, "view", 200),
    "delete": ("delete", 200, "delete", 302),
    # django-simple-history's page of one historical version, with its revert form.
    "simple_history": ("view", 200, "change", 200),
    "password_change": ("change", 200, "change", 200),  # auth.User's "<id>/password/"
    # The bulk import of samples and inspections from their changelists: "add", never "view".
    "import": ("add", 200, "add", 200),
    "import_preview": ("add", 404, "add", 404),  # an unknown upload token
    "import_confirm": ("add", 302, "add", 404),
    None: ("view", 302, "view", 302),
}


class AdminRules:
    """Rules for the admin's patterns, from the name's suffix and, for a model's views, the
    administrator's permissions on that model. Each registered model is checked on one object
    (see ``admin_object``)."""

    def __init__(self, testcase):
        self.testcase = testcase
        self.models = {
            (model._meta.app_label, model._meta.model_name): model for model in admin.site._registry
        }

    def cases(self, pattern):
        if pattern.namespace != "admin":
            return None
        name = pattern.name.removeprefix("admin:") if pattern.name else None
        site_wide = self.site_wide_cases(name, pattern)
        if site_wide is not None:
            return site_wide
        return self.model_cases(name, pattern)

    def site_wide_cases(self, name, pattern):
        index = reverse("admin:index")
        channel = self.testcase.g105
        if name == "index":
            return [Case("", index, admin_table(200, 200))]
        if name == "login":
            # Anyone may see the login form; a staff user already logged in is sent on.
            return [
                Case(
                    "",
                    reverse("admin:login"),
                    table((200, 200), (200, 200), (200, 200), (200, 200), (302, 200)),
                )
            ]
        if name == "logout":
            # Non-staff users are sent to the index (then the login); logging out is POST only.
            return [
                Case(
                    "",
                    reverse("admin:logout"),
                    table(*[(ADMIN_INDEX, ADMIN_INDEX)] * 4, (405, 200)),
                )
            ]
        if name == "password_change":
            return [Case("", reverse("admin:password_change"), admin_table(200, 200))]
        if name == "password_change_done":
            return [Case("", reverse("admin:password_change_done"), admin_table(200, 405))]
        if name == "jsi18n":
            return [Case("", reverse("admin:jsi18n"), admin_table(200, 405))]
        if name == "autocomplete":
            return [
                Case(
                    "lead units of projects",
                    reverse("admin:autocomplete"),
                    admin_table(200, 405),
                    query={
                        "app_label": "projects",
                        "model_name": "project",
                        "field_name": "lead_unit",
                    },
                ),
                Case("without parameters", reverse("admin:autocomplete"), admin_table(403, 405)),
            ]
        if name == "view_on_site":
            content_type = ContentType.objects.get_for_model(channel)
            url = reverse("admin:view_on_site", args=[content_type.pk, channel.pk])
            return [Case("a channel", url, admin_table(302, 302))]
        if name == "app_list":
            labels = sorted({app_label for app_label, _model in self.models})
            return [
                Case(label, reverse("admin:app_list", args=[label]), admin_table(200, 200))
                for label in labels
            ]
        if name is None and pattern.parameters == ("url",):
            # The final catch-all: a 404 for staff, the login for anyone else.
            return [Case("", index + "no-such-page/", admin_table(404, 404))]
        return None

    def model_cases(self, name, pattern):
        match = re.fullmatch(r"admin/(?P<app>\w+)/(?P<model>\w+)/(?P<rest>.*)", pattern.route)
        if match is None:
            return None
        model = self.models.get((match["app"], match["model"]))
        if model is None:
            return None
        prefix = f"{match['app']}_{match['model']}_"
        if name is None:
            suffix = None if match["rest"] == "<path:object_id>/" else "?"
        elif name.startswith(prefix):
            suffix = name.removeprefix(prefix)
        else:
            return None
        if suffix not in MODEL_ADMIN_VIEWS:
            return None
        get_permission, get_status, post_permission, post_status = MODEL_ADMIN_VIEWS[suffix]
        may_get = administrator_may(model, get_permission)
        may_post = administrator_may(model, post_permission)
        if may_get is None or may_post is None:
            return None  # a model of an app the rules do not know
        model_admin = admin.site._registry[model]
        may_get = may_get and not admin_refuses(model_admin, get_permission)
        may_post = may_post and not admin_refuses(model_admin, post_permission)
        get_status, post_status = allowed(may_get, get_status), allowed(may_post, post_status)
        obj = self.testcase.admin_object(model)
        label = model._meta.label
        if pattern.parameters or pattern.positional or suffix is None:
            if obj is None:
                return None
            label = f"{label} {obj.pk}"
            args = [obj.pk]
            if suffix == "simple_history":
                args.append(self.testcase.history_id(obj))
                if args[-1] is None:
                    return None
                label += f" version {args[-1]}"
            if len(args) != len(pattern.parameters) + pattern.positional and suffix is not None:
                return None
        else:
            args = []
        if suffix is None:
            url = reverse(f"admin:{prefix}changelist") + f"{obj.pk}/"
        else:
            url = reverse(f"admin:{prefix}{suffix}", args=args)
        body = {"post": "yes"} if suffix == "delete" else {}
        return [Case(label, url, admin_table(get_status, post_status), body=body)]


# -- The walk -------------------------------------------------------------------------------


class UrlWalkCase(EditingTestCase):
    """The objects the walk's URLs are built from, and the walk itself (tests/test_csp.py
    walks the same pages). Uses EditingTestCase's objects: the 105 task and project are unit
    A's, the 造贝 task unit B's."""

    @classmethod
    def setUpClass(cls):
        media = tempfile.mkdtemp(prefix="waterworks-url-walk-")
        cls.addClassCleanup(shutil.rmtree, media, True)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.task_a.evidence.save("验收报告.pdf", ContentFile(PDF))
        cls.report = ProgressReport.objects.create(
            project=cls.project_a, month="2018-05-01", percent_complete=10
        )
        cls.batch = InterceptionBatch.objects.get(batch_number=2)
        cls.segment = add_sewer_records()
        add_water_records(cls.g105)
        cls.import_batch = ImportBatch.objects.create(kind="samples", file_name="x.csv")
        # The article gives the plans no 责任清单 row: one for the admin's pages.
        cls.g105.plan.responsibilities.create(
            unit=ResponsibleUnit.objects.get(name="各市政站"), duty="日常管护"
        )
        for module in AREA_RULES:
            module.setup(cls)
        cls.users = {
            ANONYMOUS: None,
            VIEWER: cls.viewer,
            EDITOR_A: cls.editor_a,
            EDITOR_B: cls.editor_b,
            ADMINISTRATOR: cls.administrator,
        }

    def admin_object(self, model):
        """The object a model's admin pages are checked on: explicit for the models whose
        answer depends on which object it is, else the first one not protected from deletion.
        None (so the pattern counts as uncovered) when the model has no object at all."""
        User = get_user_model()
        chosen = {
            User: self.editor_b,  # not the administrator: deleting it must be refused anyway
            Group: Group.objects.order_by("pk").first(),
            ProgressReport: self.report,
            type(self.task_a): self.task_a,
        }
        if model in chosen:
            return chosen[model]
        # The first object the admin may delete: a protected one would answer the confirmed
        # delete with its "cannot delete" page instead.
        candidates = list(model._default_manager.order_by("pk")[:20])
        for obj in candidates:
            collector = NestedObjects(using=router.db_for_write(model))
            collector.collect([obj])
            if not collector.protected:
                return obj
        return candidates[0] if candidates else None

    def history_id(self, obj):
        """The id of the latest historical version of ``obj``."""
        model = type(obj)
        history = getattr(model, model._meta.simple_history_manager_attribute)
        return (
            history.filter(**{model._meta.pk.attname: obj.pk})
            .order_by("-history_id")
            .values_list("history_id", flat=True)
            .first()
        )

    def walk(self):
        """(pattern, its cases or None when no rule covers it) for every pattern."""
        rules = (SiteRules(self), AdminRules(self))
        for pattern in url_patterns():
            cases = None
            for rule in rules:
                cases = rule.cases(pattern)
                if cases:
                    break
            yield pattern, cases


class UrlWalkTests(UrlWalkCase):
    def test_the_walk_finds_the_site_and_admin_patterns(self):
        names = {pattern.name for pattern, _cases in self.walk()}
        for name in (
            "login",
            "logout",
            "set_language",
            "projects:task-update",
            "projects:report-update",
            "admin:index",
            "admin:projects_task_change",
            "admin:auth_user_delete",
        ):
            self.assertIn(name, names)

    def test_every_pattern_has_a_rule(self):
        missing = [f"{p.key}  ({p.route})" for p, cases in self.walk() if not cases]
        self.assertEqual(
            missing,
            [],
            "URL patterns without an access rule (or without an object to check a model's "
            "admin pages on) in tests/test_urls.py",
        )

    def test_every_pattern_answers_each_user_as_its_rule_says(self):
        walked = list(self.walk())
        for pattern, cases in walked:
            if not cases:
                with self.subTest(pattern.key):
                    self.fail(f"no access rule for {pattern.key} ({pattern.route})")
        checks = [(pattern, case) for pattern, cases in walked if cases for case in cases]
        self.assertGreater(len(checks), 100)
        before = self.database_state()
        for user_key in USERS:
            user = self.users[user_key]
            self.log_in(user)
            for pattern, case in checks:
                expected_get, expected_post = case.expected[user_key]
                with self.subTest(pattern.key, case=case.label, user=user_key, method="GET"):
                    self.check(user, "get", case.url, case.query, expected_get)
                body = case.body(self, user) if callable(case.body) else (case.body or {})
                with self.subTest(pattern.key, case=case.label, user=user_key, method="POST"):
                    self.check(user, "post", case.url, body, expected_post)
        # The saves and deletes that succeeded were all rolled back.
        self.assertEqual(self.database_state(), before)

    def database_state(self):
        """Row counts of every model in the admin, and the versions of the edited rows."""
        state = {
            model._meta.label: model._default_manager.count() for model in admin.site._registry
        }
        state["task versions"] = sorted(type(self.task_a).objects.values_list("pk", "version"))
        state["report version"] = ProgressReport.objects.get(pk=self.report.pk).version
        return state

    def log_in(self, user):
        self.client.logout()
        if user is not None:
            self.client.force_login(user)

    def check(self, user, method, url, data, expected):
        """One request, rolled back, compared with ``expected`` (a status or a login page)."""
        try:
            with transaction.atomic():
                response = getattr(self.client, method)(url, data, follow=False)
                transaction.set_rollback(True)
        finally:
            # A logout (or a refused session) ends the login: log in again for the next check.
            cookie = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
            if user is not None and (cookie is None or not cookie.value):
                self.log_in(user)
        where = f"{method.upper()} {url}"
        if expected in REDIRECT_TARGETS:
            self.assertEqual(response.status_code, 302, where)
            location = urlsplit(response["Location"])
            self.assertEqual(location.path, reverse(expected), where)
            if expected != ADMIN_INDEX:
                (next_url,) = parse_qs(location.query)["next"]
                self.assertEqual(urlsplit(next_url).path, url, where)
        else:
            self.assertEqual(response.status_code, expected, where)
