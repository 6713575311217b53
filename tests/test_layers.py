"""The packages depend one way only: flows ← storage ← bot ← sandbox.

Every import of every module is read from its source (those inside functions too), so a
lazy import cannot hide an arrow that points up. The one exception is the runner's lazy
import of the sandbox, which `python -m bot` starts when nothing is configured.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("flows", "storage", "bot", "sandbox")
# What each package may import of the others.
ALLOWED: dict[str, frozenset[str]] = {
    "flows": frozenset(),
    "storage": frozenset({"flows"}),
    "bot": frozenset({"flows", "storage"}),
    "sandbox": frozenset({"flows", "storage", "bot"}),
}
# (module file, imported package): the runner's lazy import of the sandbox.
EXCEPTIONS = frozenset({("bot/__main__.py", "sandbox")})


def imported_packages(path: Path) -> set[str]:
    """The top-level project packages that a module imports, anywhere in its body."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in LAYERS)
    return found


def arrows_up() -> list[str]:
    wrong = []
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            for target in imported_packages(path) - {package} - ALLOWED[package]:
                if (relative, target) not in EXCEPTIONS:
                    wrong.append(f"{relative} imports {target}")
    return wrong


def test_no_import_points_up() -> None:
    assert arrows_up() == []


def test_the_check_sees_an_arrow_up(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def later():\n    from bot.app import create_app\n", encoding="utf-8")
    assert imported_packages(module) == {"bot"}


@pytest.mark.parametrize("package", LAYERS)
def test_every_package_is_checked(package: str) -> None:
    assert list((ROOT / package).rglob("*.py")), f"{package} has no modules"


def test_the_runner_imports_the_sandbox_only_lazily() -> None:
    tree = ast.parse((ROOT / "bot" / "__main__.py").read_text(encoding="utf-8"))
    top_level = {
        node.module.split(".")[0] for node in tree.body if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "sandbox" not in top_level
