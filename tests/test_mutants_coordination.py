"""Mutation-killing tests for cyber_mapping.intake.coordination (hand-worked expectations)."""

from __future__ import annotations

import pandas as pd

from cyber_mapping.intake.coordination import JOINT_COLUMNS, possible_duplicates
from cyber_mapping.intake.validation import validate_folder
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook

NO_LINKS = pd.DataFrame(columns=JOINT_COLUMNS)


def _acts(*rows):
    columns = ["activity_id", "workbook", "title", "start_date", "end_date"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


def _places(*rows):
    return pd.DataFrame(rows, columns=["activity_id", "country_iso3", "region"])


def test_the_default_lead_is_the_first_implementor_listed(tmp_path):
    # Two implementors and no Lead implementor: the lead is the first written, not the last.
    act = {
        **GOOD_ACTIVITY,
        "Implementor(s)": "Regional Office for Africa; BDT (HQ)",
    }
    write_workbook(tmp_path / "w.xlsx", activities=[act], expenditure=[GOOD_SPEND])
    result = validate_folder(tmp_path)
    assert result.n_errors == 0
    lead = result.activities.set_index("activity_id")["lead_implementor"]
    assert lead["T-1"] == "Regional Office for Africa"


def test_a_missing_end_date_is_the_start_date_for_the_overlap(ref):
    # A runs on 1 Jan 2021 only (no end date: end = start); B runs 1 Jun to 31 Dec 2021.
    # 1 Jan < 1 Jun: no overlap, no pair. Were a missing end read as "open-ended", A would
    # overlap B and be flagged.
    acts = _acts(
        ("A", "a.xlsx", "National CIRT assessment Kenya", "2021-01-01", None),
        ("B", "b.xlsx", "National CIRT assessment Kenya", "2021-06-01", "2021-12-31"),
    )
    places = _places(("A", "KEN", "Africa"), ("B", "KEN", "Africa"))
    assert possible_duplicates(acts, places, NO_LINKS, ref).empty
    # C starts on A's only day: they overlap on 1 Jan 2021.
    acts = _acts(
        ("A", "a.xlsx", "National CIRT assessment Kenya", "2021-01-01", None),
        ("C", "c.xlsx", "National CIRT assessment Kenya", "2021-01-01", "2021-03-31"),
    )
    places = _places(("A", "KEN", "Africa"), ("C", "KEN", "Africa"))
    dup = possible_duplicates(acts, places, NO_LINKS, ref)
    assert dup["reason"].tolist() == [
        "titles 100% alike; dates overlap 2021-01-01 to 2021-01-01; both cover Kenya"
    ]


def test_similarity_is_stated_to_two_decimals(ref):
    # {national, cirt, assessment, kenya, 2021, phase} vs {..., stage}: 5 shared / 6 words of
    # the shorter title = 0.8333... >= 0.8 -> a pair; similarity 0.83 (two decimals), 83 %.
    acts = _acts(
        ("A", "a.xlsx", "National CIRT assessment Kenya 2021 phase", "2021-01-01", "2021-02-01"),
        ("B", "b.xlsx", "National CIRT assessment Kenya 2021 stage", "2021-01-15", "2021-03-01"),
    )
    places = _places(("A", "KEN", "Africa"), ("B", "KEN", "Africa"))
    dup = possible_duplicates(acts, places, NO_LINKS, ref)
    assert dup["similarity"].tolist() == [0.83]
    reason = dup["reason"].iloc[0]
    assert reason.startswith("titles 83% alike; dates overlap 2021-01-15 to 2021-02-01")


def test_an_id_listed_twice_in_joint_with_is_one_link(tmp_path):
    # "HQ-1; hq-1": the same activity twice (any case) is one link, stated once.
    acts = [
        {**GOOD_ACTIVITY, "Activity ID": "HQ-1"},
        {
            **GOOD_ACTIVITY,
            "Activity ID": "RO-1",
            "Activity": "Other work",
            "Joint with": "HQ-1; hq-1",
        },
    ]
    spend = [{**GOOD_SPEND, "Activity ID": a["Activity ID"]} for a in acts]
    write_workbook(tmp_path / "w.xlsx", activities=acts, expenditure=spend)
    result = validate_folder(tmp_path)
    assert result.n_errors == 0
    assert result.activities.set_index("activity_id").loc["RO-1", "joint_with"] == "HQ-1"
    assert result.joint_links.values.tolist() == [["HQ-1", "RO-1"], ["RO-1", "HQ-1"]]


def test_no_lead_error_when_the_implementors_themselves_are_wrong(tmp_path):
    # Implementor(s) 'Nobody Office' is unknown (an error); the lead BDT (HQ) cannot be
    # checked against an empty list, so the row gets the one error that says what to fix.
    act = {**GOOD_ACTIVITY, "Implementor(s)": "Nobody Office", "Lead implementor": "BDT (HQ)"}
    write_workbook(tmp_path / "w.xlsx", activities=[act], expenditure=[GOOD_SPEND])
    issues = validate_folder(tmp_path).issues
    errors = issues[issues["severity"] == "error"]
    assert errors["column"].tolist() == ["Implementor(s)"]
