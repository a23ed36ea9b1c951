"""The package's import graph: data flows one way, so no module imports one that imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import euclaims

PACKAGE = Path(euclaims.__file__).parent


def import_graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports (relative imports, at any depth in the file)."""
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("euclaims", *path.relative_to(PACKAGE).with_suffix("").parts)
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                anchor = package[: len(package) - (node.level - 1)]
                if node.module:
                    targets.add(".".join([*anchor, node.module]))
                else:
                    targets.update(".".join([*anchor, alias.name]) for alias in node.names)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Every cycle reachable in the graph, each as the path that closes it."""
    found: set[tuple[str, ...]] = set()

    def walk(path: list[str]) -> None:
        for target in sorted(graph.get(path[-1], ())):
            if target in path:
                found.add(tuple(path[path.index(target) :]))
            elif target in graph:
                walk([*path, target])

    for module in sorted(graph):
        walk([module])
    return found


def test_the_package_has_no_import_cycle():
    graph = import_graph()
    assert len(graph) > 40 and "euclaims.extracts.base" in graph["euclaims.extracts.eums"]
    assert cycles(graph) == set()


def test_a_cycle_is_found_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == {("a", "b", "c"), ("b", "c", "a"),
                                                            ("c", "a", "b")}  # fmt: skip
