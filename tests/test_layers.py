"""The house keeps its shape: no app imports one above it (function-local imports included).

Order, lowest first: core, geo, accounts, directory, people, matching, interop, feeds, enquiries, freshness,
whatson, together, insights. KNOWN lists any upward import
allowed to stay (none now); a new one fails, and so does a known one that has gone, so the list only shrinks.
"""

import ast
from pathlib import Path

ORDER = ["core", "geo", "accounts", "directory", "people", "matching", "interop", "feeds", "enquiries", "freshness",
         "whatson", "together", "insights"]  # fmt: skip
RANK = {app: i for i, app in enumerate(ORDER)}
KITH = Path(__file__).resolve().parent.parent / "kith"
# Every upward import is gone (issue 12); keep it so: a lower app publishes a hook or a function instead.
KNOWN: set[tuple[str, str]] = set()


def upward_imports() -> set[tuple[str, str]]:
    found = set()
    for path in KITH.rglob("*.py"):
        relative = path.relative_to(KITH)
        app = relative.parts[0]
        if app not in RANK or "migrations" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                parts = name.split(".")
                if parts[0] == "kith" and len(parts) > 1 and RANK.get(parts[1], -1) > RANK[app]:
                    found.add((str(relative), parts[1]))
    return found


def test_no_app_imports_one_above_it():
    found = upward_imports()
    assert found - KNOWN == set(), "a lower app imports a higher one: publish a hook or a function instead"
    assert KNOWN - found == set(), "an upward import is gone: take it off KNOWN"
