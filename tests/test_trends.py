"""Trends in words: runs, peak, trough and percentages worked out by hand."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from cyber_mapping.analysis.trends import (
    DOWN,
    FLAT,
    UP,
    describe_trend,
    percent_change,
    trend_from_table,
    trend_sentence,
)
from cyber_mapping.narrative import texts

T = texts("en")


def money(cents: int) -> str:
    return f"CHF {cents}"


def test_percent_change_by_hand():
    # (116 - 200) / 200 = -84 / 200 = -42 %
    assert percent_change(200, 116) == -42
    # 1 / 3 = 33.33 % -> 33
    assert percent_change(3, 4) == 33
    # 1 / 8 = 12.5 % -> 13 (half away from zero)
    assert percent_change(8, 9) == 13
    # -1 / 8 = -12.5 % -> -13 (half away from zero, not banker's rounding to -12)
    assert percent_change(8, 7) == -13
    # 1 / 200 = 0.5 % -> 1 ; 4 / 1000 = 0.4 % -> 0
    assert percent_change(200, 201) == 1
    assert percent_change(1000, 1004) == 0
    # from nothing: no percentage
    assert percent_change(0, 5) is None
    assert percent_change(7, 7) == 0


def test_runs_peak_trough_by_hand():
    # 100 -> 80 -> 60 -> 58 falls (2019-2022), 58 -> 58 flat (2022-2023), 58 -> 70 rises.
    tr = describe_trend({2019: 100, 2020: 80, 2021: 60, 2022: 58, 2023: 58, 2024: 70})
    assert [(r.direction, r.start_year, r.end_year) for r in tr.runs] == [
        (DOWN, 2019, 2022),
        (FLAT, 2022, 2023),
        (UP, 2023, 2024),
    ]
    assert (tr.peak_year, tr.peak_amount) == (2019, 100)
    # 58 in 2022 and 2023: the earliest is the trough year
    assert (tr.trough_year, tr.trough_amount) == (2022, 58)
    assert tr.turning_years == (2022, 2023)
    # (58 - 100) / 100 = -42 % over the first run; (70 - 100) / 100 = -30 % overall
    assert tr.runs[0].pct == -42
    assert tr.change_pct == -30
    assert tr.total == 100 + 80 + 60 + 58 + 58 + 70


def test_missing_years_count_as_zero():
    # 2020 is not listed: 10 -> 0 -> 5 is a fall then a rise
    tr = describe_trend({2021: 5, 2019: 10})
    assert tr.years == (2019, 2020, 2021)
    assert tr.amounts == (10, 0, 5)
    assert [r.direction for r in tr.runs] == [DOWN, UP]
    assert tr.trough_year == 2020


def test_empty_single_and_flat():
    empty = describe_trend({})
    assert empty.empty and empty.runs == () and empty.peak_year is None
    assert empty.change_pct is None
    assert trend_sentence(empty, "Spend", T, money) == "No spend is recorded."
    one = describe_trend({2022: 500})
    assert one.runs == () and one.peak_year == 2022 and one.flat
    assert trend_sentence(one, "Spend", T, money) == "Spend was CHF 500, all in 2022."
    flat = describe_trend({2020: 7, 2021: 7, 2022: 7})
    assert flat.flat and flat.change_pct == 0
    assert (
        trend_sentence(flat, "Spend", T, money) == "Spend was CHF 7 every year from 2020 to 2022."
    )
    zeros = describe_trend({2020: 0, 2021: 0})
    assert zeros.change_pct is None and zeros.flat


def test_sentence_of_the_issue_example():
    # 200 (2019) -> 116 (2023) is -42 %; 116 -> 150 is +34/116 = 29.3 % -> 29 %
    series = {2019: 200, 2020: 150, 2021: 130, 2022: 120, 2023: 116, 2024: 150}
    text = trend_sentence(describe_trend(series), "Spend", T, money)
    assert text == "Spend fell 42% from 2019 to 2023 and rose 29% in 2024."
    # With an earlier rise (2018 -> 2019) the last one-year rise is a rise "again".
    text = trend_sentence(describe_trend({2018: 100, **series}), "Spend", T, money)
    assert text == "Spend fell 42% from 2019 to 2023 and rose again in 2024."


def test_sentence_zero_and_small_changes():
    # from nothing: no percentage, the amount instead
    tr = describe_trend({2019: 0, 2020: 40, 2021: 90})
    assert trend_sentence(tr, "Spend", T, money) == (
        "Spend rose from nothing in 2019 to CHF 90 in 2021."
    )
    tr = describe_trend({2019: 90, 2020: 40, 2021: 0})
    assert trend_sentence(tr, "Spend", T, money) == (
        "Spend fell from CHF 90 in 2019 to nothing in 2021."
    )
    # 1000 -> 1004 is 0.4 %: "less than 1%", never "0%"
    tr = describe_trend({2020: 1000, 2021: 1004})
    assert trend_sentence(tr, "Spend", T, money) == "Spend rose less than 1% in 2021."
    # a flat stretch then a fall: 50, 50, 50 then 25 (-50 %)
    tr = describe_trend({2020: 50, 2021: 50, 2022: 50, 2023: 25})
    assert trend_sentence(tr, "Spend", T, money) == (
        "Spend stayed at CHF 50 a year from 2020 to 2022 and fell 50% in 2023."
    )


def test_trend_from_table_sums_duplicate_years():
    import pandas as pd

    frame = pd.DataFrame({"year": [2020, 2020, 2022], "amount_cents": [5, 7, 3]})
    tr = trend_from_table(frame)
    # 2020: 5 + 7 = 12; 2021 missing -> 0; 2022: 3
    assert tr.amounts == (12, 0, 3)


series_strategy = st.dictionaries(
    st.integers(2000, 2030), st.integers(0, 10**9), min_size=0, max_size=12
)


@given(series_strategy)
def test_runs_cover_the_series_and_alternate(series):
    tr = describe_trend(series)
    if len(tr.years) < 2:
        assert tr.runs == ()
        return
    assert tr.runs[0].start_year == tr.years[0]
    assert tr.runs[-1].end_year == tr.years[-1]
    for a, b in zip(tr.runs, tr.runs[1:], strict=False):
        assert a.end_year == b.start_year and a.direction != b.direction
    amounts = dict(zip(tr.years, tr.amounts, strict=True))
    for run in tr.runs:
        steps = [amounts[y + 1] - amounts[y] for y in range(run.start_year, run.end_year)]
        expected = {UP: lambda d: d > 0, DOWN: lambda d: d < 0, FLAT: lambda d: d == 0}
        assert all(expected[run.direction](d) for d in steps)
    assert tr.peak_amount == max(tr.amounts) and tr.trough_amount == min(tr.amounts)


@given(st.integers(1, 10**9), st.integers(0, 10**9))
def test_percent_is_the_exact_change_rounded(start, end):
    pct = percent_change(start, end)
    exact = Fraction(end - start, start) * 100
    assert abs(pct - exact) <= Fraction(1, 2)
    assert (pct > 0) <= (end > start) and (pct < 0) <= (end < start)


@given(series_strategy)
def test_sentence_is_complete_prose(series):
    text = trend_sentence(describe_trend(series), "Spend", T, money)
    assert "{" not in text and "}" not in text
    assert " 0%" not in text and text.endswith(".")


def test_zero_stretch_is_said_plainly():
    # 6 000 -> 4 000 -> 0 (2021-2023) falls; 0 -> 0 (2023-2024) flat at zero; 0 -> 12 000 rises.
    tr = describe_trend({2021: 6000, 2022: 4000, 2025: 12000})
    assert trend_sentence(tr, "Spend", T, money) == (
        "Spend was zero from 2023 to 2024 and rose from nothing in 2024 to CHF 12000 in 2025."
    )


def test_spend_trend_of_a_product_by_hand():
    from cyber_mapping.analysis.trends import spend_trend
    from tests.handmade import current

    p = current()
    # All regions, actual and estimated: 2021 A1 3 000 + 3 000; 2022 A2 4 000;
    # 2025 A3 1 000 + A4 6 000 + A5 5 000 = 12 000.
    assert spend_trend(p).amounts == (6000, 4000, 0, 0, 12000)
    # Africa, actual only: 2021 6 000, 2022 4 000 (A3 is estimated): (4 000 - 6 000) / 6 000
    # = -33.3 % -> 33 %.
    africa = spend_trend(p, "Africa", basis="Actual")
    assert africa.amounts == (6000, 4000)
    assert trend_sentence(africa, "Spend", T, money) == "Spend fell 33% in 2022."
    # Leaving out the open year 2025: 6 000, 4 000, then no spend in 2023-2024 is not padded.
    assert spend_trend(p, years=(2021, 2024)).amounts == (6000, 4000)
