"""`parley evaluate --prewritten`: the engine on cases written before the second model trained.

training/prewritten_heldout.py was written on 2026-12-02 by someone who never ran the engine on
it, before the student was trained, and nothing was chosen by reading its results. It is scored
here exactly as ``parley score`` scores (the whole :class:`~parley.engine.engine.Engine`, its
``abusive`` flag and OFF_TOPIC with the article and parent as context), and reported per
functionality, per language, per identity group (false-positive rate on clean sentences that
name the group) and for off-topic (AUC and the share held at the default review threshold).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from training.evaluate import macro_f1, roc_auc


def _pct(hit: int, n: int) -> str:
    return f"{100 * hit / n:.1f}% ({hit}/{n})" if n else "n/a"


def abuse_report(engine, cases: Sequence) -> tuple[list[str], dict[str, float]]:
    """Lines and headline numbers for the abuse cases (``prewritten_heldout.CASES``)."""
    from parley.engine.types import Context

    scores = engine.score_many([(c.text, Context(lang=c.language)) for c in cases])
    flagged = [s.abusive for s in scores]
    lines: list[str] = []
    numbers: dict[str, float] = {}
    right = [f == c.abusive for f, c in zip(flagged, cases, strict=True)]
    numbers["accuracy"] = sum(right) / len(right)
    lines.append(f"prewritten held-out, all: accuracy {_pct(sum(right), len(right))}, abusive "
                 f"macro-F1 {macro_f1([int(c.abusive) for c in cases], flagged):.3f}")
    by_language: dict[str, list[bool]] = defaultdict(list)
    by_function: dict[str, list[bool]] = defaultdict(list)
    for ok, c in zip(right, cases, strict=True):
        by_language[c.language].append(ok)
        if c.language == "en":
            by_function[c.functionality].append(ok)
    for language, oks in sorted(by_language.items()):
        numbers[f"accuracy_{language}"] = sum(oks) / len(oks)
        lines.append(f"  language {language}: {_pct(sum(oks), len(oks))}")
    en = by_language.get("en", [])
    hatecheck = [ok for ok, c in zip(right, cases, strict=True) if c.language == "en"
                 and c.functionality not in ("neutral_group_mention", "news_vocabulary")]
    numbers["hatecheck_en"] = sum(hatecheck) / max(1, len(hatecheck))
    lines.append("  English HateCheck-style functionalities: "
                 f"{_pct(sum(hatecheck), len(hatecheck))} (all English {_pct(sum(en), len(en))})")
    for name, oks in sorted(by_function.items()):
        lines.append(f"    {name}: {_pct(sum(oks), len(oks))}")
    neutral = [(f, c) for f, c in zip(flagged, cases, strict=True) if not c.abusive and c.group]
    neutral_en = [(f, c) for f, c in neutral if c.language == "en"]
    numbers["neutral_group_flagged_en"] = sum(f for f, _ in neutral_en) / max(1, len(neutral_en))
    lines.append(f"  clean sentences naming a group, flagged abusive: en "
                 f"{_pct(sum(f for f, _ in neutral_en), len(neutral_en))}, all languages "
                 f"{_pct(sum(f for f, _ in neutral), len(neutral))}")
    by_group: dict[str, list[bool]] = defaultdict(list)
    for f, c in neutral:
        by_group[c.group].append(f)
    lines.append("  per group (clean sentences flagged): " + ", ".join(
        f"{g} {sum(v)}/{len(v)}" for g, v in sorted(by_group.items(), key=lambda kv: -len(kv[1]))))
    news = [(f, c) for f, c in zip(flagged, cases, strict=True)
            if c.functionality == "news_vocabulary"]
    lines.append(f"  news vocabulary (militant groups, operations, places) flagged: "
                 f"{_pct(sum(f for f, _ in news), len(news))}")
    return lines, numbers


def off_topic_report(engine, cases: Sequence) -> tuple[list[str], dict[str, float]]:
    """Lines and numbers for ``prewritten_heldout.OFF_TOPIC_CASES``."""
    from parley.engine.policy import Policy
    from parley.engine.types import Context

    cut = Policy().review["OFF_TOPIC"]
    scores = engine.score_many([
        (c.text, Context(title=c.article_title, body=c.article_body, parent=c.parent or ""))
        for c in cases])
    p = [float(s.values["OFF_TOPIC"] or 0.0) for s in scores]
    gold = [int(c.off_topic) for c in cases]
    auc = roc_auc(gold, p)
    held = sum(1 for g, v in zip(gold, p, strict=True) if g and v >= cut)
    wrongly = sum(1 for g, v in zip(gold, p, strict=True) if not g and v >= cut)
    lines = [f"prewritten off-topic cases: AUC {auc:.3f}; off-topic held at the default "
             f"threshold ({cut}) {_pct(held, sum(gold))}; on-topic held "
             f"{_pct(wrongly, len(gold) - sum(gold))}"]
    return lines, {"off_topic_auc": auc, "off_topic_held": held / max(1, sum(gold))}


def prewritten_main(model_dir=None) -> int:
    """Print both reports for the engine in ``model_dir`` (default: the shipped one)."""
    from parley.engine.engine import Engine
    from training import prewritten_heldout

    engine = Engine.load(model_dir, threads=2)
    lines, _ = abuse_report(engine, prewritten_heldout.CASES)
    more, _ = off_topic_report(engine, prewritten_heldout.OFF_TOPIC_CASES)
    print("\n".join(lines + more))
    return 0
