"""Clause references (issue 12): parsing, the revision in force, suggestions only as hints."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from cyber_mapping.excel.feedback import write_feedback
from cyber_mapping.intake.clauses import clause_suggestions, parse_clauses, revision_in_force
from cyber_mapping.intake.validation import validate_folder
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook

CIRTS = "PP-130/instructs-BDT/CIRTs"
ESTABLISH = "WTDC-69/instructs-BDT/establish"


@pytest.mark.parametrize(
    ("text", "cited", "refs", "problem"),
    [
        (CIRTS, ["PP-130"], [("PP-130", CIRTS)], None),
        # Any case and spacing, ';' or a line break between references.
        (
            " pp-130/Instructs-BDT/cirts ;WTDC-69/instructs-bdt/ESTABLISH",
            ["PP-130", "WTDC-69"],
            [("PP-130", CIRTS), ("WTDC-69", ESTABLISH)],
            None,
        ),
        (
            f"{CIRTS}\n{ESTABLISH}",
            ["WTDC-69", "PP-130"],
            [("PP-130", CIRTS), ("WTDC-69", ESTABLISH)],
            None,
        ),
        # Unknown: an error that names the closest clause.
        ("PP-130/instructs-BDT/CIRT", ["PP-130"], [], f"Did you mean '{CIRTS}'"),
        ("anything", ["PP-130"], [], "is not a clause of the package's resolutions catalogue"),
        # A clause of a resolution the row does not cite.
        (ESTABLISH, ["PP-130"], [], "belongs to WTDC-69, which is not among the row's"),
        (None, ["PP-130"], [], None),
    ],
)
def test_parse_clauses(ref, text, cited, refs, problem):
    parsed = parse_clauses(text, cited, ref)
    assert list(parsed.refs) == refs
    if problem is None:
        assert parsed.problems == ()
    else:
        assert len(parsed.problems) == 1 and problem in parsed.problems[0]


def test_a_clause_listed_twice_counts_once(ref):
    parsed = parse_clauses(f"{CIRTS}; pp-130/instructs-bdt/cirts", ["PP-130"], ref)
    assert parsed.refs == (("PP-130", CIRTS),) and parsed.repeated == (CIRTS,)


# Closing dates in the catalogue: PP-14 Busan 7 Nov 2014, PP-18 Dubai 16 Nov 2018, PP-22
# Bucharest 14 Oct 2022; WTDC-14 Dubai 10 Apr 2014, WTDC-17 Buenos Aires 20 Oct 2017,
# WTDC-22 Kigali 16 Jun 2022, WTDC-25 Baku 28 Nov 2025. In force from the closing day.
REVISION_CASES = [
    ("PP-130", dt.date(2006, 11, 23), ""),  # before Res 130 existed (Antalya, 24 Nov 2006)
    ("PP-130", dt.date(2006, 11, 24), "Rev. Antalya, 2006"),
    ("PP-130", dt.date(2014, 11, 6), "Rev. Guadalajara, 2010"),
    ("PP-130", dt.date(2014, 11, 7), "Rev. Busan, 2014"),
    ("PP-130", dt.date(2018, 11, 15), "Rev. Busan, 2014"),
    ("PP-130", dt.date(2018, 11, 16), "Rev. Dubai, 2018"),
    ("PP-130", dt.date(2022, 10, 13), "Rev. Dubai, 2018"),
    ("PP-130", dt.date(2022, 10, 14), "Rev. Bucharest, 2022"),
    ("PP-130", dt.date(2026, 1, 1), "Rev. Bucharest, 2022"),
    ("WTDC-45", dt.date(2014, 4, 9), "Rev. Hyderabad, 2010"),
    ("WTDC-45", dt.date(2014, 4, 10), "Rev. Dubai, 2014"),
    ("WTDC-45", dt.date(2017, 10, 19), "Rev. Dubai, 2014"),
    ("WTDC-45", dt.date(2017, 10, 20), "Rev. Buenos Aires, 2017"),
    ("WTDC-45", dt.date(2022, 6, 15), "Rev. Buenos Aires, 2017"),
    ("WTDC-45", dt.date(2022, 6, 16), "Rev. Kigali, 2022"),
    ("WTDC-45", dt.date(2025, 11, 27), "Rev. Kigali, 2022"),
    ("WTDC-45", dt.date(2025, 11, 28), "Rev. Baku, 2025"),
    ("WTDC-69", dt.date(2022, 6, 16), "Rev. Kigali, 2022"),
    ("PP-174", dt.date(2023, 1, 1), "Rev. Busan, 2014"),  # not revised since Busan
    ("WTSA-50", dt.date(2024, 10, 24), "Rev. New Delhi, 2024"),
    ("PP-999", dt.date(2023, 1, 1), ""),  # not in the catalogue
    ("PP-130", None, ""),
]


@pytest.mark.parametrize(("rid", "day", "expected"), REVISION_CASES)
def test_revision_in_force_on_either_side_of_each_conference(ref, rid, day, expected):
    day = pd.Timestamp(day) if day is not None else None
    assert revision_in_force(rid, day, ref.revisions) == expected


def test_unverified_revisions_are_marked_in_the_catalogue(ref):
    rev = ref.revisions.set_index(["resolution_id", "conference"])["verification"]
    assert rev[("WTDC-45", "WTDC-25")] == "unverified"  # Baku 2025: presumed, not checked
    assert rev[("PP-130", "PP-22")] == "verified"
    assert set(ref.revisions["verification"]) == {"verified", "unverified"}
    # Every resolution of the catalogue has a revision history, in date order.
    assert set(ref.revisions["resolution_id"]) == set(ref.resolutions["resolution_id"])
    for _, group in ref.revisions.groupby("resolution_id"):
        assert group["date"].is_monotonic_increasing


def _act(aid, **kw):
    return {**GOOD_ACTIVITY, "Activity ID": aid, **kw}


def _spend(aid, amount=1000):
    return {**GOOD_SPEND, "Activity ID": aid, "Amount": amount}


def test_clauses_in_validation_and_the_product_tables(tmp_path):
    # T-1 (PP-130; WTDC-69, starts 1 Mar 2021) cites one clause of each; T-2 cites a
    # WTDC-45 clause it has no resolution for (error: quarantined with its CHF 500); T-3
    # has a misspelt clause (error); T-4 states none.
    acts = [
        _act("T-1", Clauses=f"{CIRTS}; {ESTABLISH}"),
        _act("T-2", Clauses="WTDC-45/instructs-BDT/strategies"),
        _act("T-3", Clauses="PP-130/instructs-BDT/CIRT"),
        _act("T-4"),
    ]
    spend = [_spend("T-1"), _spend("T-2", 500), _spend("T-3", 300), _spend("T-4", 200)]
    write_workbook(tmp_path / "w.xlsx", activities=acts, expenditure=spend)
    result = validate_folder(tmp_path)
    errors = result.issues[result.issues["severity"] == "error"]
    assert list(errors["column"]) == ["Clauses", "Clauses"]
    assert "Add WTDC-45 to Resolution references" in errors["message"].iloc[0]
    assert f"Did you mean '{CIRTS}'" in errors["message"].iloc[1]
    assert set(result.activities["activity_id"]) == {"T-1", "T-4"}
    # CHF 500 + 300 quarantined with their activities; 1000 + 200 processed.
    assert result.reconciliation["chf_cents_quarantined"] == 80_000
    assert result.reconciliation["chf_cents_processed"] == 120_000
    # 1 March 2021: PP-130 Dubai 2018 (16 Nov 2018), WTDC-69 Buenos Aires 2017 (20 Oct 2017).
    assert result.activity_clauses.values.tolist() == [
        ["T-1", "PP-130", CIRTS, "Rev. Dubai, 2018"],
        ["T-1", "WTDC-69", ESTABLISH, "Rev. Buenos Aires, 2017"],
    ]
    rev = result.activity_resolutions.set_index(["activity_id", "resolution_id"])
    assert rev.loc[("T-4", "PP-130"), "revision_in_force"] == "Rev. Dubai, 2018"
    assert rev.loc[("T-4", "WTDC-69"), "revision_in_force"] == "Rev. Buenos Aires, 2017"
    acts_out = result.activities.set_index("activity_id")
    assert acts_out.loc["T-1", "clauses"] == f"{CIRTS}; {ESTABLISH}"
    assert acts_out.loc["T-4", "clauses"] == ""


def test_word_overlap_is_a_feedback_suggestion_never_an_issue(tmp_path, ref):
    raw = tmp_path / "raw"
    raw.mkdir()
    # Both cite PP-130 and WTDC-69 and quote words of their CIRT clauses ("establish",
    # "strengthen", "national", "CIRTs" against the summaries). S-1 states no clause: both
    # are suggested. S-2 states WTDC-69's already: only PP-130's is. No issue either way.
    quote = "support Member States in establishing and strengthening national CIRTs"
    acts = [
        _act("S-1", **{"Clause quoted": quote}),
        _act("S-2", **{"Clause quoted": quote, "Clauses": ESTABLISH}),
    ]
    write_workbook(raw / "w.xlsx", activities=acts, expenditure=[_spend("S-1"), _spend("S-2")])
    result = validate_folder(raw)
    assert result.issues.empty
    hints = clause_suggestions(result.activities, result.activity_resolutions, ref)
    assert hints[["activity_id", "clause_ref"]].values.tolist() == [
        ["S-1", CIRTS],
        ["S-1", ESTABLISH],
        ["S-2", CIRTS],
    ]
    [path] = write_feedback(result, tmp_path / "fb", ref=ref)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["Issues", "Clause suggestions"]
    ws = wb["Clause suggestions"]
    assert "Suggestions only" in ws["A1"].value
    got = [[ws.cell(r, c).value for c in (1, 2, 3)] for r in range(3, 6)]
    assert got == [["S-1", 2, CIRTS], ["S-1", 2, ESTABLISH], ["S-2", 3, CIRTS]]
    assert ws.cell(6, 1).value is None
