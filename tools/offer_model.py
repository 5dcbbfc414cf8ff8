"""Trains the learned second opinion of the ad check (handlers/offers/model.py) on the development
ads, and judges it the honest way: leave one writer's set out.

    python -m tools.offer_model train         # write handlers/offers/model.json
    python -m tools.offer_model check         # exit 1 if model.json is not what `train` writes
    python -m tools.offer_model cv            # the per-fold table of docs/offers.md, "Round 13"
    python -m tools.offer_model blind-risks   # the rules' levels as each set was measured blind

The development ads were written by fifteen writers (the first 73 ads; dev/ and heldout/, one
plan; heldout2/ to heldout14/, one writer each). A new writer is what the next blind set brings, so
the measure of the model is: train on the other writers' ads, predict the left-out writer's, for
each writer in turn. The rules were tuned on all of them, so their levels on a left-out writer are
too good (and a model fed their sign codes learns to trust signs that are perfect only on the ads
they were tuned on); the text-only model's figures are the clean ones. `blind-risks` runs the rules
as they were when each set was measured once (the commits docs/offers.md names) on that set, in a
copy of the old code (git archive), so that the combination can also be judged with rules that had
not seen the left-out writer: `cv` prints both.

Deterministic: the ads are read in file-name order, the features are sorted, the optimisation is
full-batch gradient descent from zeros with a fixed number of steps, and the weights are written
rounded, so that `check` (and tests/test_offer_model.py) can compare the shipped file with a new
training run (on this machine byte for byte; elsewhere to the last rounded digit)."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.offers import ADS, DEVELOPMENT, Ad, read_ads, sample_register
from ground.i18n import Content, default_content_dir
from handlers.offers.analysis import analyse, gives_a_way_to_apply, model_codes, read_ad
from handlers.offers.model import MODEL_FILE, OfferModel, Thresholds, combine, features
from handlers.offers.rules import OfferRules, parse_offer_rules

ROOT = Path(__file__).resolve().parent.parent
# One writer per fold: dev/ and heldout/ were written by one writer from one plan (plan.csv).
WRITERS: dict[str, tuple[str, ...]] = {
    "legacy": ("legacy",),
    "dev+heldout": ("dev", "heldout"),
    **{f"heldout{n}": (f"heldout{n}",) for n in range(2, 15)},
}
# The commit at which each set was measured once, blind (docs/offers.md).
BLIND_COMMITS = {
    "heldout": "1832936",
    "heldout2": "8aaeeac",
    "heldout3": "dcd20ed",
    "heldout4": "71e1f87",
    "heldout5": "e6366f9",
    "heldout6": "91b5356",
    "heldout7": "1459cdc",
    "heldout8": "3cebf43",
    "heldout9": "c53f386",
    "heldout10": "39369ac",
    "heldout11": "b3d0163",
    "heldout12": "859b7d0",
    "heldout13": "19e5b3d",
    "heldout14": "69964e0",
}
BLIND_FILE = ADS / "blind_risks.json"
# Training: L2 strength, gradient steps, features kept only if seen in at least MIN_ADS ads (one
# ad's words would be learnt by heart), the weights' rounding in the file.
L2 = 1e-5
STEPS = 1500
MIN_ADS = 2
DIGITS = 4
# The combination, chosen on the cross-validation below (docs/offers.md, "Round 13").
THRESHOLDS = Thresholds(floor=0.3, high=0.7, lower=0.1, warning=0.4)
KINDS = ("text",)


@dataclass(frozen=True)
class Example:
    writer: str
    part: str
    ad: Ad
    words: list[str]
    codes: list[str]
    risk: str  # the current rules' level
    warning_post: bool
    local_pay: bool  # the current rules' Analysis.local_pay (also used beside the blind levels)
    calls: bool  # the text gives a way to apply of its own (round 14; beside the blind levels too)

    @property
    def scam(self) -> bool:
        return self.ad.label == "scam"


def examples(rules: OfferRules) -> list[Example]:
    """Every development ad with what the rules (without the model) read and judged."""
    if sorted(p for parts in WRITERS.values() for p in parts) != sorted(DEVELOPMENT):
        raise SystemExit("tools/offer_model.py: WRITERS does not cover bench/offers.py's DEVELOPMENT")
    register = sample_register("development")
    found = []
    for writer, parts in WRITERS.items():
        for part in parts:
            for ad in read_ads(part):
                analysis = analyse(ad.text, rules, register)
                words = read_ad(ad.text, rules).words
                found.append(
                    Example(
                        writer,
                        part,
                        ad,
                        words,
                        model_codes(analysis),
                        analysis.risk,
                        analysis.warning_post,
                        analysis.local_pay,
                        gives_a_way_to_apply(ad.text, rules),
                    )
                )
    return found


def data_digest(ads: Iterable[Ad]) -> str:
    """The SHA-256 of the training ads: names, labels and texts, in order."""
    digest = hashlib.sha256()
    for ad in ads:
        digest.update(f"{ad.name}\0{ad.label}\0{ad.text}\0".encode())
    return digest.hexdigest()


def fit(
    rows: Sequence[set[str]], labels: Sequence[bool], l2: float = L2, steps: int = STEPS
) -> tuple[dict[str, float], float]:
    """Logistic regression with an L2 penalty (not on the bias), on presence features scaled by
    1/sqrt(the ad's count of features), by Nesterov's accelerated gradient descent from zeros."""
    counts: dict[str, int] = {}
    for row in rows:
        for feature in row:
            counts[feature] = counts.get(feature, 0) + 1
    vocabulary = sorted(f for f, n in counts.items() if n >= MIN_ADS)
    index = {f: i for i, f in enumerate(vocabulary)}
    columns: list[int] = []
    values: list[float] = []
    starts = [0]
    for row in rows:
        scale = 1.0 / math.sqrt(len(row)) if row else 0.0
        kept = sorted(index[f] for f in row if f in index)
        columns += kept
        values += [scale] * len(kept)
        starts.append(len(columns))
    cols = np.array(columns, dtype=np.int64)
    vals = np.array(values, dtype=np.float64)
    row_of = np.repeat(np.arange(len(rows)), np.diff(np.array(starts)))
    y = np.array(labels, dtype=np.float64)
    n, dims = len(rows), len(vocabulary)

    def gradient(w: npt.NDArray[np.float64], b: float) -> tuple[npt.NDArray[np.float64], float]:
        logits = np.bincount(row_of, weights=vals * w[cols], minlength=n) + b
        error = 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30))) - y
        grad = np.bincount(cols, weights=vals * error[row_of], minlength=dims) / n + l2 * w
        return grad, float(error.mean())

    # The gradient's Lipschitz constant is at most 1/4 (rows of norm <= 1) plus the penalty.
    step = 1.0 / (0.25 + l2)
    w = np.zeros(dims)
    b = 0.0
    w_prev, b_prev = w.copy(), b
    for t in range(1, steps + 1):
        momentum = (t - 1) / (t + 2)
        v_w = w + momentum * (w - w_prev)
        v_b = b + momentum * (b - b_prev)
        grad_w, grad_b = gradient(v_w, v_b)
        w_prev, b_prev = w, b
        w = v_w - step * grad_w
        b = v_b - step * grad_b
    weights = {f: round(float(x), DIGITS) for f, x in zip(vocabulary, w, strict=True)}
    return {f: x for f, x in weights.items() if x != 0.0}, round(b, DIGITS)


def rows_of(found: Sequence[Example], kinds: tuple[str, ...]) -> list[set[str]]:
    return [features(e.words, e.codes if "signs" in kinds else ()) for e in found]


def is_warning_post(example: Example) -> bool:
    """The family of the legitimate posts that warn of scams and quote them (round 14)."""
    return example.ad.modus == "scam_warning"


def train(found: Sequence[Example], kinds: tuple[str, ...] = KINDS) -> OfferModel:
    rows = rows_of(found, kinds)
    weights, bias = fit(rows, [e.scam for e in found])
    # The detector reads the words alone (OfferModel.warning_probability), whatever the model reads.
    text_rows = rows if "signs" not in kinds else rows_of(found, ("text",))
    warning_weights, warning_bias = train_warning(found, text_rows)
    return OfferModel(
        weights, bias, THRESHOLDS, kinds, data_digest(e.ad for e in found), warning_weights, warning_bias
    )


def train_warning(found: Sequence[Example], rows: Sequence[set[str]]) -> tuple[dict[str, float], float]:
    """The warning detector (round 14): the warning posts against the scam ads, text features only.
    Trained against the scams rather than against every other ad, since its one use is to tell a
    warning from a scam among the ads the rules rate HIGH or MEDIUM: in the cross-validation 37
    of the 44 warning posts rated so by the blind rules lay above every scam so rated, against 26
    for a detector trained against every other ad (docs/offers.md, "Round 14"). `rows`: each ad's
    text features (`rows_of(found, ("text",))`)."""
    chosen = [i for i, e in enumerate(found) if e.scam or is_warning_post(e)]
    return fit([rows[i] for i in chosen], [is_warning_post(found[i]) for i in chosen])


def as_json(model: OfferModel) -> str:
    return (
        json.dumps(
            {
                "about": "handlers/offers/model.py; written by `python -m tools.offer_model train`",
                "kinds": list(model.kinds),
                "trained_on": model.trained_on,
                "thresholds": {
                    "floor": model.thresholds.floor,
                    "high": model.thresholds.high,
                    "lower": model.thresholds.lower,
                    "warning": model.thresholds.warning,
                },
                "bias": model.bias,
                "weights": dict(sorted(model.weights.items())),
                "warning": {
                    "bias": model.warning_bias,
                    "weights": dict(sorted(model.warning_weights.items())),
                },
            },
            ensure_ascii=False,
            indent=0,
        )
        + "\n"
    )


def same_model(shipped: str, trained: str, tolerance: float = 2 * 10**-DIGITS) -> bool:
    """The same model: the same features, settings and training data, and each weight equal but for
    the last rounded digit (another machine's exp() may differ in its last bit, and a weight on a
    rounding boundary then round the other way)."""
    a, b = json.loads(shipped), json.loads(trained)
    a_warning, b_warning = a.pop("warning", {}), b.pop("warning", {})
    if a_warning.get("bias") != b_warning.get("bias"):
        return False
    if {k: v for k, v in a.items() if k != "weights"} != {k: v for k, v in b.items() if k != "weights"}:
        return False
    return all(
        x.keys() == y.keys() and all(abs(x[k] - y[k]) <= tolerance for k in x)
        for x, y in (
            (a["weights"], b["weights"]),
            (a_warning.get("weights", {}), b_warning.get("weights", {})),
        )
    )


def rules_alone() -> OfferRules:
    return parse_offer_rules(Content.load(default_content_dir(), "id"), learned=False)


# ---- cross-validation


@dataclass(frozen=True)
class Figures:
    scams: int
    caught: int  # scams HIGH
    low: int  # scams LOW
    legit: int
    alarms: int  # legitimate HIGH
    checked: int  # legitimate MEDIUM or HIGH

    def row(self) -> str:
        recall = self.caught / self.scams if self.scams else float("nan")
        alarms = self.alarms / self.legit if self.legit else float("nan")
        return f"{recall:.3f} {self.low:>2} {alarms:.3f} {self.checked:>3}"


def figures(levels: Sequence[str], found: Sequence[Example]) -> Figures:
    scam = [level for level, e in zip(levels, found, strict=True) if e.scam]
    legit = [level for level, e in zip(levels, found, strict=True) if not e.scam]
    return Figures(
        len(scam),
        scam.count("high"),
        scam.count("low"),
        len(legit),
        legit.count("high"),
        sum(level != "low" for level in legit),
    )


def out_of_fold(found: Sequence[Example], kinds: tuple[str, ...]) -> tuple[list[float], list[float]]:
    """Each ad's probability from the model trained on the other writers' ads, and its warning
    detector's."""
    probability = [0.0] * len(found)
    warning_like = [0.0] * len(found)
    for writer in WRITERS:
        training = [e for e in found if e.writer != writer]
        model = train(training, kinds)
        for i, e in enumerate(found):
            if e.writer == writer:
                probability[i] = model.probability(e.words, e.codes)
                warning_like[i] = model.warning_probability(e.words)
    return probability, warning_like


def combined(
    risks: Sequence[str],
    probability: Sequence[float],
    warnings: Sequence[bool],
    thresholds: Thresholds,
    ads: Sequence[Example],
    warning_like: Sequence[float] | None = None,
) -> list[str]:
    """The combination for each ad; whether it is local work at local pay, and whether the text
    gives a way to apply of its own, are read by the current rules, beside the blind levels too
    (the blind runs kept only the level and the warning). Without `warning_like`, no warning
    detector (round 13's combination)."""
    likes = [0.0] * len(ads) if warning_like is None else warning_like
    return [
        combine(risk, p, warning, thresholds, ad.local_pay, like, ad.calls)[0]
        for risk, p, warning, ad, like in zip(risks, probability, warnings, ads, likes, strict=True)
    ]


def model_levels(probability: Sequence[float], thresholds: Thresholds) -> list[str]:
    """The model alone: HIGH at the high threshold, MEDIUM at the floor, LOW below."""
    return [
        "high" if p >= thresholds.high else "medium" if p >= thresholds.floor else "low" for p in probability
    ]


def cv(thresholds: Thresholds = THRESHOLDS, sweep: bool = False) -> None:
    """The per-fold table: "+text" is round 13's combination (no warning detector), "+warn" the
    shipped one with the warning detector (round 14)."""
    rules = rules_alone()
    found = examples(rules)
    blind = json.loads(BLIND_FILE.read_text(encoding="utf-8")) if BLIND_FILE.exists() else {}
    blind_of = [blind.get(f"{e.part}/{e.ad.name}") for e in found]
    probabilities = {kinds: out_of_fold(found, kinds) for kinds in (("text",), ("text", "signs"))}
    text_all, like_all = probabilities[("text",)]
    print(
        f"{len(found)} ads; each cell: recall (HIGH), scams LOW, false alarms (legit HIGH), legit MEDIUM+; "
        f"thresholds floor {thresholds.floor}, high {thresholds.high}, lower {thresholds.lower}, "
        f"warning {thresholds.warning}"
    )
    header = (
        f"{'writer':<12} {'ads':>4} | {'rules now':<17} | {'text model':<17} | {'rules now+text':<17} | "
        f"{'rules now+signs':<17} | {'rules now+warn':<17} | {'rules blind':<17} | {'blind+text':<17} | "
        f"{'blind+warn':<17}"
    )
    print(header)
    print("-" * len(header))
    for writer in [*WRITERS, "pooled"]:
        chosen = [i for i, e in enumerate(found) if writer in ("pooled", e.writer)]
        part = [found[i] for i in chosen]
        text_p = [text_all[i] for i in chosen]
        likes = [like_all[i] for i in chosen]
        signs_p = [probabilities[("text", "signs")][0][i] for i in chosen]
        now = [e.risk for e in part]
        warnings = [e.warning_post for e in part]
        cells = [
            figures(now, part).row(),
            figures(model_levels(text_p, thresholds), part).row(),
            figures(combined(now, text_p, warnings, thresholds, part), part).row(),
            figures(combined(now, signs_p, warnings, thresholds, part), part).row(),
            figures(combined(now, text_p, warnings, thresholds, part, likes), part).row(),
        ]
        measured = [i for i in chosen if blind_of[i]]
        if measured:
            ads = [found[i] for i in measured]
            levels = [str(blind_of[i][0]) for i in measured]  # type: ignore[index]
            blind_warnings = [bool(blind_of[i][1]) for i in measured]  # type: ignore[index]
            blind_p = [text_all[i] for i in measured]
            blind_likes = [like_all[i] for i in measured]
            cells.append(figures(levels, ads).row())
            cells.append(figures(combined(levels, blind_p, blind_warnings, thresholds, ads), ads).row())
            cells.append(
                figures(combined(levels, blind_p, blind_warnings, thresholds, ads, blind_likes), ads).row()
            )
        else:
            cells += ["(not measured)", "", ""]
        print(f"{writer:<12} {len(part):>4} | " + " | ".join(f"{c:<17}" for c in cells))
    if sweep:
        sweep_thresholds(found, blind_of, text_all, like_all)
        nested(found, blind_of, text_all, like_all)


def sweep_thresholds(
    found: Sequence[Example],
    blind_of: Sequence[list[object] | None],
    probability: Sequence[float],
    warning_like: Sequence[float],
) -> None:
    """The blind-rules combination for a grid of thresholds (sets with a blind measurement only),
    and the warning detector's threshold beside the shipped others."""
    chosen = [i for i, b in enumerate(blind_of) if b]
    ads = [found[i] for i in chosen]
    levels = [str(blind_of[i][0]) for i in chosen]  # type: ignore[index]
    warnings = [bool(blind_of[i][1]) for i in chosen]  # type: ignore[index]
    p = [probability[i] for i in chosen]
    likes = [warning_like[i] for i in chosen]
    print("blind rules + text model, pooled over the sets measured blind, by thresholds:")
    print(f"{'floor':>6} {'high':>6} {'lower':>6} | recall LOW alarms legit MEDIUM+")
    print(f"{'-':>6} {'-':>6} {'-':>6} | {figures(levels, ads).row()}  (rules alone)")
    for floor in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6):
        for high in (0.5, 0.6, 0.7, 0.8, 0.9, 1.01):
            for lower in (0.0, 0.02, 0.05, 0.1, 0.2):
                row = figures(combined(levels, p, warnings, Thresholds(floor, high, lower), ads), ads).row()
                print(f"{floor:>6} {high:>6} {lower:>6} | {row}")
    scams = [
        like
        for like, level, ad in zip(likes, levels, ads, strict=True)
        if ad.scam and level != "low" and not ad.calls
    ]
    print(
        "the warning detector, with floor/high/lower as shipped (the highest warning p of the blind "
        f"HIGH or MEDIUM scams with no way to apply of their own: {max(scams):.3f}); per set: false alarms"
    )
    parts = list(dict.fromkeys(ad.part for ad in ads))
    for threshold in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01):
        thresholds = Thresholds(THRESHOLDS.floor, THRESHOLDS.high, THRESHOLDS.lower, threshold)
        judged = combined(levels, p, warnings, thresholds, ads, likes)
        per = [
            figures(
                [lv for lv, ad in zip(judged, ads, strict=True) if ad.part == part],
                [ad for ad in ads if ad.part == part],
            ).alarms
            for part in parts
        ]
        print(f"  warning {threshold:>5}: {figures(judged, ads).row()}  {per}")


def nested(
    found: Sequence[Example],
    blind_of: Sequence[list[object] | None],
    probability: Sequence[float],
    warning_like: Sequence[float],
) -> None:
    """The thresholds chosen without the set they are judged on: for each set measured blind, by
    stated rules on the other sets' blind levels (floor: a grid step, 0.1, below the lowest p of
    their LOW scams; lower: the grid value below the lowest p of their HIGH scams; high: the most
    recall for at most 0.002 more false alarms, the higher threshold on a tie; warning: a grid step
    above the highest warning p of their HIGH or MEDIUM scams that give no way to apply of their
    own), then applied to it."""
    grid_floor, grid_high, grid_lower = (
        (0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
        (0.5, 0.6, 0.7, 0.8, 0.9, 1.01),
        (
            0.0,
            0.02,
            0.05,
            0.1,
            0.2,
        ),
    )
    grid_warning = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
    chosen = [i for i, b in enumerate(blind_of) if b]
    level = {i: str(blind_of[i][0]) for i in chosen}  # type: ignore[index]
    warning = {i: bool(blind_of[i][1]) for i in chosen}  # type: ignore[index]

    def levels_of(ids: list[int], thresholds: Thresholds) -> list[str]:
        return combined(
            [level[i] for i in ids],
            [probability[i] for i in ids],
            [warning[i] for i in ids],
            thresholds,
            [found[i] for i in ids],
            [warning_like[i] for i in ids],
        )

    def judged(ids: list[int], thresholds: Thresholds) -> Figures:
        return figures(levels_of(ids, thresholds), [found[i] for i in ids])

    pooled: list[str] = []
    pooled_ads: list[Example] = []
    print(
        "thresholds chosen on the other sets, judged on each (blind rules + text model + warning detector):"
    )
    for part in dict.fromkeys(found[i].part for i in chosen):
        others = [i for i in chosen if found[i].part != part]
        own = [i for i in chosen if found[i].part == part]
        low_scams = [probability[i] for i in others if found[i].scam and level[i] == "low" and not warning[i]]
        high_scams = [probability[i] for i in others if found[i].scam and level[i] == "high"]
        warning_scams = [
            warning_like[i] for i in others if found[i].scam and level[i] != "low" and not found[i].calls
        ]
        floor = max(g for g in grid_floor if g <= min(low_scams) - 0.1)
        lower = max(g for g in grid_lower if g < min(high_scams))
        warning_at = min(g for g in grid_warning if g >= max(warning_scams) + 0.1)
        base = judged(others, Thresholds(floor, 1.01, lower, warning_at))
        best: tuple[float, Figures] | None = None
        for high in grid_high:
            figure = judged(others, Thresholds(floor, high, lower, warning_at))
            if (figure.alarms - base.alarms) / figure.legit <= 0.002 and (
                best is None or (figure.caught, high) > (best[1].caught, best[0])
            ):
                best = (high, figure)
        assert best is not None
        thresholds = Thresholds(floor, best[0], lower, warning_at)
        print(
            f"  {part:<10} floor {floor} high {best[0]} lower {lower} warning {warning_at}: "
            f"{judged(own, thresholds).row()}"
        )
        pooled += levels_of(own, thresholds)
        pooled_ads += [found[i] for i in own]
    print(f"  {'pooled':<10} {figures(pooled, pooled_ads).row()}")


# ---- the rules as each set was measured blind

OLD_RISKS = """
import json, sys
from datetime import date
from pathlib import Path
root, folder, register_csv = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
sys.path.insert(0, str(root))
from db.agencies import Register, read_register
if (root / "handlers" / "offer_analysis.py").exists():
    from bot.i18n import Content, default_content_dir
    from handlers.offer_analysis import analyse
    from handlers.offer_rules import parse_offer_rules
else:
    from ground.i18n import Content, default_content_dir
    from handlers.offers.analysis import analyse
    from handlers.offers.rules import parse_offer_rules
rows = read_register(register_csv)
if (folder / "register_extra.csv").exists():
    rows += read_register(folder / "register_extra.csv")
register = Register.of(rows, date(2026, 11, 1))
try:  # the rules alone, also where the learned model had landed (round 13 on)
    rules = parse_offer_rules(Content.load(default_content_dir(), "id"), learned=False)
except TypeError:
    rules = parse_offer_rules(Content.load(default_content_dir(), "id"))
risks = {}
for path in sorted(folder.glob("*.txt")):
    text = path.read_text(encoding="utf-8").partition("\\n---\\n")[2]
    analysis = analyse(text, rules, register)
    risks[path.stem] = [analysis.risk, bool(getattr(analysis, "warning_post", False))]
print(json.dumps(risks))
"""


def blind_risks() -> None:
    """Each set's levels by the rules of the commit that measured it blind, and whether they read
    the ad as a warning post (the model leaves those alone), into BLIND_FILE."""
    risks: dict[str, list[object]] = {}
    for part, commit in BLIND_COMMITS.items():
        with tempfile.TemporaryDirectory() as old_root:
            names = subprocess.run(
                ["git", "-C", str(ROOT), "ls-tree", "--name-only", commit],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            wanted = [n for n in ("bot", "db", "handlers", "content", "ground") if n in names]
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", commit, *wanted], capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", old_root], input=archive, check=True)
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    OLD_RISKS,
                    old_root,
                    str(ADS / part),
                    str(ADS / "register_sample.csv"),
                ],
                capture_output=True,
                text=True,
                check=True,
                cwd=old_root,
            ).stdout
        for name, risk in json.loads(out).items():
            risks[f"{part}/{name}"] = risk
        print(f"{part}: {commit}", file=sys.stderr)
    lines = (f"{json.dumps(name)}: {json.dumps(risks[name])}" for name in sorted(risks))
    BLIND_FILE.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("train", "check", "cv", "blind-risks"))
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="cv: also the blind combination by thresholds, and thresholds chosen without each set",
    )
    args = parser.parse_args()
    if args.command == "blind-risks":
        blind_risks()
        return
    if args.command == "cv":
        cv(sweep=args.sweep)
        return
    found = examples(rules_alone())
    text = as_json(train(found))
    if args.command == "train":
        MODEL_FILE.write_text(text, encoding="utf-8")
        print(f"{MODEL_FILE.relative_to(ROOT)}: {len(text):,} characters", file=sys.stderr)
    elif not same_model(MODEL_FILE.read_text(encoding="utf-8"), text):
        sys.exit(f"{MODEL_FILE.relative_to(ROOT)} is not what `python -m tools.offer_model train` writes")


if __name__ == "__main__":
    main()
