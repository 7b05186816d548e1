"""Turn messy cell values into clean ones: countries, resolutions, implementors, amounts, dates.

Every lookup returns a :class:`Match` that says whether it matched exactly and, when it did
not match, the closest candidates ("did you mean …?"). Parsers never raise on bad input:
they return the problem as text, which validation turns into an issue row.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd
import pycountry

from cyber_mapping.reference import GLOBAL, Reference, normalise_key

_LIST_SPLIT = re.compile(r"[;\n\r]+")


@dataclass(frozen=True)
class Match:
    """Result of a lookup.

    Attributes
    ----------
    value
        The canonical value, or None when nothing matched.
    exact
        True when the text was already the canonical form (ignoring surrounding spaces).
    via
        How it matched ("name", "alias", "ISO3 code", …) or "" when it did not.
    suggestions
        Closest canonical values when it did not match.
    """

    value: str | None
    exact: bool = False
    via: str = ""
    suggestions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether a value was found."""
        return self.value is not None

    def hint(self) -> str:
        """The "did you mean" clause for an error message (empty when none)."""
        if not self.suggestions:
            return ""
        return " Did you mean " + " or ".join(f"'{s}'" for s in self.suggestions) + "?"


def _similarity(text: str, key: str) -> float:
    """Best of whole-string similarity and similarity to any run of words of ``key``."""
    best = difflib.SequenceMatcher(None, text, key).ratio()
    words, width = key.split(), len(text.split())
    if len(words) > width:
        for i in range(len(words) - width + 1):
            part = " ".join(words[i : i + width])
            best = max(best, 0.95 * difflib.SequenceMatcher(None, text, part).ratio())
    return best


def suggest(text: str, keys: dict[str, str], n: int = 3, cutoff: float = 0.72) -> tuple[str, ...]:
    """Closest canonical values to ``text`` among folded ``keys`` (key -> canonical)."""
    folded = normalise_key(text)
    if not folded:
        return ()
    scored = sorted(
        ((s, key) for key in keys if (s := _similarity(folded, key)) >= cutoff),
        key=lambda pair: (-pair[0], pair[1]),
    )
    out: list[str] = []
    for _, key in scored:
        if keys[key] not in out:
            out.append(keys[key])
    return tuple(out[:n])


def lookup(text: object, keys: dict[str, str], canonical: set[str] | None = None) -> Match:
    """Match ``text`` against folded ``keys``; exact when it equals a canonical value."""
    raw = str(text).strip()
    key = normalise_key(raw)
    if key in keys:
        value = keys[key]
        return Match(value, exact=raw == value, via="exact" if raw == value else "folded")
    return Match(None, suggestions=suggest(raw, keys))


def split_list(text: object) -> list[str]:
    """Split a cell on ``;`` and line breaks, dropping empty pieces."""
    return [p.strip() for p in _LIST_SPLIT.split(str(text)) if p.strip()]


# ----------------------------------------------------------------------------- countries


def match_country(text: object, ref: Reference) -> Match:
    """Match one country written as a name, ITU name, alias, ISO2 or ISO3 code.

    Returns the ISO3 code; ``exact`` is True only for the ITU name or the ISO3 code as written.
    """
    raw = " ".join(str(text).split())
    hit = ref.country_keys.get(normalise_key(raw))
    if hit is None:
        keys = {k: ref.country_name()[iso] for k, (iso, _) in ref.country_keys.items()}
        return Match(None, suggestions=suggest(raw, keys))
    iso3, via = hit
    exact = raw == ref.country_name()[iso3] or raw == iso3
    return Match(iso3, exact=exact, via=via)


@dataclass(frozen=True)
class Place:
    """One beneficiary item: a country (with its region), a whole region, or Global."""

    country_iso3: str | None
    region: str
    text: str
    match: Match


@dataclass(frozen=True)
class PlaceList:
    """A parsed "Beneficiary countries" cell."""

    places: tuple[Place, ...] = ()
    problems: tuple[str, ...] = ()


def _match_region(text: str, ref: Reference) -> Match:
    keys = ref.vocab("region")
    return lookup(text, keys)


def parse_places(text: object, ref: Reference) -> PlaceList:
    """Parse a beneficiary cell: countries, ``Region: <name>`` items or ``Global``.

    Pieces are split on ``;`` and line breaks; a piece containing commas is split on them only
    when every comma-separated part is a recognised country, so ``Korea, Republic of`` stays
    one country while ``Kenya, Uganda`` becomes two.
    """
    region_of = ref.region_of()
    places: list[Place] = []
    problems: list[str] = []
    for piece in split_list(text):
        folded = normalise_key(piece)
        if folded in {"global", "worldwide", "all member states", "world"}:
            places.append(Place(None, GLOBAL, piece, Match(GLOBAL, exact=piece == GLOBAL)))
            continue
        m = re.match(r"^(?:itu\s+)?region\s*[:\-]\s*(.+)$", folded)
        if m:
            rmatch = _match_region(piece.split(":", 1)[-1] if ":" in piece else m.group(1), ref)
            if rmatch.ok:
                places.append(Place(None, rmatch.value, piece, rmatch))
            else:
                problems.append(
                    f"'{piece}' is not an ITU-D region.{rmatch.hint()} "
                    f"Write 'Region: ' followed by one of: {', '.join(ref.region_names)}."
                )
            continue
        cm = match_country(piece, ref)
        if cm.ok:
            places.append(Place(cm.value, region_of[cm.value], piece, cm))
            continue
        if "," in piece:
            parts = [p.strip() for p in piece.split(",") if p.strip()]
            matches = [match_country(p, ref) for p in parts]
            if all(x.ok for x in matches):
                for p, x in zip(parts, matches, strict=True):
                    places.append(Place(x.value, region_of[x.value], p, x))
                continue
            bad = [p for p, x in zip(parts, matches, strict=True) if not x.ok]
            hints = "".join(match_country(b, ref).hint() for b in bad[:2])
            problems.append(
                f"'{piece}' is not a recognised country, and splitting it on commas leaves "
                f"unrecognised piece(s) {bad}.{hints} Separate countries with ';'."
            )
            continue
        rmatch = _match_region(piece, ref)
        if rmatch.ok:
            problems.append(
                f"'{piece}' is a region, not a country. Write 'Region: {rmatch.value}' "
                "for a regional activity."
            )
            continue
        problems.append(
            f"'{piece}' is not a recognised ITU Member State.{cm.hint()} Use the ITU short "
            "name (e.g. 'Viet Nam') or the ISO code (e.g. 'VNM')."
        )
    if not places and not problems:
        problems.append("no beneficiary given. Write country names, 'Region: <name>' or 'Global'.")
    return PlaceList(tuple(places), tuple(problems))


# ----------------------------------------------------------------------------- resolutions

_RES_PATTERN = re.compile(
    r"^\s*(?:ITU[\s-]*)?(?P<body>PP|WTDC|WTSA|Plenipotentiary(?:\s+Conference)?)?\s*"
    r"[-‑:]?\s*(?:Res(?:olution)?s?\.?)?\s*(?:No\.?\s*)?(?P<num>\d{1,3})(?![\d])"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ResolutionRef:
    """One parsed resolution reference."""

    text: str
    match: Match
    revision_text: str = ""
    problem: str = ""


def _infer_bodies(rest: str, ref: Reference) -> set[str]:
    """Bodies whose conference place (and year, if written) appear in the revision text."""
    folded = normalise_key(rest)
    years = set(re.findall(r"(?:19|20)\d\d", folded))
    bodies: set[str] = set()
    for conf in ref.conferences.itertuples(index=False):
        if normalise_key(conf.place) in folded and (not years or conf.year in years):
            bodies.add(conf.body)
    return bodies


def parse_resolution(text: object, ref: Reference) -> ResolutionRef:
    """Parse one reference such as ``PP Res. 130 (Rev. Bucharest, 2022)`` to ``PP-130``.

    The body comes from the text (PP, WTDC, WTSA) or, failing that, from the conference place
    in the revision text (Kigali means WTDC); a number found in several bodies of the catalogue
    with nothing to decide between them is ambiguous and reported with its candidates.
    """
    raw = " ".join(str(text).split())
    m = _RES_PATTERN.match(raw)
    catalogue = ref.resolutions
    if not m:
        # A misspelt word ("Resolutoin 45", "WTCD Res 45") still carries the number.
        digits = re.search(r"(?<!\d)(\d{1,3})(?!\d)", raw)
        if digits:
            near = closest_resolutions(catalogue, _body_guess(raw), int(digits.group(1)))
        else:
            ids = dict(
                zip(catalogue["resolution_id"].map(normalise_key), catalogue["resolution_id"])
            )
            near = suggest(raw, ids)
        hint = Match(None, suggestions=near).hint()
        return ResolutionRef(
            raw,
            Match(None, suggestions=near),
            problem=f"'{raw}' is not a resolution reference.{hint} "
            "Write e.g. 'PP-130' or 'WTDC Resolution 45 (Rev. Kigali, 2022)'.",
        )
    body = (m.group("body") or "").upper()
    if body.startswith("PLENIPOTENTIARY"):
        body = "PP"
    number = int(m.group("num"))
    rest = m.group("rest").strip()
    revision = rest.strip(" ,;()[]")
    candidates = catalogue[catalogue["number"] == number]
    if body:
        chosen = candidates[candidates["body"] == body]
    else:
        inferred = _infer_bodies(rest, ref)
        chosen = candidates[candidates["body"].isin(inferred)] if inferred else candidates
    ids = list(chosen["resolution_id"])
    if len(ids) == 1:
        rid = ids[0]
        return ResolutionRef(raw, Match(rid, exact=raw == rid, via="parsed"), revision)
    if len(ids) > 1:
        return ResolutionRef(
            raw,
            Match(None, suggestions=tuple(ids)),
            revision,
            problem=f"'{raw}' is ambiguous: resolution {number} exists as {' and '.join(ids)}. "
            f"Write the body, e.g. '{ids[0]}'.",
        )
    near = closest_resolutions(catalogue, body, number)
    what = f"{body} Resolution {number}" if body else f"Resolution {number}"
    return ResolutionRef(
        raw,
        Match(None, suggestions=near),
        revision,
        problem=f"'{raw}': {what} is not in the package's resolutions catalogue."
        f"{Match(None, suggestions=near).hint()} Correct the reference, or add the resolution "
        "to cyber_mapping/reference/resolutions.yaml.",
    )


def _body_guess(text: str) -> str:
    """The body a misspelt reference most likely names ("WTCD" is WTDC), or ''."""
    words = re.findall(r"[A-Za-z]{2,}", text)
    for word in words:
        best = suggest(word, {"pp": "PP", "wtdc": "WTDC", "wtsa": "WTSA"}, n=1, cutoff=0.7)
        if best:
            return best[0]
    return ""


def closest_resolutions(
    catalogue: pd.DataFrame, body: str, number: int, n: int = 3
) -> tuple[str, ...]:
    """Catalogue ids nearest to ``body`` + ``number``.

    The same number in any body comes first, then the same body, then the number sharing most
    digits, then the nearest number: ``PP 131`` suggests PP-130; ``Resolution 13`` suggests
    PP-130 (shared digits); ``WTDC 46`` suggests WTDC-45 before WTDC-40.
    """

    def rank(row: tuple[str, str, int]) -> tuple[int, int, float, int, str]:
        rid, rbody, rnum = row
        digits = difflib.SequenceMatcher(None, str(number), str(rnum)).ratio()
        other_body = 0 if not body or rbody == body else 1
        return (int(rnum != number), other_body, -digits, abs(rnum - number), rid)

    rows = zip(catalogue["resolution_id"], catalogue["body"], catalogue["number"], strict=True)
    ranked = sorted(((r, b, int(k)) for r, b, k in rows), key=rank)
    return tuple(r for r, _, _ in ranked[:n])


# ----------------------------------------------------------------------------- vocabularies


def match_theme(text: object, ref: Reference) -> Match:
    """Match an activity theme from the package's theme list, case-insensitively."""
    keys = {normalise_key(t): t for t in ref.themes["theme"]}
    return lookup(text, keys)


def match_implementor(text: object, ref: Reference) -> Match:
    """Match an implementor by name, official name, city (accents optional) or alias."""
    raw = " ".join(str(text).split())
    hit = ref.implementor_keys.get(normalise_key(raw))
    if hit is None:
        keys = {k: v for k, (v, _) in ref.implementor_keys.items()}
        return Match(None, suggestions=suggest(raw, keys))
    return Match(hit[0], exact=raw == hit[0], via=hit[1])


def match_vocab(text: object, field_name: str, ref: Reference) -> Match:
    """Match a status, cost type, basis or region against the vocabulary file."""
    return lookup(text, ref.vocab(field_name))


def match_currency(text: object) -> Match:
    """Match an ISO 4217 currency code (any case); empty means CHF."""
    raw = str(text).strip()
    if raw == "":
        return Match("CHF", exact=False, via="default")
    code = raw.upper()
    if pycountry.currencies.get(alpha_3=code) is not None:
        return Match(code, exact=raw == code, via="ISO 4217")
    keys = {c.alpha_3.lower(): c.alpha_3 for c in pycountry.currencies}
    return Match(None, suggestions=suggest(raw, keys, cutoff=0.6))


# ----------------------------------------------------------------------------- numbers

_CODE = re.compile(r"^\s*([A-Za-z]{3})\s*|\s*([A-Za-z]{3})\s*$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")


# A text amount whose only separator is one dot followed by exactly three digits: 12.500 is
# twelve and a half in English and twelve thousand five hundred in much of Europe.
_AMBIGUOUS = re.compile(r"\d+\.\d{3}")
# No row of a submission comes near this (in any currency); above it an amount is a typing
# error, and integer cents stay far from 64-bit limits.
MAX_AMOUNT = Decimal(10) ** 15


def _ambiguous(text: str) -> str:
    whole, frac = text.split(".")
    return (
        f"'{text}' is ambiguous: it may mean {whole}{frac} (a dot separating thousands) or "
        f"{whole}.{frac} (a decimal point). Write {whole}{frac} or {whole}'{frac} for "
        f"thousands, or {whole}.{frac.rstrip('0') or '0'} for a decimal amount."
    )


def _too_large(value: object) -> str:
    return (
        f"'{value}' is too large to be an amount (above 10^15). Check the amount; a row may "
        "carry at most CHF 10 billion."
    )


@dataclass(frozen=True)
class Amount:
    """A parsed amount in cents of its currency (``currency`` set when the text named one)."""

    cents: int | None
    currency: str | None = None
    problem: str = ""


def parse_amount(value: object) -> Amount:
    """Parse an amount: numbers, ``12'500``, ``12,500.00``, ``CHF 12 500``, ``1.234.567,50``.

    Negative amounts parse (so the message can say so); validation rejects them.
    """
    if isinstance(value, bool):
        return Amount(None, problem=f"'{value}' is not an amount. Write a number such as 12500.")
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            return Amount(None, problem="the amount is not a finite number.")
        if abs(Decimal(repr(value))) > MAX_AMOUNT:
            return Amount(None, problem=_too_large(value))
        cents = int(Decimal(repr(value)).scaleb(2).quantize(Decimal(1), ROUND_HALF_UP))
        return Amount(cents)
    text = str(value).strip().translate(str.maketrans({"’": "'", "−": "-", "–": "-"}))
    if text == "":
        return Amount(None, problem="the amount is empty. Write the amount as a number.")
    currency = None
    m = _CODE.search(text)
    code = (m.group(1) or m.group(2)).upper() if m else ""
    if code and pycountry.currencies.get(alpha_3=code) is not None:
        currency = code
        text = _CODE.sub("", text, count=1)
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    if _AMBIGUOUS.fullmatch(text.strip("()-+ ")):
        return Amount(None, currency, problem=_ambiguous(text.strip("()-+ ")))
    text = _SPACES.sub("", text.strip("()-+ "))
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        text = text.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in text:
        text = (
            text.replace(",", "")
            if re.fullmatch(r"\d{1,3}(,\d{3})+", text)
            else text.replace(",", ".")
        )
    elif re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", text):
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return Amount(
            None,
            currency,
            problem=f"'{value}' is not a number. Write the amount as a number, e.g. 12500 "
            "or 12'500.00, and the currency in the Currency column.",
        )
    if not number.is_finite():
        return Amount(None, currency, problem=f"'{value}' is not a finite number.")
    if abs(number) > MAX_AMOUNT:
        return Amount(None, currency, problem=_too_large(value))
    cents = int(number.scaleb(2).quantize(Decimal(1), ROUND_HALF_UP))
    return Amount(-cents if negative else cents, currency)


@dataclass(frozen=True)
class Period:
    """An accounting year or a span of years, both ends included."""

    start: int | None
    end: int | None
    problem: str = ""


def parse_period(value: object) -> Period:
    """Parse ``2021``, ``2019-2022`` (any dash, ``/`` or ``to``) into first and last year."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.date):
        return Period(value.year, value.year)
    text = str(value).strip()
    m = re.fullmatch(r"(?:FY\s*)?(\d{4})(?:\s*(?:-|–|—|/|to)\s*(\d{2}|\d{4}))?", text, re.I)
    if not m:
        return Period(
            None, None, f"'{text}' is not a period. Write a year (2021) or a span (2019-2022)."
        )
    start = int(m.group(1))
    end_text = m.group(2)
    end = (
        start
        if end_text is None
        else int(end_text if len(end_text) == 4 else m.group(1)[:2] + end_text)
    )
    if not 1990 <= start <= 2100 or not 1990 <= end <= 2100:
        return Period(None, None, f"'{text}' is not a plausible accounting year.")
    if end < start:
        return Period(None, None, f"'{text}' ends before it starts. Write it as {end}-{start}.")
    return Period(start, end)


_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y")
_MONTH_FORMATS = ("%m %Y", "%m/%Y", "%m.%Y", "%m-%Y", "%B %Y", "%b %Y", "%Y-%m")


@dataclass(frozen=True)
class ParsedDate:
    """A parsed date, or the problem."""

    value: dt.date | None
    problem: str = ""


def parse_date(value: object, *, end_of_month: bool = False) -> ParsedDate:
    """Parse an Excel date, ISO text, day-first text (``31/12/2021``) or ``MM YYYY``.

    Parameters
    ----------
    value
        The cell value.
    end_of_month
        For month-only text, give the month's last day (end dates) instead of its first.
    """
    if isinstance(value, dt.datetime):
        return _plausible(value.date())
    if isinstance(value, dt.date):
        return _plausible(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_serial(value)
    text = " ".join(str(value).split())
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    for fmt in _DATE_FORMATS:
        try:
            return _plausible(dt.datetime.strptime(text, fmt).date())
        except ValueError:
            continue
    for fmt in _MONTH_FORMATS:
        try:
            first = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if end_of_month:
            last = calendar.monthrange(first.year, first.month)[1]
            return _plausible(first.replace(day=last))
        return _plausible(first)
    return ParsedDate(
        None,
        f"'{text}' is not a date (or is an impossible one). Write e.g. 2021-12-31, "
        "31/12/2021 or, where a month is enough, 12 2021.",
    )


# Dates outside these years are typing errors (a year typed into a date cell is 1905).
PLAUSIBLE_DATES = (dt.date(2000, 1, 1), dt.date(2100, 12, 31))


def _plausible(day: dt.date) -> ParsedDate:
    """``day``, or the problem when it lies outside :data:`PLAUSIBLE_DATES`."""
    if PLAUSIBLE_DATES[0] <= day <= PLAUSIBLE_DATES[1]:
        return ParsedDate(day)
    return ParsedDate(
        None,
        f"'{day.isoformat()}' is not a plausible date (before 2000 or after 2100); a year "
        "typed into a date cell shows as a day of 1905. Write the full date, e.g. 2021-03-15.",
    )


def _excel_serial(value: float) -> ParsedDate:
    """An Excel date serial number, accepted only when it falls in :data:`PLAUSIBLE_DATES`."""
    first, last = ((d - _EXCEL_EPOCH).days for d in PLAUSIBLE_DATES)
    shown = int(value) if float(value).is_integer() else value
    if first <= value <= last:
        return ParsedDate(_EXCEL_EPOCH + dt.timedelta(days=int(value)))
    as_date = ""
    if 1 <= value < 2958466:  # what Excel would show, when it is a date at all
        as_date = f" (as an Excel date it is {_EXCEL_EPOCH + dt.timedelta(days=int(value))})"
    return ParsedDate(
        None,
        f"the number {shown} is not a plausible date{as_date}. Write the date itself, e.g. "
        "2021-03-15 or 15/03/2021.",
    )


@dataclass(frozen=True)
class Shares:
    """Explicit percentage shares as integer weights (1/10 000 of a percent)."""

    weights: tuple[int, ...] | None
    problem: str = ""


_SHARE_SCALE = 10_000


def parse_shares(value: object, n_items: int) -> Shares:
    """Parse ``50; 25; 25`` (or with ``%``) into weights that must sum to 100, one per item.

    An empty cell gives ``weights=None`` (split equally). Shares are kept as integers in
    ten-thousandths of a percent so that later splits are exact.
    """
    if value is None or str(value).strip() == "":
        return Shares(None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        pieces = [repr(value)]
    else:
        text = str(value).replace("%", " ")
        pieces = split_list(text) if re.search(r"[;\n]", text) else text.replace(",", " ").split()
    try:
        numbers = [Decimal(p.strip()) for p in pieces]
    except InvalidOperation:
        return Shares(None, f"'{value}' is not a list of numbers. Write e.g. '50; 25; 25'.")
    if not all(x.is_finite() for x in numbers):
        return Shares(None, f"'{value}' is not a list of numbers. Write e.g. '50; 25; 25'.")
    if len(numbers) != n_items:
        return Shares(
            None,
            f"'{value}' gives {len(numbers)} share(s) for {n_items} item(s). Give one share per "
            "item, in the same order, or leave the cell empty to split equally.",
        )
    if any(x < 0 for x in numbers):
        return Shares(None, f"'{value}' has a negative share. Shares must be 0 to 100.")
    total = sum(numbers)
    if abs(total - 100) > Decimal("0.01"):
        return Shares(None, f"'{value}' sums to {total}, not 100. Adjust the shares.")
    weights = [int((x * _SHARE_SCALE).to_integral_value(ROUND_HALF_UP)) for x in numbers]
    if sum(weights) == 0:
        return Shares(None, f"'{value}' gives every item a zero share.")
    return Shares(tuple(weights))


@dataclass(frozen=True)
class Implementors:
    """A parsed implementor cell."""

    names: tuple[str, ...] = ()
    matches: tuple[Match, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)


def parse_implementors(text: object, ref: Reference) -> Implementors:
    """Split an implementor cell on ``;`` and line breaks and match each piece."""
    names: list[str] = []
    matches: list[Match] = []
    problems: list[str] = []
    for piece in split_list(text):
        m = match_implementor(piece, ref)
        if m.ok:
            if m.value not in names:
                names.append(m.value)
                matches.append(m)
        else:
            problems.append(
                f"'{piece}' is not a known implementor.{m.hint()} Write 'BDT (HQ)', a Regional "
                "Office (e.g. 'Regional Office for Africa') or an Area Office by city "
                "(e.g. 'Area Office Dakar')."
            )
    if not names and not problems:
        problems.append("no implementor given. Write e.g. 'BDT (HQ)'.")
    return Implementors(tuple(names), tuple(matches), tuple(problems))
