"""Lead implementor, joint activities and possible double reporting (issue 12)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyber_mapping.intake.coordination import (
    joint_links,
    possible_duplicates,
    title_similarity,
    title_tokens,
)
from cyber_mapping.intake.validation import validate_folder
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook


def test_title_tokens_and_similarity_by_hand():
    a = title_tokens("ITU Regional CyberDrill for Africa, 2021")
    b = title_tokens("Regional  Cyberdrill – Africa 2021")
    assert a == b == {"regional", "cyberdrill", "africa", "2021"}  # itu, for: filler
    # {regional, cyberdrill, africa, 2021} vs {…, 2022}: 3 shared / 4 = 0.75 (< 0.8).
    assert title_similarity(a, title_tokens("Regional CyberDrill Africa 2022")) == 0.75
    # Containment: the 4 words of b all in a 6-word title: 4 / 4 = 1.0.
    longer = title_tokens("Regional CyberDrill Africa 2021 (joint with HQ)")
    assert title_similarity(b, longer) == 1.0
    # National CIRT establishment, Kenya vs Uganda: 3 shared / 4 = 0.75.
    kenya = title_tokens("National CIRT establishment, Kenya")
    assert title_similarity(kenya, title_tokens("National CIRT establishment, Uganda")) == 0.75
    assert title_similarity(frozenset(), a) == 0.0


@given(
    st.lists(st.sampled_from("ab cd ef gh 2021 kenya drill".split()), max_size=6),
    st.lists(st.sampled_from("ab cd ef gh 2021 kenya drill".split()), max_size=6),
)
def test_similarity_is_symmetric_and_bounded(x, y):
    a, b = frozenset(x), frozenset(y)
    assert title_similarity(a, b) == title_similarity(b, a)
    assert 0.0 <= title_similarity(a, b) <= 1.0
    if a:
        assert title_similarity(a, a) == 1.0


def _acts(*rows):
    columns = ["activity_id", "workbook", "title", "start_date", "end_date"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


def _places(*rows):
    return pd.DataFrame(rows, columns=["activity_id", "country_iso3", "region"])


NO_LINKS = pd.DataFrame(columns=["activity_id", "joint_with"])
DRILL = "Regional CyberDrill Africa 2021"


def _pairs(acts, places, links=NO_LINKS, ref=None):
    found = possible_duplicates(acts, places, links, ref)
    return [tuple(r) for r in found[["activity_id_a", "activity_id_b"]].itertuples(index=False)]


CASES = [
    # Same title, other workbook, overlapping dates (2-4 and 3-5 May), both Kenya: flagged.
    (
        [
            ("HQ-1", "hq.xlsx", DRILL, "2021-05-02", "2021-05-04"),
            ("AF-1", "af.xlsx", DRILL, "2021-05-03", "2021-05-05"),
        ],
        [("HQ-1", "KEN", "Africa"), ("AF-1", "KEN", "Africa")],
        [("AF-1", "HQ-1")],  # a = af.xlsx (sorts before hq.xlsx)
    ),
    # Same title, different year: dates do not overlap.
    (
        [
            ("HQ-1", "hq.xlsx", "Regional CyberDrill Africa", "2020-05-02", "2020-05-04"),
            ("AF-1", "af.xlsx", "Regional CyberDrill Africa", "2021-05-02", "2021-05-04"),
        ],
        [("HQ-1", None, "Africa"), ("AF-1", None, "Africa")],
        [],
    ),
    # Different title, same drill: the wording differs, the words are contained.
    (
        [
            (
                "HQ-1",
                "hq.xlsx",
                "ITU Regional CyberDrill for Africa, 2021",
                "2021-05-02",
                "2021-05-04",
            ),
            (
                "AF-1",
                "af.xlsx",
                "Regional CyberDrill Africa 2021 (Kigali)",
                "2021-05-02",
                "2021-05-04",
            ),
        ],
        [("HQ-1", None, "Africa"), ("AF-1", "RWA", "Africa")],
        [("AF-1", "HQ-1")],
    ),
    # Different work in the same place and days: not flagged.
    (
        [
            ("HQ-1", "hq.xlsx", "CIRT readiness assessment, Kenya", "2021-05-02", "2021-05-04"),
            ("AF-1", "af.xlsx", DRILL, "2021-05-02", "2021-05-04"),
        ],
        [("HQ-1", "KEN", "Africa"), ("AF-1", "KEN", "Africa")],
        [],
    ),
    # Same workbook: an office's own repeated rows are not double reporting between offices.
    (
        [
            ("AF-2", "af.xlsx", DRILL, "2021-05-02", "2021-05-04"),
            ("AF-1", "af.xlsx", DRILL, "2021-05-02", "2021-05-04"),
        ],
        [("AF-2", "KEN", "Africa"), ("AF-1", "KEN", "Africa")],
        [],
    ),
    # Kenya vs Uganda, both in Africa but no country or named region in common.
    (
        [
            ("HQ-1", "hq.xlsx", DRILL, "2021-05-02", "2021-05-04"),
            ("AF-1", "af.xlsx", DRILL, "2021-05-02", "2021-05-04"),
        ],
        [("HQ-1", "KEN", "Africa"), ("AF-1", "UGA", "Africa")],
        [],
    ),
    # A missing end date counts as the start date: 4 May is inside 2-4 May.
    (
        [
            ("HQ-1", "hq.xlsx", DRILL, "2021-05-04", None),
            ("AF-1", "af.xlsx", DRILL, "2021-05-02", "2021-05-04"),
        ],
        [("HQ-1", "KEN", "Africa"), ("AF-1", "KEN", "Africa")],
        [("AF-1", "HQ-1")],
    ),
    (
        [
            ("HQ-1", "hq.xlsx", DRILL, "2021-05-05", None),
            ("AF-1", "af.xlsx", DRILL, "2021-05-02", "2021-05-04"),
        ],
        [("HQ-1", "KEN", "Africa"), ("AF-1", "KEN", "Africa")],
        [],
    ),
    # Two Global activities share Global.
    (
        [
            ("HQ-1", "hq.xlsx", "GCI 2020 questionnaire support", "2020-01-01", "2020-06-30"),
            ("AF-1", "af.xlsx", "GCI 2020 questionnaire support", "2020-03-01", "2020-03-31"),
        ],
        [("HQ-1", None, "Global"), ("AF-1", None, "Global")],
        [("AF-1", "HQ-1")],
    ),
]


@pytest.mark.parametrize(("acts", "places", "expected"), CASES)
def test_possible_duplicates(ref, acts, places, expected):
    assert _pairs(_acts(*acts), _places(*places), ref=ref) == expected


def test_joint_linked_pairs_are_not_flagged_even_through_a_third_office(ref):
    acts = _acts(
        ("HQ-1", "hq.xlsx", DRILL, "2021-05-02", "2021-05-04"),
        ("AF-1", "af.xlsx", DRILL, "2021-05-02", "2021-05-04"),
        ("DK-1", "dakar.xlsx", DRILL, "2021-05-02", "2021-05-04"),
    )
    places = _places(
        ("HQ-1", "KEN", "Africa"), ("AF-1", "KEN", "Africa"), ("DK-1", "KEN", "Africa")
    )
    assert _pairs(acts, places, ref=ref) == [("AF-1", "DK-1"), ("AF-1", "HQ-1"), ("DK-1", "HQ-1")]
    # AF-1 names HQ-1 and DK-1 names AF-1: one joint group of three, nothing flagged.
    raw = pd.DataFrame({"activity_id": ["AF-1", "DK-1"], "joint_with": ["HQ-1", "AF-1"]})
    links = joint_links(raw, {"HQ-1", "AF-1", "DK-1"})
    assert links.values.tolist() == [
        ["AF-1", "DK-1"],
        ["AF-1", "HQ-1"],
        ["DK-1", "AF-1"],
        ["HQ-1", "AF-1"],
    ]
    assert _pairs(acts, places, links, ref) == []
    # A region named by one covers the other's country: HQ-1 'Region: Africa', AF-1 Kenya.
    places = _places(("HQ-1", None, "Africa"), ("AF-1", "KEN", "Africa"))
    found = possible_duplicates(acts.iloc[:2], places, NO_LINKS, ref)
    assert found["reason"].tolist() == [
        "titles 100% alike; dates overlap 2021-05-02 to 2021-05-04; both cover Africa"
    ]


# ----------------------------------------------------------------------------- in validation


def _act(aid, **kw):
    return {**GOOD_ACTIVITY, "Activity ID": aid, **kw}


def _spend(aid, amount=1000):
    return {**GOOD_SPEND, "Activity ID": aid, "Amount": amount}


def test_double_reporting_warns_on_both_rows_and_keeps_the_spend(tmp_path):
    # Same title, dates, countries in two workbooks, not linked: warned, not quarantined.
    write_workbook(tmp_path / "a_hq.xlsx", activities=[_act("HQ-1")], expenditure=[_spend("HQ-1")])
    write_workbook(
        tmp_path / "b_ro.xlsx", activities=[_act("RO-1")], expenditure=[_spend("RO-1", 400)]
    )
    result = validate_folder(tmp_path)
    assert result.n_errors == 0 and result.quarantine.empty
    warnings = result.issues[result.issues["message"].str.startswith("possible double")]
    assert warnings[["workbook", "row", "column"]].values.tolist() == [
        ["a_hq.xlsx", 2, "Activity"],
        ["b_ro.xlsx", 2, "Activity"],
    ]
    assert "RO-1 (b_ro.xlsx, Activities row 2)" in warnings["message"].iloc[0]
    assert "HQ-1 (a_hq.xlsx, Activities row 2)" in warnings["message"].iloc[1]
    dup = result.possible_duplicates
    assert dup[
        ["activity_id_a", "workbook_a", "activity_id_b", "workbook_b", "similarity"]
    ].values.tolist() == [["HQ-1", "a_hq.xlsx", "RO-1", "b_ro.xlsx", 1.0]]
    # Kenya and Uganda, 1 March to 30 June 2021.
    assert dup["reason"].iloc[0] == (
        "titles 100% alike; dates overlap 2021-03-01 to 2021-06-30; both cover Kenya, Uganda"
    )
    # CHF 1000 + 400 both processed: the offices decide.
    assert result.reconciliation["chf_cents_processed"] == 140_000


def test_joint_with_links_lead_and_their_errors(tmp_path):
    hq = [
        _act("HQ-1", **{"Implementor(s)": "BDT (HQ)"}),
        _act("HQ-2", **{"Joint with": "HQ-2", "Activity": "Other work"}),  # itself
        _act("HQ-3", **{"Joint with": "RO-9", "Activity": "Third work"}),  # unknown ID
    ]
    ro = [
        _act(
            "RO-1",
            **{
                "Joint with": "hq-1",  # any case
                "Implementor(s)": "Regional Office for Africa; BDT (HQ)",
                "Lead implementor": "BDT HQ",  # an alias of one of them
            },
        ),
        _act("RO-2", **{"Lead implementor": "Regional Office for Europe", "Activity": "Fourth"}),
        _act("RO-3", **{"Activity": "Fifth"}),
    ]
    write_workbook(
        tmp_path / "hq.xlsx", activities=hq, expenditure=[_spend(a["Activity ID"]) for a in hq]
    )
    write_workbook(
        tmp_path / "ro.xlsx", activities=ro, expenditure=[_spend(a["Activity ID"]) for a in ro]
    )
    result = validate_folder(tmp_path)
    errors = result.issues[result.issues["severity"] == "error"]
    got = list(zip(errors["workbook"], errors["row"], errors["column"], strict=True))
    assert got == [
        ("hq.xlsx", 3, "Joint with"),
        ("hq.xlsx", 4, "Joint with"),
        ("ro.xlsx", 3, "Lead implementor"),
    ]
    messages = list(errors["message"])
    assert "this row's own ID" in messages[0]
    assert "no activity 'RO-9'" in messages[1] and "Did you mean 'RO-1'" in messages[1]
    assert "Regional Office for Europe is not one of the row's Implementor(s)" in messages[2]
    # Linked on one side only; the link is made symmetric; no double-reporting warning.
    assert result.joint_links.values.tolist() == [["HQ-1", "RO-1"], ["RO-1", "HQ-1"]]
    assert result.possible_duplicates.empty
    lead = result.activities.set_index("activity_id")["lead_implementor"]
    assert lead["RO-1"] == "BDT (HQ)"
    assert lead["RO-3"] == "Regional Office for Africa"  # default: the first listed
    assert lead["HQ-1"] == "BDT (HQ)"


def test_a_link_to_a_rejected_activity_is_dropped_from_the_links(tmp_path):
    acts = [
        _act("A-1", **{"Joint with": "A-2"}),
        _act("A-2", **{"Activity theme": "Nonsense", "Activity": "x"}),
    ]
    write_workbook(
        tmp_path / "w.xlsx", activities=acts, expenditure=[_spend("A-1"), _spend("A-2")]
    )
    result = validate_folder(tmp_path)
    assert set(result.activities["activity_id"]) == {"A-1"}
    assert result.joint_links.empty


def test_coordination_on_a_dated_hq_drill(tmp_path):
    # The sample's shape: HQ reports the drill regionally, the office lists countries.
    drill = {
        "Activity theme": "Cyber drills and exercises",
        "Start date": dt.date(2022, 9, 12),
        "End date": dt.date(2022, 9, 14),
    }
    write_workbook(
        tmp_path / "hq.xlsx",
        activities=[
            _act(
                "HQ-7",
                Activity="ITU Regional CyberDrill for Africa 2022",
                **{"Beneficiary countries": "Region: Africa"},
                **drill,
            )
        ],
        expenditure=[_spend("HQ-7")],
    )
    write_workbook(
        tmp_path / "ro.xlsx",
        activities=[
            _act(
                "RO-7",
                Activity="Regional CyberDrill Africa 2022",
                **{"Beneficiary countries": "Rwanda; Kenya"},
                **drill,
            )
        ],
        expenditure=[_spend("RO-7")],
    )
    result = validate_folder(tmp_path)
    assert result.possible_duplicates["reason"].tolist() == [
        "titles 100% alike; dates overlap 2022-09-12 to 2022-09-14; both cover Africa"
    ]


@given(
    st.lists(
        st.frozensets(st.sampled_from("a b c d e f g h 2021 2022".split()), max_size=6),
        max_size=12,
    ),
    st.sampled_from([0.5, 0.75, 0.8, 1.0]),
)
def test_prefix_filtering_finds_every_pair_brute_force_finds(sets, threshold):
    from cyber_mapping.intake.coordination import _similar_title_pairs

    unique = sorted(set(sets), key=sorted)
    brute = {
        (i, j)
        for i in range(len(unique))
        for j in range(i + 1, len(unique))
        if title_similarity(unique[i], unique[j]) >= threshold
    }
    found = {(i, j) for i, j, _ in _similar_title_pairs(unique, threshold)}
    assert found == brute
