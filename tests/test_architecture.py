"""Dependencies point one way (README, ../shared architecture): each package imports only the packages
below it. Read from the source with `ast`, including imports inside functions."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = {
    "actions",
    "gateway",
    "knowledge",
    "search",
    "nlu",
    "privacy",
    "pydantic_zh",
    "rasa_server",
    "launcher",
    "devtools",
    "settings",
    "tests",
    "benchmarks",
    "scripts",
}
# package -> what it may import of ours (besides itself). CLIs (`__main__.py`) may also read the settings.
ALLOWED = {
    "privacy": set(),
    "pydantic_zh": set(),
    "knowledge": {"privacy", "pydantic_zh"},
    "search": {"knowledge"},
    "nlu": {"knowledge", "privacy", "settings"},
    "actions": {"knowledge", "search", "nlu", "privacy", "settings"},
    "gateway": {"knowledge", "search", "nlu", "privacy", "pydantic_zh", "settings"},
    "rasa_server": {"privacy", "nlu"},
    "launcher": {"settings"},
    "devtools/reference_platform": {"pydantic_zh"},
}


def imported_packages(path: Path) -> set:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_what_is_below_it(package):
    own = package.split("/")[0]
    wrong = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        allowed = ALLOWED[package] | {own} | ({"settings"} if path.name == "__main__.py" else set())
        if package == "devtools/reference_platform":
            allowed = ALLOWED[package] | {"devtools"}
        extra = imported_packages(path) - allowed
        if extra:
            wrong[str(path.relative_to(ROOT))] = sorted(extra)
    assert wrong == {}


def test_the_reference_platform_imports_nothing_else_of_devtools():
    for path in (ROOT / "devtools" / "reference_platform").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("devtools"):
                assert node.module.startswith("devtools.reference_platform"), (path, node.module)


def test_settings_imports_nothing_of_ours():
    assert imported_packages(ROOT / "settings.py") == set()
