"""Benchmark: the vectorised allocation engine against the per-row baseline.

Synthetic portfolios of 1k, 10k and 100k activities (1-5 countries, 1-3 resolutions,
1-4-year spans, 1-3 funders). Prints allocation rows per second (exact rounding included),
peak memory, time per row at each size, and the speed-up over the per-row baseline measured
in the same run. Targets: >= 1 million rows/s at 100k activities, peak memory < 1.5 GB,
time per row at 100k within 1.5x of 10k, >= 30x faster than the baseline.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
import pandas as pd

from benchmarks.reference_allocation import allocate_rows
from cyber_mapping.allocation import allocate


def portfolio(n: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    ids = np.array([f"A{i}" for i in range(n)], dtype=object)
    start = pd.to_datetime("2017-01-01") + pd.to_timedelta(rng.integers(0, 2500, n), unit="D")
    span = rng.integers(1, 5, n)
    end = start + pd.to_timedelta(span * 365 - rng.integers(0, 200, n), unit="D")
    acts = pd.DataFrame(
        {
            "activity_id": ids,
            "start_date": start,
            "end_date": end,
            "status": "Completed",
            "theme": "Incident response and CIRTs",
        }
    )
    nr = rng.integers(1, 4, n)
    res = pd.DataFrame(
        {
            "activity_id": np.repeat(ids, nr),
            "position": np.concatenate([np.arange(k) for k in nr]),
            "resolution_id": np.array(["PP-130", "WTDC-45", "WTDC-69"])[
                np.concatenate([np.arange(k) for k in nr])
            ],
            "weight": 1,
        }
    )
    nc = rng.integers(1, 6, n)
    pos = np.concatenate([np.arange(k) for k in nc])
    places = pd.DataFrame(
        {
            "activity_id": np.repeat(ids, nc),
            "position": pos,
            "country_iso3": np.array(["KEN", "UGA", "RWA", "TZA", "GHA"])[pos],
            "region": "Africa",
            "weight": rng.integers(1, 100, len(pos)),
        }
    )
    impl = pd.DataFrame({"activity_id": ids, "position": 0, "implementor": "BDT (HQ)"})
    nf = rng.integers(1, 4, n)
    owner = np.repeat(np.arange(n), nf)
    y0 = start.year.to_numpy()[owner]
    exp = pd.DataFrame(
        {
            "expenditure_id": [f"e{i}" for i in range(len(owner))],
            "activity_id": ids[owner],
            "year_start": y0,
            "year_end": np.minimum(y0 + span[owner] - 1, 2025),
            "funder": np.array(["ITU regular budget", "Australia", "Germany"])[
                np.concatenate([np.arange(k) for k in nf])
            ],
            "cost_type": "Non-staff",
            "basis": "Actual",
            "chf_cents": rng.integers(100_000, 50_000_000, len(owner)),
        }
    )
    return acts, exp, res, places, impl


def timed(fn, repeat: int = 3):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> int:
    per_row = {}
    for n in (1_000, 10_000, 100_000):
        tables = portfolio(n)
        seconds, out = timed(lambda t=tables: allocate(*t), repeat=3 if n < 100_000 else 2)
        rows = len(out.allocations)
        per_row[n] = seconds / rows
        print(
            f"{n:>7,} activities: {rows:>10,} allocation rows in {seconds:6.3f} s = "
            f"{rows / seconds:>12,.0f} rows/s, {per_row[n] * 1e9:6.0f} ns/row"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    acts, exp, res, places, impl = portfolio(5_000, seed=3)
    fast, _ = timed(lambda: allocate(acts, exp, res, places, impl))
    t0 = time.perf_counter()
    allocate_rows(acts, exp, res, places)
    slow = time.perf_counter() - t0
    rate_100k = 1 / per_row[100_000]
    ratio = per_row[100_000] / per_row[10_000]
    print(f"peak RSS {peak_mb:,.0f} MB")
    print(
        f"baseline (per-row oracle) at 5,000 activities: {slow:.2f} s vs {fast:.3f} s "
        f"vectorised = {slow / fast:,.0f}x faster"
    )
    print(
        f"targets: >=1M rows/s at 100k {'MET' if rate_100k >= 1e6 else 'MISSED'}; "
        f"peak < 1.5 GB {'MET' if peak_mb < 1536 else 'MISSED'}; "
        f"time/row 100k vs 10k {ratio:.2f}x {'MET' if ratio <= 1.5 else 'MISSED'}; "
        f">=30x baseline {'MET' if slow / fast >= 30 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
