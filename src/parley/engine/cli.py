"""``parley score`` (JSON lines in, JSON lines out) and the ``train`` / ``evaluate`` hand-offs.

``parley score`` reads one JSON object per line from stdin (or ``--input``), scores them in
batches and writes one JSON object per input line, in order, flushing after each batch: memory
stays bounded by the batch size however long the input is. A line that cannot be read or scored
gives ``{"id": ..., "error": "..."}`` on its line and the rest go on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from .policy import Policy, PolicyError, decide
from .types import Context

MAX_TEXT_CHARS = 20_000


class InputError(ValueError):
    """One input line is not a valid scoring request."""


def _str_field(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where}{key} must be a string")
    return value


def parse_request(line: str) -> tuple[Any, str, Context]:
    """Parse one input line into (id, text, context); raise InputError saying what is wrong."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(data, dict):
        raise InputError("each line must be a JSON object")
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError('"text" must be a non-empty string')
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f'"text" is longer than {MAX_TEXT_CHARS} characters')
    raw_context = data.get("context") or {}
    if not isinstance(raw_context, dict):
        raise InputError('"context" must be an object')
    thread = raw_context.get("thread") or []
    if not isinstance(thread, list) or not all(isinstance(t, str) for t in thread):
        raise InputError('"context.thread" must be a list of strings')
    lang = data.get("lang")
    if lang is not None and not isinstance(lang, str):
        raise InputError('"lang" must be a string')
    story_key = raw_context.get("story_key")
    context = Context(
        title=_str_field(raw_context, "title", "context."),
        body=_str_field(raw_context, "body", "context."),
        parent=_str_field(raw_context, "parent", "context."),
        thread=tuple(thread),
        lang=lang or None,
        story_key=str(story_key) if story_key is not None else None,
    )
    return data.get("id"), text, context


def _request_id(line: str) -> Any:
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    return data.get("id") if isinstance(data, dict) else None


def _batches(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(lines)
    while batch := list(islice(iterator, size)):
        yield batch


def score_stream(
    engine: Any,
    lines: Iterable[str],
    out: TextIO,
    *,
    policy: Policy,
    batch_size: int = 32,
    workers: int = 1,
) -> tuple[int, int]:
    """Score JSON lines from ``lines`` into ``out``; return (lines scored, lines in error).

    With ``workers`` > 1, that many batches are scored at once on threads (the engine is
    thread-safe and ONNX Runtime releases the GIL); output keeps the input order and at most
    ``2 * workers`` batches are held in memory.
    """
    batches = _batches(lines, batch_size)
    if workers <= 1:
        results_iter: Iterator[list[dict[str, Any]]] = (
            _score_batch(engine, batch, policy) for batch in batches
        )
        return _write_results(results_iter, out)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[list[dict[str, Any]]]] = deque()

        def drain() -> Iterator[list[dict[str, Any]]]:
            for batch in batches:
                pending.append(pool.submit(_score_batch, engine, batch, policy))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

        scored, failed = _write_results(drain(), out)
    return scored, failed


def _write_results(results_iter: Iterable[list[dict[str, Any]]], out: TextIO) -> tuple[int, int]:
    scored = failed = 0
    for results in results_iter:
        for result in results:
            if "error" in result:
                failed += 1
            else:
                scored += 1
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return scored, failed


def _score_batch(engine: Any, batch: list[str], policy: Policy) -> list[dict[str, Any]]:
    """Score one batch of input lines; every line gets a result or an error, in order."""
    results: list[dict[str, Any] | None] = [None] * len(batch)
    requests: list[tuple[int, Any, str, Context]] = []
    for i, line in enumerate(batch):
        if not line.strip():
            results[i] = {"id": None, "error": "empty line"}
            continue
        try:
            request_id, text, context = parse_request(line)
        except InputError as exc:
            results[i] = {"id": _request_id(line), "error": str(exc)}
            continue
        requests.append((i, request_id, text, context))
    try:
        all_scores = engine.score_many([(text, ctx) for _, _, text, ctx in requests])
    except (ValueError, TypeError):
        # One bad item spoils a batch call; score one by one to isolate it.
        all_scores = []
        for _, _, text, ctx in requests:
            try:
                all_scores.append(engine.score(text, ctx))
            except (ValueError, TypeError) as exc:
                all_scores.append(exc)
    for (i, request_id, _, _), scores in zip(requests, all_scores, strict=True):
        if isinstance(scores, Exception):
            results[i] = {"id": request_id, "error": str(scores)}
            continue
        verdict = decide(scores, policy)
        payload = scores.to_dict()
        results[i] = {
            "id": request_id,
            "scores": payload["scores"],
            "language": scores.language,
            "abusive": scores.abusive,
            "off_topic": scores.off_topic,
            "decision": verdict.status,
            "reasons": verdict.reasons,
        }
    return [result for result in results if result is not None]


def score_main(argv: list[str]) -> int:
    """The ``parley score`` command."""
    parser = argparse.ArgumentParser(
        prog="parley score",
        description="Score comments: JSON lines on stdin, one JSON line per input on stdout.",
    )
    parser.add_argument("--input", type=Path, help="read this file instead of stdin")
    parser.add_argument("--policy", type=Path, help="a site policy as a JSON file")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument(
        "--workers", type=int, default=2, help="batches scored at once on threads (default 2)"
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="ONNX threads per encoder call (default 1)"
    )
    args = parser.parse_args(argv)
    if args.batch_size < 1 or args.workers < 1:
        parser.error("--batch-size and --workers must be at least 1")
    try:
        policy = Policy.from_dict(
            json.loads(args.policy.read_text(encoding="utf-8")) if args.policy else None
        )
    except (OSError, json.JSONDecodeError, PolicyError) as exc:
        print(f"parley score: bad --policy: {exc}", file=sys.stderr)
        return 2
    from .engine import Engine

    engine = Engine.load(args.model_dir, threads=args.threads)
    stream = args.input.open(encoding="utf-8") if args.input else sys.stdin
    try:
        scored, failed = score_stream(
            engine,
            stream,
            sys.stdout,
            policy=policy,
            batch_size=args.batch_size,
            workers=args.workers,
        )
    finally:
        if args.input:
            stream.close()
    if failed:
        print(f"parley score: {scored} scored, {failed} line(s) in error", file=sys.stderr)
    return 0


def _training_cli() -> Any:
    """Import training.cli from the repository root (training/ is not installed)."""
    candidates = [Path(__file__).resolve().parents[3], Path.cwd()]
    for root in candidates:
        if (root / "training" / "cli.py").exists():
            if str(root) not in sys.path:
                sys.path.insert(0, str(root))
            import importlib

            return importlib.import_module("training.cli")
    raise SystemExit(
        "parley: training/ was not found next to src/ or in the current directory; "
        "`parley train` and `parley evaluate` run from a checkout of the repository."
    )


def train_main(argv: list[str]) -> int:
    """The ``parley train`` command: rebuild the model files (training/cli.py)."""
    return int(_training_cli().train(argv) or 0)


def evaluate_main(argv: list[str]) -> int:
    """The ``parley evaluate`` command: measure the models (training/cli.py)."""
    return int(_training_cli().evaluate(argv) or 0)
