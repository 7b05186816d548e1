"""A non-default mapping period works end to end: build, analysis, reports (issue 10, #4)."""

from __future__ import annotations

import datetime as dt

import pytest

from cyber_mapping import narrative as nv
from cyber_mapping.analysis import spend
from cyber_mapping.cli import build_parser, main
from cyber_mapping.contract import DEFAULT_PERIOD
from cyber_mapping.exceptions import ReportConfigError
from cyber_mapping.product.store import load
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook


@pytest.fixture(scope="module")
def product_2016(tmp_path_factory):
    # One activity running 2016-2021; CHF 1 000 in 2016 and CHF 500 in 2021 (both in the
    # period 2016-2025), and CHF 200 in 2015 (outside it: quarantined).
    root = tmp_path_factory.mktemp("p2016")
    raw = root / "raw"
    raw.mkdir()
    act = {**GOOD_ACTIVITY, "Start date": dt.date(2016, 1, 1), "End date": dt.date(2021, 12, 31)}
    write_workbook(
        raw / "w.xlsx",
        activities=[act],
        expenditure=[
            {**GOOD_SPEND, "Period": 2016, "Amount": 1000},
            {**GOOD_SPEND, "Period": 2021, "Amount": 500},
            {**GOOD_SPEND, "Period": 2015, "Amount": 200},
        ],
    )
    code = main(["build", "--raw", str(raw), "--out", str(root / "p"), "--period", "2016-2025"])
    assert code == 1  # the 2015 line is an error
    return root / "p"


def test_the_product_records_its_period(product_2016):
    product = load(product_2016)
    assert product.manifest["parameters"]["mapping_period"] == [2016, 2025]
    # 1 000 + 500 processed; the 2015 line's 200 quarantined.
    assert product.manifest["chf_cents"] == {
        "read": 170_000,
        "processed": 150_000,
        "quarantined": 20_000,
        # gross totals (issue 19): every amount here is positive, so gross = net
        "read_gross": 170_000,
        "processed_gross": 150_000,
        "quarantined_gross": 20_000,
        "quarantined_negative": 0,
    }


def test_year_table_uses_the_products_period(product_2016):
    product = load(product_2016)
    table = spend.year_table(product, "resolution_id")
    years = [c for c in table.columns if isinstance(c, int)]
    assert years == list(range(2016, 2026))
    # Each resolution (PP-130, WTDC-69) gets half: 2016 500, 2021 250 -> 750 each.
    assert table[years].sum(axis=1).tolist() == table["total"].tolist() == [75_000, 75_000]
    assert table.loc["PP-130", 2016] == 50_000


def test_report_period_defaults_to_the_products(product_2016):
    report = nv.open_report(str(product_2016), as_of="2025-01-31")
    html = nv.year_spend_table(report, "resolution_id", "Resolution")
    assert "<th>2016</th>" in html or ">2016<" in html
    assert "2016–2025" in "".join(nv.quality_tables(report))
    # A period that differs from the product's is refused with the fix.
    with pytest.raises(ReportConfigError, match="rebuild with"):
        nv.open_report(str(product_2016), period="2017-2025")


def test_commands_share_one_default_period():
    parser = build_parser()
    for command in (["validate"], ["template"], ["build"], ["report"]):
        assert parser.parse_args(command).period in (DEFAULT_PERIOD, None)
    assert parser.parse_args(["report", "--period", "2016-2025"]).period == (2016, 2025)


@pytest.mark.slow
def test_build_and_render_with_a_non_default_period(product_2016, tmp_path):
    code = main(
        [
            "report",
            "--processed",
            str(product_2016),
            "--out",
            str(tmp_path),
            "--format",
            "html",
            "--period",
            "2016-2025",
            "--quiet",
        ]
    )
    assert code == 0
    page = (tmp_path / "report_overall.html").read_text(encoding="utf-8")
    assert "2016–2025" in page and "Traceback" not in page
    # Without --period, the product's period is used.
    assert (
        main(
            [
                "report",
                "--processed",
                str(product_2016),
                "--out",
                str(tmp_path / "b"),
                "--format",
                "html",
                "--quiet",
            ]
        )
        == 0
    )


def test_a_period_other_than_the_products_is_refused_before_any_kernel(
    product_2016, tmp_path, capsys
):
    code = main(
        [
            "report",
            "--processed",
            str(product_2016),
            "--out",
            str(tmp_path / "r"),
            "--period",
            "2017-2025",
            "--quiet",
        ]
    )
    assert code == 1
    assert "differs from the data product's mapping period 2016-2025" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()  # nothing started, nothing written
