"""The rendering driver: checks before any kernel starts, and real reports end to end."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from cyber_mapping.cli import main
from cyber_mapping.exceptions import ProductNotFoundError, ReportConfigError
from cyber_mapping.paths import REPORT_NOTEBOOK
from cyber_mapping.report import jobs, page, pool, rendering, state

N = "\u202f"


def _notebook(tmp_path, cells, name="t.ipynb"):
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / name
    path.write_text(json.dumps(nb))
    return path


def _cell(source, tags=()):
    return {
        "cell_type": "code",
        "metadata": {"tags": list(tags)},
        "source": source,
        "outputs": [],
        "execution_count": None,
    }


PARAMS = 'region = ""\nperiod = "2017-2025"\nprocessed_dir = ""\nas_of = ""'


def test_the_template_has_one_literal_parameters_cell():
    params = jobs.parameters_cell(REPORT_NOTEBOOK)
    # Empty defaults: the overall report, over the data product's own mapping period.
    assert params["region"] == "" and params["period"] == ""
    nb = json.loads(REPORT_NOTEBOOK.read_text())
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert not re.search(r"^\s*(def|class) ", code, re.M) and "open(" not in code


def test_papermill_reads_every_parameter_of_the_template(caplog):
    # papermill warns "Unable to parse line" (and then "Passed unknown parameter") when a
    # comment in the parameters cell contains " = "; every report log had those warnings.
    import papermill

    with caplog.at_level(logging.WARNING):
        found = papermill.inspect_notebook(str(REPORT_NOTEBOOK))
    assert set(found) == set(jobs.parameters_cell(REPORT_NOTEBOOK))
    assert not [r for r in caplog.records if "Unable to parse" in r.getMessage()]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([_cell(PARAMS)], "0 cells tagged 'parameters'"),
        ([_cell(PARAMS, ["parameters"]), _cell(PARAMS, ["parameters"])], "2 cells tagged"),
        ([_cell("region = input()\n", ["parameters"])], "not a literal"),
        ([_cell("import os\n", ["parameters"])], "only 'name = literal'"),
        ([_cell('region = ""\n', ["parameters"])], "lacks period, processed_dir, as_of"),
    ],
)
def test_bad_templates_are_refused(tmp_path, cells, message):
    with pytest.raises(ReportConfigError, match=re.escape(message)):
        jobs.parameters_cell(_notebook(tmp_path, cells))


def test_unknown_region_is_refused_before_any_kernel(tmp_path, capsys):
    with pytest.raises(ReportConfigError, match="unknown region 'Atlantis'; choose one of: Af"):
        jobs.resolve_regions(["Atlantis"], False)
    assert main(["report", "--region", "Atlantis", "--out", str(tmp_path)]) == 1
    assert "choose one of" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())  # nothing started, nothing written
    assert jobs.resolve_regions(["asia and the pacific"], False) == ["Asia and the Pacific"]
    assert jobs.resolve_regions(None, True)[0] == ""


def test_missing_product_is_a_clear_error(tmp_path):
    with pytest.raises(ProductNotFoundError, match="Run `make build` first"):
        rendering.render(processed_dir=tmp_path / "none", out_dir=tmp_path / "r")


def _render_small(processed, out):
    return rendering.render(
        ["overall", "Africa"],
        processed_dir=processed,
        out_dir=out,
        parameters={"as_of": "2025-01-31", "document": "Document TDAG-26/99-E"},
        progress=False,
    )


@pytest.fixture(scope="module")
def rendered(small_product_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return _render_small(small_product_dir, out), out


def test_reports_render_to_html_and_a4_pdf(rendered):
    summary, out = rendered
    assert not summary.failed, summary.text()
    page = (out / "report_overall.html").read_text(encoding="utf-8")
    for heading in (
        "1 Introduction",
        "2 Overview",
        "3 Progress and results",
        "4 Mandate coverage by clause",
        "5 Where BDT invests most",
        "6 Coordination",
        "7 Where partners could focus",
        "Annex 1 – Mapping of activities to Resolutions",
        "Annex 2 – Data quality and method",
    ):
        assert heading in page, heading
    # Hand-worked figures (tests/conftest.py): actual 80 000, estimated 20 000.
    assert f"Spend actually incurred totals CHF 80{N}000" in page
    assert "Document TDAG-26/99-E" in page and "31 January 2025" in page
    # Workbook text is escaped; no code, no error banner, no traceback.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    for leak in ("narrative.open_report", "import ", "Traceback", "An Exception was encountered"):
        assert leak not in page, leak
    assert "data:image/svg+xml;base64," in page  # charts are vector graphics (SVG)

    africa = (out / "report_africa.html").read_text(encoding="utf-8")
    assert "AFRICA REGION" in africa and f"CHF 80{N}000" in africa
    assert "Child online protection" not in africa.split("Annex 1")[1].split("Annex 2")[0]

    for name in ("report_overall", "report_africa"):
        reader = PdfReader(str(out / f"{name}.pdf"))
        assert len(reader.pages) > 1
        first = reader.pages[0].mediabox
        assert (round(float(first.width)), round(float(first.height))) == (595, 842)  # A4
        assert (out / f"{name}.ipynb").is_file()  # the record of the run
    assert "Page 1 of" in PdfReader(str(out / "report_overall.pdf")).pages[0].extract_text()


def test_index_and_excel_annex(rendered):
    _, out = rendered
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "report_overall.pdf" in index and "report_africa.html" in index
    assert "31 January 2025" in index  # each report's as-of date, in words
    assert "name='viewport'" in index and jobs.ANNEX_NAME in index
    wb = openpyxl.load_workbook(out / jobs.ANNEX_NAME)
    assert wb.sheetnames == ["About", "Mapping", "By year"]
    ws = wb["Mapping"]
    assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"
    assert list(ws.tables) == ["Mapping"] and ws.tables["Mapping"].ref.startswith("A1:X")
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["Activity ID", "Activity", "Status"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    titles = [r[headers.index("Activity")] for r in rows]
    assert any(t.startswith("<script>") for t in titles)  # kept as text in Excel
    # Real numbers: the Total column adds up to the product's 100 000 CHF (80 000 + 20 000).
    total = headers.index("Total (CHF)")
    assert sum(r[total] for r in rows) == 100_000
    assert ws.cell(2, total + 1).number_format == "#,##0"
    years = wb["By year"]
    chf = [c.value for c in years[1]].index("CHF")
    assert sum(r[chf] for r in years.iter_rows(min_row=2, values_only=True)) == 100_000
    about = " ".join(str(c.value) for row in wb["About"].iter_rows() for c in row if c.value)
    for column in headers:
        assert column in about, column  # every column explained


def test_second_run_is_skipped(rendered, small_product_dir):
    _, out = rendered
    summary = _render_small(small_product_dir, out)
    # Nothing rendered again (how long that takes is measured by benchmarks/bench_reports).
    assert summary.outcomes and all(o.skipped for o in summary.outcomes)


def test_a_failing_report_is_kept_and_named(tmp_path, small_product_dir):
    # A test template (not the product's): it fails for one region only.
    failing = "if region == 'Europe':\n    raise ValueError('boom in the notebook')\n"
    template = _notebook(
        tmp_path,
        [_cell(PARAMS, ["parameters"]), _cell(failing), _cell("print('fine')")],
    )
    summary = rendering.render(
        ["Europe", "CIS"],
        processed_dir=small_product_dir,
        out_dir=tmp_path / "out",
        template=template,
        formats=("html",),
        progress=False,
    )
    assert [o.name for o in summary.failed] == ["report_europe"]
    assert "boom in the notebook" in summary.failed[0].error
    assert (tmp_path / "out" / "report_europe.ipynb").is_file()  # saved with its error
    assert not (tmp_path / "out" / "report_europe.html").exists()
    assert (tmp_path / "out" / "report_cis.html").is_file()  # the other one completed
    assert "FAILED report_europe" in summary.text()
    index = (tmp_path / "out" / "index.html").read_text()
    assert "Europe: not available, rendering failed (ValueError: boom in the notebook)" in index
    assert "CIS" in index
    assert (
        main(
            [
                "report",
                "--region",
                "Europe",
                "--processed",
                str(small_product_dir),
                "--quiet",
                "--out",
                str(tmp_path / "cli"),
                "--format",
                "html",
            ]
        )
        == 0
    )  # the real template renders Europe fine: exit 0


def test_a_pdf_that_cannot_be_written_fails_only_its_report(tmp_path, small_product_dir):
    template = _notebook(tmp_path, [_cell(PARAMS, ["parameters"]), _cell("print('fine')")])
    out = tmp_path / "out"
    (out / "report_europe.pdf").mkdir(parents=True)  # a folder where the PDF should go
    summary = rendering.render(
        ["Europe", "CIS"],
        processed_dir=small_product_dir,
        out_dir=out,
        template=template,
        progress=False,
    )
    assert [o.name for o in summary.failed] == ["report_europe"]
    assert summary.failed[0].error.startswith("printing the PDF failed: IsADirectoryError")
    assert (out / "report_europe.html").is_file()  # what was done is kept
    assert (out / "report_cis.pdf").is_file() and summary.outcomes[1].pages >= 1


def _job(region: str) -> jobs.Job:
    return jobs.Job(f"report_{region or 'overall'}", region, Path("t"), Path("o"), {}, (), "")


def test_next_task_prints_the_overall_report_first_and_short_prints_last():
    overall, africa, cis, europe = _job(""), _job("Africa"), _job("CIS"), _job("Europe")
    to_execute, to_print = [cis, europe], [(africa, "a"), (overall, "o")]
    order = []
    while task := pool.next_task(to_execute, to_print):
        function, args = task
        order.append((function.__name__, args[0].region or "overall"))
    assert order == [
        ("print_job", "overall"),
        ("execute_job", "CIS"),
        ("execute_job", "Europe"),
        ("print_job", "Africa"),
    ]
    assert to_execute == [] and to_print == []


def test_a_hung_cell_fails_its_report_after_the_timeout(tmp_path, small_product_dir):
    template = _notebook(
        tmp_path,
        [_cell(PARAMS, ["parameters"]), _cell("import time\ntime.sleep(60)")],
    )
    summary = rendering.render(
        ["CIS"],
        processed_dir=small_product_dir,
        out_dir=tmp_path / "out",
        template=template,
        formats=("html",),
        progress=False,
        cell_timeout=2,
    )
    assert [o.name for o in summary.failed] == ["report_cis"]
    # Had the timeout not stopped the cell, it would have finished and the report passed.
    assert "timed out" in summary.failed[0].error.lower()


def test_navigation_links_reports_and_lists_sections():
    body = (
        '<h2 id="1-Introduction">1 Introduction<a class="anchor-link" href="#1">¶</a></h2>'
        "<h2 id='Annex-1-–-Mapping'>Annex 1 – Mapping<a class='anchor-link' href='#A'>¶</a></h2>"
        "<h3 id='1.1-Scope'>1.1 Scope<a class='anchor-link' href='#s'>¶</a></h3>"
    )
    links = (("Overall", "report_overall.html"), ("Africa", "report_africa.html"))
    bar, toc = page.navigation(body, "report_africa", links)
    assert "<a href='index.html'>All reports</a>" in bar
    assert "<a href='report_overall.html'>Overall</a>" in bar
    assert "href='report_africa.html' aria-current='page'" in bar
    # Sections (h2) only, in order, linked to their anchors.
    assert toc.count("<li>") == 2 and "1.1 Scope" not in toc
    assert toc.index("#1-Introduction") < toc.index("#Annex-1-–-Mapping")
    assert page.navigation("<p>no headings</p>", "x", ())[1] == ""
    # A heading written by a block has no anchor link: its entry is its text, never the
    # section's body (the changes section's entry once swallowed its tables).
    block = "<h2 id='changes'>What changed</h2><p>Body text</p><table></table>"
    toc = page.navigation(block + body, "x", ())[1]
    assert "<li><a href='#changes'>What changed</a></li>" in toc
    assert "Body text" not in toc and "<table" not in toc


@pytest.mark.slow
def test_compare_adds_the_changes_section_and_enters_the_render_key(
    small_product_dir, tmp_path, capsys
):
    import shutil

    import pandas as pd

    # The previous edition: the same product with A4 (Completed, Kenya) and its spend
    # removed, so the comparison finds 1 new activity.
    previous = tmp_path / "previous"
    shutil.copytree(small_product_dir, previous)
    for name in ("activities", "allocations", "activity_places", "activity_resolutions"):
        frame = pd.read_parquet(previous / f"{name}.parquet")
        frame[frame["activity_id"] != "A4"].to_parquet(previous / f"{name}.parquet")
    out = tmp_path / "r"
    args = ["report", "--processed", str(small_product_dir), "--out", str(out)]
    args += ["--format", "html", "--quiet", "--compare", str(previous)]
    assert main(args) == 0
    page = (out / "report_overall.html").read_text(encoding="utf-8")
    assert "What changed since the previous edition" in page
    assert "1 activity was added" in page
    recorded = json.loads((out / state.STATE_FILE).read_text())
    # Without --compare the report is rendered again (the key differs) and compares nothing:
    # the small product keeps no previous/, so it is the first edition.
    assert main(args[:-2]) == 0
    again = json.loads((out / state.STATE_FILE).read_text())
    assert again["report_overall"]["key"] != recorded["report_overall"]["key"]
    page = (out / "report_overall.html").read_text(encoding="utf-8")
    assert "1 activity was added" not in page and "This is the first edition" in page
