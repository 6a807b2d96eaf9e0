"""`parley score`: JSON lines in and out, in order, errors on their own line, streaming."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from parley.engine import Engine, Policy
from parley.engine.cli import InputError, parse_request, score_stream
from parley.engine.relevance import DEFAULT_MODEL_DIR

from .doubles import FakeEncoder, FakeHeads, fake_relevance


@pytest.fixture
def fake_engine():
    encoder = FakeEncoder()
    return Engine(encoder, FakeHeads(), fake_relevance(encoder))


def run(engine, lines, **kwargs):
    out = io.StringIO()
    counts = score_stream(engine, lines, out, policy=Policy(), **kwargs)
    return [json.loads(line) for line in out.getvalue().splitlines()], counts


def test_one_output_line_per_input_in_order_with_errors_in_place(fake_engine):
    lines = [
        json.dumps({"id": "a", "text": "you idiot"}),
        "{not json",
        json.dumps({"id": 7, "text": ""}),
        json.dumps({"id": "b", "text": "raids", "context": {"title": "raids", "thread": "x"}}),
        "",
        json.dumps(["a list"]),
        json.dumps(
            {"id": "c", "text": "A fine comment on the raids.", "context": {"title": "raids"}}
        ),
    ]
    results, (scored, failed) = run(fake_engine, lines, batch_size=3)
    assert [r["id"] for r in results] == ["a", None, 7, "b", None, None, "c"]
    assert (scored, failed) == (2, 5)
    assert "not valid JSON" in results[1]["error"]
    assert '"text" must be a non-empty string' in results[2]["error"]
    assert "thread" in results[3]["error"]
    assert results[0]["decision"] == "reject" and results[0]["abusive"] is True
    assert results[0]["scores"]["OFF_TOPIC"] is None and results[0]["off_topic"] is None
    assert results[6]["decision"] == "publish"
    assert isinstance(results[6]["scores"]["OFF_TOPIC"], float)
    assert set(results[6]) == {
        "id",
        "scores",
        "language",
        "abusive",
        "off_topic",
        "decision",
        "reasons",
    }


def _counted_lines(n: int, consumed: list[int], text=lambda i: f"comment {i}"):
    """n input lines, recording in ``consumed`` how many have been read."""
    for i in range(n):
        consumed.append(i)
        yield json.dumps({"id": i, "text": text(i)})


class _FirstWriteProbe(io.StringIO):
    """An output that remembers how many input lines had been read at its first write."""

    def __init__(self, consumed: list[int]) -> None:
        super().__init__()
        self.consumed = consumed
        self.first_write_after: int | None = None

    def write(self, s):
        if self.first_write_after is None:
            self.first_write_after = len(self.consumed)
        return super().write(s)


def test_output_is_written_batch_by_batch_without_reading_everything_first(fake_engine):
    consumed: list[int] = []
    out = _FirstWriteProbe(consumed)
    score_stream(fake_engine, _counted_lines(100, consumed), out, policy=Policy(), batch_size=10)
    assert out.first_write_after == 10
    assert len(out.getvalue().splitlines()) == 100


def test_parse_request_reads_every_context_field():
    request_id, text, context = parse_request(
        json.dumps(
            {
                "id": "x",
                "text": "hi there",
                "lang": "de",
                "context": {"title": "T", "body": "B", "parent": "P", "thread": ["a", "b"]},
            }
        )
    )
    assert (request_id, text) == ("x", "hi there")
    assert (context.title, context.body, context.parent, context.thread, context.lang) == (
        "T",
        "B",
        "P",
        ("a", "b"),
        "de",
    )
    with pytest.raises(InputError, match="context.title"):
        parse_request(json.dumps({"text": "x", "context": {"title": 5}}))


def test_parley_score_command_end_to_end(tmp_path: Path):
    if not (DEFAULT_MODEL_DIR / "heads.json").exists():
        pytest.skip("the trained heads (model/heads.json) are not committed yet")
    parley = Path(sys.executable).with_name("parley")
    lines = [
        {
            "id": "seed-1",
            "text": "It's highly unlikely that this planned offensive in North "
            "Waziristan would bear fruit against the Haqqani network.",
            "context": {
                "title": "Pakistan, US agree on joint raids: WSJ",
                "body": "The operations will target Haqqani, TTP sanctuaries.",
            },
        },
        {
            "id": "seed-2",
            "text": "@Don: Depending on the price!",
            "context": {"title": "Pakistan, US agree on joint raids: WSJ"},
        },
        {"id": "ad", "text": "Earn $5000 per week from home! WhatsApp 0300-1234567"},
    ]
    payload = "\n".join(json.dumps(line) for line in lines) + "\n{broken\n"
    done = subprocess.run(
        [str(parley), "score"], input=payload, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in results] == ["seed-1", "seed-2", "ad", None]
    assert results[0]["decision"] == "publish" and results[1]["decision"] == "publish"
    assert results[2]["decision"] == "reject"
    assert "error" in results[3]
    assert set(results[0]["scores"]) == {
        "TOXICITY",
        "SEVERE_TOXICITY",
        "INSULT",
        "PROFANITY",
        "THREAT",
        "IDENTITY_ATTACK",
        "OFF_TOPIC",
        "SPAM",
    }
    assert results[2]["scores"]["OFF_TOPIC"] is None


def test_parley_score_rejects_a_bad_policy_file(tmp_path: Path):
    policy = tmp_path / "policy.json"
    policy.write_text('{"review": {"INSULT": 3}}')
    parley = Path(sys.executable).with_name("parley")
    done = subprocess.run(
        [str(parley), "score", "--policy", str(policy)],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "between 0 and 1" in done.stderr


def test_parallel_workers_keep_the_input_order_and_bound_what_is_read(fake_engine):
    consumed: list[int] = []
    out = _FirstWriteProbe(consumed)
    lines = _counted_lines(200, consumed, text=lambda i: f"comment {i} " + "word " * (i % 7))
    scored, failed = score_stream(
        fake_engine, lines, out, policy=Policy(), batch_size=10, workers=3
    )
    assert (scored, failed) == (200, 0)
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == list(range(200))
    assert out.first_write_after <= 10 * (2 * 3 + 1)


def test_train_without_a_checkout_says_what_is_missing(tmp_path, monkeypatch):
    from parley.engine import cli

    monkeypatch.setattr(cli, "__file__", str(tmp_path / "site-packages/parley/engine/cli.py"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit, match="training/ was not found"):
        cli.train_main([])


def test_evaluate_reaches_the_training_code():
    parley = Path(sys.executable).with_name("parley")
    done = subprocess.run(
        [str(parley), "evaluate", "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "usage: parley evaluate" in done.stdout
