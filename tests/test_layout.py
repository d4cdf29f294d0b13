"""The house's shape: the folder tree is the map the README draws, and no module of scoring/ imports one that
imports it back (a cycle), however deep in a function the import hides."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAPPED_ROOTS = ("scoring", "app_pages")
NOT_A_STAGE = {"__pycache__", "templates"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def scoring_modules() -> dict[str, Path]:
    return {module_name(p): p for p in (ROOT / "scoring").rglob("*.py")}


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """Every scoring module this file imports, at the top or inside a function; `from a.b import c` counts as
    a.b.c when c is a module, else as a.b."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
    return found & known


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
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
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def scoring_import_graph() -> dict[str, set[str]]:
    modules = scoring_modules()
    known = set(modules)
    return {name: imported_modules(path, known) - {name} for name, path in modules.items()}


def readme_folders() -> set[str]:
    """The folders the README's layout table names in its first column."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([\w/]+/)` \|", layout, flags=re.M))


def stage_folders() -> set[str]:
    return {f"{root}/{child.name}/" for root in MAPPED_ROOTS for child in (ROOT / root).iterdir()
            if child.is_dir() and child.name not in NOT_A_STAGE}


def test_no_module_of_scoring_imports_one_that_imports_it_back():
    assert import_cycles(scoring_import_graph()) == []


def test_the_cycle_finder_finds_a_cycle_through_three_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    assert import_cycles(graph) == [["a", "b", "c"]]


def test_an_import_inside_a_function_counts_as_an_import(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from scoring.results import ranking\n    return ranking\n", encoding="utf-8")

    assert imported_modules(module, {"scoring.results.ranking", "scoring.results"}) == {"scoring.results.ranking"}


def test_the_readme_layout_names_every_stage_folder_and_no_other():
    assert readme_folders() == stage_folders()


def test_every_scoring_stage_folder_is_a_package():
    folders = [p for p in (ROOT / "scoring").iterdir() if p.is_dir() and p.name not in NOT_A_STAGE]

    assert [p.name for p in folders if not (p / "__init__.py").exists()] == []


def test_tests_mirror_the_scoring_stages():
    stages = {p.name for p in (ROOT / "scoring").iterdir() if (p / "__init__.py").exists()}
    test_folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir()}

    assert stages <= test_folders
