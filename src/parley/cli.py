"""The ``parley`` command: engine commands without Django, everything else as ``manage.py``.

``parley score`` / ``train`` / ``evaluate`` run the pure engine (no database needed);
``parley serve --production`` runs the production stack (``parley.production``);
any other word is a Django management command (``parley migrate``, ``parley seed_demo``...),
with dashes read as underscores (``parley export-decisions``).
"""

from __future__ import annotations

import importlib
import os
import sys

# Commands that must not need Django or a database: "module:function" taking argv.
ENGINE_COMMANDS = {
    "score": "parley.engine.cli:score_main",
    "train": "parley.engine.cli:train_main",
    "evaluate": "parley.engine.cli:evaluate_main",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "serve":
        from parley.production import serve

        return serve(argv[1:])
    if argv and argv[0] in ENGINE_COMMANDS:
        module_name, func_name = ENGINE_COMMANDS[argv[0]].split(":")
        func = getattr(importlib.import_module(module_name), func_name)
        return int(func(argv[1:]) or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    from django.core.management import execute_from_command_line

    if argv and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")
    execute_from_command_line(["parley", *argv])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
