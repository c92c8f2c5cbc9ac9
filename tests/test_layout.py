"""The layout holds: the apps' imports draw a graph with no circle, and each floor imports only those below.

The graph is read from the source (``ast``), every ``import`` counted wherever it stands, inside a function
too: a circle closed by a late import is still a circle. Floors, from the bottom:

0. ``ceis/``: the platform (access, accounts, audit, consent, partners, notifications). It names the apps'
   models by label when it must (``apps.get_model("referrals.Person")``), never by import.
1. ``referrals/``: people and referrals, which every activity starts from.
2. ``materials/``: the library and its reference lists (languages, topics), which activities use; ``portal/``:
   partner bodies' referrals from outside the service (a receipt and a status back, nothing more).
3. The activities, side by side: ``interviews/``, ``groups/``, ``protection/``. None imports another.
4. The readers: ``caseload/``, ``stats/`` and ``privacy/`` (rights and retention across every activity).
5. ``devdata/``: the demo, load and scale seeding, which fill everything and which nothing imports; ``api/``:
   the REST API, which reads (and, for the portal, writes) through the apps below and which nothing imports.

Across apps only an app's public face is imported: its models, selectors (reads), services (writes), signals
and figures (what an activity counts for the readers), at the top of the app or of one of its sub-packages
(``protection.service_referrals.selectors``); never its views, forms, urls, tasks or helpers. ``ceis/`` is the
platform: all of it is public.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

FLOORS = {
    "ceis": 0,
    "referrals": 1,
    "materials": 2,
    "portal": 2,  # the partner bodies' referral portal: referrals from outside, and their status
    "interviews": 3,
    "groups": 3,
    "protection": 3,
    "caseload": 4,
    "stats": 4,
    "privacy": 4,
    "documents": 4,  # case documents hang on people, referrals, interviews and pathways
    "devdata": 5,
    "api": 5,  # the REST API: a reader and an entry point of every app below, which nothing imports
}
# ``periods``: the statistics' calendar periods, which whoever asks for statistics names (stats.periods).
PUBLIC = {"models", "selectors", "services", "signals", "figures", "periods"}


def _modules() -> dict[str, Path]:
    modules = {}
    for app in FLOORS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.relative_to(ROOT).parts:
                continue  # historical: they name models by label and import no app code
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            base = package[: len(package) - node.level + 1]
            full = ".".join([*base, *([node.module] if node.module else [])])
        else:
            full = node.module
        # ``from x import y`` imports x, and x.y when y is a module.
        return [full, *(f"{full}.{alias.name}" for alias in node.names)]
    return []


def import_graph() -> dict[str, set[str]]:
    """Project module -> the project modules it imports (deepest existing module of each name)."""
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            for name in _imported(node, module, path.name == "__init__.py"):
                target = resolve(name)
                # A package's own __init__ reached through ``from . import x`` is not an edge.
                if target and target != module and not module.startswith(target + "."):
                    graph[module].add(target)
    return graph


def _is_package(module: str) -> bool:
    return (ROOT / module.replace(".", "/") / "__init__.py").exists()


def _app(module: str) -> str:
    return module.split(".")[0]


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def app_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    apps: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.items():
        for target in targets:
            if _app(target) != _app(module):
                apps[_app(module)].add(_app(target))
    return apps


def test_every_app_has_a_floor():
    packages = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"ceis"}
    assert packages <= set(FLOORS), f"place these apps on a floor in tests/test_layout.py: {packages - set(FLOORS)}"


def test_no_module_imports_itself_back():
    assert circles(import_graph()) == []


def test_no_app_imports_itself_back():
    assert circles(app_graph(import_graph())) == []


def test_each_floor_imports_only_the_floors_below():
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        for target in targets
        if _app(target) != _app(module) and FLOORS[_app(target)] >= FLOORS[_app(module)]
    )
    assert wrong == []


def test_apps_use_each_other_through_their_public_modules_only():
    wrong = sorted(
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        for target in targets
        if _app(target) not in (_app(module), "ceis")
        and _app(module) != "devdata"  # the seeding fills every app, helpers included; nothing imports it
        and target.split(".")[1:2] != []
        and target.split(".")[-1] not in PUBLIC
        and not _is_package(target)  # ``from app.sub import selectors`` names the package too
    )
    assert wrong == []


def test_the_checks_can_fail():
    """The same functions find a planted circle and a planted upward import."""
    planted = {"a.x": {"b.y"}, "b.y": {"a.z"}, "a.z": {"a.x"}, "c.w": set()}
    assert circles(planted) == [["a.x", "a.z", "b.y"]]
    assert circles(app_graph(planted)) == [["a", "b"]]
    graph = import_graph()
    assert "groups.models" in graph["caseload.caseload_snapshots"]  # imported inside connect(): still an edge
    assert "stats.selectors" in graph["stats.tasks"]  # a relative import
