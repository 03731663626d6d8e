"""The layers of ``projects`` and the rule of which may import which (README, Layout).

From the bottom up — a module may import from its own layer and the layers below, never above:

0. ``projects.core`` (formatting, dates, validators, roles, files) and ``projects.standards``
   (the rules of the guide and of CJJ 181, pure Python)
1. ``projects.models``
2. ``projects.services`` (what the pages, the admin, the commands and the exports do)
3. ``projects.forms`` and ``projects.tables`` (what a page is made of)
4. ``projects.templatetags``
5. ``projects.views``, ``projects.admin``, ``projects.management`` (who asks; the site's views
   and the admin never import each other)
6. ``projects.urls``
7. ``projects.web`` (middleware, login backend, session limits) and ``projects.apps``

Migrations are left out (they are history: they may name any layer's functions). Every
import counts, at the top of a module or inside a function. And no two modules import each
other, directly or round a circle.
"""

import ast
from pathlib import Path

from django.test import SimpleTestCase

PACKAGE = Path(__file__).resolve().parents[1] / "projects"

LAYERS = [
    ("projects.core", 0),
    ("projects.standards", 0),
    ("projects.models", 1),
    ("projects.services", 2),
    ("projects.forms", 3),
    ("projects.tables", 3),
    ("projects.templatetags", 4),
    ("projects.views", 5),
    ("projects.admin", 5),
    ("projects.management", 5),
    ("projects.urls", 6),
    ("projects.web", 7),
    ("projects.apps", 7),
]
# Same layer, but neither may import the other.
APART = [("projects.views", "projects.admin")]
# Modules no layer holds: the root package and its migrations.
OUTSIDE = ("projects.migrations",)
MAX_LINES = 500


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        if name == "projects" or name.startswith(OUTSIDE):
            continue
        modules[name] = path
    return modules


def imports_of(path, name):
    """The ``projects`` modules ``path`` imports (resolved relative imports, and ``from X import
    y`` counted as X.y when X.y is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {m for m in found if m == "projects" or m.startswith("projects.")}


def layer_of(name):
    for prefix, layer in LAYERS:
        if name == prefix or name.startswith(prefix + "."):
            return prefix, layer
    return None, None


def graph():
    modules = project_modules()
    edges = {}
    for name, path in modules.items():
        targets = set()
        for imported in imports_of(path, name):
            # The module itself, or the package whose attribute was imported.
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and imported != "projects":
                targets.add(imported)
        edges[name] = targets
    return modules, edges


def violations(edges):
    found = []
    for source, targets in sorted(edges.items()):
        source_prefix, source_layer = layer_of(source)
        if source_layer is None:
            found.append(f"{source}: in no layer")
            continue
        for target in sorted(targets):
            target_prefix, target_layer = layer_of(target)
            if target_layer is None:
                found.append(f"{source} -> {target}: in no layer")
            elif target_layer > source_layer:
                found.append(
                    f"{source} -> {target}: layer {source_layer} imports layer {target_layer}"
                )
            elif {source_prefix, target_prefix} in [set(pair) for pair in APART]:
                found.append(
                    f"{source} -> {target}: {source_prefix} and {target_prefix} stay apart"
                )
    return found


def circles(edges):
    """Every set of modules that import each other round a loop (Tarjan's strongly connected
    components of two or more, or a module importing itself)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return result


class LayerTests(SimpleTestCase):
    def test_no_module_imports_from_a_layer_above_its_own(self):
        _modules, edges = graph()
        self.assertEqual(violations(edges), [])

    def test_no_modules_import_each_other_round_a_circle(self):
        _modules, edges = graph()
        self.assertEqual(circles(edges), [])

    def test_every_module_is_under_500_lines(self):
        modules, _edges = graph()
        long = {
            name: lines
            for name, path in modules.items()
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        }
        self.assertEqual(long, {})

    def test_the_root_holds_only_the_app_itself(self):
        root = sorted(path.name for path in PACKAGE.glob("*.py"))
        self.assertEqual(root, ["__init__.py", "apps.py"])

    def test_it_reads_the_imports_it_judges(self):
        _modules, edges = graph()
        self.assertIn("projects.models", edges["projects.services.complaints"])
        self.assertGreater(sum(len(targets) for targets in edges.values()), 200)

    def test_it_finds_an_import_that_runs_back_up_and_a_circle(self):
        edges = {
            "projects.models.photos": {"projects.services.photos"},
            "projects.services.photos": {"projects.models.photos"},
            "projects.tables.sewers": {"projects.templatetags.waterworks"},
            "projects.admin.imports": {"projects.views.imports"},
        }
        self.assertEqual(
            violations(edges),
            [
                "projects.admin.imports -> projects.views.imports: projects.admin and "
                "projects.views stay apart",
                "projects.models.photos -> projects.services.photos: layer 1 imports layer 2",
                "projects.tables.sewers -> projects.templatetags.waterworks: layer 3 imports "
                "layer 4",
            ],
        )
        self.assertEqual(circles(edges), [["projects.models.photos", "projects.services.photos"]])
