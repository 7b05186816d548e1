"""Mutation-killing tests for cyber_mapping.intake.results (hand-worked expectations)."""

from __future__ import annotations

from cyber_mapping.intake.results import parse_number


def test_zero_is_a_non_negative_number():
    # A baseline of 0 (nothing before the activity) is the commonest baseline; only values
    # below zero are "negative". 0 cents / 100 = 0.0.
    assert parse_number(0) == (0.0, "")
    assert parse_number("0") == (0.0, "")
    assert parse_number(0.0) == (0.0, "")
    # The smallest negative amount is still refused: -0.01.
    assert parse_number(-0.01) == (None, "negative")


def test_a_month_as_of_date_means_the_end_of_that_month(tmp_path):
    # "As of 2024-06" states the value at the end of June: 30 June 2024, not 1 June.
    import pandas as pd

    from tests.test_results import _res, _run

    result = _run(tmp_path, results=[_res(**{"As of": "2024-06"})])
    assert result.issues.empty, result.issues.to_dict("records")
    assert result.results["as_of"].tolist() == [pd.Timestamp("2024-06-30")]


def test_outputs_view_leaves_out_results_with_no_achieved_value():
    # Version 1's outputs table held achieved values only: an Output with a Target and no
    # Achieved (work not done yet) and an Outcome are left out. Rows: r1 Output 45 (kept),
    # r2 Output target-only (left out), r3 Outcome 1 (left out) -> values [45.0].
    import pandas as pd

    from cyber_mapping.intake.results import RESULT_COLUMNS, outputs_view

    base = dict.fromkeys(RESULT_COLUMNS, "")
    rows = [
        {**base, "activity_id": "A", "level": "Output", "achieved": 45.0, "target": None},
        {**base, "activity_id": "B", "level": "Output", "achieved": None, "target": 20.0},
        {**base, "activity_id": "C", "level": "Outcome", "achieved": 1.0, "target": None},
    ]
    frame = pd.DataFrame(rows).astype({"achieved": "float64"})
    view = outputs_view(frame)
    assert view["activity_id"].tolist() == ["A"]
    assert view["value"].tolist() == [45.0]


def test_a_rejected_result_gets_its_error_and_no_status_warning(tmp_path):
    # Completed activity, Target 20, no Achieved: normally a warning. Here Baseline 'n/a' is
    # an error that rejects the row, so the error alone says what to fix: 1 error, 0
    # warnings.
    from tests.test_results import _only, _res, _run

    result = _run(tmp_path, results=[_res(Achieved=None, Target=20, Baseline="n/a")])
    assert [c for _, _, c, _ in _only(result, "error")] == ["Baseline"]
    assert _only(result, "warning") == []
