"""Query helpers on a small hand-built allocations table; expected totals worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cyber_mapping.analysis import share_of_total, spend_by

ROWS = [
    # activity, resolution, country, region, year, funder, cost, basis, status, theme, cents
    (
        "A",
        "PP-130",
        "KEN",
        "Africa",
        2021,
        "ITU regular budget",
        "Staff",
        "Actual",
        "Completed",
        "T1",
        10_000,
    ),
    (
        "A",
        "PP-130",
        "UGA",
        "Africa",
        2021,
        "ITU regular budget",
        "Non-staff",
        "Actual",
        "Completed",
        "T1",
        5_000,
    ),
    (
        "A",
        "WTDC-69",
        "KEN",
        "Africa",
        2022,
        "Australia",
        "Non-staff",
        "Actual",
        "Completed",
        "T1",
        2_500,
    ),
    (
        "B",
        "WTDC-69",
        None,
        "Europe",
        2023,
        "Germany",
        "Non-staff",
        "Estimated",
        "Planned",
        "T2",
        7_500,
    ),
]


@pytest.fixture
def alloc():
    cols = [
        "activity_id",
        "resolution_id",
        "country_iso3",
        "region",
        "year",
        "funder",
        "cost_type",
        "basis",
        "status",
        "theme",
        "amount_cents",
    ]
    frame = pd.DataFrame(ROWS, columns=cols)
    frame["amount_chf"] = frame["amount_cents"] / 100
    return frame


def test_total_and_by_resolution(alloc):
    assert spend_by(alloc, [])["amount_cents"].tolist() == [25_000]
    by_res = spend_by(alloc, ["resolution_id"])
    # PP-130: 10000 + 5000 = 15000; WTDC-69: 2500 + 7500 = 10000
    assert by_res[["resolution_id", "amount_cents"]].values.tolist() == [
        ["PP-130", 15_000],
        ["WTDC-69", 10_000],
    ]
    assert by_res["amount_chf"].tolist() == [150.0, 100.0]


def test_filters(alloc):
    africa = spend_by(alloc, ["country_iso3"], region="Africa")
    assert africa[["country_iso3", "amount_cents"]].values.tolist() == [
        ["KEN", 12_500],
        ["UGA", 5_000],
    ]
    assert spend_by(alloc, [], basis="Estimated")["amount_cents"].tolist() == [7_500]
    assert spend_by(alloc, [], years=(2022, 2023))["amount_cents"].tolist() == [10_000]
    assert spend_by(alloc, [], status=["Completed"], years=(2021, 2021))[
        "amount_cents"
    ].tolist() == [15_000]
    regional = spend_by(alloc, ["country_iso3", "region"], region="Europe")
    assert regional[["country_iso3", "region"]].values.tolist() == [["", "Europe"]]


def test_shares_and_errors(alloc):
    by_region = spend_by(alloc, ["region"])
    # Africa 17500 / 25000 = 70%; Europe 7500 / 25000 = 30%
    assert share_of_total(by_region).tolist() == [70.0, 30.0]
    with pytest.raises(ValueError, match="unknown dimension"):
        spend_by(alloc, ["colour"])
