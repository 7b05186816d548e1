"""Per-row reference implementation of the allocation rules: the baseline and test oracle.

Deliberately simple and slow (a Python loop over rows); ``cyber_mapping.allocation`` must give
exactly the same cents.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd


def split(total: int, weights: list[int]) -> list[int]:
    """Largest remainder: integer parts of ``total`` proportional to ``weights``."""
    wsum = sum(weights)
    base = [total * w // wsum for w in weights]
    rems = [total * w - b * wsum for w, b in zip(weights, base, strict=True)]
    short = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-rems[i], i))
    for i in order[:short]:
        base[i] += 1
    return base


def _days(start, end, year: int) -> int:
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return 0
    lo = max(start.date(), dt.date(year, 1, 1))
    hi = min(end.date(), dt.date(year, 12, 31))
    return max((hi - lo).days + 1, 0)


def allocate_rows(activities, expenditure, resolutions, places) -> pd.DataFrame:
    """Allocate row by row (``iterrows``): the baseline the vectorised engine is compared to."""
    acts = {a["activity_id"]: a for _, a in activities.iterrows()}
    res_of: dict[str, list] = {}
    for _, r in resolutions.sort_values(["activity_id", "position"]).iterrows():
        res_of.setdefault(r["activity_id"], []).append((r["resolution_id"], int(r["weight"])))
    place_of: dict[str, list] = {}
    for _, p in places.sort_values(["activity_id", "position"]).iterrows():
        place_of.setdefault(p["activity_id"], []).append(
            (p["country_iso3"], p["region"], int(p["weight"]))
        )
    out = []
    for _, e in expenditure.iterrows():
        a = acts[e["activity_id"]]
        years = list(range(int(e["year_start"]), int(e["year_end"]) + 1))
        days = [_days(a["start_date"], a["end_date"], y) for y in years]
        if sum(days) == 0:
            days = [1] * len(years)
        for year, y_cents in zip(years, split(int(e["chf_cents"]), days), strict=True):
            rs = res_of[e["activity_id"]]
            for (rid, _), r_cents in zip(rs, split(y_cents, [w for _, w in rs]), strict=True):
                ps = place_of[e["activity_id"]]
                for (iso, region, _), c in zip(
                    ps, split(r_cents, [w for *_, w in ps]), strict=True
                ):
                    out.append(
                        {
                            "expenditure_id": e["expenditure_id"],
                            "year": year,
                            "resolution_id": rid,
                            "country_iso3": iso,
                            "region": region,
                            "amount_cents": c,
                        }
                    )
    return pd.DataFrame(out)


def implementor_rows(allocations: pd.DataFrame, implementors: pd.DataFrame) -> pd.DataFrame:
    """Split each allocation row equally across its activity's implementors, row by row.

    Leftover cents go to the implementors in turn: for the k-th row of an expenditure line,
    starting with the (k mod n)-th implementor written. The oracle of ``allocate``'s
    ``implementor_allocations``.
    """
    names: dict[str, list[str]] = {}
    for _, x in implementors.sort_values(["activity_id", "position"]).iterrows():
        names.setdefault(x["activity_id"], []).append(x["implementor"])
    out = []
    seen: dict[str, int] = {}
    for _, row in allocations.iterrows():
        who = names[str(row["activity_id"])]
        k = seen.get(str(row["expenditure_id"]), 0)
        seen[str(row["expenditure_id"])] = k + 1
        total, n = int(row["amount_cents"]), len(who)
        parts = [total // n] * n
        for step in range(total % n):
            parts[(k + step) % n] += 1
        for name, cents in zip(who, parts, strict=True):
            out.append(
                {
                    "expenditure_id": row["expenditure_id"],
                    "year": row["year"],
                    "resolution_id": row["resolution_id"],
                    "country_iso3": row["country_iso3"],
                    "implementor": name,
                    "amount_cents": cents,
                }
            )
    return pd.DataFrame(out)
