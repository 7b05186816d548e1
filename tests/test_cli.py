"""The command line: exit codes, summaries, and messages instead of tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cyber_mapping.cli import main
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, generated_sample, write_workbook


def test_validate_sample_names_deliberate_errors(tmp_path, capsys):
    code = main(["validate", "--raw", str(generated_sample()), "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "sample_BDT_HQ.xlsx:" in out and "ERROR" in out
    assert "'Keyna' is not a recognised ITU Member State" in (tmp_path / "issues.csv").read_text()
    assert (tmp_path / "quarantine.csv").is_file()


def test_validate_clean_folder_exits_zero(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(raw / "w.xlsx", activities=[GOOD_ACTIVITY], expenditure=[GOOD_SPEND])
    assert main(["validate", "--raw", str(raw), "--out", str(tmp_path / "o")]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_build_prints_reconciliation_and_strict_fails(tmp_path, capsys):
    # The sample has deliberate errors: the product is written and build exits 1.
    assert main(["build", "--raw", str(generated_sample()), "--out", str(tmp_path / "p")]) == 1
    out = capsys.readouterr().out
    assert "CHF read" in out and "balances" in out
    assert (tmp_path / "p" / "manifest.json").is_file()
    code = main(
        ["build", "--raw", str(generated_sample()), "--out", str(tmp_path / "q"), "--strict"]
    )
    assert code == 1 and not (tmp_path / "q").exists()
    assert "--strict" in capsys.readouterr().err


def test_missing_folder_is_a_message_not_a_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "cyber_mapping.cli", "validate", "--raw", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_report_passes_its_options_to_the_renderer(monkeypatch, tmp_path, capsys):
    from cyber_mapping.report import jobs, rendering

    seen = {}

    def fake_render(regions, **kwargs):
        seen.update(kwargs, regions=regions)
        return jobs.Summary([], tmp_path, 0.0)

    monkeypatch.setattr(rendering, "render", fake_render)
    code = main(
        ["report", "--region", "CIS", "--format", "html", "--cell-timeout", "42", "--quiet"]
    )
    assert code == 0
    assert seen["regions"] == ["CIS"] and seen["formats"] == ("html",)
    assert seen["cell_timeout"] == 42 and seen["progress"] is False
    assert "compare_dir" not in seen["parameters"]  # no --compare: no comparison


def test_report_compare_passes_an_absolute_folder(monkeypatch, tmp_path):
    from cyber_mapping.report import jobs, rendering

    seen = {}

    def fake_render(regions, **kwargs):
        seen.update(kwargs)
        return jobs.Summary([], tmp_path, 0.0)

    monkeypatch.setattr(rendering, "render", fake_render)
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--compare", "previous", "--quiet"]) == 0
    assert seen["parameters"]["compare_dir"] == str(tmp_path / "previous")


def test_a_missing_previous_product_is_named_before_any_kernel(tmp_path, small_product_dir):
    from cyber_mapping.exceptions import ProductNotFoundError
    from cyber_mapping.report import rendering

    with pytest.raises(ProductNotFoundError, match="no previous data product"):
        rendering.render(
            processed_dir=small_product_dir,
            out_dir=tmp_path / "r",
            parameters={"compare_dir": str(tmp_path / "nope")},
            progress=False,
        )


def test_open_report_loads_the_previous_edition(tmp_path, small_product_dir):
    from cyber_mapping import narrative as nv

    report = nv.open_report(str(small_product_dir), compare_dir=str(small_product_dir))
    assert report.previous is not None
    from cyber_mapping.exceptions import ReportConfigError

    with pytest.raises(ReportConfigError, match="no previous data product"):
        nv.open_report(str(small_product_dir), compare_dir=str(tmp_path))
    # The same product compared with itself: nothing new, said without "0 activities".
    text = nv.changes_section(report)
    assert "no activities were added and no activities were completed" in text
    assert "no activities changed status." in text
    assert "Recorded spend (actual and estimated) is unchanged." in text
