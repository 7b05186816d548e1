"""Turn messy cell values into clean ones: amounts, periods, dates and shares.

Parsers never raise on bad input: they return the problem as text, which validation turns
into an issue row. Amounts are integer cents and shares integer weights, so that every
later sum and split is exact.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pycountry

from cyber_mapping.intake.lookups import split_list

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
