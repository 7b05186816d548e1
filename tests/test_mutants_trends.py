"""Mutation-killing tests for cyber_mapping.analysis.trends (hand-worked expectations)."""

from __future__ import annotations

from cyber_mapping.analysis.trends import describe_trend


def test_peak_and_trough_years_are_the_earliest_of_equal_amounts():
    # 2020: 500, 2021: 300, 2022: 500, 2023: 300. Peak 500 in 2020 and 2022 -> 2020;
    # trough 300 in 2021 and 2023 -> 2021 (the earliest of equal ones, as documented).
    t = describe_trend({2020: 500, 2021: 300, 2022: 500, 2023: 300})
    assert (t.peak_year, t.peak_amount) == (2020, 500)
    assert (t.trough_year, t.trough_amount) == (2021, 300)
