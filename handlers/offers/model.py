"""A learned second opinion beside the rules (round 13): a logistic regression over the ad's words
as the rules read them (normalised, slang spelled out, stemmed: handlers/offers/words.py), word
pairs, and the signs the rules raised, trained on the development ads by tools/offer_model.py.

Twelve rounds of hand-written rules brought every development set to 1.000 recall and no false
alarm, and every new writer's set back to 0.95-0.975 with two to four scams rated LOW
(docs/offers.md): the rules see the words they were written for. The model sees every word, and
weighs what scam ads share that nobody wrote a rule for. It keeps an ad from LOW, raises MEDIUM
to HIGH, and lowers to MEDIUM (never to LOW) a HIGH it finds very unlikely, at thresholds chosen
by leave-one-writer-out cross-validation (docs/offers.md, "Round 13"). Since round 14 a second
regression over the same features, the warning detector, reads whether a text the rules rate HIGH
or MEDIUM is a post that warns of scams rather than a scam: with no way to apply of its own, it is
MEDIUM (docs/offers.md, "Round 14"). The weights are data
(model.json beside this file), read once by whoever builds the rules (parse_offer_rules), never a
module-level singleton."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise, repeat
from pathlib import Path

MODEL_FILE = Path(__file__).resolve().parent / "model.json"
# Words longer than this are junk (a link, a run of letters): they add nothing the model can weigh.
MAX_WORD = 30


@dataclass(frozen=True)
class Thresholds:
    """The combination with the rules, chosen on cross-validation only (docs/offers.md): a LOW the
    model finds at least `floor` likely to be a scam becomes MEDIUM; a MEDIUM it finds at least
    `high` likely becomes HIGH; a HIGH it finds less than `lower` likely becomes MEDIUM."""

    floor: float
    high: float
    lower: float = 0.0
    # Round 14: a text the warning detector finds at least this likely to be a warning post, read
    # as HIGH or MEDIUM by the rules, is MEDIUM (never LOW, never raised); above 1: never.
    warning: float = 1.01


@dataclass(frozen=True)
class OfferModel:
    weights: Mapping[str, float]
    bias: float
    thresholds: Thresholds
    # Which features were used ("text": words and pairs; "signs": also the rules' sign codes).
    kinds: tuple[str, ...]
    # The SHA-256 of the training ads (their names, labels and texts), as tools/offer_model.py
    # computed it: the test compares it with the ads in the repository.
    trained_on: str = ""
    # Round 14: the warning detector, a second logistic regression over the same text features,
    # trained on the warning posts (family scam_warning) against the scam ads: how much a text
    # reads like a post that warns of scams rather than like a scam. Empty: no detector.
    warning_weights: Mapping[str, float] = field(default_factory=dict)
    warning_bias: float = 0.0
    # The weights as tables to look an ad's features up in (made from the weights on creation).
    _tables: WeightTables = field(init=False, repr=False, compare=False)
    _warning_tables: WeightTables = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_tables", WeightTables(self.weights))
        object.__setattr__(self, "_warning_tables", WeightTables(self.warning_weights))

    def probability(self, words: Sequence[str], codes: Iterable[str] = ()) -> float:
        """How likely the model finds the ad to be a scam, from its read words and (if the model
        was trained with them) the codes of the signs the rules raised."""
        total, count = self._tables.weigh(words, codes if "signs" in self.kinds else ())
        return _logistic(self.bias + (total / math.sqrt(count) if count else 0.0))

    def warning_probability(self, words: Sequence[str]) -> float:
        """How likely the warning detector finds the text to be a warning post rather than a scam,
        from its read words only (0 without a detector). Asked only of a HIGH or MEDIUM."""
        if not self.warning_weights:
            return 0.0
        total, count = self._warning_tables.weigh(words)
        return _logistic(self.warning_bias + total / math.sqrt(count)) if count else 0.0


def _logistic(logit: float) -> float:
    """Bounded, so that a junk paste of thousands of known words cannot overflow exp()."""
    logit = max(-30.0, min(30.0, logit))
    return 1.0 / (1.0 + math.exp(-logit))


class WeightTables:
    """Weights of features ("w:word", "b:word word", "s:code") by what they weigh: a word's, a
    pair's (by its two words), a code's. An ad's features are looked up with its own word strings,
    whose hashes Python has already computed, instead of a "w:"/"b:" string built and hashed per
    feature per ad (the model cost about a seventh of the analysis's time so: docs/offers.md,
    "Speed")."""

    def __init__(self, weights: Mapping[str, float]) -> None:
        self.weights = weights
        self.by_word: dict[str, float] = {}
        self.by_pair: dict[tuple[str, str], float] = {}
        self.by_code: dict[str, float] = {}
        for feature, weight in weights.items():
            kind, name = feature[:2], feature[2:]
            if kind == "w:":
                self.by_word[name] = weight
            elif kind == "b:":
                # A pair "a b" at each of its spaces: a read word holds none, but a caller's
                # words might, and the pair ("a b", "c") is the feature "b:a b c" too.
                for at, character in enumerate(name):
                    if character == " ":
                        self.by_pair[name[:at], name[at + 1 :]] = weight
            elif kind == "s:":
                self.by_code[name] = weight

    def weigh(self, words: Sequence[str], codes: Iterable[str] = ()) -> tuple[float, int]:
        """The sum of the weights of `features(words, codes)`, and how many features there are."""
        tokens = _tokens(words)
        distinct = set(tokens)
        if " " in "".join(distinct):
            # Two pairs of words holding spaces may make one feature ("a b" + "c", "a" + "b c"):
            # counted as `features` counts them.
            present = features(words, codes)
            weights = self.weights
            return sum(weights.get(feature, 0.0) for feature in present), len(present)
        # The same features as `features` gives, counted and weighed without building them: each
        # distinct word, each distinct pair of words in a row, each distinct code.
        pairs = set(pairwise(tokens))
        distinct_codes = set(codes)
        total = sum(map(self.by_word.get, distinct, repeat(0.0)))
        total += sum(map(self.by_pair.get, pairs, repeat(0.0)))
        if distinct_codes:
            total += sum(map(self.by_code.get, distinct_codes, repeat(0.0)))
        return total, len(distinct) + len(pairs) + len(distinct_codes)


def combine(
    risk: str,
    probability: float,
    warning_post: bool,
    thresholds: Thresholds,
    local_pay: bool = False,
    warning_like: float = 0.0,
    calls_to_apply: bool = False,
) -> tuple[str, str]:
    """The rules' level with the model's second opinion, and what it changed: never LOW at or
    above the floor threshold ("floor": MEDIUM, with the steps to verify), MEDIUM to HIGH at or
    above the high one ("high"), HIGH to MEDIUM below the lower one ("lower": never to LOW; in the
    cross-validation no scam fell below it, and two thirds of the false alarms did, docs/offers.md
    "Round 13"). A text the rules read as a warning post quotes a scam's words to warn: only a
    resemblance at the high threshold keeps it from LOW (a scam dressed as a warning, measured
    blind once), and it is neither raised to HIGH nor lowered. Work in Indonesia at a stated pay
    within the region's norm, with at most one weak sign (`local_pay`), is not kept from LOW: the
    issue's own example, a shop in Pontianak at UMR pay, "no experience needed", read by the model
    as resembling scams in English; in the cross-validation no scam the floor kept from LOW was
    such an ad, and 12 legitimate ones were (docs/offers.md, "Round 13").

    A HIGH or MEDIUM that the warning detector finds at least `thresholds.warning` likely to be a
    warning post (`warning_like`), and that gives no way to apply of its own (`calls_to_apply`:
    warning_text.calls_to_apply), is MEDIUM ("warning"): neither HIGH nor raised to it, since a
    warning quotes the scam's words, and never LOW, since a scam can be dressed as a warning (round
    14; in the cross-validation no scam rated HIGH or MEDIUM by the blind rules was so lowered)."""
    if warning_post:
        return ("medium", "floor") if risk == "low" and probability >= thresholds.high else (risk, "")
    if risk != "low" and warning_like >= thresholds.warning and not calls_to_apply:
        return "medium", "warning"
    if risk == "low" and probability >= thresholds.floor and not local_pay:
        return "medium", "floor"
    if risk == "medium" and probability >= thresholds.high:
        return "high", "high"
    if risk == "high" and probability < thresholds.lower:
        return "medium", "lower"
    return risk, ""


def features(words: Sequence[str], codes: Iterable[str] = ()) -> set[str]:
    """The features of an ad: each distinct word ("w:paspor"), each pair of words in a row
    ("b:paspor tahan"), numbers as one word ("#"), and the rules' sign codes ("s:fees"). Presence
    only: an ad that says "gratis" five times is not five times a scam."""
    tokens = _tokens(words)
    present = {"w:" + token for token in tokens}
    present.update(f"b:{a} {b}" for a, b in pairwise(tokens))
    present.update("s:" + code for code in codes)
    return present


def _tokens(words: Sequence[str]) -> list[str]:
    """The words the model reads: numbers as one word ("#"), junk longer than MAX_WORD left out."""
    return ["#" if word[:1].isdigit() else word for word in words if len(word) <= MAX_WORD]


def load_model(path: Path = MODEL_FILE) -> OfferModel:
    """The weights tools/offer_model.py wrote."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return OfferModel(
        weights={str(k): float(v) for k, v in data["weights"].items()},
        bias=float(data["bias"]),
        thresholds=Thresholds(**{k: float(v) for k, v in data["thresholds"].items()}),
        kinds=tuple(data["kinds"]),
        trained_on=str(data.get("trained_on", "")),
        warning_weights={str(k): float(v) for k, v in data.get("warning", {}).get("weights", {}).items()},
        warning_bias=float(data.get("warning", {}).get("bias", 0.0)),
    )
