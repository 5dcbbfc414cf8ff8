"""The identifiers a recruiter can be recognised by, in one written form each: phone numbers in
international form (+62...), wa.me links as the number they open, t.me links and @handles in
lower case, other links without scheme or "www.", company names reduced as the register does.

"0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890", "0812.3456.7890" and
"wa.me/6281234567890" are the same identifier "phone:+6281234567890". Hand-written rather than
the `phonenumbers` library: its matcher takes about 1 ms per ad (measured), half the whole
budget of the ad check, and only the shapes recruiters write need reading here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from db.agencies import match_name
from handlers.offers.analysis import HANDLE as HANDLE_IN_TEXT
from handlers.offers.analysis import LINK, MAX_CHARS, Analysis

KINDS = ("phone", "link", "handle", "company")
# A run of digits that may be a phone number, with the separators people type between groups.
PHONE_RUN = re.compile(r"(?<![\w/=])(?:\+|\b00)?\s?\(?\d[\d\s.\-()]{7,18}\d(?![\d])")
# Where PHONE_RUN can match: a stretch from a digit to a digit of the characters numbers are
# written with. PHONE_RUN begins with optional characters, so the regular-expression engine tries
# it at every position of the text (most of the look-up's cost); this pattern begins with a digit,
# which the engine skips to, and PHONE_RUN is then tried only there. A PHONE_RUN match starts at
# most PREFIX_CHARS before such a stretch ("+", a space, "(") and ends within it: the same matches.
NUMBER_STRETCH = re.compile(r"\d[\d\s.\-()]{7,}\d")
PREFIX_CHARS = 3
WHATSAPP_LINK = re.compile(r"(?:wa\.me/|whatsapp\.com/send/?\?phone=)\+?(\d{8,15})", re.IGNORECASE)
TELEGRAM_LINK = re.compile(r"\bt\.me/([A-Za-z][A-Za-z0-9_]{3,31})", re.IGNORECASE)
HANDLE = re.compile(r"^@?([A-Za-z][A-Za-z0-9_.]{2,31})$")
NOT_DIGIT = re.compile(r"\D")
SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?", re.IGNORECASE)
LEGAL_FORM = re.compile(r"^(?:PT|CV|P\.T\.?)\b|\b(?:Sdn|Ltd|Inc|LLC|Corp|Limited|Company)\b", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Identifier:
    kind: str  # one of KINDS
    value: str  # the normal form, e.g. "+6281234567890", "@lokerjaya", "karya mitra samudera"
    # How the ad wrote it, when the normal form reads worse ("PT Karya Mitra Samudera").
    written: str = field(default="", compare=False)

    @property
    def shown(self) -> str:
        return self.written or self.value

    @property
    def key(self) -> str:
        """What is hashed: the kind keeps a handle from ever matching a company of the same name."""
        return f"{self.kind}:{self.value}"


def phone(raw: str, assume_mobile: bool = False) -> str | None:
    """An Indonesian or international number in the form +<country><number>, or None.
    assume_mobile: "812 3456 7890" typed without 0 (an operator typing a number) is Indonesian."""
    raw = raw.strip()
    digits = NOT_DIGIT.sub("", raw)
    if raw.startswith("+"):
        number = digits
    elif raw.startswith("00"):
        number = digits[2:]
    elif digits.startswith("0") and digits[1:2] != "0":
        number = "62" + digits[1:]
    elif digits.startswith("628"):  # "62812...": a mobile number without its +
        number = digits
    elif assume_mobile and digits.startswith("8"):
        number = "62" + digits
    else:
        return None
    if number.startswith("62"):  # Indonesia: 9 to 12 digits after the country code
        return f"+{number}" if 11 <= len(number) <= 14 else None
    return f"+{number}" if 8 <= len(number) <= 15 else None


def link(raw: str) -> Identifier | None:
    raw = raw.strip().rstrip(".,;:!?/")
    whatsapp = WHATSAPP_LINK.search(raw)
    if whatsapp:
        number = phone("+" + whatsapp.group(1))
        return Identifier("phone", number) if number else None
    telegram = TELEGRAM_LINK.search(raw)
    if telegram:
        return Identifier("handle", "@" + telegram.group(1).lower())
    bare = SCHEME.sub("", raw).split("#", 1)[0]
    host, _, path = bare.partition("/")
    if "." not in host:
        return None
    # Hosts are case-blind; paths are not (bit.ly/AbC and bit.ly/abc are different links).
    return Identifier("link", host.lower() + (f"/{path}" if path else ""))


def handle(raw: str) -> Identifier | None:
    found = HANDLE.match(raw.strip())
    return Identifier("handle", "@" + found.group(1).lower().rstrip(".")) if found else None


def company(raw: str) -> Identifier | None:
    name = match_name(raw)
    return Identifier("company", name, " ".join(raw.split())) if len(name) >= 4 else None


def in_text(text: str) -> list[Identifier]:
    """Phone numbers and WhatsApp / Telegram links in a text (a report's answer, an ad)."""
    text = text[:MAX_CHARS]
    found: list[Identifier] = []
    if ".me/" in text or "phone=" in text:
        for match in WHATSAPP_LINK.finditer(text):
            found.append(link(match.group()) or Identifier("phone", ""))
        found += (Identifier("handle", "@" + m.group(1).lower()) for m in TELEGRAM_LINK.finditer(text))
    for run in phone_runs(text):
        number = phone(run.group())
        if number:
            found.append(Identifier("phone", number))
    return [i for i in dict.fromkeys(found) if i.value]


def phone_runs(text: str) -> Iterator[re.Match[str]]:
    """PHONE_RUN's matches in the text, found only where NUMBER_STRETCH says one can be."""
    after = 0  # where the last match ended: matches do not overlap
    for stretch in NUMBER_STRETCH.finditer(text):
        for run in PHONE_RUN.finditer(text, max(after, stretch.start() - PREFIX_CHARS), stretch.end()):
            after = run.end()
            yield run


def in_ad(text: str, analysis: Analysis) -> list[Identifier]:
    """Every identifier of a checked ad: its numbers and links, and what the analysis read in it
    (links, handles, companies)."""
    found = in_text(text)
    for raw in analysis.entities.links:
        found.append(link(raw) or Identifier("link", ""))
    for raw in analysis.entities.handles:
        found.append(handle(raw) or Identifier("handle", ""))
    for raw in analysis.entities.companies:
        found.append(company(raw) or Identifier("company", ""))
    return [i for i in dict.fromkeys(found) if i.value]


def in_report(answers: dict[str, str]) -> list[Identifier]:
    """The recruiter a report names: their number (or link), their social media account or link
    and, when it is one, their company. A person's name alone is not recorded: it would join
    strangers who share it."""
    found = in_text(answers.get("recruiter_phone", ""))
    social = answers.get("social_media", "")
    found += in_text(social)
    found += (link(m.group()) or Identifier("link", "") for m in LINK.finditer(social))
    found += (Identifier("handle", "@" + m.group("name").lower()) for m in HANDLE_IN_TEXT.finditer(social))
    name = answers.get("recruiter_name", "")
    if name and LEGAL_FORM.search(name):
        found.append(company(name) or Identifier("company", ""))
    found += in_text(name)
    return [i for i in dict.fromkeys(found) if i.value]


def typed(raw: str) -> Identifier | None:
    """What an operator typed to look up or mark: a number, a link, an @handle or a company."""
    raw = raw.strip()
    if not raw:
        return None
    if raw.startswith("@"):
        return handle(raw)
    if "/" in raw or raw.lower().startswith("www."):
        return link(raw)
    if re.fullmatch(r"[+\d\s.\-()]+", raw):
        number = phone(raw, assume_mobile=True)
        return Identifier("phone", number) if number else None
    return company(raw)
