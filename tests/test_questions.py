"""The six questions: library figures and sentences on the hand-built product (by hand).

The product is tests/handmade.py's ``current()`` with results, clause citations,
implementors, joint links and possible duplicates added below; every expected value is
worked out in the comments.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from cyber_mapping import money
from cyber_mapping.analysis import clauses, need, offices, progress
from cyber_mapping.report import (
    annex_method,
    changes,
    coordination,
    cover,
    formats,
    investment,
    mandate,
    results,
)
from cyber_mapping.report.blocks import Block, table
from cyber_mapping.report.context import Report
from tests.handmade import AS_OF, current, previous

HQ, RO = "BDT (HQ)", "Regional Office for Africa"


def result(aid, iid, name, target, achieved, unit, country, level="Output"):
    return {
        "activity_id": aid,
        "level": level,
        "indicator_id": iid,
        "indicator": name,
        "baseline": np.nan,
        "target": target,
        "achieved": achieved,
        "unit": unit,
        "country_iso3": country,
        "group": "",
    }


def impl_rows(aid, implementor, country, region, year, cents, resolution="PP-130", theme="CIRT"):
    return {
        "activity_id": aid,
        "implementor": implementor,
        "resolution_id": resolution,
        "country_iso3": country,
        "region": region,
        "year": year,
        "basis": "Actual",
        "theme": theme,
        "amount_cents": cents,
    }


def clause_refs(ref, rid, n=2):
    rows = ref.clauses[
        ref.clauses["instructs_bdt"].astype(bool) & (ref.clauses["resolution_id"] == rid)
    ]
    return list(rows["clause_ref"])[:n]


@pytest.fixture(scope="module")
def full(ref):
    """current() plus:

    Results  A1 Participants trained 20/15 KEN, 10/- UGA; A2 30/30 UGA and a strategy
             adopted 1/1 UGA (Outcome); A4 40/10 FJI and drill countries 5/5 (not additive).
    Clauses  A1 cites PP-130 clause X; A2 cites WTDC-45 clause Y; A4 cites X too (but A4 has
             no PP-130 spend). Not stated: A3, A5, A6.
    Implementors  A1 HQ + RO Africa (a lead named: RO Africa); A2, A3, A6 RO Africa; A4 HQ;
             A5 UNODC (not an ITU office). Implementor view: A1's 3 000 + 3 000 split
             1 500 / 1 500 each; A2 4 000 RO; A3 1 000 RO; A4 6 000 HQ (Asia); A5 5 000 other.
    Joint    A2 'Joint with' A6.  Duplicates (A1, A4) and (A4, A5).
    """
    cur = current()
    x, y = clause_refs(ref, "PP-130", 1)[0], clause_refs(ref, "WTDC-45", 1)[0]
    results = pd.DataFrame(
        [
            result("A1", "participants_trained", "Participants trained", 20, 15, "people", "KEN"),
            result(
                "A1", "participants_trained", "Participants trained", 10, np.nan, "people", "UGA"
            ),
            result("A2", "participants_trained", "Participants trained", 30, 30, "people", "UGA"),
            result(
                "A2",
                "strategies_adopted",
                "National cybersecurity strategies adopted",
                1,
                1,
                "strategies",
                "UGA",
                level="Outcome",
            ),
            result("A4", "drill_countries", "Countries in a drill", 5, 5, "countries", "FJI"),
            result("A4", "participants_trained", "Participants trained", 40, 10, "people", "FJI"),
        ]
    )
    clauses = pd.DataFrame(
        [
            {"activity_id": "A1", "resolution_id": "PP-130", "clause_ref": x},
            {"activity_id": "A2", "resolution_id": "WTDC-45", "clause_ref": y},
            {"activity_id": "A4", "resolution_id": "PP-130", "clause_ref": x},
        ]
    )
    impl = pd.DataFrame(
        [
            impl_rows("A1", HQ, "KEN", "Africa", 2021, 1500),
            impl_rows("A1", RO, "KEN", "Africa", 2021, 1500),
            impl_rows("A1", HQ, "UGA", "Africa", 2021, 1500),
            impl_rows("A1", RO, "UGA", "Africa", 2021, 1500),
            impl_rows("A2", RO, "UGA", "Africa", 2022, 4000, "WTDC-45", "Strategy"),
            impl_rows("A3", RO, "TZA", "Africa", 2025, 1000),
            impl_rows("A4", HQ, "FJI", "Asia and the Pacific", 2025, 6000, "WTDC-69"),
            impl_rows("A5", "UNODC", None, "Europe", 2025, 5000, "WTDC-67", "COP"),
        ]
    )
    who = {"A1": f"{HQ}; {RO}", "A2": RO, "A3": RO, "A4": HQ, "A5": "UNODC", "A6": RO}
    lead = {"A1": RO}
    acts = cur.activities.assign(
        implementors=cur.activities["activity_id"].map(who),
        lead_implementor=cur.activities["activity_id"].map(lead).fillna(""),
    )
    act_impl = pd.DataFrame(
        [
            {"activity_id": a, "position": i, "implementor": name.strip()}
            for a, names in who.items()
            for i, name in enumerate(names.split(";"))
        ]
    )
    return dataclasses.replace(
        cur,
        activities=acts,
        results=results,
        activity_clauses=clauses,
        implementor_allocations=impl,
        activity_implementors=act_impl,
        joint_links=pd.DataFrame([{"activity_id": "A2", "joint_with": "A6"}]),
        possible_duplicates=pd.DataFrame(
            [
                {
                    "activity_id_a": "A1",
                    "workbook_a": "w.xlsx",
                    "activity_id_b": "A4",
                    "workbook_b": "v.xlsx",
                    "similarity": 1.0,
                    "reason": "titles alike",
                },
                {
                    "activity_id_a": "A4",
                    "workbook_a": "v.xlsx",
                    "activity_id_b": "A5",
                    "workbook_b": "u.xlsx",
                    "similarity": 1.0,
                    "reason": "titles alike",
                },
            ]
        ),
    )


def report_of(product, ref, region=None, previous_product=None):
    return Report(
        product=product,
        ref=ref,
        region=region,
        as_of=AS_OF,
        meeting="m",
        document="d",
        document_date=AS_OF,
        action="a",
        request="r",
        previous=previous_product,
    )


def text(block) -> str:
    return re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", str(block))).strip()


# ----------------------------------------------------------------------------- formats


def test_counts_are_worded_as_prose():
    assert formats.count_of(3, 9, "activity", "activities") == "3 of the 9 activities"
    assert formats.count_of(9, 9, "activity", "activities") == "all 9 activities"  # not 9 of the 9
    assert formats.count_of(0, 9, "activity", "activities") == "none of the 9 activities"
    assert formats.count_of(1, 1, "activity") == "the one activity"
    assert formats.plural(1, "clause") == "1 clause"
    assert formats.plural(2, "activity", "activities") == "2 activities"
    assert formats.plural(0, "activity", "activities") == "no activities"  # never "0 activities"


def test_one_precision_per_sentence():
    # CHF 426 909 next to CHF 4.3 million: both in millions, 426 909 -> 0.4 (half up)
    assert money.chf_alike(42_690_900, 430_000_000) == ["CHF 0.4 million", "CHF 4.3 million"]
    # both below a million: whole francs (49.99 -> 50)
    assert money.chf_alike(4_999, 24_500_000) == ["CHF 50", "CHF 245\u202f000"]
    assert money.chf_millions(4_999_999) == "CHF 0.0 million"  # 0.049 999 99 million


def test_names_take_their_article():
    assert formats.office_name("Regional Office for CIS") == "the Regional Office for CIS"
    assert formats.office_name("BDT (HQ)") == "BDT headquarters"
    assert formats.office_name("UNODC") == "UNODC"
    assert (
        formats.possessive("the Regional Office for Africa") == "the Regional Office for Africa's"
    )
    assert formats.possessive("BDT headquarters") == "BDT headquarters'"
    assert formats.region_name("Americas") == "the Americas"
    assert formats.region_name("Africa") == "Africa"
    assert formats.ordinal(4) == "fourth" and formats.ordinal(11) == "11th"


def test_gci_tier_is_never_guessed():
    assert formats.gci_text(3, "Establishing", "secondary", "n/a") == "3 (Establishing)"
    assert formats.gci_text(4, "Evolving", "inferred", "n/a") == "n/a"  # by elimination
    assert formats.gci_text(pd.NA, "", "unverified", "n/a") == "n/a"


def test_year_on_year_change_by_hand():
    # 200 -> 116 is -42%; 116 -> 0 is -100%; from nothing no percentage
    assert investment.year_change({2019: 200, 2020: 116, 2021: 0, 2022: 50}) == {
        2019: None,
        2020: -42,
        2021: -100,
        2022: None,
    }


# ----------------------------------------------------------------------------- blocks


def test_blocks_are_numbered_by_key_and_carry_their_data(full, ref):
    report = report_of(full, ref)
    frame = pd.DataFrame({"a": [1]})
    first = table(report, frame, "First")
    second = table(report, frame, "Second")
    again = table(report, frame, "First")  # the same cell run twice keeps its number
    assert (first.number, second.number, again.number) == (1, 2, 1)
    assert "Table 1 – First" in again and "Table 3" not in again
    assert isinstance(first, Block) and first._repr_html_() == str(first)
    assert first.data.equals(frame)
    assert report.cross_ref("table", "Second") == "Table 2"
    assert report.cross_ref("table", "never made") == ""  # never "(Table )"


def test_cross_reference_to_a_table_not_yet_made_is_left_out(full, ref):
    report = report_of(full, ref)
    sentence = text(mandate.uncited_paragraph(report))
    assert "(Table" not in sentence
    mandate.clause_table(report)
    from cyber_mapping.report.mandate import clauses_table

    clauses_table(report)
    assert "(Table 2)" in text(mandate.uncited_paragraph(report))


# ----------------------------------------------------------------------------- 1 progress


def test_status_counts_and_status_year(full):
    assert progress.status_counts(full) == {"Completed": 2, "Ongoing": 2, "Planned": 2}
    # Africa: A1 Completed, A2 and A6 Ongoing, A3 Planned
    assert progress.status_counts(full, "Africa") == {"Completed": 1, "Ongoing": 2, "Planned": 1}
    data = progress.status_year(full)
    got = {(r.status, r.year): (r.activities, r.cents) for r in data.itertuples()}
    # Completed 2021: A1 3 000 + 3 000; Completed 2025: A4 6 000; Ongoing 2022: A2 4 000;
    # Planned 2025: A3 1 000 + A5 5 000 (two activities)
    assert got == {
        ("Completed", 2021): (1, 6000),
        ("Completed", 2025): (1, 6000),
        ("Ongoing", 2022): (1, 4000),
        ("Planned", 2025): (2, 6000),
    }


def test_results_vs_targets_by_region_and_resolution(full, ref):
    by_region = progress.results_vs_targets(full, ref, by="region")
    additive = by_region[by_region["additive"]]
    got = {
        (r.indicator, r.region): (r.results, r.compared, r.target, r.achieved)
        for r in additive.itertuples()
    }
    # Africa: 3 rows, 2 state both (20 / 15 KEN, 30 / 30 UGA): target 50, achieved 45. UGA's
    # 10 / - is pending and counts in neither. Drill countries are not additive: no sums.
    assert got == {
        ("Participants trained", "Africa"): (3, 2, 50, 45),
        ("Participants trained", "Asia and the Pacific"): (1, 1, 40, 10),
        ("National cybersecurity strategies adopted", "Africa"): (1, 1, 1, 1),
    }
    drill = by_region[by_region["indicator_id"] == "drill_countries"].iloc[0]
    assert drill["results"] == 1 and pd.isna(drill["target"])
    by_res = progress.results_vs_targets(full, ref, by="resolution_id")
    people = by_res[by_res["indicator"] == "Participants trained"]
    # A1 -> PP-130 (20 / 15; its 10 / - is pending), A2 -> WTDC-45 (30 / 30), A4 -> WTDC-69
    # (40 / 10)
    assert dict(zip(people["resolution_id"], people["target"], strict=True)) == {
        "PP-130": 20,
        "WTDC-45": 30,
        "WTDC-69": 40,
    }
    top = progress.leading_indicator(progress.results_vs_targets(full, ref))
    # Participants trained: target 20 + 30 + 40 = 90, achieved 15 + 30 + 10 = 55
    # -> 61.11...% -> 61.1%
    assert (top.indicator, top.target, top.achieved, top.achieved_pct, top.compared) == (
        "Participants trained",
        90,
        55,
        61.1,
        3,
    )
    # In the Africa report A4's Fiji rows are out of scope
    africa = progress.results_vs_targets(full, ref, "Africa", by="region")
    assert set(africa["region"]) == {"Africa"}


def test_achieved_against_target_is_one_figure_in_report_and_explore(ref):
    # A1 40 / 30 (both stated), A1 20 / - (not achieved yet), A2 - / 25 (no target).
    # Over every target and achievement: 55 of 60 = 91.7%. Over the rows that state both,
    # the one definition: 30 of 40 = 75.0%, in the report and in the explore notebook alike.
    people = ("participants_trained", "Participants trained")
    rows = [
        result("A1", *people, 40, 30, "people", "KEN"),
        result("A1", *people, 20, np.nan, "people", "UGA"),
        result("A2", *people, np.nan, 25, "people", "UGA"),
    ]
    product = dataclasses.replace(current(), results=pd.DataFrame(rows))
    explore = progress.results_vs_targets(product, ref, None)  # as explore.ipynb calls it
    assert explore[["compared", "target", "achieved", "achieved_pct"]].values.tolist() == [
        [1, 40, 30, 75.0]
    ]
    block = results.indicator_paragraph(report_of(product, ref))
    assert "30 people achieved against a target of 40 (75.0% of the target)" in text(block)
    assert block.data["achieved_pct"].tolist() == [75.0]
    table = results.indicator_table(report_of(product, ref), "region")
    assert table.data[["region", "target", "achieved"]].values.tolist() == [["Africa", 40, 30]]
    assert "30 / 40" in text(table)


def test_outcomes_and_result_coverage(full, ref):
    out = progress.outcomes_by_country(full, ref)
    assert out[["name", "outcomes", "activities"]].values.tolist() == [
        ["Uganda", "National cybersecurity strategies adopted: 1", 1]
    ]
    cover = progress.result_coverage(full)
    # A1, A2, A4 report; A3, A5, A6 do not: 3 of 6 = 50.0%; A6 (Ongoing) is delivered
    assert (cover.activities, cover.without, cover.without_delivered, cover.share) == (
        6,
        3,
        1,
        50.0,
    )


def test_status_paragraph_by_hand(full, ref):
    sentence = text(results.status_paragraph(report_of(full, ref)))
    assert sentence.startswith(
        "Of the 6 activities in scope, 2 are completed, 2 are ongoing and 2 are planned."
    )
    # A2 Ongoing ended 30 Jun 2023, A3 Planned ended 31 Mar 2025, A4 Completed starts 2026
    assert "The status of 3 activities may be out of date on 30 June 2025" in sentence
    assert "3 of the 6 activities (50.0%) report no result yet." in sentence


# ----------------------------------------------------------------------------- 2 clauses


def test_clause_coverage_counts_explicit_citations_and_their_resolution_spend(full, ref):
    data = clauses.clause_coverage(full, ref).set_index("clause_ref")
    x, y = clause_refs(ref, "PP-130", 1)[0], clause_refs(ref, "WTDC-45", 1)[0]
    # X: A1 and A4 cite it; spend on PP-130 is A1's 6 000 (A4 has none on PP-130)
    assert (data.loc[x, "activities"], data.loc[x, "cents"]) == (2, 6000)
    assert (data.loc[y, "activities"], data.loc[y, "cents"]) == (1, 4000)
    assert int((data["activities"] == 0).sum()) == len(data) - 2
    assert (
        data.index.isin(
            ref.clauses.loc[~ref.clauses["instructs_bdt"].astype(bool), "clause_ref"]
        ).sum()
        == 0
    )
    # Not stated: A3 1 000 + A5 5 000 + A6 0 = 6 000; in Africa only A3's 1 000
    assert clauses.not_stated_spend(full) == 6000
    assert clauses.not_stated_spend(full, "Africa") == 1000
    sentence = text(mandate.clause_paragraph(report_of(full, ref)))
    n = len(data)
    assert sentence == (
        f"3 of the 6 activities cite at least one clause; {n - 2} of the {n} clauses "
        "instructing BDT are cited by no activity in scope."
    )


# ----------------------------------------------------------------------------- 3 investment


def test_low_spend_and_region_rank(full, ref):
    # Africa: KEN 3 000, UGA 3 000 + 4 000, TZA 1 000 -> 11 000 / 3 = 3 666.67 -> 3 667;
    # a quarter: 916.75 -> 917
    assert need.low_spend_threshold(full, ref, "Africa") == 917
    per = pd.DataFrame(
        {
            "region": ["A", "B", "C", "D"],
            "beneficiaries": [2, 1, 1, 0],
            "per_beneficiary_cents": [100, 300, 100, 0],
        }
    )
    assert need.region_rank(per, "A") == (2, 3)  # B is higher; C ties
    assert need.region_rank(per, "C") == (2, 3)
    assert need.region_rank(per, "D") == (0, 3)


def test_open_year_is_left_out_of_actual_trend(full, ref):
    report = report_of(full, ref)  # as of 30 June 2025: 2025 is open
    assert investment.open_year(report) == 2025
    sentence = text(investment.trend_paragraph(report))
    # Actual by year up to 2024: 2021 6 000, 2022 4 000 -> fell 33% (2 000 / 6 000)
    assert sentence.startswith("Actual spend fell 33% in 2022.")
    assert "2025 is left out because it had not ended on 30 June 2025" in sentence


def test_a_closed_year_still_partly_estimated_is_left_out_of_actual_trend(full, ref):
    # As of 31 January 2026, 2025 is closed, but of its 12 000 recorded, 6 000 is still
    # estimated (50.0%): its actual spend is incomplete, so the trend stops at 2024, as in
    # the open-year test above (2021 6 000 -> 2022 4 000: fell 33%).
    report = dataclasses.replace(report_of(full, ref), as_of=dt.date(2026, 1, 31))
    assert investment.open_year(report) == 2026
    sentence = text(investment.trend_paragraph(report))
    assert sentence.startswith("Actual spend fell 33% in 2022.")
    assert "2025 is left out because 50.0% of its recorded spend is still estimated" in sentence
    assert "2026 is left out" not in sentence  # nothing recorded in 2026


# ----------------------------------------------------------------------------- 4 coordination


def test_office_shares_split_equally(full, ref):
    data = offices.office_shares(full, ref, "region").set_index("region")
    # Africa: HQ 1 500 + 1 500 = 3 000; offices 3 000 + 4 000 + 1 000 = 8 000 -> 27.3%
    assert data.loc["Africa", ["hq_cents", "field_cents", "hq_share"]].tolist() == [
        3000,
        8000,
        27.3,
    ]
    assert data.loc["Europe", "other_cents"] == 5000 and data.loc["Europe", "hq_share"] == 0.0
    split = offices.office_split(full, ref)
    # HQ 9 000, offices 8 000, other 5 000 of 22 000: 40.9% and 36.4% (not forced to 100)
    assert (split.hq_share, split.field_share) == (40.9, 36.4)
    sentence = text(coordination.office_paragraph(report_of(full, ref)))
    assert "BDT headquarters accounts for 40.9%" in sentence and "split equally" in sentence


def test_lead_joint_duplicates(full, ref):
    lead = offices.lead_spend(full)
    # RO Africa leads A1 (named), A2, A3, A6: 6 000 + 4 000 + 1 000 + 0; HQ A4; UNODC A5
    assert lead.values.tolist() == [[RO, 4, 11000], [HQ, 1, 6000], ["UNODC", 1, 5000]]
    work = offices.joint_work(full)
    # A1 (two implementors), A2 and A6 (linked): 6 000 + 4 000 + 0 = 10 000 of 22 000
    assert (work.joint, work.linked, work.joint_cents, work.total_cents) == (3, 2, 10000, 22000)
    sentence = text(coordination.joint_paragraph(report_of(full, ref)))
    assert sentence.startswith("3 of the 6 activities are carried out jointly")
    assert "(45.5% of the spend in scope)" in sentence  # 10 000 / 22 000 = 45.45 -> 45.5
    africa = offices.duplicates_in_scope(full, "Africa")
    assert africa[["activity_id_a", "activity_id_b"]].values.tolist() == [["A1", "A4"]]


def test_workbook_office_from_id_prefixes(ref):
    from cyber_mapping.product.store import Product

    acts = pd.DataFrame(
        {
            "workbook": ["w.xlsx"] * 3,
            "activity_id": ["RO-AFR-2020-001", "RO-AFR-2020-002", "HQ-2020-001"],
        }
    )
    q = pd.DataFrame({"workbook": ["q.xlsx"], "activity_id": ["RO-CIS-2021-001"]})
    empty = pd.DataFrame()
    product = Product(acts, empty, empty, empty, empty, empty, q, empty, empty, empty, {}, None)
    office_of = offices.workbook_offices(product, ref)
    assert office_of == {"w.xlsx": RO, "q.xlsx": "Regional Office for CIS"}


# ----------------------------------------------------------------------------- summary


def test_reach_sentence_counts_delivered_only(full, ref):
    sentence = cover.reach_sentence(report_of(full, ref, "Africa"))
    members = int((ref.member_states["region"] == "Africa").sum())
    # KEN (A1 Completed, A6 Ongoing) and UGA (A1, A2) reached; TZA named by Planned A3 only
    assert sentence == (
        f"Completed or ongoing activities reached 2 of the {members} Member States in scope; "
        "a further 1 Member State is named only in planned activities."
    )


def test_quarantine_sentence_names_the_office_above_one_percent(full, ref):
    q = pd.DataFrame(
        {
            "workbook": ["ro_afr.xlsx", "hq.xlsx"],
            "sheet": ["Expenditure"] * 2,
            "row": [3, 4],
            "activity_id": ["RO-AFR-2020-009", "HQ-2020-003"],
            "amount_cents": pd.array([4000, 1000], dtype="Int64"),
        }
    )
    manifest = {"chf_cents": {"read": 100_000, "processed": 95_000, "quarantined": 5000}}
    product = dataclasses.replace(full, quarantine=q, manifest=manifest)
    sentence = cover.quarantine_sentence(report_of(product, ref))
    # 5 000 of 100 000 = 5.0%; ro_afr.xlsx holds 4 000 of 5 000 = 80.0%
    assert sentence.startswith(
        "CHF 50 in gross terms (5.0% of the spend submitted) was set aside because its rows "
        "failed validation, 80.0% of it in the Regional Office for Africa's submission"
    )
    assert "xlsx" not in sentence and "quarantin" not in sentence
    # A regional report gives the same all-submissions figure and says it is for all regions.
    regional = cover.quarantine_sentence(report_of(product, ref, "Africa"))
    assert regional.startswith(
        "Across all submissions (all regions), CHF 50 in gross terms (5.0% of"
    )
    small = dataclasses.replace(
        product, manifest={"chf_cents": {"read": 1_000_000, "quarantined": 5000}}
    )
    assert cover.quarantine_sentence(report_of(small, ref)) == ""  # 0.5%: not stated


# ----------------------------------------------------------------------------- 6 changes


def test_changes_section_by_hand(full, ref):
    assert changes.changes_section(report_of(full, ref)) == ""  # no previous edition
    block = changes.changes_section(report_of(current(), ref, previous_product=previous()))
    sentence = text(block)
    # New: A3, A4, A5, A6; completed since: A1; status changes: A1, A2
    assert (
        "Since the previous edition (as of 31 December 2024), 4 activities were added and "
        "1 activity was completed; 2 activities changed status." in sentence
    )
    # 7 000 -> 22 000: +15 000 = new 12 000 (A3 1 000, A4 6 000, A5 5 000) + revised 4 000
    # (A1 6 000 - 2 000) - removed 1 000 (A7)
    assert (
        "changed by CHF 150 in all, of which CHF 120 for new activities and CHF 40 from "
        "revised figures" in sentence
    )
    assert "1 Member State is newly reached: Fiji." in sentence
    assert block.data["change"].sum() == 15000


def test_as_of_with_a_closed_year_keeps_every_year(full, ref):
    report = dataclasses.replace(report_of(full, ref), as_of=dt.date(2025, 12, 31))
    assert investment.open_year(report) is None


def test_investment_sentences_by_hand(full, ref):
    # Country-attributed: Africa KEN 3 000, UGA 3 000 + 4 000, TZA 1 000 = 11 000 over 3
    # beneficiaries = 3 666.67 -> 3 667 cents (CHF 37); Asia FJI 6 000 over 1 (CHF 60);
    # Europe's A5 is regional (no Member State), so Europe has no beneficiary.
    overall = text(investment.per_state_paragraph(report_of(full, ref)))
    assert overall == (
        "Spend per beneficiary Member State is highest in Asia and the Pacific (CHF 60) and "
        "lowest in Africa (CHF 37)."
    )
    africa = report_of(full, ref, "Africa")
    assert text(investment.per_state_paragraph(africa)) == (
        "Africa ranks second of 2 regions in spend per beneficiary Member State (CHF 37)."
    )
    # LDC/LLDC/SIDS in Africa: UGA (LDC, LLDC) 7 000 + TZA (LDC) 1 000 = 8 000 of 11 000 =
    # 72.7%; the largest recipient is Uganda, 7 000 of 11 000 = 63.6%
    assert text(investment.recipients_paragraph(africa)) == (
        "LDCs, LLDCs and SIDS received 72.7% of the spend attributed to Member States "
        "(CHF 80). The largest recipient is Uganda (CHF 70, 63.6% of the spend attributed "
        "to Member States)."
    )


def test_stale_statuses_are_listed_for_the_offices(full, ref):
    from cyber_mapping.report.annex_method import stale_table

    block = stale_table(report_of(full, ref))
    # A2 Ongoing ended June 2023; A3 Planned ended March 2025; A4 Completed starts 2026
    assert block.data["activity_id"].tolist() == ["A2", "A3", "A4"]
    assert "June 2023" in block and "completed, but starts after the as-of date" in block
    assert "Annex 2 lists them" in text(results.status_paragraph(report_of(full, ref)))


def test_the_gross_reconciliation_sentence_by_hand(full, ref):
    # +1 000 000.00 and -1 000 000.00 set aside beside 1 000.00 processed (in cents):
    # gross read 1 000.00 + 2 000 000.00 = 2 001 000.00; the negative half said as a size.
    cents = {
        "read": 100_000,
        "processed": 100_000,
        "quarantined": 0,
        "read_gross": 200_100_000,
        "processed_gross": 100_000,
        "quarantined_gross": 200_000_000,
        "quarantined_negative": -100_000_000,
    }
    product = dataclasses.replace(full, manifest={**full.manifest, "chf_cents": cents})
    sentence = annex_method.gross_sentence(report_of(product, ref))
    nnbsp = "\u202f"
    assert f"CHF read CHF 2{nnbsp}001{nnbsp}000.00 = processed CHF 1{nnbsp}000.00" in sentence
    assert f"quarantined CHF 2{nnbsp}000{nnbsp}000.00." in sentence
    assert f"CHF 1{nnbsp}000{nnbsp}000.00 were negative" in sentence
    # No negative amount set aside: no second sentence; a product before gross totals: none.
    cents_positive = {**cents, "quarantined_negative": 0}
    product = dataclasses.replace(full, manifest={**full.manifest, "chf_cents": cents_positive})
    assert "negative (corrections" not in annex_method.gross_sentence(report_of(product, ref))
    net_only = {k: cents[k] for k in ("read", "processed", "quarantined")}
    product = dataclasses.replace(full, manifest={**full.manifest, "chf_cents": net_only})
    assert annex_method.gross_sentence(report_of(product, ref)) == ""
