"""Formats, sentences and HTML blocks of the reports, against figures worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cyber_mapping import narrative as nv
from cyber_mapping.exceptions import ReportConfigError

N = "\u202f"  # narrow no-break space


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (0, "CHF 0"),
        (4_999, "CHF 50"),  # 49.99 rounds half up to 50
        (24_500_000, f"CHF 245{N}000"),
        (99_999_949, f"CHF 999{N}999"),
        (100_000_000, "CHF 1.0 million"),
        (150_000_000, "CHF 1.5 million"),
        (2_225_594_052, "CHF 22.3 million"),  # 22 255 940.52 -> 22.3
        (104_999_999, "CHF 1.0 million"),
        (105_000_000, "CHF 1.1 million"),  # half up
    ],
)
def test_chf_prose(cents, text):
    assert nv.chf_prose(cents) == text


def test_chf_thousands_and_separators():
    assert nv.chf_thousands(123_456_789) == f"1{N}234.6"  # CHF 1 234 567.89
    assert nv.chf_thousands(4_999) == "0.0"  # CHF 49.99 is 0.05 thousand: rounds to 0.0
    assert nv.chf_thousands(5_000) == "0.1"
    assert nv.group_thousands(100000, "'") == "100'000"


def test_chf_exact():
    assert nv.chf_exact(2_357_084_585) == f"CHF 23{N}570{N}845.85"
    assert nv.chf_exact(5) == "CHF 0.05"


def test_dates_periods_names():
    assert nv.long_date(dt.date(2017, 6, 12)) == "12 June 2017"
    assert nv.long_date(dt.date(2026, 3, 2)) == "2 March 2026"
    assert nv.period_text(2018, 2025) == "2018–2025"
    assert nv.join_names(["a", "b", "c"]) == "a, b and c"
    assert nv.percent(35.66) == "35.7%"


def test_clean_revision_drops_research_notes():
    note = "UNCERTAIN (Rev. Buenos Aires, 2017 confirmed as proposal target; Rev. Kigali, 2022)"
    assert nv.clean_revision(note) == "Rev. Buenos Aires, 2017"
    assert nv.clean_revision("Dubai, 2014 (later status UNCERTAIN)") == "Dubai, 2014"
    assert nv.clean_revision("") == ""


@pytest.fixture
def report(small_product_dir):
    return nv.open_report(
        str(small_product_dir), "", "2025-01-31", "", "", "2026-03-02", period="2017-2025"
    )


def test_summary_sentences_by_hand(report):
    sentences = nv.summary_sentences(report)
    text = " ".join(sentences)
    assert 3 <= len(sentences) <= 5
    assert (
        "Between 2019 and 2025, 4 cybersecurity capacity-building activities were recorded "
        "for all ITU regions." in text
    )
    # Reached = named by a delivered activity: KEN (A1, A4 Completed), UGA (A2 Ongoing);
    # A3 (Planned) is regional, so no Member State is named by planned work only.
    assert "Completed or ongoing activities reached 2 of the 194 Member States in scope." in text
    assert f"Spend actually incurred totals CHF 80{N}000; a further CHF 20{N}000" in text
    assert f"(together CHF 100{N}000, actual and estimated)" in text
    assert "The leading theme is Incident response and CIRTs (40.0% of spend" in text
    assert "PP Resolution 130 (Rev. Bucharest, 2022), with 40.0% of spend" in text
    assert "set aside" not in text  # nothing failed validation


def test_cover_block(report):
    html = nv.cover(report)
    assert "Telecommunication Development Advisory Group (TDAG)" in html
    assert "2 March 2026" in html and "Original: English" in html
    assert "MAPPING OF BDT CYBERSECURITY CAPACITY-BUILDING ACTIVITIES TO ITU RESOLUTIONS" in html
    assert "Action required:" in html and "References:" in html
    assert "PP Resolution 130 (Rev. Bucharest, 2022)" in html
    assert "WTDC Resolutions 45, 67, 69 (Rev. Kigali, 2022)" in html
    assert "ILLUSTRATIVE" not in html  # not the bundled sample


def test_tables_are_numbered_escaped_and_sourced(report):
    first = nv.table(report, pd.DataFrame({"Name": ["<b>x</b>"], "CHF": ["1.0"]}), "Test")
    second = nv.table(report, pd.DataFrame(), "Empty")
    assert "Table 1 – Test" in first and "Table 2 – Empty" in second
    assert "&lt;b&gt;x&lt;/b&gt;" in first and "<b>x</b>" not in first
    assert "class=num" in first  # the number column is right-aligned
    assert "Source: BDT and office submissions as of 31 January 2025." in first
    assert "data version" not in first  # provenance once, in Annex 2
    assert "No data in scope." in second


def test_mapping_table_escapes_workbook_text(report):
    html = nv.mapping_table(report)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; regional drill" in html
    assert "<script>" not in html
    # A1 under PP-130: regular budget 10 000 staff actual; United Kingdom 30 000 non-staff.
    assert "ITU regular budget: 10.0 (staff)" in html
    assert "United Kingdom: 30.0 (non-staff)" in html
    # A2: regular budget 20 000 non-staff actual (2022) and 5 000 non-staff estimated (2024),
    # in the Actual and the Estimated column respectively.
    assert (
        "<td>ITU regular budget: 20.0 (non-staff)</td><td>ITU regular budget: 5.0 (non-staff)"
        in html
    )
    assert "[S " not in html and "[N " not in html  # staff / non-staff in words
    # A real caption and header cells with scope; the annex heading comes with the table.
    assert "<caption>Table 1 – Mapping of activities" in html and "<th scope='col'>" in html
    assert "<h2 id='Annex-1-" in html and "annex-block" in html


def test_long_annex_is_summarised_by_resolution(report):
    # The small product has 4 activities: with a limit of 3 the annex summarises.
    html = nv.mapping_table(report, limit=3)
    assert "This report covers 4 activities" in html and "The Excel annex published" in html
    assert "annex-summary" in html and "annex-block" not in html
    # PP-130 holds A1 only (10 000 + 30 000 actual); WTDC rows A2, A3, A4 by first citation.
    assert "<td>PP Resolution 130 (Rev. Bucharest, 2022)</td><td class=num>1</td>" in html
    assert "<td class=num>40.0</td><td class=num>0.0</td>" in html


def test_month_text_and_spend_words():
    assert nv.month_text("As of 12 2019, 45 trained") == "As of December 2019, 45 trained"
    assert nv.month_text("as of 6/2023") == "as of June 2023"
    assert nv.month_text("13 2019 participants; 12 2019") == "13 2019 participants; 12 2019"
    assert nv.month_year(pd.Timestamp("2019-12-31")) == "December 2019"
    assert nv.month_year(pd.NaT) == ""
    records = [
        ("EU", "Actual", "Non-staff", 1_234_500),
        ("EU", "Actual", "Staff", 500_000),
        ("EU", "Estimated", "Staff", 100_000),
        ("ITU", "Actual", "Staff", 4_999),
    ]
    # EU actual: 12 345 + 5 000 = 17 345 CHF = 17.3 thousand; ITU 49.99 CHF = 0.0 thousand.
    assert nv.spend_words(records, "Actual") == [
        "EU: 17.3 (non-staff 12.3, staff 5.0)",
        "ITU: 0.0 (staff)",
    ]
    assert nv.spend_words(records, "Estimated") == ["EU: 1.0 (staff)"]


def test_chart_findings_by_hand(ref):
    t = nv.texts()
    bars = pd.DataFrame(
        {
            "theme": ["Other", "CIRTs", "Skills"],
            "actual": [900_000_00, 300_000_00, 100_000_00],
            "estimated": [0, 50_000_00, 0],
            "total": [900_000_00, 350_000_00, 100_000_00],
            "share": [66.7, 25.9, 7.4],
        }
    )
    # "Other" is never the finding: CIRTs, 350 000 CHF, 25.9%.
    assert nv.bars_finding(bars, "theme", t) == (
        f"CIRTs has the most spend: CHF 350{N}000, 25.9% of the total (actual and estimated)."
    )
    years = pd.DataFrame({"year": [2019, 2020, 2021], "total": [5, 9, 9]})
    assert nv.year_finding(years, t) == "Spend was highest in 2020: CHF 0, actual and estimated."
    lines = pd.DataFrame(
        {2019: [100_000_00, 0], 2020: [250_000_00, 10], "total": [350_000_00, 10]},
        index=["PP-130", "WTDC-45"],
    )
    assert nv.lines_finding(lines, ref, t).startswith(
        f"PP Resolution 130 (Rev. Bucharest, 2022) has the most spend over the period (CHF "
        f"350{N}000, actual and estimated); its highest year is 2020."
    )
    spend = pd.DataFrame({"Africa": [10, 70], "Europe": [70, 5]}, index=["A", "B"])
    counts = pd.DataFrame({"Africa": [1, 3], "Europe": [2, 1]}, index=["A", "B"])
    # Two cells of 70 cents: the first in row order (A, Europe) wins.
    assert nv.heatmap_finding(spend, counts, t) == (
        "The largest cell is A in Europe: CHF 1 (actual and estimated) over 2 activities."
    )
    tiles = pd.DataFrame({"iso3": ["KEN", "UGA", "TZA"]})
    spend = pd.DataFrame({"country_iso3": ["FRA", "KEN"], "amount_cents": [9_000_00, 4_000_00]})
    # FRA is not shown on this map: Kenya leads; Uganda and Tanzania have none (2 of 3).
    assert nv.tile_finding(spend, tiles, {"KEN": "Kenya"}, t) == (
        f"Kenya has the most spend attributed to it (CHF 4{N}000); 2 of the 3 Member States "
        "shown have none."
    )
    assert nv.bars_finding(bars.iloc[:1], "theme", t) == "No data in scope."


def test_figures_are_figures_with_findings_and_data(report):
    html = nv.spend_figure(report, "theme", "Theme")
    assert html.startswith("<figure class='figure-block'>") and "<figcaption>" in html
    # Alt text states the finding (Incident response and CIRTs: 40 000 of 100 000 = 40.0%).
    assert (
        f"alt='Incident response and CIRTs has the most spend: CHF 40{N}000, 40.0% of the total"
        in html
    )
    assert "<details class='chart-data'><summary>The numbers behind Figure 1" in html
    assert "<th scope=col>Theme</th>" in html
    table = nv.table(report, pd.DataFrame({"A": ["x"] * 30}), "Long")
    assert "class='table-block'>" in table  # more than KEEP_ROWS rows: may break
    assert "table-block keep" in nv.table(report, pd.DataFrame({"A": ["x"]}), "Short")
    assert "role='region' tabindex='0' aria-label='Table" in table and "<caption>" in table


def test_annex_frames_by_hand(small, ref):
    mapping, by_year = nv.annex_frames(small, ref)
    assert list(mapping.columns) == list(nv.ANNEX_COLUMNS)
    a1 = mapping[mapping["Activity ID"] == "A1"].iloc[0]
    # A1: regular budget 10 000 staff actual + United Kingdom 30 000 non-staff actual.
    assert (a1["Actual staff (CHF)"], a1["Actual non-staff (CHF)"]) == (10_000.0, 30_000.0)
    assert (a1["Estimated (CHF)"], a1["Total (CHF)"]) == (0.0, 40_000.0)
    assert a1["Funder(s)"] == "ITU regular budget; United Kingdom"
    assert a1["Lead implementor"] == "BDT (HQ)" and a1["Status"] == "Completed"
    a2 = mapping[mapping["Activity ID"] == "A2"].iloc[0]
    assert (a2["Actual (CHF)"], a2["Estimated non-staff (CHF)"]) == (20_000.0, 5_000.0)
    # Every franc is there: 80 000 actual + 20 000 estimated, on both sheets.
    assert mapping["Total (CHF)"].sum() == by_year["CHF"].sum() == 100_000.0
    assert by_year["Year"].dtype.kind == "i" and by_year["CHF"].dtype.kind == "f"
    assert sorted(by_year.loc[by_year["Activity ID"] == "A2", "Year"].unique()) == [2022, 2024]


def test_mapping_frame_by_hand(small, ref):
    frame = nv.mapping_frame(small, ref)
    # One row per resolution × activity, in resolution order; each activity cites one.
    assert [r.split(" ")[0] for r in frame["Resolution"]] == ["PP", "WTDC", "WTDC", "WTDC"]
    assert [a.split("(")[-1] for a in frame["Activity"]] == [
        "A1, Completed)",
        "A2, Ongoing)",
        "A3, Planned)",
        "A4, Completed)",
    ]
    nb = "\u202f"
    assert frame["Expenditure by funder (CHF)"].tolist() == [
        f"ITU regular budget: actual staff CHF 10{nb}000\n"
        f"United Kingdom: actual non-staff CHF 30{nb}000",
        f"ITU regular budget: actual non-staff CHF 20{nb}000, estimated non-staff CHF 5{nb}000",
        f"European Union: estimated non-staff CHF 15{nb}000",
        f"ITU regular budget: actual non-staff CHF 20{nb}000",
    ]
    assert frame.loc[0, "Beneficiary countries"] == "Kenya"
    assert frame.loc[0, "Implementor(s)"] == "BDT (HQ); Regional Office for Africa"
    # Africa only: A1 (Kenya), A2 (Uganda) and A4 (Kenya); A3 is for Europe.
    africa = nv.mapping_frame(small, ref, "Africa")
    assert [a.split("(")[-1] for a in africa["Activity"]] == [
        "A1, Completed)",
        "A2, Ongoing)",
        "A4, Completed)",
    ]


def test_open_report_refuses_unknown_region_and_bad_period(small_product_dir):
    with pytest.raises(ReportConfigError, match="choose one of: Africa, Americas"):
        nv.open_report(str(small_product_dir), "Atlantis")
    with pytest.raises(ReportConfigError, match="mapping period"):
        nv.open_report(str(small_product_dir), period="2019-2023")


def test_regional_report_scope(small_product_dir):
    report = nv.open_report(str(small_product_dir), "Europe", as_of="2025-01-31")
    text = " ".join(nv.summary_sentences(report))
    # one year (2025) and one activity: no "Between 2025 and 2025", no "activities"
    assert "In 2025, 1 cybersecurity capacity-building activity was recorded for" in text
    # A3 is regional (no Member State named): nothing reached, said as "none of the 46"
    assert "Completed or ongoing activities reached none of the 46 Member States in scope" in text
    assert report.title.endswith(" – EUROPE REGION")
    # A3's spend is only planned: estimated CHF 15 000, nothing actual.
    themes = nv.spend_table(report, "theme", "Theme").data.set_index("theme")
    assert themes.loc["Child online protection", ["actual", "estimated"]].tolist() == [
        0,
        1_500_000,
    ]


def test_beneficiary_names():
    names = {"KEN": "Kenya", "UGA": "Uganda"}
    assert nv.beneficiary_names("KEN; UGA", names) == ["Kenya", "Uganda"]
    assert nv.beneficiary_names("Region: Africa", names) == ["Region: Africa"]
    assert nv.beneficiary_names("", names) == []


def test_annex_2_estimated_share_is_the_regions(small_product_dir):
    # Africa: actual 80 000, estimated 5 000 (A2, 2024) -> 5 000 / 85 000 = 5.88 % -> 5.9%;
    # overall it is 20 000 / 100 000 = 20.0%.
    africa = nv.open_report(str(small_product_dir), "Africa", as_of="2025-01-31")
    html = "".join(nv.quality_tables(africa))
    assert "5.9% of the recorded spend in scope is estimated" in html
    overall = nv.open_report(str(small_product_dir), as_of="2025-01-31")
    assert "20.0% of the recorded spend" in "".join(nv.quality_tables(overall))


def test_annex_2_lists_unconvertible_amounts(tmp_path):
    from cyber_mapping.product.build import build
    from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook

    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(
        raw / "w.xlsx",
        activities=[GOOD_ACTIVITY],
        expenditure=[
            GOOD_SPEND,
            dict(GOOD_SPEND, Amount=2000, Currency="MNT"),
            dict(GOOD_SPEND, Amount="12'345.60", Currency="XYZ"),
        ],
    )
    build(raw, tmp_path / "p")
    report = nv.open_report(str(tmp_path / "p"), as_of="2025-01-31")
    html = "".join(nv.quality_tables(report))
    # Read 1 000 CHF, all processed; MNT 2 000 and XYZ 12 345.60 listed in their currency.
    assert f"CHF read CHF 1{N}000.00 = processed CHF 1{N}000.00 + quarantined CHF 0.00" in html
    assert f"MNT 2{N}000.00 and XYZ 12{N}345.60" in html
