"""The longest chain of imports inside a package, counted in modules: `python scripts/import_chain.py`.

Every import between two modules of the package counts, function-level ones included (grimp reads
every import statement), and each ``__init__.py`` is a module of its own. A chain a → b → c is 3
modules long. Prints the length and the chain; with --max N exits 1 when the longest chain is
longer than N, or when the imports form a cycle (a cycle has no longest chain).

CI runs ``python scripts/import_chain.py ui --max 6``.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import cache

import grimp


def longest_chain(package: str) -> list[str]:
    """The longest import chain among the modules of `package`, as a list of module names.

    Raises:
        ValueError: the imports inside the package form a cycle (naming one module on it).
    """
    graph = grimp.build_graph(package, include_external_packages=False)
    modules = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    inside = set(modules)
    visiting: set[str] = set()

    @cache
    def chain_from(module: str) -> tuple[str, ...]:
        if module in visiting:
            raise ValueError(f"the imports form a cycle through {module}")
        visiting.add(module)
        best: tuple[str, ...] = ()
        for imported in sorted(graph.find_modules_directly_imported_by(module) & inside):
            if imported != module:
                candidate = chain_from(imported)
                if len(candidate) > len(best):
                    best = candidate
        visiting.discard(module)
        return (module, *best)

    return list(max((chain_from(m) for m in modules), key=len, default=()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("package", nargs="?", default="ui")
    parser.add_argument("--max", type=int, default=None, help="exit 1 if the longest chain has more modules")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        chain = longest_chain(args.package)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"package": args.package, "length": len(chain), "chain": chain}))
    else:
        print(f"{len(chain)}: {' → '.join(chain)}")
    return 1 if args.max is not None and len(chain) > args.max else 0


if __name__ == "__main__":
    sys.exit(main())
