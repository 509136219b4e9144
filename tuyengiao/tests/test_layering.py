"""Rules of the layout, checked on the source with ``ast`` (docs/architecture.md).

- ``orgs`` is the core every app builds on: no module under ``tuyengiao/orgs`` imports
  another app of the project. Allowed: ``tuyengiao.lib`` (a library, not an app) and,
  in ``orgs/sheets.py`` only, the import framework it registers its sheets with (as
  every app's ``sheets.py`` does). Tests are exempt: they drive the whole system.
- A view module (``*/views.py``) reads and writes through services, selectors and the
  access modules: it never touches ``Model.objects`` itself.
- The subtree test of the tree (one materialised path a prefix of another) is written
  only in the access modules (``*/access.py``); everything else calls
  ``Scope.covers``, ``access.in_subtree`` or an app's access helper.
- ``str.isdigit`` is called only in ``lib/numbers.py`` (``is_digits``, ``parse_id``):
  it is true of "²", which ``int`` refuses, so ``x.isdigit()`` then ``int(x)`` is a 500
  from a typed value.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
# Every app of the project: a package of tuyengiao with an apps.py (lib is a library).
APPS = {p.parent.name for p in PACKAGE.glob("*/apps.py")}


def _sources(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*.py") if "migrations" not in p.parts and "tests" not in p.parts
    )


def _imported_modules(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    """Absolute names of the modules ``tree`` imports (relative imports resolved
    against ``module``, a dotted module name)."""
    found: list[tuple[int, str]] = []
    package = module.split(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                prefix = package[: len(package) - node.level]
                base = ".".join([*prefix, base] if base else prefix)
            if node.module:
                found.append((node.lineno, base))
            else:  # ``from . import access``: each name is a module
                found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)
    return found


def _app_of(name: str) -> str | None:
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "tuyengiao" and parts[1] in APPS:
        return parts[1]
    return None


def orgs_foreign_imports(root: Path = PACKAGE) -> list[str]:
    bad: list[str] = []
    for path in _sources(root / "orgs"):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, name in _imported_modules(tree, module):
            app = _app_of(name)
            if app is None or app == "orgs":
                continue
            if path.name == "sheets.py" and name.startswith("tuyengiao.imports.framework"):
                continue
            bad.append(f"{path.relative_to(root)}:{line} imports {name}")
    return bad


def _found(
    root: Path,
    paths: Iterable[Path],
    wanted: Callable[[ast.expr], bool],
    say: Callable[[ast.expr], str],
) -> list[str]:
    """``file:line what`` of every expression of ``paths`` that ``wanted`` picks."""
    bad: list[str] = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bad.extend(
            f"{path.relative_to(root)}:{node.lineno} {say(node)}"
            for node in ast.walk(tree)
            if isinstance(node, ast.expr) and wanted(node)
        )
    return bad


def view_objects_calls(root: Path = PACKAGE) -> list[str]:
    return _found(
        root,
        sorted(root.glob("*/views.py")),
        lambda node: isinstance(node, ast.Attribute) and node.attr == "objects",
        lambda node: "uses .objects",
    )


def isdigit_calls(root: Path = PACKAGE) -> list[str]:
    paths = [p for p in _sources(root) if p.relative_to(root).as_posix() != "lib/numbers.py"]
    return _found(
        root,
        paths,
        lambda node: (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "isdigit"
        ),
        lambda node: "calls .isdigit()",
    )


def _is_tree_path(node: ast.expr) -> bool:
    """``x.path`` (a unit's or a scope's), or a name like ``path`` / ``host_path``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "path" or node.attr.endswith("_path")
    if isinstance(node, ast.Name):
        return node.id == "path" or node.id.endswith("_path")
    return False


def hand_written_scope_tests(root: Path = PACKAGE) -> list[str]:
    def scope_test(node: ast.expr) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "startswith"
            and bool(node.args)
            and _is_tree_path(node.func.value)
            and _is_tree_path(node.args[0])
        )

    paths = [p for p in _sources(root) if p.name != "access.py"]
    return _found(root, paths, scope_test, ast.unparse)


def test_orgs_imports_no_other_app() -> None:
    assert orgs_foreign_imports() == []


def test_views_never_call_objects() -> None:
    assert view_objects_calls() == []


def test_scope_tests_only_in_access_modules() -> None:
    assert hand_written_scope_tests() == []


def test_isdigit_only_in_the_numbers_module() -> None:
    assert isdigit_calls() == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "tuyengiao"
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def test_the_checks_catch_what_they_are_for(tmp_path: Path) -> None:
    """Each check fires on a planted violation (so the four tests above are not
    vacuous), and lets the allowed forms through."""
    root = _tree(
        tmp_path,
        {
            "orgs/views.py": (
                "from tuyengiao.trust.views import record\n"
                "from ..study import access\n"
                "from tuyengiao.lib.text import fold\n"
                "from . import access as core\n"
            ),
            "orgs/sheets.py": "from tuyengiao.imports.framework import register\n",
            "orgs/tests/test_x.py": "from tuyengiao.study.models import Session\n",
            "study/views.py": "def v(r):\n    return Session.objects.all()\n",
            "study/services.py": (
                "def f(unit, scope, host_path, member_path, request):\n"
                "    a = unit.path.startswith(scope.path)\n"
                "    b = member_path.startswith(host_path)\n"
                "    c = request.path.startswith('/static/')\n"
            ),
            "study/access.py": "def g(u, s):\n    return u.path.startswith(s.path)\n",
            "study/forms.py": "def h(raw):\n    return int(raw) if raw.isdigit() else None\n",
            "lib/numbers.py": "def is_digits(t):\n    return t.isascii() and t.isdigit()\n",
        },
    )
    assert orgs_foreign_imports(root) == [
        "orgs/views.py:1 imports tuyengiao.trust.views",
        "orgs/views.py:2 imports tuyengiao.study",
    ]
    assert view_objects_calls(root) == ["study/views.py:2 uses .objects"]
    assert isdigit_calls(root) == ["study/forms.py:2 calls .isdigit()"]
    assert hand_written_scope_tests(root) == [
        "study/services.py:2 unit.path.startswith(scope.path)",
        "study/services.py:3 member_path.startswith(host_path)",
    ]
