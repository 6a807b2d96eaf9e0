"""The one JSON reader for request bodies (the JSON API and the Perspective-compatible endpoint).

``json.loads`` accepts two things that later fail as server errors: a lone UTF-16 surrogate
("\\ud800" is valid JSON, but no UTF-8 text, so the database, the engine and the response
encoder all refuse it), and nesting deep enough to exhaust the recursion limit (30,000 "[").
Both are refused here as bad requests, with a message, before anything else reads the body.
"""

from __future__ import annotations

import json
from typing import Any

#: No Parley request nests deeper than 4; 32 leaves room for clients' own extras.
MAX_DEPTH = 32


class BadJson(ValueError):
    """A request body that is not acceptable JSON; ``message`` says why, for the client."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _check_values(data: Any) -> None:
    """Walk the decoded value without recursion: refuse deep nesting and lone surrogates."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    raise BadJson("The request body holds a lone UTF-16 surrogate "
                                  "(such as \\ud800): text must be valid Unicode.") from None
            continue
        if isinstance(value, dict):
            children: Any = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            raise BadJson(f"The request body is nested more than {MAX_DEPTH} levels deep.")
        stack.extend((child, depth + 1) for child in children)


def _refuse_constant(name: str) -> Any:
    raise BadJson(f"The request body holds {name}, which is not a JSON number.")


def load_json(raw: bytes) -> Any:
    """Decode a UTF-8 JSON body, or raise BadJson with a message a client can act on."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadJson("The request body is not valid UTF-8.") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise BadJson(f"The request body is not valid JSON ({exc.msg} at line {exc.lineno} "
                      f"column {exc.colno}).") from None
    except RecursionError:
        raise BadJson(f"The request body is nested more than {MAX_DEPTH} levels deep.") from None
    _check_values(data)
    return data
