"""Query helpers on a small hand-built allocations table; expected totals worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyber_mapping.analysis import caveats, clauses, headline, offices, progress, scope, spend
from cyber_mapping.analysis.shares import rounded_shares
from cyber_mapping.analysis.spend import spend_by

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
    assert rounded_shares(list(by_region["amount_cents"])) == [70.0, 30.0]
    with pytest.raises(ValueError, match="unknown dimension"):
        spend_by(alloc, ["colour"])


# ----------------------------------------------------------------------------- report figures
# The small product (tests/conftest.py): A1 PP-130 Kenya HQ+RO-Africa 2021, 10 000 staff +
# 30 000 non-staff actual; A2 WTDC-45 Uganda RO-Africa, 20 000 actual 2022 + 5 000 estimated
# 2024; A3 WTDC-67 Region: Europe RO-Europe, 15 000 estimated 2025; A4 WTDC-69 Kenya HQ,
# 20 000 actual 2019. Actual 80 000, estimated 20 000, total 100 000 (CHF).


def test_headline_overall_by_hand(small, ref):
    h = headline.headline(small, ref)
    assert (h.activities, h.states_reached, h.states_in_scope) == (4, 2, 194)
    assert (h.actual_cents, h.estimated_cents) == (8_000_000, 2_000_000)
    assert (h.first_year, h.last_year) == (2019, 2025)
    # Incident response: A1's 40 000 of 100 000; PP-130 likewise; regular budget
    # 10 000 + 20 000 + 5 000 + 20 000 = 55 000; RO Africa: half of A1 (20 000) + A2 (25 000).
    assert h.leaders["theme"] == headline.Leader("Incident response and CIRTs", 4_000_000, 40.0)
    assert h.leaders["resolution_id"] == headline.Leader("PP-130", 4_000_000, 40.0)
    assert h.leaders["funder"] == headline.Leader("ITU regular budget", 5_500_000, 55.0)
    assert h.leaders["implementor"] == headline.Leader(
        "Regional Office for Africa", 4_500_000, 45.0
    )


def test_headline_africa_by_hand(small, ref):
    h = headline.headline(small, ref, "Africa")
    # A1, A2, A4 name Kenya or Uganda; A3 (Europe) is out. 44 Member States in Africa.
    assert (h.activities, h.states_reached, h.states_in_scope) == (3, 2, 44)
    assert (h.actual_cents, h.estimated_cents) == (8_000_000, 500_000)
    # 40 000 / 85 000 = 47.06 %; 55 000 / 85 000 = 64.71 %; 45 000 / 85 000 = 52.94 %.
    assert h.leaders["theme"].share == 47.1
    assert h.leaders["funder"].share == 64.7
    assert h.leaders["implementor"].share == 52.9


def test_implementor_spend_splits_joint_work_equally(small):
    out = spend.implementor_spend(small)
    assert dict(zip(out["implementor"], out["amount_cents"], strict=True)) == {
        "Regional Office for Africa": 4_500_000,
        "BDT (HQ)": 4_000_000,  # half of A1 (20 000) + A4 (20 000)
        "Regional Office for Europe": 1_500_000,
    }


def test_coordination_counts_joint_hq_and_field_office(small, ref):
    co = offices.coordination(small, ref)
    assert co == offices.Coordination(1, 4, 4_000_000, 10_000_000)


def test_spend_with_basis_and_shares(small):
    t = spend.spend_with_basis(small, "theme")
    rows = {r.theme: (r.actual, r.estimated, r.total, r.share) for r in t.itertuples()}
    assert rows["Cybersecurity strategy and governance"] == (2_000_000, 500_000, 2_500_000, 25.0)
    assert rows["Child online protection"] == (0, 1_500_000, 1_500_000, 15.0)
    assert sum(t["share"]) == 100.0
    assert list(t["theme"])[0] == "Incident response and CIRTs"


def test_year_table_and_cost_types(small):
    t = spend.year_table(small, "resolution_id")
    assert t.loc["WTDC-45", 2022] == 2_000_000 and t.loc["WTDC-45", 2024] == 500_000
    assert t.loc["WTDC-45", "actual"] == 2_000_000 and t.loc["WTDC-45", "estimated"] == 500_000
    assert int(t["total"].sum()) == 10_000_000
    ct = spend.spend_with_basis(small, "cost_type").set_index("cost_type")
    assert ct.loc["Staff", "total"] == 1_000_000 and ct.loc["Non-staff", "total"] == 9_000_000


def test_gaps_planned_only_and_clauses(small, ref):
    from cyber_mapping.analysis import need

    themes = spend.spend_with_basis(small, "theme")
    planned = themes[(themes["actual"] == 0) & (themes["estimated"] > 0)]
    assert list(planned["theme"]) == ["Child online protection"]
    # Not named by any activity: 194 Member States less Kenya and Uganda.
    reach = need.state_reach(small, ref)
    assert int((reach["reach"] == need.NOT_NAMED).sum()) == 192
    africa = need.need_table(small, ref, "Africa")
    africa = africa[africa["reach"] == need.NOT_NAMED]
    assert len(africa) == 42 and "Ethiopia" in set(africa["name"])
    assert "LDC" in africa.set_index("name").loc["Ethiopia", "groups"]
    # Only A1 cites a clause (PP-130/instructs-BDT/CIRTs). A2 quotes words close to
    # WTDC-45's strategies clause but cites none: that is "clause not stated", not coverage.
    instructing = int(ref.clauses["instructs_bdt"].astype(bool).sum())
    uncovered = clauses.uncovered_clauses(small, ref)
    assert len(uncovered) == instructing - 1
    assert "PP-130/instructs-BDT/CIRTs" not in set(uncovered["clause_ref"])
    assert "WTDC-45/instructs-BDT/strategies" in set(uncovered["clause_ref"])
    stated = clauses.clause_statements(small)
    assert (stated.stating, stated.activities, stated.not_stated) == (1, 4, 3)
    # In Europe's scope only A3 (no clause): every instructing clause is uncited there.
    assert len(clauses.uncovered_clauses(small, ref, "Europe")) == instructing
    assert clauses.clause_statements(small, "Europe").not_stated == 1


def test_outputs_and_coverage(small, ref):
    by_region = progress.results_vs_targets(small, ref, by="region")
    got = {(r.indicator, r.region): (r.results, r.compared) for r in by_region.itertuples()}
    # The outputs are result rows with no target: 45 and 30 participants in Kenya (Africa);
    # the CIRT established in Uganda (Africa) is an Outcome in the indicator catalogue
    # (National CIRTs established or strengthened). None states a target: none compared.
    assert got == {
        ("Participants trained", "Africa"): (2, 0),
        ("National CIRTs established or strengthened", "Africa"): (1, 0),
    }
    cells = spend.coverage_matrix(small, ref, "theme", "spend")
    assert cells.loc["Child online protection", "Europe"] == 1_500_000
    counts = spend.coverage_matrix(small, ref, "resolution_id", "activities")
    assert counts.loc["PP-130", "Africa"] == 1 and int(counts.to_numpy().sum()) == 4
    assert spend.estimated_share(small) == 20.0
    kenya = spend.country_spend(small).set_index("country_iso3").loc["KEN", "amount_cents"]
    assert kenya == 6_000_000  # A1 40 000 + A4 20 000


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=30))
def test_rounded_shares_add_up_to_100_as_printed(values):
    shares = rounded_shares(values)
    if sum(values) == 0:
        assert set(shares) == {0.0}
    else:
        assert round(sum(shares), 1) == 100.0
        exact = [v * 100 / sum(values) for v in values]
        assert all(abs(s - e) < 0.1 + 1e-9 for s, e in zip(shares, exact, strict=True))


def test_quarantine_by_workbook_by_hand(tmp_path):
    from cyber_mapping.product.build import build
    from cyber_mapping.product.store import load
    from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook

    raw = tmp_path / "raw"
    raw.mkdir()
    bad = dict(GOOD_ACTIVITY, **{"Activity ID": "T-9", "Beneficiary countries": "Atlantis"})
    write_workbook(
        raw / "w.xlsx",
        activities=[GOOD_ACTIVITY, bad],
        expenditure=[
            GOOD_SPEND,
            dict(GOOD_SPEND, Amount="tbd"),
            dict(GOOD_SPEND, Amount="abc"),
            dict(GOOD_SPEND, **{"Activity ID": "T-9", "Amount": 500}),
        ],
    )
    build(raw, tmp_path / "p")
    row = caveats.quarantine_by_workbook(load(tmp_path / "p")).iloc[0]
    # 2 activity rows + 4 expenditure rows read; the bad activity, the 2 unreadable amounts
    # and the bad activity's 500 CHF line are quarantined (that line with its activity).
    assert (row.rows_read, row.quarantined, row.with_activity) == (6, 4, 1)
    assert row.chf_cents == 50_000 and row.main_reason == "Amount (2)"


def test_revision_in_force_or_current(small, ref):
    # A1 starts 1 Jan 2021 and cites PP-130: in force then Rev. Dubai, 2018 (16 Nov 2018);
    # the catalogue's current revision is Rev. Bucharest, 2022. A3 (WTDC-67) starts
    # 1 Jan 2025: Rev. Kigali, 2022 in force (Baku closes 28 Nov 2025).
    in_force = small.activity_resolutions.set_index("activity_id")["revision_in_force"]
    assert in_force.loc["A1"] == "Rev. Dubai, 2018"
    assert in_force.loc["A3"] == "Rev. Kigali, 2022"
    current = ref.resolutions.set_index("resolution_id")["revision"]
    assert current.loc["PP-130"] == "Rev. Bucharest, 2022"


def test_reports_use_the_products_implementor_split(small):
    # One implementation: the product's implementor_allocations, scoped by region.
    impl = small.implementor_allocations
    for region in (None, "Africa", "Europe"):
        rows = impl if region is None else impl[impl["region"] == region]
        expected = rows.groupby("implementor")["amount_cents"].sum()
        expected = expected[expected > 0].to_dict()
        got = spend.implementor_spend(small, region)
        assert dict(zip(got["implementor"], got["amount_cents"], strict=True)) == expected
        total = int(scope.scope_allocations(small, region)["amount_cents"].sum())
        assert int(got["amount_cents"].sum()) == total


def test_implementor_spend_in_the_africa_region_by_hand(small):
    # Africa: A1 (40 000, HQ + RO Africa: 20 000 each), A2 (25 000, RO Africa), A4 (20 000, HQ).
    out = spend.implementor_spend(small, "Africa")
    assert dict(zip(out["implementor"], out["amount_cents"], strict=True)) == {
        "Regional Office for Africa": 4_500_000,
        "BDT (HQ)": 4_000_000,
    }


# ----------------------------------------------------------------------------- explore filters


def test_funder_filter_and_empty_means_all(alloc):
    # ITU regular budget: 10 000 + 5 000 = 15 000; with Australia: + 2 500 = 17 500.
    assert spend_by(alloc, [], funder="ITU regular budget")["amount_cents"].tolist() == [15_000]
    assert spend_by(alloc, [], funder=["ITU regular budget", "Australia"])[
        "amount_cents"
    ].tolist() == [17_500]
    # A notebook's empty parameters ("" and []) filter nothing: the grand total 25 000.
    assert spend_by(alloc, [], region="", years=[], funder="")["amount_cents"].tolist() == [25_000]
    # papermill passes years as a list: [2022, 2023] is 2 500 + 7 500 = 10 000.
    assert spend_by(alloc, [], years=[2022, 2023])["amount_cents"].tolist() == [10_000]
    assert spend_by(alloc, [], funder="Nobody")["amount_cents"].tolist() == [0]


def _results(rows):
    cols = ["activity_id", "level", "indicator_id", "indicator", "baseline", "target"]
    cols += ["achieved", "unit", "country_iso3", "group", "as_of", "source"]
    cols += ["workbook", "sheet", "row"]
    nan = float("nan")
    return pd.DataFrame(
        [
            dict(zip(cols, (a, lvl, i, i, nan, t, ach, u, c, "", None, "", "w", "Results", 2)))
            for a, lvl, i, t, ach, u, c in rows
        ],
        columns=cols,
    )


def test_results_vs_targets_by_hand(small, ref):
    import dataclasses

    nan = float("nan")
    results = _results(
        [
            # A1 (Kenya, Africa), A2 (Uganda, Africa), A3 (Region: Europe).
            ("A1", "Output", "participants_trained", 40, 30, "people", "KEN"),
            ("A2", "Output", "participants_trained", 20, 25, "people", "UGA"),
            ("A2", "Output", "participants_trained", 10, nan, "people", "UGA"),  # no achieved
            ("A3", "Output", "participants_trained", 50, 10, "people", "FRA"),
            ("A2", "Outcome", "cirts_established", 3, 1, "CIRTs", "UGA"),
            ("A1", "Outcome", "cirt_operational", 1, 1, "yes/no", "KEN"),  # not additive
            ("A1", "Output", "other", 5, 5, "", ""),
        ]
    )
    product = dataclasses.replace(small, results=results)
    table = progress.results_vs_targets(product, ref).set_index("indicator_id")
    # Catalogue order (participants, CIRTs established, CIRT operational), other last.
    assert list(table.index) == [
        "participants_trained",
        "cirts_established",
        "cirt_operational",
        "other",
    ]
    # Participants: 4 rows, 3 with both; target 40 + 20 + 50 = 110, achieved 30 + 25 + 10
    # = 65; 65 / 110 = 59.0909...% -> 59.1.
    row = table.loc["participants_trained"]
    assert (row["results"], row["compared"], row["target"], row["achieved"]) == (4, 3, 110, 65)
    assert row["achieved_pct"] == 59.1 and bool(row["additive"])
    # CIRTs: 1 of 3 = 33.333...% -> 33.3.
    assert table.loc["cirts_established", "achieved_pct"] == 33.3
    # A yes/no and an indicator outside the catalogue are counted, never summed.
    for key in ("cirt_operational", "other"):
        assert table.loc[key, "results"] == 1 and not table.loc[key, "additive"]
        assert pd.isna(table.loc[key, "target"]) and pd.isna(table.loc[key, "achieved_pct"])
    # Africa: A3 (Europe) and its French row drop out: target 40 + 20 = 60, achieved 55;
    # 55 / 60 = 91.666...% -> 91.7.
    africa = progress.results_vs_targets(product, ref, "Africa").set_index("indicator_id")
    row = africa.loc["participants_trained"]
    assert (row["compared"], row["target"], row["achieved"], row["achieved_pct"]) == (
        2,
        60,
        55,
        91.7,
    )
    # Half up, not to even: achieved 1 of target 8 is 12.5% exactly; 1 of 16 is 6.25 -> 6.3.
    half = dataclasses.replace(
        small,
        results=_results([("A1", "Output", "participants_trained", 16, 1, "people", "KEN")]),
    )
    assert progress.results_vs_targets(half, ref)["achieved_pct"].tolist() == [6.3]
    empty = dataclasses.replace(small, results=results.iloc[0:0])
    assert progress.results_vs_targets(empty, ref).empty


def test_result_statements_by_hand(small):
    # Results (version 1 Outputs) of A1 (Kenya), A4 (Kenya) and A2 (Uganda); A3 none.
    assert progress.result_statements(small) == progress.ResultStatements(
        reporting=3, activities=4
    )
    assert progress.result_statements(small).not_reporting == 1
    # Africa: A1, A2, A4 all report; Europe: A3 (Region: Europe) reports nothing.
    assert progress.result_statements(small, "Africa") == progress.ResultStatements(3, 3)
    assert progress.result_statements(small, "Europe").not_reporting == 1


def test_lead_implementors_by_hand(small):
    import dataclasses

    table = offices.lead_implementors(small, "Africa")
    # A1 names BDT (HQ) first, so it leads by default; A3 (Europe) is out of scope.
    assert table[["activity_id", "lead_implementor", "joint_with"]].values.tolist() == [
        ["A1", "BDT (HQ)", ""],
        ["A2", "Regional Office for Africa", ""],
        ["A4", "BDT (HQ)", ""],
    ]
    links = pd.DataFrame({"activity_id": ["A1", "A1", "A2"], "joint_with": ["A4", "A2", "A1"]})
    joined = offices.lead_implementors(dataclasses.replace(small, joint_links=links))
    assert joined["joint_with"].tolist() == ["A2; A4", "A1", "", ""]
