"""Allocate CHF spend to years, resolutions, beneficiary places and implementors, to the cent.

The rules (``docs/workbook-contract.md``, "How spend is allocated"):

1. each expenditure line is already in CHF cents (validation converted it);
2. a span ``2019-2022`` is spread over its years in proportion to the days the activity ran
   in each year (both ends counted), equally where the dates don't overlap or are missing;
3. each year's part is split across the activity's resolutions, then across its
   beneficiary places (countries, regions or Global), by explicit shares or equally;
4. the implementor view splits each allocation row equally across the implementors
   (leftover cents to the implementors in turn, so that none is favoured);
5. every split uses the largest-remainder method, so parts add up exactly to the whole.

Everything is vectorised with NumPy over link tables; there is no Python loop over rows.
``benchmarks/reference_allocation.py`` holds a per-row implementation used as a test oracle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

GLOBAL = "Global"


def largest_remainder(
    totals: np.ndarray, weights: np.ndarray, groups: np.ndarray, tiebreak: np.ndarray | None = None
) -> np.ndarray:
    """Split each group's total into integer parts proportional to ``weights``.

    Parameters
    ----------
    totals
        For each part, the total (in cents) of the group it belongs to.
    weights
        Non-negative integer weight of each part; a group's weights must not all be zero.
    groups
        Group id of each part; parts of one group must be contiguous.
    tiebreak
        Order among equal remainders (lower first); default: position in the array.

    Returns
    -------
    numpy.ndarray
        Integer parts; within each group they sum exactly to the group's total, and each part
        differs from its exact proportional value by less than one cent.
    """
    n = len(weights)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    totals = totals.astype(np.int64)
    weights = weights.astype(np.int64)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    wsum = np.add.reduceat(weights, starts)
    sizes = np.diff(np.r_[starts, n])
    wsum_each = np.repeat(wsum, sizes)
    numer = totals * weights
    base = numer // wsum_each
    rem = numer - base * wsum_each
    short = totals[starts] - np.add.reduceat(base, starts)
    group_index = np.repeat(np.arange(len(starts)), sizes)
    tiebreak = np.arange(n) if tiebreak is None else tiebreak
    # Within each group: largest remainder first, then the tiebreak.
    order = np.lexsort((tiebreak, -rem, group_index))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.repeat(starts, sizes)
    return base + (rank < np.repeat(short, sizes))


def _expand(owner: np.ndarray, link_start: np.ndarray, link_count: np.ndarray):
    """For each row, the index range of its links: returns (row index, link index) arrays."""
    counts = link_count[owner]
    rows = np.repeat(np.arange(len(owner)), counts)
    first = np.repeat(link_start[owner], counts)
    offsets = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    return rows, first + offsets


def _links(codes: pd.Series, n_acts: int, frame: pd.DataFrame):
    """Sort a link table by activity code and position; start and count per activity."""
    order = np.lexsort((frame["position"].to_numpy(), codes.to_numpy()))
    sorted_codes = codes.to_numpy()[order]
    count = np.bincount(sorted_codes, minlength=n_acts)
    start = np.cumsum(count) - count
    return order, start, count


@dataclass(frozen=True)
class Allocation:
    """The two views of the spend."""

    allocations: pd.DataFrame
    implementor_allocations: pd.DataFrame


def _year_parts(
    exp: pd.DataFrame, act_start: np.ndarray, act_end: np.ndarray, act_code: np.ndarray
):
    """Stage 1: spread each line over its years by activity days."""
    y0 = exp["year_start"].to_numpy(np.int64)
    y1 = exp["year_end"].to_numpy(np.int64)
    n_years = y1 - y0 + 1
    row = np.repeat(np.arange(len(exp)), n_years)
    year = y0[row] + (np.arange(len(row)) - np.repeat(np.cumsum(n_years) - n_years, n_years))
    start = act_start[act_code[row]]
    end = act_end[act_code[row]]
    jan1 = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    dec31 = (year - 1969).astype("datetime64[Y]").astype("datetime64[D]") - np.timedelta64(1, "D")
    lo = np.maximum(start, jan1)
    hi = np.minimum(end, dec31)
    days = (hi - lo).astype(np.int64) + 1
    days = np.where(np.isnat(start) | np.isnat(end) | (days < 0), 0, days)
    # A line whose activity never ran in its span is spread equally.
    per_line = np.bincount(row, weights=days, minlength=len(exp))
    weights = np.where(per_line[row] > 0, days, 1)
    totals = exp["chf_cents"].to_numpy(np.int64)[row]
    cents = largest_remainder(totals, weights, row)
    return row, year, cents


ALLOCATION_COLUMNS = {
    "expenditure_id": "object",
    "activity_id": "object",
    "resolution_id": "object",
    "country_iso3": "object",
    "region": "object",
    "year": "int64",
    "funder": "object",
    "cost_type": "object",
    "basis": "object",
    "status": "object",
    "theme": "object",
    "amount_cents": "int64",
    "amount_chf": "float64",
}
# The allocation columns with ``implementor`` after the IDs (one split, same columns).
IMPLEMENTOR_COLUMNS = {
    **{k: ALLOCATION_COLUMNS[k] for k in ("expenditure_id", "activity_id")},
    "implementor": "object",
    **{k: v for k, v in ALLOCATION_COLUMNS.items() if k not in ("expenditure_id", "activity_id")},
}


def _no_allocation() -> Allocation:
    """Both views with every column and no row (no clean expenditure to allocate)."""

    def empty(columns: dict[str, str]) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})

    return Allocation(empty(ALLOCATION_COLUMNS), empty(IMPLEMENTOR_COLUMNS))


def _implementor_view(
    alloc: pd.DataFrame,
    line: np.ndarray,
    part_act: np.ndarray,
    ids: pd.Index,
    activity_implementors: pd.DataFrame,
) -> pd.DataFrame:
    """Stage 4: each allocation row split equally across its activity's implementors.

    Splitting the finest rows (year × resolution × place) keeps every dimension, so that a
    region's implementor figures add up exactly to the region's spend. Leftover cents go to
    the implementors in turn: for the k-th row of an expenditure line (k = 0, 1, …), to the
    implementors in the order written starting with the (k mod n)-th, so that over a line's
    rows none of them is favoured.

    ``line`` is each allocation row's expenditure line (rows of a line are contiguous) and
    ``part_act`` its activity's code in ``ids``.
    """
    i_codes = pd.Series(ids.get_indexer(activity_implementors["activity_id"]))
    i_order, i_start, i_count = _links(i_codes, len(ids), activity_implementors)
    p4, l4 = _expand(part_act, i_start, i_count)
    n_rows = len(line)
    first = np.flatnonzero(np.r_[True, line[1:] != line[:-1]]) if n_rows else np.zeros(0, int)
    k = np.arange(n_rows) - np.repeat(first, np.diff(np.r_[first, n_rows]))
    n_impl = i_count[part_act[p4]]
    position = l4 - i_start[part_act[p4]]
    # The implementor's turn within the row; with equal weights, the largest-remainder
    # method gives every part cents // n and one more cent to the first (cents mod n) turns.
    turn = (position - k[p4]) % n_impl
    cents = alloc["amount_cents"].to_numpy(np.int64)[p4]
    i_cents = cents // n_impl + (turn < cents % n_impl)
    codes, uniques = pd.factorize(activity_implementors["implementor"], sort=True)
    columns: dict[str, object] = {}
    for name in alloc.columns:
        if name in ("amount_cents", "amount_chf"):
            continue
        values = alloc[name]
        if isinstance(values.dtype, pd.CategoricalDtype):
            columns[name] = pd.Categorical.from_codes(
                values.cat.codes.to_numpy()[p4], categories=values.cat.categories
            )
        else:
            columns[name] = values.to_numpy()[p4]
        if name == "activity_id":
            columns["implementor"] = pd.Categorical.from_codes(codes[i_order[l4]], uniques)
    columns["amount_cents"] = i_cents
    return pd.DataFrame(columns)


def allocate(
    activities: pd.DataFrame,
    expenditure: pd.DataFrame,
    activity_resolutions: pd.DataFrame,
    activity_places: pd.DataFrame,
    activity_implementors: pd.DataFrame,
) -> Allocation:
    """Allocate every clean expenditure line.

    Parameters
    ----------
    activities
        Clean activities: ``activity_id``, ``start_date``, ``end_date``, ``status``, ``theme``.
    expenditure
        Clean lines: ``expenditure_id``, ``activity_id``, ``year_start``, ``year_end``,
        ``funder``, ``cost_type``, ``basis``, ``chf_cents``.
    activity_resolutions, activity_places, activity_implementors
        Link tables with ``activity_id``, ``position`` and ``weight`` (places and resolutions)
        and ``resolution_id`` / ``country_iso3`` + ``region`` / ``implementor``.

    Returns
    -------
    Allocation
        ``allocations`` (year × resolution × place) and ``implementor_allocations``
        (year × implementor), both in integer CHF cents plus ``amount_chf``.
    """
    if expenditure.empty:
        return _no_allocation()
    ids = pd.Index(activities["activity_id"])
    n_acts = len(ids)
    act_code = ids.get_indexer(expenditure["activity_id"])
    if (act_code < 0).any():
        missing = expenditure["activity_id"][act_code < 0].unique()[:5]
        raise ValueError(f"expenditure refers to activities not in the table: {list(missing)}")
    act_start = activities["start_date"].to_numpy("datetime64[D]")
    act_end = activities["end_date"].to_numpy("datetime64[D]")
    row, year, year_cents = _year_parts(expenditure, act_start, act_end, act_code)
    part_act = act_code[row]

    # Stage 2: resolutions.
    r_codes = pd.Series(ids.get_indexer(activity_resolutions["activity_id"]))
    r_order, r_start, r_count = _links(r_codes, n_acts, activity_resolutions)
    p2, l2 = _expand(part_act, r_start, r_count)
    r_weight = activity_resolutions["weight"].to_numpy(np.int64)[r_order][l2]
    res_cents = largest_remainder(year_cents[p2], r_weight, p2)
    res_link = r_order[l2]

    # Stage 3: places.
    c_codes = pd.Series(ids.get_indexer(activity_places["activity_id"]))
    c_order, c_start, c_count = _links(c_codes, n_acts, activity_places)
    p3, l3 = _expand(part_act[p2], c_start, c_count)
    c_weight = activity_places["weight"].to_numpy(np.int64)[c_order][l3]
    cents = largest_remainder(res_cents[p3], c_weight, p3)
    place_link = c_order[l3]
    final_part = p2[p3]
    line = row[final_part]

    def col(frame: pd.DataFrame, name: str, index: np.ndarray) -> pd.Categorical | np.ndarray:
        values = frame[name]
        codes, uniques = pd.factorize(values, sort=True)
        return pd.Categorical.from_codes(codes[index], categories=uniques)

    alloc = pd.DataFrame(
        {
            "expenditure_id": col(expenditure, "expenditure_id", line),
            "activity_id": col(expenditure, "activity_id", line),
            "resolution_id": col(activity_resolutions, "resolution_id", res_link[p3]),
            "country_iso3": col(activity_places, "country_iso3", place_link),
            "region": col(activity_places, "region", place_link),
            "year": year[final_part],
            "funder": col(expenditure, "funder", line),
            "cost_type": col(expenditure, "cost_type", line),
            "basis": col(expenditure, "basis", line),
            "status": col(activities, "status", act_code[line]),
            "theme": col(activities, "theme", act_code[line]),
            "amount_cents": cents,
        }
    )
    alloc["amount_chf"] = alloc["amount_cents"] / 100

    impl = _implementor_view(alloc, line, act_code[line], ids, activity_implementors)
    impl["amount_chf"] = impl["amount_cents"] / 100
    return Allocation(alloc, impl)
