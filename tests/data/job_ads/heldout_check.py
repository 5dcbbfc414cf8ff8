"""The checks of a held-out set of job ads (heldout4/ to heldout7/), shared by each set's
`summary.py`, which names its folder, its number range and its size.

Exits 1 and names the file when a header is malformed, a file name disagrees with its header, an
`sms` or `long` ad is out of its length, a phone number, web or e-mail address in an ad is not one
of the fictitious forms, or a company the header names is not written in the ad. Prints the tables
each set's README.md quotes. Also checks the set's register_extra.csv (columns, licence forms,
status) and that every licensed company a legitimate `licensed_p3mi`/`licensed_seafarer` ad names
is an active entry of it or of register_sample.csv. (Written by the fourth set's writer from the
third's, then copied unchanged by the fifth to seventh but for the range and size: one copy now.)
"""

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class HeldOut:
    """One set: its folder, the numbers its files may take, and how many ads it is meant to hold."""

    folder: Path
    numbers: range
    total: range


FIELDS = ("label", "language", "modus", "style", "destination", "salary", "phones", "companies", "patterns")
SCAM_FAMILIES = {
    "online_scam_compound",
    "malaysia_nonprocedural",
    "mideast_domestic_moratorium",
    "fishing_vessel",
    "sexual_exploitation",
    "bride_brokering",
    "debt_bondage",
    "lpk_placement_fee",
    "cruise_ship_fee",
    "fake_government_programme",
    "domestic_trafficking",
    # added by heldout2
    "recruiter_referral",
    "europe_visa_job_fee",
    # added by heldout5
    "visit_visa_work",
    "underage_recruitment",
}
LEGIT_FAMILIES = {
    "local_job",
    "licensed_p3mi",
    "government_programme",
    "local_high_pay",
    "remote_online",
    "job_fair",
    "licensed_seafarer",
    # added by heldout2
    "antarkerja_antardaerah",
    # added by heldout5: notices that warn about scams (no job offered)
    "scam_warning",
}
STYLES = {"fb", "wa", "telegram", "flyer", "formal", "portal", "sms", "long", "slang"}
NAME = re.compile(r"^(\d{4,5})_(scam|legit)_(id|en)\.txt$")
SALARY = re.compile(r"^(none|\d+(\.\d+)? [A-Z]{3})$")
PHONE_FIELD = re.compile(r"^(0\d{8,12}|\+\d{9,15})$")
# A phone number as ads write it: +CC with groups, or a local number starting with 0 (spaces, dashes,
# dots or brackets between groups). Licence numbers (KEP.0000/...) are not matched: they contain "/".
PHONE_IN_TEXT = re.compile(
    r"(?<![\w/.])"
    r"(\+\d{1,3}[\s.-]?\(?\d{1,4}\)?(?:[\s.-]?\d{2,5}){2,4}|\(?0\d{2,4}\)?(?:[\s.-]?\d{3,5}){2,3})"
    r"(?![\w/])"
)
DOMAIN = re.compile(
    r"(?i)\b[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*\.(?:com|net|org|id|co|go|my|sg|th|kh|jp|kr|tw|hk|ae|sa|info|biz|io|example)\b"
)


def fictitious_phone(digits: str) -> bool:
    """0812-0000-xxxx and 0852-0000-xxxx mobiles; any other number (landline, foreign) has 555 in it."""
    local = "0" + digits[2:] if digits.startswith("62") else digits
    return local.startswith(("08120000", "08520000")) or "555" in digits


def read(path: Path) -> tuple[dict[str, str], str]:
    head, separator, text = path.read_text(encoding="utf-8").partition("\n---\n")
    if not separator:
        raise ValueError("no line '---' after the header")
    meta = {}
    for line in head.splitlines():
        key, colon, value = line.partition(": ")
        if not colon or not value.strip():
            raise ValueError(f"bad header line {line!r}")
        meta[key] = value
    if tuple(meta) != FIELDS:
        raise ValueError(f"header fields {tuple(meta)} are not {FIELDS}")
    return meta, text


def problems(held_out: HeldOut, path: Path, meta: dict[str, str], text: str) -> list[str]:
    found = []
    number, label, language = NAME.match(path.name).groups()  # type: ignore[union-attr]
    if int(number) not in held_out.numbers:
        first, last = held_out.numbers.start, held_out.numbers.stop - 1
        found.append(f"numbers run {first}-{last}")
    if meta["label"] != label or meta["language"] != language:
        found.append("file name disagrees with label/language")
    families = SCAM_FAMILIES if label == "scam" else LEGIT_FAMILIES
    if meta["modus"] not in families:
        found.append(f"modus {meta['modus']} is not a {label} family")
    if meta["style"] not in STYLES:
        found.append(f"unknown style {meta['style']}")
    length = len(text.strip())
    if meta["style"] == "sms" and not 40 <= length < 80:
        found.append(f"sms ad is {length} characters (40-79)")
    if meta["style"] == "long" and not 2000 <= length <= 6000:
        found.append(f"long ad is {length} characters (2000-6000)")
    if not SALARY.match(meta["salary"]):
        found.append(f"salary {meta['salary']!r}")
    text_digits = {re.sub(r"\D", "", match) for match in PHONE_IN_TEXT.findall(text)}
    listed = [] if meta["phones"] == "none" else meta["phones"].split(",")
    for phone in listed:
        digits = re.sub(r"\D", "", phone)
        if not PHONE_FIELD.match(phone) or not fictitious_phone(digits):
            found.append(f"phone {phone!r} is not a fictitious number in the header's form")
        local = "0" + digits[2:] if phone.startswith("+62") else digits
        if not any(local in seen or digits in seen for seen in text_digits):
            found.append(f"phone {phone} is not in the ad")
    listed_digits = [re.sub(r"\D", "", phone) for phone in listed]
    for digits in text_digits:
        if not fictitious_phone(digits):
            found.append(f"number {digits} in the ad is not a fictitious one")
        elif not any(phone in digits or digits in phone for phone in listed_digits):
            found.append(f"number {digits} in the ad is missing from phones")
    for domain in DOMAIN.findall(text):
        if not domain.lower().endswith(".example"):
            found.append(f"address {domain} does not end in .example")
    hard = "hard_case_alarming_words" in meta["patterns"].split(", ")
    if label == "legit" and hard != bool(ALARMING.search(text)):
        found.append("hard_case_alarming_words tag disagrees with the word list")
    if label == "scam" and hard:
        found.append("hard_case_alarming_words is a tag for legitimate ads")
    if meta["companies"] != "none" and meta["companies"].lower() not in text.lower():
        found.append(f"company {meta['companies']!r} is not written in the ad")
    return found


# The words that make a legitimate ad a hard case (`hard_case_alarming_words`): words scam ads use
# too. One list for the whole set, so the tag is not a matter of taste.
ALARMING = re.compile(
    r"(?i)\b(segera|cepat|langsung kerja|tanpa pengalaman|no experience|gk perlu pengalaman|admin|cs|chat"
    r"|customer service|operator|data entry|entikong|nunukan|aruk|sebatik|sambas|tawau|saudi|qatar|dubai"
    r"|riyadh|tiket|ticket|mess|mes|asrama|dormitory|hostel|paspor|passport|abk|cruise|pesiar|karaoke|spa"
    r"|dijemput|jemput|pick-up|shuttle|antar-jemput|plb|malaysia|ferry|kapal|crew|tanker|offshore|rig"
    r"|data annotation|luar negeri|overseas)\b"
)
REGISTER_HEADER = "No;Nama P3MI;Nomor Izin;Alamat;Status"
LICENCE = re.compile(r"^(KEP\.0000/\d{3}/\d{4}|SIUPPAK 0000\.\d{2}/DJPL/\d{4}|SAMPEL/\d{4}/\d{4})$")
ACTIVE = "Aktif (SAMPEL - BUKAN DATA RESMI)"
# What every set is meant to hold (its README), besides its size: about half scam, at least 12
# scam families, about 30 % in English.
SCAM_SHARE = (0.45, 0.55)
MIN_SCAM_FAMILIES = 12
ENGLISH_SHARE = (0.25, 0.35)


def register(path: Path) -> dict[str, tuple[str, str]]:
    """Company name -> (licence number, status) of a register file in the columns of the sample."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if lines[0] != REGISTER_HEADER:
        raise ValueError(f"{path.name}: header is not {REGISTER_HEADER!r}")
    rows = {}
    for line in lines[1:]:
        cells = line.split(";")
        if len(cells) != 5 or not LICENCE.match(cells[2]) or cells[4] not in (ACTIVE, "Dicabut"):
            raise ValueError(f"{path.name}: bad row {line!r}")
        rows[cells[1]] = (cells[2], cells[4])
    return rows


def register_problems(held_out: HeldOut, read_ads: list[tuple[Path, dict[str, str], str]]) -> list[str]:
    found = []
    try:
        extra = register(held_out.folder / "register_extra.csv")
        sample = register(held_out.folder.parent / "register_sample.csv")
    except ValueError as error:
        return [str(error)]
    if set(extra) & set(sample):
        found.append("register_extra.csv repeats a company of register_sample.csv")
    licensed = {**sample, **extra}
    for path, meta, text in read_ads:
        company = meta["companies"]
        if meta["label"] != "legit" or meta["modus"] not in ("licensed_p3mi", "licensed_seafarer"):
            continue
        if company not in licensed or licensed[company][1] != ACTIVE:
            found.append(f"{path.name}: licensed company {company!r} is not an active register entry")
        elif licensed[company][0] not in text:
            found.append(f"{path.name}: licence number of {company} is not in the ad")
    for path, meta, _ in read_ads:
        if meta["label"] == "scam" and meta["companies"] in licensed:
            status = licensed[meta["companies"]][1]
            if status == ACTIVE and "impersonates_licensed_company" not in meta["patterns"]:
                found.append(f"{path.name}: scam ad names an active licensed company without the tag")
    return found


def count_problems(held_out: HeldOut, read_ads: list[tuple[Path, dict[str, str], str]]) -> list[str]:
    found = []
    total = len(read_ads)
    if total not in held_out.total:
        found.append(f"{total} ads, not {held_out.total.start}-{held_out.total.stop - 1}")
    if not total:
        return found
    scam = [meta for _, meta, _ in read_ads if meta["label"] == "scam"]
    if not SCAM_SHARE[0] <= len(scam) / total <= SCAM_SHARE[1]:
        found.append(f"{len(scam)} of {total} ads are scam, not about half")
    families = {meta["modus"] for meta in scam}
    if len(families) < MIN_SCAM_FAMILIES:
        found.append(f"only {len(families)} scam families")
    english = sum(meta["language"] == "en" for _, meta, _ in read_ads)
    if not ENGLISH_SHARE[0] <= english / total <= ENGLISH_SHARE[1]:
        found.append(f"{english} of {total} ads in English, not about 30 %")
    numbers = [path.name.split("_")[0] for path, _, _ in read_ads]
    if len(set(numbers)) != len(numbers):
        found.append("two files share a number")
    return found


def table(title: str, counts: Counter[tuple[str, str]], columns: tuple[str, ...]) -> None:
    rows = sorted({row for row, _ in counts})
    print(f"| {title} | " + " | ".join(columns) + " | total |")
    print("|---|" + "---:|" * (len(columns) + 1))
    for row in rows:
        cells = [counts[(row, column)] for column in columns]
        print(f"| {row} | " + " | ".join(map(str, cells)) + f" | {sum(cells)} |")
    totals = [sum(counts[(row, column)] for row in rows) for column in columns]
    print("| **all** | " + " | ".join(map(str, totals)) + f" | {sum(totals)} |\n")


def main(held_out: HeldOut) -> int:
    ads = sorted(held_out.folder.glob("*.txt"))
    failed = False
    read_ads = []
    for path in ads:
        if not NAME.match(path.name):
            print(f"{path.name}: file name is not NNN_<label>_<lang>.txt")
            failed = True
            continue
        try:
            meta, text = read(path)
        except ValueError as error:
            print(f"{path.name}: {error}")
            failed = True
            continue
        for problem in problems(held_out, path, meta, text):
            print(f"{path.name}: {problem}")
            failed = True
        read_ads.append((path, meta, text))

    for problem in register_problems(held_out, read_ads) + count_problems(held_out, read_ads):
        print(problem)
        failed = True
    labels = ("scam", "legit")
    print(f"{len(read_ads)} ads\n")
    table("language", Counter((m["language"], m["label"]) for _, m, _ in read_ads), labels)
    table("modus", Counter((m["modus"], m["label"]) for _, m, _ in read_ads), labels)
    table("style", Counter((m["style"], m["label"]) for _, m, _ in read_ads), labels)
    table("destination", Counter((m["destination"], m["label"]) for _, m, _ in read_ads), labels)
    tags = Counter(
        (tag, m["label"])
        for _, m, _ in read_ads
        for tag in m["patterns"].split(", ")
        if tag
        in {
            "subtle_professional",
            "formal_polite",
            "hard_case_alarming_words",
            "malay_influenced",
            "regional_language",
            "mixed_language",
            "ocr_noise",
            "destination_withheld",
            "revoked_licence",
            "near_copy_of_licensed_name",
            "claims_licence",
            "fake_licence_number",
            "no_money_mentioned",
            "impersonates_licensed_company",
            "scam_phrases_quoted",
            "personal_message",
        }
    )
    table("tag", tags, labels)
    lengths = sorted(len(text.strip()) for _, _, text in read_ads)
    print(f"text length: shortest {lengths[0]}, median {lengths[len(lengths) // 2]}, longest {lengths[-1]}")
    return 1 if failed else 0
