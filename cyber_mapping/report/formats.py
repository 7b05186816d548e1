"""Every number, money, date and name format of the package, in one family.

Money is held in integer cents everywhere; these functions only turn it into text (prose,
table cells in CHF thousands, exact reconciliations). Nothing here reads data.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from cyber_mapping.reference import Reference

NNBSP = "\u202f"  # narrow no-break space: the default thousands separator
EN_DASH = "–"


def group_thousands(number: int, sep: str = NNBSP) -> str:
    """``1234567`` -> ``1 234 567`` (narrow no-break spaces; ``sep="'"`` for BDT's style)."""
    sign = "-" if number < 0 else ""
    return sign + f"{abs(int(number)):,}".replace(",", sep)


def chf_prose(cents: int, sep: str = NNBSP) -> str:
    """Money in a sentence: ``CHF 1.5 million`` from one million up, else ``CHF 245 000``.

    Millions keep one decimal (rounded half up); smaller amounts are whole francs.
    """
    cents = int(cents)
    if abs(cents) >= 100_000_000:
        tenths = (abs(cents) + 5_000_000) // 10_000_000  # tenths of a million, half up
        sign = "-" if cents < 0 else ""
        return f"CHF {sign}{tenths // 10}.{tenths % 10} million"
    francs = (abs(cents) + 50) // 100
    return f"CHF {group_thousands(francs if cents >= 0 else -francs, sep)}"


def chf_thousands(cents: int, sep: str = NNBSP) -> str:
    """A table cell in CHF thousands with one decimal: 1 234 567.89 CHF -> ``1 234.6``."""
    tenths = (abs(int(cents)) + 5_000) // 10_000  # tenths of a thousand francs, half up
    sign = "-" if cents < 0 and tenths else ""
    return f"{sign}{group_thousands(tenths // 10, sep)}.{tenths % 10}"


def chf_exact(cents: int, sep: str = NNBSP) -> str:
    """Exact to the cent, for reconciliations: ``CHF 23 570 845.85``."""
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    return f"CHF {sign}{group_thousands(abs(cents) // 100, sep)}.{abs(cents) % 100:02d}"


def percent(value: float) -> str:
    """``35.7`` -> ``35.7%`` (one decimal)."""
    return f"{value:.1f}%"


def long_date(day: dt.date) -> str:
    """``12 June 2017``: day without a leading zero, month in full."""
    return f"{day.day} {day:%B %Y}"


def period_text(first: int, last: int) -> str:
    """``2018–2025`` (en dash)."""
    return f"{first}{EN_DASH}{last}" if first != last else str(first)


def join_names(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_REVISION = re.compile(r"(?:Rev\.\s*)?([A-Z][A-Za-zé ]+),\s*((?:19|20)\d\d)")


def clean_revision(text: object) -> str:
    """The first ``Rev. Place, YYYY`` in a catalogue revision note (notes dropped), or ''."""
    found = _REVISION.search(str(text or ""))
    if not found:
        return ""
    place, year = found.group(1).strip(), found.group(2)
    prefix = "Rev. " if "Rev." in str(text)[: found.end()] else ""
    return f"{prefix}{place}, {year}"


# A research note in brackets, e.g. "(exact Kigali title UNVERIFIED; earlier title ...)".
_NOTE = re.compile(r"\s*\([^()]*\b(?:UNVERIFIED|UNCERTAIN|unverified|uncertain)\b[^()]*\)")


def clean_title(text: object) -> str:
    """A catalogue title without its bracketed research notes (``UNVERIFIED``...)."""
    return _NOTE.sub("", str(text or "")).strip()


def resolution_label(rid: str, ref: Reference) -> str:
    """``PP-130`` -> ``PP Resolution 130 (Rev. Bucharest, 2022)`` from the catalogue."""
    row = ref.resolutions[ref.resolutions["resolution_id"] == rid]
    if row.empty:
        return rid
    rec = row.iloc[0]
    rev = clean_revision(rec["revision"])
    return f"{rec['body']} Resolution {rec['number']}" + (f" ({rev})" if rev else "")


def beneficiary_names(text: object, names: dict[str, str]) -> list[str]:
    """``KEN; UGA`` -> ``['Kenya', 'Uganda']``; ``Region: Africa`` and ``Global`` as written."""
    codes = [c.strip() for c in str(text or "").split(";") if c.strip()]
    return [names.get(c, c) for c in codes]


def list_text(value: object) -> str:
    """A stored ``a;b`` or ``a; b`` list as ``a; b`` (one space after each semicolon)."""
    return "; ".join(p.strip() for p in str(value or "").split(";") if p.strip())


_AS_OF_MONTH = re.compile(r"\b(As of|as of)\s+(0?[1-9]|1[0-2])[ /.-]((?:19|20)\d\d)\b")


def month_text(text: object) -> str:
    """Workbook text with ``As of 12 2019`` written ``As of December 2019``.

    Only the contract's "As of MM YYYY" form is rewritten; other numbers stay as written.
    """
    return _AS_OF_MONTH.sub(
        lambda m: f"{m.group(1)} {dt.date(2000, int(m.group(2)), 1):%B} {m.group(3)}",
        str(text or ""),
    )


def month_year(day: object) -> str:
    """``December 2019`` from a date (``''`` when missing)."""
    if day is None or pd.isna(day):
        return ""
    return f"{pd.Timestamp(day):%B %Y}"


def office_name(name: str) -> str:
    """An implementor in a sentence: ``BDT headquarters``, ``the Regional Office for CIS``.

    Office names take the definite article; other names (partners) are written as given.
    """
    text = str(name).strip()
    if text in ("BDT (HQ)", "BDT headquarters"):
        return "BDT headquarters"
    if text.startswith(("Regional Office", "Area Office")):
        return f"the {text}"
    return text


def count_of(part: int, whole: int, noun: str, plural: str = "") -> str:
    """``3 of the 9 activities``, ``all 9 activities``, ``none of the 9 activities``.

    Never "9 of the 9" or "0 of them"; ``plural`` defaults to ``noun + "s"``.
    """
    many = plural or f"{noun}s"
    if whole == 1:
        return f"the one {noun}" if part == 1 else f"not the one {noun}"
    if part == whole:
        return f"all {whole} {many}"
    if part == 0:
        return f"none of the {whole} {many}"
    return f"{part} of the {whole} {many}"


def plural(n: int, noun: str, many: str = "") -> str:
    """``1 activity``, ``2 activities``, ``no activities`` (``many``: ``noun + "s"``)."""
    words = noun if n == 1 else (many or noun + "s")
    return f"no {words}" if n == 0 else f"{n} {words}"


def chf_millions(cents: int) -> str:
    """Money in millions with one decimal, whatever its size: ``CHF 0.4 million``."""
    cents = int(cents)
    tenths = (abs(cents) + 5_000_000) // 10_000_000  # tenths of a million, half up
    sign = "-" if cents < 0 and tenths else ""
    return f"CHF {sign}{tenths // 10}.{tenths % 10} million"


def chf_alike(*amounts: int) -> list[str]:
    """Amounts of one sentence at one level of precision.

    If any is a million or more, all are in millions with one decimal (``CHF 0.4 million``
    next to ``CHF 4.3 million``, never ``CHF 426 909``); else all in whole francs.
    """
    if any(abs(int(a)) >= 100_000_000 for a in amounts):
        return [chf_millions(a) for a in amounts]
    return [chf_prose(a) for a in amounts]


def capital(text: str) -> str:
    """``text`` with its first letter capitalised (the rest untouched)."""
    return text[:1].upper() + text[1:]


def possessive(name: str) -> str:
    """``the Regional Office for CIS's``; a name ending in s takes an apostrophe only."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def ordinal(n: int) -> str:
    """``1`` -> ``first`` ... ``8`` -> ``eighth``; beyond, ``9th`` style."""
    if 1 <= n <= len(_ORDINALS):
        return _ORDINALS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ITU regions that take the definite article in a sentence.
_REGION_ARTICLE = {"Americas": "the Americas", "Arab States": "the Arab States", "CIS": "the CIS"}


def region_name(region: str) -> str:
    """An ITU region in a sentence: ``the Americas``, ``the Arab States``, ``Africa``."""
    return _REGION_ARTICLE.get(str(region), str(region))
