"""The report's "What changed" section across the sample/real boundary and first editions."""

from __future__ import annotations

import json
import shutil

FIRST = "This is the first edition; later editions will show what changed."


def _as_sample(product_dir, to):
    """A copy of ``product_dir`` whose manifest says it was built from the sample."""
    shutil.copytree(product_dir, to)
    manifest = json.loads((to / "manifest.json").read_text())
    manifest["sample"] = True
    (to / "manifest.json").write_text(json.dumps(manifest))
    return to


def test_a_sample_edition_is_not_compared_and_the_report_says_first_edition(
    small_product_dir, tmp_path
):
    from cyber_mapping import narrative as nv

    # The same activities, IDs and titles (so 100% shared), but one edition is the sample.
    sample = _as_sample(small_product_dir, tmp_path / "previous")
    report = nv.open_report(str(small_product_dir), compare_dir=str(sample))
    assert report.previous is None
    html = str(nv.changes_section(report))
    assert "What changed since the previous edition" in html
    assert "illustrative sample" in html and "later editions will show what changed" in html
    assert "added" not in html and "<table" not in html


def test_without_a_previous_edition_the_report_says_first_edition(small_product_dir):
    from cyber_mapping import narrative as nv

    # The small product was built once: no previous/ beside its tables, no --compare.
    assert not (small_product_dir / "previous").exists()
    html = str(nv.changes_section(nv.open_report(str(small_product_dir))))
    assert FIRST in html and "<table" not in html


def test_a_comparable_edition_is_still_compared(small_product_dir):
    from cyber_mapping import narrative as nv

    report = nv.open_report(str(small_product_dir), compare_dir=str(small_product_dir))
    assert report.previous is not None
    assert "first edition" not in str(nv.changes_section(report))
