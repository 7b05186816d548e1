"""Trends in words: the facts behind "spend fell 42% from 2019 to 2023 and rose again in 2024".

A series is a mapping of year to an integer amount (CHF cents, or a count). Years between the
first and the last that the mapping does not list count as zero: a year with nothing
recorded had nothing recorded. Percentages are whole numbers, rounded half away from zero
with integer arithmetic (no float rounding surprises); a change that is not zero but rounds
to 0 % is flagged so that a sentence says "less than 1%", never "0%".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cyber_mapping.analysis.scope import scope_allocations

if TYPE_CHECKING:
    import pandas as pd

    from cyber_mapping.product.store import Product

UP, DOWN, FLAT = "up", "down", "flat"


def percent_change(start: int, end: int) -> int | None:
    """Whole-number percent change from ``start`` to ``end``, half away from zero.

    ``None`` when ``start`` is zero (a change from nothing has no percentage). Negative for a
    fall, e.g. ``percent_change(200, 116)`` is ``-42``.
    """
    if start == 0:
        return None
    diff = abs(end - start)
    base = abs(start)
    # round(diff * 100 / base) half up, in integers: floor((2 * diff * 100 + base) / (2 * base))
    magnitude = (2 * diff * 100 + base) // (2 * base)
    return -magnitude if end < start else magnitude


@dataclass(frozen=True)
class Run:
    """A stretch of consecutive years moving the same way (up, down or flat)."""

    direction: str
    start_year: int
    end_year: int
    start_amount: int
    end_amount: int

    @property
    def pct(self) -> int | None:
        """Percent change over the run (see :func:`percent_change`)."""
        return percent_change(self.start_amount, self.end_amount)

    @property
    def years(self) -> int:
        """Number of year-on-year steps in the run."""
        return self.end_year - self.start_year


@dataclass(frozen=True)
class Trend:
    """The facts of one series: its years, runs, peak, trough and overall change."""

    years: tuple[int, ...]
    amounts: tuple[int, ...]
    runs: tuple[Run, ...]

    @property
    def empty(self) -> bool:
        """No year at all."""
        return not self.years

    @property
    def first_year(self) -> int | None:
        """The first year of the series."""
        return self.years[0] if self.years else None

    @property
    def last_year(self) -> int | None:
        """The last year of the series."""
        return self.years[-1] if self.years else None

    @property
    def total(self) -> int:
        """Sum of all amounts."""
        return sum(self.amounts)

    @property
    def peak_year(self) -> int | None:
        """The year of the largest amount (the earliest of equal ones)."""
        if not self.years:
            return None
        best = max(self.amounts)
        return self.years[self.amounts.index(best)]

    @property
    def peak_amount(self) -> int | None:
        """The largest amount."""
        return max(self.amounts) if self.amounts else None

    @property
    def trough_year(self) -> int | None:
        """The year of the smallest amount (the earliest of equal ones)."""
        if not self.years:
            return None
        least = min(self.amounts)
        return self.years[self.amounts.index(least)]

    @property
    def trough_amount(self) -> int | None:
        """The smallest amount."""
        return min(self.amounts) if self.amounts else None

    @property
    def turning_years(self) -> tuple[int, ...]:
        """Years where the direction changes (the end of every run but the last)."""
        return tuple(run.end_year for run in self.runs[:-1])

    @property
    def change_pct(self) -> int | None:
        """Percent change from the first to the last year (``None`` if it starts at zero)."""
        if not self.years:
            return None
        return percent_change(self.amounts[0], self.amounts[-1])

    @property
    def flat(self) -> bool:
        """Every year has the same amount (true of a single year too)."""
        return len(set(self.amounts)) <= 1


def _sign(step: int) -> str:
    return UP if step > 0 else DOWN if step < 0 else FLAT


def describe_trend(series: Mapping[int, int]) -> Trend:
    """The runs, peak and trough of a year -> amount series.

    Parameters
    ----------
    series
        Year to integer amount; years missing between the first and last count as zero.

    Returns
    -------
    Trend
        With ``runs``: maximal stretches of consecutive year-on-year steps of the same sign
        (a flat step is its own kind of run).
    """
    if not series:
        return Trend(years=(), amounts=(), runs=())
    first, last = min(series), max(series)
    years = tuple(range(int(first), int(last) + 1))
    amounts = tuple(int(series.get(y, 0)) for y in years)
    runs: list[Run] = []
    for i in range(1, len(years)):
        direction = _sign(amounts[i] - amounts[i - 1])
        if runs and runs[-1].direction == direction:
            prev = runs[-1]
            runs[-1] = Run(direction, prev.start_year, years[i], prev.start_amount, amounts[i])
        else:
            runs.append(Run(direction, years[i - 1], years[i], amounts[i - 1], amounts[i]))
    return Trend(years=years, amounts=amounts, runs=tuple(runs))


def trend_from_table(
    table: pd.DataFrame, year: str = "year", value: str = "amount_cents"
) -> Trend:
    """:func:`describe_trend` of a frame with a year column and an integer value column."""
    series: dict[int, int] = {}
    for y, v in zip(table[year], table[value], strict=True):
        series[int(y)] = series.get(int(y), 0) + int(v)
    return describe_trend(series)


def _pct_text(pct: int, t: Mapping[str, str]) -> str:
    return t["trend_pct_small"] if pct == 0 else t["trend_pct"].format(pct=abs(pct))


def _run_phrase(run: Run, t: Mapping[str, str], money: Callable[[int], str], again: bool) -> str:
    """One clause: ``fell 42% from 2019 to 2023``, ``rose 5% in 2024`` or ``rose again in 2024``.

    A one-year run is said "in {end}"; ``again`` (a one-year run in a direction the series
    already took before) drops the percentage, as in the issue's example sentence.
    """
    fields = {
        "start": run.start_year,
        "end": run.end_year,
        "start_amount": money(run.start_amount),
        "end_amount": money(run.end_amount),
    }
    step = "_step" if run.years == 1 else ""
    if run.direction == FLAT:
        key = "trend_zero" if run.end_amount == 0 else f"trend_flat{step}"
        return t[key].format(**fields)
    verb = "rise" if run.direction == UP else "fall"
    if again and step:
        return t[f"trend_{verb}_again"].format(**fields)
    if run.direction == UP and run.start_amount == 0:
        return t["trend_rise_from_zero"].format(**fields)
    if run.direction == DOWN and run.end_amount == 0:
        return t["trend_fall_to_zero"].format(**fields)
    pct = run.pct
    if pct is None:  # pragma: no cover - start_amount > 0 on every path that reaches here
        raise ValueError("a percentage needs a non-zero start")
    return t[f"trend_{verb}{step}"].format(pct=_pct_text(pct, t), **fields)


def trend_sentence(
    trend: Trend, subject: str, t: Mapping[str, str], money: Callable[[int], str]
) -> str:
    """A sentence on the last two runs of ``trend``.

    E.g. ``Spend fell 42% from 2019 to 2023 and rose again in 2024.`` The templates are the
    ``trend_*`` keys of ``templates/text_<lang>.yaml``; ``money`` formats an amount (for
    instance :func:`cyber_mapping.narrative.chf_prose`).
    """
    if trend.empty:
        return t["trend_empty"].format(subject=subject, subject_lower=subject.lower())
    if len(trend.years) == 1:
        return t["trend_single"].format(
            subject=subject, year=trend.years[0], amount=money(trend.amounts[0])
        )
    if trend.flat:
        return t["trend_all_flat"].format(
            subject=subject,
            start=trend.first_year,
            end=trend.last_year,
            amount=money(trend.amounts[0]),
        )
    runs = trend.runs[-2:]
    clauses = [_run_phrase(runs[0], t, money, again=False)]
    if len(runs) == 2:
        # "again" only when the series already moved that way before the second-last run.
        earlier = {r.direction for r in trend.runs[:-1]}
        again = runs[1].direction in earlier
        clauses.append(_run_phrase(runs[1], t, money, again=again))
    body = t["trend_and"].join(clauses)
    return t["trend_sentence"].format(subject=subject, body=body)


def spend_trend(
    product: Product,
    region: str | None = None,
    basis: str | None = None,
    years: tuple[int, int] | None = None,
) -> Trend:
    """The trend of recorded spend by accounting year, for the whole mapping or one region.

    Parameters
    ----------
    product
        The loaded data product.
    region
        An ITU region, or ``None`` for all.
    basis
        ``"Actual"`` for spend incurred only (advised for statements about the past: years
        with estimated spend are plans, not results), ``"Estimated"``, or ``None`` for both.
    years
        Inclusive range of accounting years to keep, e.g. ``(2017, 2024)`` to leave out a
        year not yet closed on the as-of date (its actual spend is partial, and a "fall" in
        it would mislead).
    """
    rows = scope_allocations(product, region)
    if basis is not None:
        rows = rows[rows["basis"] == basis]
    if years is not None:
        rows = rows[rows["year"].between(years[0], years[1])]
    return trend_from_table(rows)
