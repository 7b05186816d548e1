"""Allocation rules on hand-worked examples, and properties against the per-row oracle."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.reference_allocation import allocate_rows
from cyber_mapping.allocation import allocate, largest_remainder


def _tables(acts, exps, res, places, impls=None):
    a = pd.DataFrame(acts)
    a["start_date"] = pd.to_datetime(a["start_date"])
    a["end_date"] = pd.to_datetime(a["end_date"])
    e = pd.DataFrame(exps)
    for col, default in (
        ("funder", "ITU regular budget"),
        ("cost_type", "Non-staff"),
        ("basis", "Actual"),
    ):
        if col not in e:
            e[col] = default
    if impls is None:
        impls = [
            {"activity_id": x["activity_id"], "position": 0, "implementor": "BDT (HQ)"}
            for x in acts
        ]
    return a, e, pd.DataFrame(res), pd.DataFrame(places), pd.DataFrame(impls)


def _act(aid, start, end, status="Completed", theme="Incident response and CIRTs"):
    return {
        "activity_id": aid,
        "start_date": start,
        "end_date": end,
        "status": status,
        "theme": theme,
    }


def test_largest_remainder_hand_example():
    # 1000 cents over weights 1:1:1 -> 333.33 each; the first part takes the leftover cent.
    out = largest_remainder(np.array([1000] * 3), np.array([1, 1, 1]), np.array([0, 0, 0]))
    assert out.tolist() == [334, 333, 333]
    # 50/30/20 of 1001 cents: exact 500.5, 300.3, 200.2 -> remainders .5, .3, .2 -> +1 first.
    out = largest_remainder(np.array([1001] * 3), np.array([50, 30, 20]), np.array([0, 0, 0]))
    assert out.tolist() == [501, 300, 200]


def test_span_over_leap_year_by_days():
    # 2019-07-01 .. 2020-06-30: 184 days in 2019, 182 in 2020 (leap: 31+29+31+30+31+30).
    a, e, r, p, i = _tables(
        [_act("A", "2019-07-01", "2020-06-30")],
        [
            {
                "expenditure_id": "x:2",
                "activity_id": "A",
                "year_start": 2019,
                "year_end": 2020,
                "chf_cents": 36_600,
            }
        ],
        [{"activity_id": "A", "position": 0, "resolution_id": "WTDC-69", "weight": 1}],
        [
            {
                "activity_id": "A",
                "position": 0,
                "country_iso3": "KEN",
                "region": "Africa",
                "weight": 1,
            }
        ],
    )
    out = allocate(a, e, r, p, i).allocations
    # 36600 * 184/366 = 18400 ; 36600 * 182/366 = 18200
    assert dict(zip(out["year"], out["amount_cents"], strict=True)) == {2019: 18_400, 2020: 18_200}


def test_span_without_overlap_is_equal():
    a, e, r, p, i = _tables(
        [_act("A", "2017-01-01", "2017-03-01")],
        [
            {
                "expenditure_id": "x:2",
                "activity_id": "A",
                "year_start": 2019,
                "year_end": 2021,
                "chf_cents": 100,
            }
        ],
        [{"activity_id": "A", "position": 0, "resolution_id": "PP-130", "weight": 1}],
        [
            {
                "activity_id": "A",
                "position": 0,
                "country_iso3": None,
                "region": "Global",
                "weight": 1,
            }
        ],
    )
    out = allocate(a, e, r, p, i).allocations
    assert out["amount_cents"].tolist() == [34, 33, 33]
    assert set(out["region"]) == {"Global"} and out["country_iso3"].isna().all()


def test_shares_50_30_20_and_regional():
    # 1000.01 CHF = 100001 cents; countries 50/30/20 -> 50000.5, 30000.3, 20000.2
    a, e, r, p, i = _tables(
        [_act("A", "2021-01-01", "2021-12-31"), _act("B", "2021-05-01", "2021-05-03")],
        [
            {
                "expenditure_id": "x:2",
                "activity_id": "A",
                "year_start": 2021,
                "year_end": 2021,
                "chf_cents": 100_001,
            },
            {
                "expenditure_id": "x:3",
                "activity_id": "B",
                "year_start": 2021,
                "year_end": 2021,
                "chf_cents": 5_000,
            },
        ],
        [
            {"activity_id": "A", "position": 0, "resolution_id": "WTDC-45", "weight": 1},
            {"activity_id": "B", "position": 0, "resolution_id": "WTDC-69", "weight": 1},
        ],
        [
            {
                "activity_id": "A",
                "position": 0,
                "country_iso3": "KEN",
                "region": "Africa",
                "weight": 500_000,
            },
            {
                "activity_id": "A",
                "position": 1,
                "country_iso3": "UGA",
                "region": "Africa",
                "weight": 300_000,
            },
            {
                "activity_id": "A",
                "position": 2,
                "country_iso3": "RWA",
                "region": "Africa",
                "weight": 200_000,
            },
            {
                "activity_id": "B",
                "position": 0,
                "country_iso3": None,
                "region": "Europe",
                "weight": 1,
            },
        ],
    )
    out = allocate(a, e, r, p, i).allocations
    got = {
        (x.country_iso3 if isinstance(x.country_iso3, str) else None, x.region): x.amount_cents
        for x in out.itertuples()
    }
    assert got == {
        ("KEN", "Africa"): 50_001,
        ("UGA", "Africa"): 30_000,
        ("RWA", "Africa"): 20_000,
        (None, "Europe"): 5_000,
    }


def test_resolution_then_country_split_and_implementors():
    # 100 cents, 2 resolutions 60/40 -> 60, 40; then 3 countries equally:
    # 60 -> 20, 20, 20; 40 -> 14, 13, 13.
    a, e, r, p, i = _tables(
        [_act("A", "2022-01-01", "2022-12-31")],
        [
            {
                "expenditure_id": "x:2",
                "activity_id": "A",
                "year_start": 2022,
                "year_end": 2022,
                "chf_cents": 100,
            }
        ],
        [
            {"activity_id": "A", "position": 0, "resolution_id": "PP-130", "weight": 600_000},
            {"activity_id": "A", "position": 1, "resolution_id": "WTDC-45", "weight": 400_000},
        ],
        [
            {"activity_id": "A", "position": k, "country_iso3": c, "region": "Africa", "weight": 1}
            for k, c in enumerate(["KEN", "UGA", "RWA"])
        ],
        [
            {"activity_id": "A", "position": 0, "implementor": "Regional Office for Africa"},
            {"activity_id": "A", "position": 1, "implementor": "BDT (HQ)"},
            {"activity_id": "A", "position": 2, "implementor": "Area Office Dakar"},
        ],
    )
    res = allocate(a, e, r, p, i)
    by_res = res.allocations.groupby("resolution_id", observed=True)["amount_cents"].sum()
    assert by_res.to_dict() == {"PP-130": 60, "WTDC-45": 40}
    wtdc = res.allocations[res.allocations["resolution_id"] == "WTDC-45"]
    assert sorted(wtdc["amount_cents"].tolist()) == [13, 13, 14]
    # Each row split across the three implementors, leftover cents in turn (row k of the
    # line starts with implementor k mod 3): 20 -> 7,7,6; 20 -> 6,7,7; 20 -> 7,6,7;
    # 14 -> 5,5,4; 13 -> 4,5,4; 13 -> 4,4,5. RO Africa 33, HQ 34, Dakar 33 = 100.
    impl = res.implementor_allocations
    totals = impl.groupby("implementor", observed=True)["amount_cents"].sum().to_dict()
    assert totals == {"Regional Office for Africa": 33, "BDT (HQ)": 34, "Area Office Dakar": 33}


# ------------------------------------------------------------------ properties
@st.composite
def portfolios(draw):
    n = draw(st.integers(1, 6))
    acts, exps, res, places = [], [], [], []
    for k in range(n):
        aid = f"A{k}"
        y = draw(st.integers(2017, 2024))
        start = pd.Timestamp(y, draw(st.integers(1, 12)), draw(st.integers(1, 28)))
        end = start + pd.Timedelta(days=draw(st.integers(0, 1200)))
        acts.append(_act(aid, start, end))
        for j in range(draw(st.integers(1, 3))):
            explicit = draw(st.booleans())
            w = draw(st.integers(1, 1_000_000)) if explicit else 1
            res.append({"activity_id": aid, "position": j, "resolution_id": f"R{j}", "weight": w})
        for j in range(draw(st.integers(1, 5))):
            places.append(
                {
                    "activity_id": aid,
                    "position": j,
                    "country_iso3": f"C{j}",
                    "region": "Africa",
                    "weight": draw(st.integers(0, 500)) + 1,
                }
            )
        for j in range(draw(st.integers(1, 3))):
            y0 = draw(st.integers(2017, 2025))
            exps.append(
                {
                    "expenditure_id": f"{aid}:{j}",
                    "activity_id": aid,
                    "year_start": y0,
                    "year_end": min(2025, y0 + draw(st.integers(0, 3))),
                    "chf_cents": draw(st.integers(0, 10**10)),
                }
            )
    return _tables(acts, exps, res, places)


@settings(max_examples=60, deadline=None)
@given(portfolios())
def test_allocation_properties_and_oracle(tables):
    a, e, r, p, i = tables
    out = allocate(a, e, r, p, i)
    alloc = out.allocations
    # Cents are conserved per expenditure line and in total; nothing is negative.
    per_line = alloc.groupby("expenditure_id", observed=True)["amount_cents"].sum()
    assert per_line.reindex(e["expenditure_id"]).tolist() == e["chf_cents"].tolist()
    assert alloc["amount_cents"].sum() == e["chf_cents"].sum()
    assert (alloc["amount_cents"] >= 0).all()
    impl_line = out.implementor_allocations.groupby("expenditure_id", observed=True)[
        "amount_cents"
    ].sum()
    assert impl_line.reindex(e["expenditure_id"]).tolist() == e["chf_cents"].tolist()
    # Explicit resolution shares honoured within a cent per part, for each year part.
    parts = (
        alloc.groupby(["expenditure_id", "year", "resolution_id"], observed=True)["amount_cents"]
        .sum()
        .reset_index()
    )
    year_tot = parts.groupby(["expenditure_id", "year"])["amount_cents"].transform("sum")
    act_of = dict(zip(e["expenditure_id"], e["activity_id"], strict=True))
    parts["activity_id"] = parts["expenditure_id"].astype(str).map(act_of)
    parts = parts.merge(r, on=["activity_id", "resolution_id"])
    wsum = parts.groupby(["expenditure_id", "year"])["weight"].transform("sum")
    exact = year_tot * parts["weight"] / wsum
    assert ((parts["amount_cents"] - exact).abs() < 1).all()
    # The vectorised engine agrees with the per-row oracle, cent for cent.
    oracle = allocate_rows(a, e, r, p)
    key = ["expenditure_id", "year", "resolution_id", "country_iso3"]
    mine = alloc.astype({"expenditure_id": str, "resolution_id": str, "country_iso3": str})
    oracle = oracle.astype({"country_iso3": str})
    merged = mine[key + ["amount_cents"]].merge(
        oracle[key + ["amount_cents"]], on=key, how="outer", suffixes=("", "_oracle")
    )
    assert len(merged) == len(oracle) == len(mine)
    assert (merged["amount_cents"] == merged["amount_cents_oracle"]).all()


def test_implementor_split_of_uneven_cents_by_hand():
    # 101 cents, one resolution, Kenya and Uganda equally: 51 and 50 (the leftover cent to
    # Kenya, written first). Three implementors share each row equally, the leftover cents
    # going to them in turn: row 0 (Kenya) 51 -> 17, 17, 17; row 1 (Uganda) 50 -> 16 r 2,
    # the 2 cents to the implementors from the second on: 16, 17, 17.
    # Totals: RO Africa 33, BDT (HQ) 34, Area Office Dakar 34 = 101.
    a, e, r, p, i = _tables(
        [_act("A", "2022-01-01", "2022-12-31")],
        [
            {
                "expenditure_id": "x:2",
                "activity_id": "A",
                "year_start": 2022,
                "year_end": 2022,
                "chf_cents": 101,
            }
        ],
        [{"activity_id": "A", "position": 0, "resolution_id": "PP-130", "weight": 1}],
        [
            {"activity_id": "A", "position": k, "country_iso3": c, "region": "Africa", "weight": 1}
            for k, c in enumerate(["KEN", "UGA"])
        ],
        [
            {"activity_id": "A", "position": 0, "implementor": "Regional Office for Africa"},
            {"activity_id": "A", "position": 1, "implementor": "BDT (HQ)"},
            {"activity_id": "A", "position": 2, "implementor": "Area Office Dakar"},
        ],
    )
    impl = allocate(a, e, r, p, i).implementor_allocations
    got = {
        (str(x.country_iso3), str(x.implementor)): int(x.amount_cents) for x in impl.itertuples()
    }
    assert got == {
        ("KEN", "Regional Office for Africa"): 17,
        ("KEN", "BDT (HQ)"): 17,
        ("KEN", "Area Office Dakar"): 17,
        ("UGA", "Regional Office for Africa"): 16,
        ("UGA", "BDT (HQ)"): 17,
        ("UGA", "Area Office Dakar"): 17,
    }
    totals = impl.groupby("implementor", observed=True)["amount_cents"].sum().to_dict()
    assert totals == {"Regional Office for Africa": 33, "BDT (HQ)": 34, "Area Office Dakar": 34}
    assert set(impl["region"]) == {"Africa"}


@st.composite
def implementor_portfolios(draw):
    a, e, r, p, _ = draw(portfolios())
    impls = []
    for aid in a["activity_id"]:
        for j in range(draw(st.integers(1, 4))):
            impls.append({"activity_id": aid, "position": j, "implementor": f"I{j}"})
    return a, e, r, p, pd.DataFrame(impls)


@settings(max_examples=40, deadline=None)
@given(implementor_portfolios())
def test_implementor_split_agrees_with_the_oracle(tables):
    from benchmarks.reference_allocation import implementor_rows

    a, e, r, p, i = tables
    out = allocate(a, e, r, p, i)
    impl = out.implementor_allocations
    # Every allocation row is shared out exactly: per region, per line, in total.
    assert int(impl["amount_cents"].sum()) == int(out.allocations["amount_cents"].sum())
    oracle = implementor_rows(out.allocations, i)
    key = ["expenditure_id", "year", "resolution_id", "country_iso3", "implementor"]
    mine = impl.astype({k: str for k in key})[key + ["amount_cents"]]
    oracle = oracle.astype({k: str for k in key})[key + ["amount_cents"]]
    merged = mine.merge(oracle, on=key, how="outer", suffixes=("", "_oracle"))
    assert len(merged) == len(oracle) == len(mine)
    assert (merged["amount_cents"] == merged["amount_cents_oracle"]).all()
