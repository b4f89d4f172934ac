"""The import graph: no circles anywhere, and the server's layers as pyproject.toml declares."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parent.parent


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: every group of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_the_finder_finds_a_circle():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_itself_back():
    graph = grimp.build_graph("seen", "staffconsole", "kiosk", "hardware")
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    assert strongly_connected(edges) == []


@pytest.mark.e2e
def test_the_declared_layers_hold():
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout


def test_the_architecture_page_names_every_package_and_module():
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    server = REPO / "staffconsole"
    missing = []
    for path in sorted(server.rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        relative = path.relative_to(server)
        if len(relative.parts) == 1:
            named = f"`{path.name}`" in text
        else:
            named = f"`{relative.parts[0]}/`" in text and (
                f"`{path.stem}`" in text or f"`{path.name}`" in text
            )
        if not named:
            missing.append(str(relative))
    assert missing == [], f"docs/architecture.md does not place: {missing}"


def test_the_architecture_page_lists_the_layers_in_the_declared_order():
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("### The server, layer by layer", 1)[1].split("\n### ", 1)[0]
    positions = []
    for layer in contract["layers"]:
        first = layer.split("|")[0].strip().removeprefix("staffconsole.")
        mark = f"| `{first}/`" if (REPO / "staffconsole" / first).is_dir() else f"`{first}.py`"
        assert mark in table, f"layer {first} is not in the table"
        positions.append(table.index(mark))
    assert positions == sorted(positions), "the table's rows are not in the declared order"
