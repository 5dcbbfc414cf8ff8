"""An ad's analysis told to a person (chat text in their language) or to a program (JSON)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from db.agencies import Lookup
from ground.i18n import Texts
from handlers.offers.analysis import MAX_CHARS, Analysis, Found
from handlers.offers.pay import PayCheck, Salary

# The chat shows the strongest signs (the JSON lists all), and stays within one message.
CHAT_SIGNS = 7
CHAT_CHARS = 4000


def _with_its_words(t: Texts, found: Found, analysis: Analysis) -> list[str]:
    """A sign's line, then the ad's own words that raised it."""
    lines = [f"• {explanation(t, found, analysis)}"]
    if found.evidence:
        lines.append(f"  ({t('offers.result.quote', evidence=found.evidence)})")
    return lines


def explanation(t: Texts, found: Found, analysis: Analysis) -> str:
    entities = analysis.entities
    if entities.destination and entities.destination != "ID":
        place = t(f"offers.countries.{entities.destination}")
    elif analysis.abroad:
        place = t("offers.result.abroad")
    else:
        place = found.evidence or t("offers.result.indonesia")
    if found.code == "scam_hub_phone":
        country = next((p.country for p in entities.phones if p.number == found.evidence), "")
        place = t(f"offers.countries.{country}") if country else found.evidence
    times = ""
    if found.code == "high_pay" and analysis.pay is not None:
        place = _pay_place(t, analysis.pay)
        times = (
            f"{analysis.pay.ratio:.0f}"
            if analysis.pay.ratio >= 3
            else f"{analysis.pay.ratio:.1f}".replace(".", ",")
        )
    salary = _salary_text(t, entities.salary) if entities.salary else found.evidence
    return t(
        f"offers.flags.{found.code}.explanation",
        place=place,
        salary=salary,
        times=times,
        evidence=found.evidence,
    )


def _pay_place(t: Texts, pay: PayCheck) -> str:
    if pay.place_kind == "province":
        return pay.place_name
    if pay.place_kind == "country":
        return t(f"offers.countries.{pay.place}")
    return t("offers.result.abroad") if pay.place_kind == "abroad" else t("offers.result.indonesia")


def _money(amount: float, currency: str) -> str:
    shown = f"{amount:,.0f}".replace(",", ".") if currency == "IDR" else f"{amount:,.0f}"
    # EYD writes rupiah with no space: "Rp15.000.000" (docs/style.md).
    return f"Rp{shown}" if currency == "IDR" else f"{currency} {shown}"


def _salary_text(t: Texts, salary: Salary) -> str:
    amount = _money(salary.amount, salary.currency)
    if salary.period != "month":
        monthly = _money(salary.monthly_idr, "IDR")
        return t(f"offers.result.salary_per_{salary.period}", amount=amount, monthly=monthly)
    if salary.currency == "IDR":
        return amount
    return f"{amount} (± {_money(salary.monthly_idr, 'IDR')})"


def summary_key(analysis: Analysis) -> str:
    """Which summary fits: a LOW answer never says "no danger signs" while it lists one; a level
    the learned model raised says so, in plain words (round 13)."""
    if analysis.learned == "floor":
        return "medium_learned_with_signs" if analysis.signs else "medium_learned"
    if analysis.learned == "high":
        return "high_learned"
    if analysis.learned == "lower":
        return "medium_lowered"
    if analysis.learned == "warning":
        return "medium_warning"
    if analysis.risk == "low":
        if analysis.warning_post:
            return "warning_post"
        if analysis.job_fair:
            return "low_job_fair"
        if analysis.abroad:
            return "low_legal_route"
        return "low_with_signs" if analysis.signs else "low"
    if analysis.risk == "medium" and analysis.abroad and not analysis.legal_route:
        return "medium_abroad"
    return analysis.risk


def chat_text(t: Texts, analysis: Analysis) -> str:
    """The answer in the chat: level, what to do, each sign with the ad's words, what was read."""
    lines = [
        t("offers.result.title", level=t(f"offers.result.level.{analysis.risk}")),
        t(f"offers.result.summary.{summary_key(analysis)}"),
    ]
    if analysis.truncated:
        lines.append(t("offers.result.truncated", chars=f"{MAX_CHARS:,}".replace(",", ".")))
    signs = [found for found in analysis.signs if found.code not in analysis.folded]
    if signs:
        # A text read as a warning post describes the signs rather than showing them (round 14).
        heading = "offers.result.signs_warned" if analysis.learned == "warning" else "offers.result.signs"
        lines += ["", t(heading)]
        for found in signs[:CHAT_SIGNS]:
            lines += _with_its_words(t, found, analysis)
        if len(signs) > CHAT_SIGNS:
            lines.append(t("offers.result.more_signs", count=len(signs) - CHAT_SIGNS))
    if analysis.good_signs:
        lines += ["", t("offers.result.good_signs")]
        # The ad's own words for a sign of the legal route too: the family checks what was read.
        for found in analysis.good_signs:
            lines += _with_its_words(t, found, analysis)
    if analysis.voided:
        named = ", ".join(f'"{found.evidence}"' for found in analysis.voided if found.evidence)
        lines += ["", t("offers.result.voided", named=named or "-")]
    lines += ["", t("offers.result.found")]
    lines += entity_lines(t, analysis) or [t("offers.result.nothing_found")]
    text = "\n".join(lines)
    # A message holds 4,096 characters (Telegram, WhatsApp): an answer never needs more.
    return text if len(text) <= CHAT_CHARS else text[:CHAT_CHARS].rsplit("\n", 1)[0]


def entity_lines(t: Texts, analysis: Analysis) -> list[str]:
    entities = analysis.entities
    lines = []
    if entities.destination:
        country = t(f"offers.countries.{entities.destination}")
        places = ", ".join(p for p in entities.places if p.lower() != country.lower())
        lines.append(t("offers.result.destination", value=f"{country} ({places})" if places else country))
    if entities.salary:
        lines.append(t("offers.result.salary", value=_salary_text(t, entities.salary)))
    if entities.companies:
        lines.append(t("offers.result.company", value=", ".join(entities.companies)))
    if entities.phones:
        numbers = [
            f"{p.number} ({t(f'offers.countries.{p.country}')})" if p.country else p.number
            for p in entities.phones
        ]
        lines.append(t("offers.result.phones", value=", ".join(numbers)))
    if entities.channels:
        lines.append(
            t("offers.result.contact", value=", ".join(t(f"offers.channels.{c}") for c in entities.channels))
        )
    return lines


def as_json(t: Texts, analysis: Analysis) -> dict[str, Any]:
    """`sigap check-offer --json`: the analysis for other programs, explanations in t's language."""
    entities = analysis.entities
    salary = entities.salary
    pay = analysis.pay
    return {
        "risk": analysis.risk,
        "score": analysis.score,
        "abroad": analysis.abroad,
        "legal_route": analysis.legal_route,
        "truncated": analysis.truncated,
        # Round 9: the text warns about scams rather than offering a job; the floor by route and
        # money that set the level above the score ("" when the score set it).
        "warning_post": analysis.warning_post,
        # Round 11: a job fair's announcement, its work abroad only at its stands (LOW).
        "job_fair": analysis.job_fair,
        "floor": analysis.floor or None,
        # Round 13: the learned model's probability that the ad is a scam, and what it raised
        # ("floor": LOW to MEDIUM, "high": MEDIUM to HIGH, "lower": HIGH to MEDIUM; None: the
        # rules' level stands); round 14: "warning" (a HIGH or MEDIUM read as a warning post by
        # the warning detector: MEDIUM), and the detector's probability where it was asked.
        "model": None
        if analysis.probability is None
        else {
            "probability": round(analysis.probability, 3),
            "raised": analysis.learned or None,
            "warning_like": None if analysis.warning_like is None else round(analysis.warning_like, 3),
        },
        "flags": [
            {"code": f.code, "explanation": explanation(t, f, analysis), "evidence": f.evidence}
            for f in analysis.signs
        ],
        "good_signs": [
            {"code": f.code, "explanation": explanation(t, f, analysis), "evidence": f.evidence}
            for f in analysis.good_signs
        ],
        # Signs of the legal route the ad names that its other words void (no evidence).
        "voided_good_signs": [{"code": f.code, "evidence": f.evidence} for f in analysis.voided],
        "entities": {
            "destination": entities.destination or None,
            "places": list(entities.places),
            "province": entities.province or None,
            "salary": None
            if salary is None
            else {
                "amount": salary.amount,
                "currency": salary.currency,
                "period": salary.period,
                "per_day": salary.per_day,
                "monthly_idr": round(salary.monthly_idr),
                "text": salary.text,
            },
            "pay_check": None
            if pay is None
            else {
                "reference_monthly_idr": round(pay.reference_idr),
                "place": _pay_place(t, pay),
                "ratio": round(pay.ratio, 2),
                "high": pay.high,
            },
            "companies": list(entities.companies),
            "phones": [{"number": p.number, "country": p.country or None} for p in entities.phones],
            "channels": list(entities.channels),
            "links": list(entities.links),
            "handles": list(entities.handles),
        },
    }


def register_lines(t: Texts, lookups: Sequence[tuple[str, Lookup]]) -> list[str]:
    """What our copy of the P3MI register says of each company the ad names, and no more; an ad
    that names none is told that a real vacancy does."""
    if not lookups:
        return [t("offers.result.no_company")]
    lines = []
    for name, lookup in lookups:
        if lookup.as_of is None:
            return [t("offers.result.agency_no_register")]
        date = f"{lookup.as_of:%d-%m-%Y}"
        match = f"{lookup.name} ({lookup.licence})" if lookup.licence else lookup.name
        if lookup.found:
            lines.append(t("offers.result.agency_found", name=name, date=date, match=match))
        elif lookup.revoked:
            lines.append(t("offers.result.agency_revoked", name=name, date=date, match=match))
        elif lookup.similar:
            lines.append(t("offers.result.agency_similar", name=name, date=date, match=lookup.name))
        else:
            lines.append(t("offers.result.agency_not_found", name=name, date=date))
    return lines


def register_json(lookups: Sequence[tuple[str, Lookup]]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "found": lookup.found,
            # found, revoked (licence revoked or suspended), similar (a look-alike of
            # register_name, not it) or not_found
            "status": lookup.status,
            "register_name": lookup.name or None,
            "licence": lookup.licence,
            "register_as_of": lookup.as_of.isoformat() if lookup.as_of else None,
        }
        for name, lookup in lookups
    ]
