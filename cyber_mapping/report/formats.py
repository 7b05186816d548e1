"""The words and numbers of a report's sentences: percents, dates, lists, counts, names.

Money as text (:mod:`cyber_mapping.money`) and the product's labels
(:mod:`cyber_mapping.labels`) are one floor down, shared with the analysis and the product.
Nothing here reads data.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

EN_DASH = "–"


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


def verb(n: int, one: str = "is", many: str = "are") -> str:
    """``is`` for one, ``are`` for more (or ``one`` and ``many``): ``1 clause is``."""
    return one if n == 1 else many


# GCI tiers shown as published; any other verification (inferred, unverified) is "not
# available": a tier deduced by elimination is a guess, and a report must not guess.
GCI_SHOWN = ("itu", "secondary", "verified")


def gci_text(tier: object, name: object, verification: object, na: str) -> str:
    """``3 (Establishing)`` for a published tier, ``not available`` otherwise."""
    if pd.isna(tier) or str(verification) not in GCI_SHOWN:
        return na
    return f"{int(tier)} ({name})" if str(name or "") else str(int(tier))
