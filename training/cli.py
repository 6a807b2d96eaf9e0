"""`parley train` and `parley evaluate`: rebuild the committed heads, and measure them.

``parley.engine.cli.train_main`` / ``evaluate_main`` call :func:`train` / :func:`evaluate` with the
remaining command-line words. Both need the shared data (``--data`` or
``PARLEY_DATA_DIR_TRAINING``) and the committed encoder; embeddings are cached in training/cache/.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from parley.engine.heads import ABUSE_DECIDING
from training import datasets, functional_suite
from training.datasets import MEASURE_ONLY, TRAINABLE, Example
from training.evaluate import (
    Report,
    evaluate_functional,
    evaluate_set,
    identity_false_positive_rate,
    macro_f1,
    score_examples,
)
from training.train_heads import MODEL_DIR, AbuseHeadsClassifier, examples_from_cases

THRESHOLD_SETS = ("olid", "ruhsold", "germeval2018", "germeval2021", "urdu_threat_fire2022")
#: What a cut on an attribute other than TOXICITY must add to the calibration mean F1 to be used.
SECONDARY_CUT_MIN_GAIN = 0.002


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None,
                        help="the shared data folder (default: $PARLEY_DATA_DIR_TRAINING or "
                             "../shared/data)")
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR,
                        help="where heads.npz / heads.json are written or read")
    return parser


class _HeadsInput:
    """The committed encoder seen as one ``encode``: the named outputs side by side (what the
    heads read), under a version that names them, so the embedding cache keeps them apart."""

    def __init__(self, encoder, inputs: Sequence[str]) -> None:
        missing = sorted(set(inputs) - set(encoder.outputs))
        if missing:
            raise ValueError(f"encoder.onnx has no output(s) {missing}; it has "
                             f"{list(encoder.outputs)}")
        self.encoder = encoder
        self.inputs = tuple(inputs)
        self.version = (encoder.version if self.inputs == ("embedding",)
                        else f"{encoder.version}-{'+'.join(self.inputs)}")

    def encode(self, texts: Sequence[str], *, max_tokens: int = 128,
               batch_size: int = 32) -> np.ndarray:
        outputs = dict(zip(self.encoder.outputs,
                           self.encoder.encode_outputs(texts, max_tokens=max_tokens,
                                                       batch_size=batch_size), strict=True))
        return np.hstack([outputs[name] for name in self.inputs])


class _Embedder:
    """Embeds through the on-disk cache with the committed encoder (loaded on first use)."""

    def __init__(self, model_dir: Path, inputs: Sequence[str] | None = None) -> None:
        self.model_dir = model_dir
        self.inputs = tuple(inputs) if inputs else None
        self._cache = None

    def encoder_outputs(self) -> tuple[str, ...]:
        """The outputs encoder.onnx offers (loads it)."""
        self._load()
        return self._cache.encoder.encoder.outputs  # type: ignore[union-attr]

    def _load(self) -> None:
        if self._cache is None:
            from parley.engine.encoder import Encoder
            from training.embedding_cache import EmbeddingCache

            encoder_dir = self.model_dir if (self.model_dir / "encoder.onnx").exists() else None
            encoder = Encoder.load(encoder_dir, threads=2)
            inputs = self.inputs or encoder.outputs
            self._cache = EmbeddingCache(_HeadsInput(encoder, inputs))

    def __call__(self, texts: Sequence[str], label: str) -> np.ndarray:
        self._load()
        return self._cache.embed(list(texts), label=label)  # type: ignore[union-attr]


def _load_sets(names: Sequence[str], data: Path | None) -> dict[str, list[Example]]:
    from tqdm import tqdm

    return {name: datasets.load_limited(name, data) for name in tqdm(names, desc="loading data")}


def _mean_abusive_f1(examples: Sequence[Example], flagged: np.ndarray) -> float:
    scores = []
    for name in THRESHOLD_SETS:
        rows = [i for i, e in enumerate(examples) if e.source == name and e.abusive is not None]
        if rows and len({examples[i].abusive for i in rows}) == 2:
            scores.append(macro_f1([examples[i].abusive for i in rows], flagged[rows]))
    return float(np.mean(scores)) if scores else 0.0


def choose_thresholds(examples: Sequence[Example],
                      probs: dict[str, np.ndarray]) -> dict[str, float]:
    """Per-attribute cuts for the abusive rule (any abuse-deciding attribute at or above its
    cut), maximising the mean abusive macro-F1 over the threshold sets of the calibration split
    (never dev): first TOXICITY alone, then each other attribute in turn, which stays off (1.0)
    unless its cut gains at least :data:`SECONDARY_CUT_MIN_GAIN` (a gain of 0.0001 on 4,400
    rows is noise, and such a cut flipped "I would never call you a moron" to abusive). Ties
    keep the higher, more conservative cut."""
    thresholds = dict.fromkeys(ABUSE_DECIDING, 1.0)

    def flagged(cuts: dict[str, float]) -> np.ndarray:
        return np.any([probs[name] >= cuts[name] for name in ABUSE_DECIDING], axis=0)

    grids = {"TOXICITY": np.arange(20, 81) / 100}
    for name in ABUSE_DECIDING[1:]:
        grids[name] = np.arange(50, 101, 5) / 100
    for name in ("TOXICITY", "THREAT", "IDENTITY_ATTACK", "SEVERE_TOXICITY", "INSULT"):
        best, best_score = thresholds[name], -1.0
        for cut in sorted(grids[name], reverse=True):
            score = _mean_abusive_f1(examples, flagged({**thresholds, name: float(cut)}))
            if score > best_score + 1e-9:
                best, best_score = float(round(cut, 2)), score
        if name != "TOXICITY" and best_score < _mean_abusive_f1(
                examples, flagged(thresholds)) + SECONDARY_CUT_MIN_GAIN:
            continue
        thresholds[name] = best
    return thresholds


def run_training(sets: dict[str, list[Example]], embed, model_dir: Path, *,
                 classifier: AbuseHeadsClassifier | None = None,
                 augment: Sequence[functional_suite.Case] | None = None,
                 extra: Sequence[Example] = (),
                 metadata: dict | None = None):
    """Fit, calibrate, pick the threshold and export; return the loaded heads. ``extra`` are
    more training-only examples (the counterfactual fairness sentences)."""
    classifier = classifier or AbuseHeadsClassifier()
    rows = [e for name in sets for e in sets[name]]
    augment_cases = functional_suite.augmentation_cases() if augment is None else augment
    train = ([e for e in rows if e.split == "train"] + examples_from_cases(augment_cases)
             + list(extra))
    calibration = [e for e in rows if e.split == "calibration"]
    if not train or not calibration:
        raise ValueError("need rows in both the train and the calibration split")
    started = time.monotonic()
    print(f"featurizing {len(train)} training and {len(calibration)} calibration rows")
    train_features = classifier.features([e.text for e in train],
                                         embed([e.text for e in train], "train"),
                                         [e.language for e in train])
    calibration_features = classifier.features(
        [e.text for e in calibration], embed([e.text for e in calibration], "calibration"),
        [e.language for e in calibration])
    print("fitting six heads")
    classifier.fit(train, train_features)
    classifier.calibrate(calibration, calibration_features)
    # Export once with a provisional threshold, then choose the cut with the shipped code path.
    heads = classifier.export(model_dir, recommended_thresholds={"abusive": 0.5},
                              metadata=metadata or {})
    calibration_embeddings = calibration_features.embeddings
    probs = score_examples(heads, calibration, calibration_embeddings)
    thresholds = choose_thresholds(calibration, probs)
    heads = classifier.export(
        model_dir, recommended_thresholds={"abusive": thresholds["TOXICITY"], **thresholds,
                                           "PROFANITY": 0.5},
        metadata={**(metadata or {}), "train_seconds": round(time.monotonic() - started),
                  "train_rows": len(train), "calibration_rows": len(calibration)})
    print(f"abusive thresholds {thresholds}; fitted in {time.monotonic() - started:.0f} s")
    return heads


def measure(heads, sets: dict[str, list[Example]], embed, *, split: str = "dev") -> Report:
    """Metrics of ``heads`` on one split of every set, plus the held-out functional suite."""
    from tqdm import tqdm

    report = Report()
    by_language: dict[str, list[tuple[Example, float]]] = {}
    for name in tqdm(list(sets), desc=f"measuring ({split})"):
        examples = [e for e in sets[name] if e.split == split or name in MEASURE_ONLY]
        if not examples:
            continue
        probs = score_examples(heads, examples, embed([e.text for e in examples], name))
        flagged = heads.is_abusive(probs)
        evaluate_set(report, f"{name} ({'measure-only' if name in MEASURE_ONLY else split})",
                     examples, probs, flagged)
        if name in TRAINABLE:
            for e, p in zip(examples, flagged, strict=True):
                by_language.setdefault(e.language, []).append((e, bool(p)))
    for language, items in sorted(by_language.items()):
        gold = [(e.abusive, p) for e, p in items if e.abusive is not None]
        if len({g for g, _ in gold}) == 2:
            report.add(f"language {language} (all trainable sets)",
                       abusive_f1=macro_f1([g for g, _ in gold],
                                           [p for _, p in gold]), n=len(gold))
    cases = functional_suite.measure_cases()
    texts = [c.text for c in cases]
    probs = heads.predict(texts, embed(texts, "functional"), [c.language for c in cases])
    evaluate_functional(report, cases, probs, heads.is_abusive(probs))
    identity_false_positive_rate(heads, embed, report)
    return report


def rebuild_encoder(model_dir: Path) -> int:
    """The whole encoder chain (``parley train --encoder``), about 30-40 minutes on 2 idle
    cores: the frozen 12-layer teacher (once), the student's data, its fine-tuning (resumable),
    the int8 export, and the OFF_TOPIC refit that a new encoder needs."""
    import subprocess

    from training import build_encoder, student

    root = Path(__file__).resolve().parent.parent
    steps = []
    if not (student.TEACHER_DIR / "encoder.onnx").exists():
        steps.append(lambda: build_encoder.main(["--out", str(student.TEACHER_DIR)]))
    steps += [
        lambda: student.main(["prepare"]),
        lambda: student.main(["train"]),
        lambda: build_encoder.main(["--student", str(student.CACHE_DIR / "student.pt"),
                                    "--out", str(model_dir)]),
        lambda: subprocess.call([sys.executable, str(root / "bench" / "relevance.py"), "fit"]),
    ]
    for step in steps:
        code = step()
        if code:
            return code
    return 0


def train(argv: Sequence[str]) -> int:
    """Rebuild heads.npz / heads.json from the permissive sets (about 10-15 minutes), and with
    ``--encoder`` the fine-tuned encoder first."""
    parser = _parser("parley train")
    parser.add_argument("--encoder", action="store_true",
                        help="first rebuild encoder.onnx: teacher, student fine-tuning, int8 "
                             "export and the OFF_TOPIC refit (needs the `train` extra; about "
                             "30-40 minutes on 2 idle cores)")
    parser.add_argument("--C", type=float, default=4.0, help="inverse L2 strength of the heads")
    parser.add_argument("--embedding-scale", type=float, default=2.0,
                        help="weight of the encoder block against the lexical block")
    parser.add_argument("--nb-smoothing", type=float, default=None,
                        help="scale lexical columns by Naive-Bayes log-count ratios (NBSVM)")
    parser.add_argument("--no-report", action="store_true", help="skip the dev-split report")
    parser.add_argument("--embedding-inputs", default=None,
                        help="encoder outputs the heads read, comma-separated (default: every "
                             "output of encoder.onnx, e.g. embedding,abuse_embedding)")
    parser.add_argument("--leave-out", nargs="*", default=[], choices=TRAINABLE,
                        help="train without these sets and report each of them whole "
                             "(leave-one-dataset-out); needs --model-dir, a copy of the model "
                             "folder, so the shipped heads are never overwritten")
    args = parser.parse_args(list(argv))
    try:
        sets = _load_sets(TRAINABLE, args.data)
    except FileNotFoundError as error:
        print(f"parley train: {error}", file=sys.stderr)
        return 2
    if args.encoder:
        code = rebuild_encoder(args.model_dir)
        if code:
            return code
    held_out = {name: sets.pop(name) for name in args.leave_out}
    if held_out and args.model_dir.resolve() == MODEL_DIR.resolve():
        print("parley train: --leave-out needs --model-dir DIR, a copy of the model folder "
              "(cp -r src/parley/engine/model DIR)", file=sys.stderr)
        return 2
    embed = _Embedder(args.model_dir, args.embedding_inputs.split(",")
                      if args.embedding_inputs else None)
    inputs = embed.inputs or embed.encoder_outputs()
    classifier = AbuseHeadsClassifier(C=args.C, embedding_scale=args.embedding_scale,
                                      nb_smoothing=args.nb_smoothing)
    from training.counterfactual import fairness_examples

    heads = run_training(sets, embed, args.model_dir, classifier=classifier,
                         extra=fairness_examples(),
                         metadata={"trained_on": list(sets) + ["functional_augment",
                                                               "counterfactual"],
                                   "embedding_inputs": list(inputs)})
    if held_out:
        report = Report()
        for name, examples in held_out.items():
            probs = score_examples(heads, examples, embed([e.text for e in examples], name))
            evaluate_set(report, f"{name} (left out, all {len(examples)} rows)", examples, probs,
                         heads.is_abusive(probs))
        print("\n".join(report.lines()))
        return 0
    if not args.no_report:
        report = measure(heads, sets, embed)
        print("\n".join(report.lines()))
        config_path = args.model_dir / "heads.json"
        config = json.loads(config_path.read_text(encoding="utf-8"))
        config["dev_metrics"] = report.rows
        config_path.write_text(json.dumps(config, indent=1, ensure_ascii=False) + "\n",
                               encoding="utf-8")
    return 0


def evaluate(argv: Sequence[str]) -> int:
    """Print the committed heads' metrics on the dev splits, measure-only sets and the suite."""
    from parley.engine.heads import AttributeHeads

    parser = _parser("parley evaluate")
    parser.add_argument("--sets", nargs="*", default=list(TRAINABLE + MEASURE_ONLY),
                        help="which sets to measure (default: all)")
    parser.add_argument("--split", choices=("dev", "calibration"), default="dev")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--prewritten", action="store_true",
                        help="score training/prewritten_heldout.py with the whole engine "
                             "(cases written before the second model trained) and stop")
    args = parser.parse_args(list(argv))
    if args.prewritten:
        from training.heldout import prewritten_main

        return prewritten_main(None if args.model_dir == MODEL_DIR else args.model_dir)
    unknown = sorted(set(args.sets) - set(datasets.LOADERS))
    if unknown:
        print(f"parley evaluate: unknown set(s) {', '.join(unknown)}", file=sys.stderr)
        return 2
    try:
        heads = AttributeHeads.load(args.model_dir)
        sets = _load_sets(args.sets, args.data)
    except (FileNotFoundError, ValueError) as error:
        print(f"parley evaluate: {error}", file=sys.stderr)
        return 2
    report = measure(heads, sets, _Embedder(args.model_dir, heads.embedding_inputs),
                     split=args.split)
    print(json.dumps(report.rows, indent=1) if args.json else "\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(train(sys.argv[1:]))
