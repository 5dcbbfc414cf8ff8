"""The two decisions at the end of an ad check, each at its edges: which risk level the signs
found add up to, and whether a message sent outside the form reads like a job ad at all (the
ad-scoring area of bench/mutation.py; tests/test_offer_analysis.py checks what finds each sign)."""

from __future__ import annotations

import pytest

from handlers.offers.analysis import AD_MIN_WORDS, Analysis, Entities, Found, _verdict, reads_like_an_ad
from handlers.offers.pay import Salary
from tests.test_offer_analysis import check, rules

PAY = Salary(amount=15_000_000, currency="IDR", period="month", monthly_idr=15_000_000, text="gaji 15jt")
WORDED = Found("too_good", "gaji 15jt tanpa pengalaman", 3)


def message(words: int, cues: int, signs: tuple[Found, ...] = (), salary: Salary | None = None) -> Analysis:
    return Analysis("low", 0, signs, (), entities=Entities(salary=salary), job_cues=cues, words=words)


@pytest.mark.parametrize(
    ("words", "cues", "signs", "salary", "ad"),
    [
        (AD_MIN_WORDS - 1, 3, (WORDED,), PAY, False),  # too short, whatever it says
        (AD_MIN_WORDS, 2, (), None, True),  # two job words are enough
        (AD_MIN_WORDS, 1, (), None, False),  # one alone is not
        (AD_MIN_WORDS, 1, (WORDED,), None, True),  # one with a danger sign in its own words
        (AD_MIN_WORDS, 1, (), PAY, True),  # one with a pay
        (AD_MIN_WORDS, 0, (WORDED,), PAY, False),  # no job word at all
        # "anak saya kerja di Malaysia": abroad, no company, but nothing an ad says.
        (AD_MIN_WORDS, 1, (Found("abroad_no_company", "kerja di Malaysia", 2),), None, False),
        (AD_MIN_WORDS, 1, (Found("abroad_unverified", "kerja di Malaysia", 2),), None, False),
    ],
)
def test_what_reads_like_an_ad(
    words: int, cues: int, signs: tuple[Found, ...], salary: Salary | None, ad: bool
) -> None:
    assert reads_like_an_ad(message(words, cues, signs, salary)) is ad


def test_the_verdict_at_each_threshold() -> None:
    offer_rules = rules()
    plain = next(code for code, sign in offer_rules.signs.items() if not sign.forces_high)

    def verdict(points: int, abroad: bool = False, legal_route: bool = False) -> tuple[str, int]:
        return _verdict({plain: Found(plain, "x", points)}, offer_rules, abroad, legal_route)

    assert verdict(offer_rules.medium_from) == ("medium", offer_rules.medium_from)
    assert verdict(offer_rules.medium_from - 1) == ("low", offer_rules.medium_from - 1)
    assert verdict(offer_rules.high_from) == ("high", offer_rules.high_from)
    assert verdict(0, abroad=True) == ("medium", 0), "abroad without the legal route"
    assert verdict(0, abroad=True, legal_route=True) == ("low", 0)
    assert verdict(-3) == ("low", 0), "good signs never make the score negative"
    assert check("halo apa kabar").score == 0
