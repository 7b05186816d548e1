"""From the sample to real data, end to end (issue 18, item 7).

In a temporary copy of the project's data layout: ``make reports`` once on the sample, then
the README's switch (delete ``sample_*.xlsx``, add the offices' workbooks, here the
real-style fixture of ``tests/realstyle.py``) and ``make reports`` again, run as the
Makefile runs it (``build``, then ``report --compare data/processed/previous`` because that
folder now exists). The sample edition kept in ``previous/`` shares Activity IDs with the
real-style workbooks by chance; the report must not compare them.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from cyber_mapping.cli import main
from tests.conftest import generated_sample
from tests.realstyle import write_realstyle

pytestmark = pytest.mark.slow


def _make_reports(data, reports):
    """What `make reports` runs (see the Makefile), through the command's entry point."""
    raw, processed = data / "raw", data / "processed"
    assert main(["build", "--raw", str(raw), "--out", str(processed)]) in (0, 1)
    previous = processed / "previous"
    compare = ["--compare", str(previous)] if (previous / "manifest.json").is_file() else []
    args = ["report", "--processed", str(processed), "--out", str(reports)]
    assert main([*args, "--format", "html", "--quiet", *compare]) == 0


@pytest.fixture(scope="module")
def switched(tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    raw = root / "data" / "raw"
    shutil.copytree(generated_sample(), raw)
    _make_reports(root / "data", root / "reports-sample")
    # The README's switch: delete the sample, add the offices' workbooks.
    for path in raw.glob("sample_*.xlsx"):
        path.unlink()
    write_realstyle(raw)
    _make_reports(root / "data", root / "reports")
    return root


def test_the_first_real_edition_is_not_compared_with_the_sample(switched):
    processed = switched / "data" / "processed"
    assert json.loads((processed / "manifest.json").read_text())["sample"] is False
    assert json.loads((processed / "previous" / "manifest.json").read_text())["sample"] is True
    page = (switched / "reports" / "report_overall.html").read_text(encoding="utf-8")
    assert "Since the previous edition (as of" not in page  # no comparison section
    assert "changes_region" not in page and "were added" not in page
    assert "This is the first edition" in page
    assert "later editions will show what changed" in page
    # Nor does it carry the sample's banner.
    sample_page = (switched / "reports-sample" / "report_overall.html").read_text("utf-8")
    assert "illustrative" in sample_page.casefold()


def test_correctly_written_rows_give_no_error(switched):
    manifest = json.loads((switched / "data" / "processed" / "manifest.json").read_text())
    assert manifest["issues"]["errors"] == 0


def test_funders_are_merged_with_their_agencies_kept(switched):
    # The fixture writes "Germany (Federal Foreign Office)" and "UAE Cyber Security Council":
    # the product's funder is the State, the agency kept beside it.
    spend = pd.read_parquet(switched / "data" / "processed" / "expenditure.parquet")
    pairs = set(zip(spend["funder"], spend["funder_agency"], strict=True))
    assert ("Germany", "Federal Foreign Office") in pairs
    assert not any("(" in str(funder) for funder in spend["funder"])
    assert "UAE Cyber Security Council" not in set(spend["funder"])
