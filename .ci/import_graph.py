"""The import graph between the packages of the app (pm_app.<x>, and jobs), from grimp (installed with
import-linter): the edges, and the cycles among them. Used for docs/architecture.md; run from the checkout:

    .venv/bin/python .ci/import_graph.py            # summary: packages, edges, cycles
    .venv/bin/python .ci/import_graph.py --edges    # and every edge, with how many imports it stands for
"""

from __future__ import annotations

import re
import sys
from collections import Counter

import grimp

WIRING = {"pm_app", "pm_app.setup", "pm_app.cli", "pm_app.job_commands"}


def package(module: str) -> str:
    """pm_app.fees.counter.desk -> pm_app.fees; the root's own modules (pm_app.setup) stay themselves."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "pm_app" else parts[0]


def exceptions(path: str = ".importlinter") -> list[tuple[str, str]]:
    """The ignore_imports of the contracts: importer -> imported patterns (`*` one name, `**` any)."""
    found, reading = [], False
    for line in open(path, encoding="utf-8"):
        if line.strip().startswith("ignore_imports"):
            reading = True
        elif reading and "->" in line and not line.strip().startswith(";"):
            a, b = (part.strip() for part in line.split("->"))
            found.append((a, b))
        elif reading and line.strip() and not line.startswith((" ", "\t")):
            reading = False
    return found


def matches(pattern: str, module: str) -> bool:
    regex = re.escape(pattern).replace(r"\*\*", ".+").replace(r"\*", "[^.]+")
    return re.fullmatch(regex, module) is not None


def package_edges(graph, skip=()) -> Counter:
    edges: Counter = Counter()
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if any(matches(x, importer) and matches(y, imported) for x, y in skip):
                continue
            a, b = package(importer), package(imported)
            if a != b:
                edges[(a, b)] += 1
    return edges


def components(edges) -> list[list[str]]:
    """Strongly connected components of more than one package: each is a knot of cycles."""
    nodes = sorted({n for edge in edges for n in edge})
    succ = {n: sorted(b for a, b in edges if a == n) for n in nodes}
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(n):  # Tarjan's algorithm; the graph has a few dozen packages, recursion is fine
        index[n] = low[n] = len(index)
        stack.append(n)
        on_stack.add(n)
        for m in succ[n]:
            if m not in index:
                visit(m)
                low[n] = min(low[n], low[m])
            elif m in on_stack:
                low[n] = min(low[n], index[m])
        if low[n] == index[n]:
            component = []
            while True:
                m = stack.pop()
                on_stack.discard(m)
                component.append(m)
                if m == n:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for n in nodes:
        if n not in index:
            visit(n)
    return found


def two_way(edges) -> list[tuple[str, str]]:
    """Pairs of packages that import each other directly: the knots a reader trips over."""
    return sorted((a, b) for a, b in edges if a < b and (b, a) in edges)


def main() -> None:
    graph = grimp.build_graph("pm_app", "jobs", include_external_packages=False, exclude_type_checking_imports=True)
    edges = package_edges(graph)
    knots = components(edges)
    print(
        f"modules: {len(graph.modules)}; packages: {len({n for e in edges for n in e})}; "
        f"package edges: {len(edges)}; module imports between packages: {sum(edges.values())}"
    )
    print(f"pm_app -> jobs imports: {sum(n for (a, b), n in edges.items() if b == 'jobs' and a != 'jobs')}")
    print(f"cycles: {len(knots)} strongly connected group(s) of packages")
    for knot in knots:
        print(f"  {len(knot)} packages: {', '.join(knot)}")
    # create_app and the CLI import every package by design: without them, what knots remain?
    inner = Counter({e: n for e, n in edges.items() if not set(e) & WIRING})
    print(f"cycles without the app's wiring ({', '.join(sorted(WIRING))}): {len(components(inner))}")
    for knot in components(inner):
        print(f"  {len(knot)} packages: {', '.join(knot)}")
    # And once the exceptions .importlinter lists (each with its reason) are set aside?
    listed = exceptions()
    kept = Counter({e: n for e, n in package_edges(graph, listed).items() if not set(e) & WIRING})
    print(f"cycles without the wiring and the {len(listed)} listed exceptions: {len(components(kept))}")
    for knot in components(kept):
        print(f"  {len(knot)} packages: {', '.join(knot)}")
    pairs = two_way(edges)
    print(f"pairs importing each other directly: {len(pairs)}")
    for a, b in pairs:
        print(f"  {a} <-> {b} ({edges[(a, b)]} / {edges[(b, a)]})")
    if "--edges" in sys.argv:
        for (a, b), n in sorted(edges.items()):
            print(f"  {a} -> {b} ({n})")


if __name__ == "__main__":
    main()
