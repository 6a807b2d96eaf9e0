"""``parley.comments`` is a leaf app: no module of it imports moderation, the actions or the
layers built on it, so it can be read and tested alone (see docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import parley.comments

FORBIDDEN = ("parley.moderation", "parley.actions", "parley.web", "parley.perspective")
PACKAGE_DIR = Path(parley.comments.__file__).resolve().parent


def imported_modules(path: Path, root: Path = PACKAGE_DIR, package: str = "parley.comments"
                     ) -> set[str]:
    """Every module a file imports, at the top or inside a function, relative ones resolved;
    ``from a import b`` yields both ``a`` and ``a.b`` (b may be a module)."""
    here = ".".join([package, *path.relative_to(root).parent.parts])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = here.rsplit(".", node.level - 1)[0] if node.level > 1 else here
                module = f"{base}.{module}" if module else base
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_comments_imports_nothing_above_it():
    files = sorted(PACKAGE_DIR.rglob("*.py"))
    assert len(files) > 10
    offending = sorted(
        f"{path.relative_to(PACKAGE_DIR)}: {name}"
        for path in files for name in imported_modules(path) if name.startswith(FORBIDDEN)
    )
    assert not offending, offending


def test_the_walk_sees_function_level_and_relative_imports(tmp_path):
    assert "parley.comments.services.canonical_story_url" in imported_modules(
        PACKAGE_DIR / "selectors.py")  # imported inside a function
    root = tmp_path / "comments"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "mod.py").write_text(
        "def f():\n    from ...moderation import pipeline\n    from parley import actions\n")
    found = imported_modules(root / "sub" / "mod.py", root=root)
    assert {"parley.moderation.pipeline", "parley.actions"} <= found
