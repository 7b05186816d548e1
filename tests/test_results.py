"""The Results sheet and the indicator catalogue (issue 12)."""

from __future__ import annotations

import datetime as dt

import pytest

from cyber_mapping.intake.results import match_level, parse_number
from cyber_mapping.intake.validation import validate_folder
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook


def _run(tmp_path, results=None, outputs=(), status="Completed"):
    act = {**GOOD_ACTIVITY, "Status": status}
    if status == "Planned":
        act.update({"Start date": dt.date(2025, 3, 1), "End date": None})
    spend = {**GOOD_SPEND, "Basis": "Actual" if status == "Completed" else "Estimated"}
    if status == "Planned":
        spend["Period"] = 2025
    tmp_path.mkdir(parents=True, exist_ok=True)
    write_workbook(
        tmp_path / "w.xlsx",
        activities=[act],
        expenditure=[spend],
        results=results,
        outputs=outputs,
    )
    return validate_folder(tmp_path)


def _res(**kw):
    return {"Activity ID": "T-1", "Indicator": "Participants trained", "Achieved": 10, **kw}


def _only(result, severity):
    rows = result.issues[result.issues["severity"] == severity]
    return list(zip(rows["sheet"], rows["row"], rows["column"], rows["message"], strict=True))


# (row written, expected results row (selected fields) or None when rejected, issue needle)
CASES = [
    # A catalogue name: id, level and unit from the catalogue.
    (_res(), ("participants_trained", "Output", "people", 10.0), None),
    # By id, any case; explicit level wins over the catalogue's.
    (
        _res(Indicator="CIRT_ASSESSMENTS", Level="outcome", Achieved=1),
        ("cirt_assessments", "Outcome", "assessments", 1.0),
        None,
    ),
    # An alias of the catalogue (version 1's wording).
    (
        _res(Indicator="CIRT established", Achieved=1),
        ("cirts_established", "Outcome", "CIRTs", 1.0),
        None,
    ),
    # Unknown: kept, grouped as other, level Output, a warning naming the fix.
    (
        _res(Indicator="Hackathons held", Unit="events", Achieved=2),
        ("other", "Output", "events", 2.0),
        ("warning", "Indicator", "is not in the package's indicator catalogue"),
    ),
    # A wrong unit on the Results sheet: an error.
    (_res(Unit="participants"), None, ("error", "Unit", "Write 'people'")),
    (_res(Achieved=-3), None, ("error", "Achieved", "the achieved is negative")),
    (_res(Achieved="many"), None, ("error", "Achieved", "'many' is not a number")),
    (_res(Target=-1), None, ("error", "Target", "the target is negative")),
    (_res(Baseline="n/a"), None, ("error", "Baseline", "'n/a' is not a number")),
    (_res(Level="Impact"), None, ("error", "Level", "Write Output or Outcome")),
    (_res(Achieved=None), None, ("error", "Achieved", "no Target and no Achieved value")),
    # Numbers as text are read.
    (
        _res(Achieved="1'200", Target="1,000"),
        ("participants_trained", "Output", "people", 1200.0),
        None,
    ),
]


@pytest.mark.parametrize(("row", "expected", "issue"), CASES)
def test_indicator_validation(tmp_path, row, expected, issue):
    result = _run(tmp_path, results=[row])
    if expected is None:
        assert result.results.empty
        assert result.quarantine["sheet"].tolist() == ["Results"]
    else:
        got = result.results.iloc[0]
        assert (got["indicator_id"], got["level"], got["unit"], got["achieved"]) == expected
    if issue is None:
        assert result.issues.empty, result.issues.to_dict("records")
    else:
        severity, column, needle = issue
        [(sheet, row_no, col, message)] = _only(result, severity)
        assert (sheet, row_no, col) == ("Results", 2, column)
        assert needle in message


def test_completed_target_without_achieved_and_planned_with_achieved_warn(tmp_path):
    done = _run(tmp_path / "a", results=[_res(Achieved=None, Target=20)])
    [(_, _, col, message)] = _only(done, "warning")
    assert col == "Achieved" and "Target but no Achieved value" in message
    assert len(done.results) == 1  # a warning keeps the row
    planned = _run(tmp_path / "b", results=[_res(Target=20)], status="Planned")
    [(_, _, col, message)] = _only(planned, "warning")
    assert col == "Achieved" and "Planned but this result has an achieved value" in message
    target_only = _run(tmp_path / "c", results=[_res(Achieved=None, Target=20)], status="Planned")
    assert target_only.issues.empty


def test_outputs_sheet_is_read_as_results_value_as_achieved(tmp_path):
    # Version 1's sheet: Value is Achieved; a unit mismatch there is only a warning (no new
    # error for a version-1 workbook); the outputs view keeps Output rows with a value.
    outputs = [
        {"Activity ID": "T-1", "Indicator": "Participants trained", "Value": 45, "Unit": "people"},
        {"Activity ID": "T-1", "Indicator": "Participants trained", "Value": 5, "Unit": "pax"},
        {"Activity ID": "T-1", "Indicator": "CIRT established", "Value": 1},
    ]
    result = _run(tmp_path, outputs=outputs)
    assert result.n_errors == 0
    [(sheet, row, col, message)] = _only(result, "warning")
    assert (sheet, row, col) == ("Outputs", 3, "Unit") and "Write 'people'" in message
    assert result.results["achieved"].tolist() == [45.0, 5.0, 1.0]
    assert result.results["sheet"].unique().tolist() == ["Outputs"]
    # The v1 view: the two Output rows (45 and 5), not the Outcome (CIRT established).
    assert result.outputs["value"].tolist() == [45.0, 5.0]
    assert result.outputs["indicator"].tolist() == ["Participants trained"] * 2


def test_results_sheet_accepts_value_as_the_achieved_header(tmp_path):
    import openpyxl

    path = tmp_path / "w.xlsx"
    write_workbook(path, activities=[GOOD_ACTIVITY], expenditure=[GOOD_SPEND], results=[])
    wb = openpyxl.load_workbook(path)
    ws = wb["Results"]
    headers = [c.value for c in ws[1]]
    ws.cell(1, headers.index("Achieved") + 1, "Value")  # version 1's header, on Results
    ws.cell(2, headers.index("Activity ID") + 1, "T-1")
    ws.cell(2, headers.index("Indicator") + 1, "Women trained")
    ws.cell(2, headers.index("Achieved") + 1, 7)
    wb.save(path)
    result = validate_folder(tmp_path)
    assert result.issues.empty, result.issues.to_dict("records")
    assert result.results[["indicator_id", "achieved"]].values.tolist() == [["women_trained", 7.0]]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, (None, "")),
        ("", (None, "")),
        (12, (12.0, "")),
        ("1'200.5", (1200.5, "")),
        ("-2", (None, "negative")),
        ("lots", (None, "not a number")),
        ("CHF 5", (None, "not a number")),
    ],
)
def test_parse_number(cell, expected):
    assert parse_number(cell) == expected


def test_match_level():
    assert [match_level(v) for v in ("output", " Outcome ", "OUTCOMES", "impact")] == [
        "Output",
        "Outcome",
        "Outcome",
        None,
    ]


def test_indicator_catalogue(ref):
    ind = ref.indicators
    assert len(ind) >= 15 and ind["id"].is_unique and ind["name"].is_unique
    assert set(ind["level"]) == {"Output", "Outcome"}
    assert set(ind["additive"]) == {"yes", "no"}
    themes = set(ref.themes["theme"])
    for row in ind.itertuples(index=False):
        assert row.source, row.id  # a source, or marked as the package's own
        assert {t.strip() for t in row.themes.split(";")} <= themes, row.id
    additive = dict(zip(ind["id"], ind["additive"], strict=True))
    assert additive["participants_trained"] == "yes" and additive["cirt_operational"] == "no"
    # Every alias and name points to one indicator only.
    keys = ref.indicator_keys()
    assert keys["participants trained"] == "participants_trained"
    assert keys["cirt established"] == "cirts_established"
