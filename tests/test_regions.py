"""One region-alias resolution wherever a region is named: CLI, jobs, notebook parameter."""

from __future__ import annotations

import pytest

from cyber_mapping.exceptions import ReportConfigError


def test_the_cli_and_jobs_accept_the_aliases_workbooks_accept():
    from cyber_mapping.report.jobs import resolve_regions

    # "Asia-Pacific" and "the Americas" are region aliases in reference/vocabulary.csv.
    got = resolve_regions(["Asia-Pacific", "the americas", "CIS", "overall"], False)
    assert got == ["Asia and the Pacific", "Americas", "CIS", ""]


def test_the_notebook_parameter_accepts_an_alias(small_product_dir):
    from cyber_mapping import narrative as nv

    assert nv.open_report(str(small_product_dir), region="Asia-Pacific").region == (
        "Asia and the Pacific"
    )


def test_an_unknown_region_is_refused_with_a_suggestion(small_product_dir):
    from cyber_mapping import narrative as nv
    from cyber_mapping.report.jobs import resolve_regions

    with pytest.raises(ReportConfigError, match="Did you mean 'Asia and the Pacific'"):
        resolve_regions(["Asia and the Pacifc"], False)
    with pytest.raises(ReportConfigError, match="unknown region 'Atlantis'"):
        nv.open_report(str(small_product_dir), region="Atlantis")
