"""Mutation-killing tests for cyber_mapping.product.store's folder swaps (hand-built folders)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from cyber_mapping.product.store import recover


def _old(parent: Path, name: str, edition: str, mtime: float | None = None) -> Path:
    """A complete product left by an interrupted swap, marked by its ``edition``."""
    folder = parent / name
    folder.mkdir()
    # Each edition from other submissions (inputs differ), as a new edition is.
    manifest = {
        "package_version": "1",
        "inputs": [{"name": f"w{edition}.xlsx"}],
        "chf_cents": {},
        "edition": edition,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "activities.csv").write_text(f"{edition}\n")
    if mtime is not None:
        os.utime(folder / "manifest.json", (mtime, mtime))
    return folder


def test_recover_restores_the_newest_complete_previous_product(tmp_path):
    # Two leftovers of killed swaps; the manifest written last (mtime 2 000 000 000 s) is
    # the newer product and is restored; the older one (1 000 000 000 s) is removed.
    out = tmp_path / "processed"
    older = _old(tmp_path, ".old-processed-1-aaaa", "older", 1_000_000_000)
    _old(tmp_path, ".old-processed-2-bbbb", "newer", 2_000_000_000)
    recover(out)
    assert json.loads((out / "manifest.json").read_text())["edition"] == "newer"
    assert (out / "activities.csv").read_text() == "newer\n"
    assert not older.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


def test_recover_never_restores_an_incomplete_leftover(tmp_path):
    # An .old folder without a manifest (not a product: only the user's file) must not be
    # renamed into place, however it sorts; the complete one is restored and the user's file
    # is carried into it.
    out = tmp_path / "processed"
    _old(tmp_path, ".old-processed-1-aaaa", "complete", 1_000_000_000)
    partial = tmp_path / ".old-processed-9-zzzz"
    partial.mkdir()
    (partial / "mine.txt").write_text("mine")
    recover(out)
    assert json.loads((out / "manifest.json").read_text())["edition"] == "complete"
    assert (out / "mine.txt").read_text() == "mine"
    assert not partial.exists()


def _product(folder: Path, edition: str) -> Path:
    folder.mkdir(parents=True)
    # Each edition from other submissions (inputs differ), as a new edition is.
    manifest = {
        "package_version": "1",
        "inputs": [{"name": f"w{edition}.xlsx"}],
        "chf_cents": {},
        "edition": edition,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (folder / "activities.csv").write_text(f"{edition}\n")
    return folder


def _edition(folder: Path) -> str:
    return json.loads((folder / "manifest.json").read_text())["edition"]


def test_swap_keeps_one_edition_back_and_the_users_files(tmp_path):
    from cyber_mapping.product.store import _swap_in

    # processed/ holds edition 2, its previous/ edition 1, and the user's mine.txt.
    out = _product(tmp_path / "processed", "2")
    _product(out / "previous", "1")
    (out / "mine.txt").write_text("mine")
    staging = _product(tmp_path / ".building-processed-1-aaaa", "3")
    _swap_in(staging, out)
    # Now: edition 3, previous = 2 (one edition back; edition 1 is the package's own output
    # and goes), mine.txt carried across, no leftover folder beside it.
    assert _edition(out) == "3"
    assert _edition(out / "previous") == "2"
    assert sorted(p.name for p in (out / "previous").iterdir()) == [
        "activities.csv",
        "manifest.json",
    ]
    assert (out / "mine.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


def test_swap_over_a_folder_with_no_product_keeps_no_previous(tmp_path):
    from cyber_mapping.product.store import _swap_in

    # --force into a folder of the user's files: nothing to keep as the previous edition.
    out = tmp_path / "processed"
    out.mkdir()
    (out / "mine.txt").write_text("mine")
    staging = _product(tmp_path / ".building-processed-1-aaaa", "1")
    _swap_in(staging, out)
    assert _edition(out) == "1"
    assert not (out / "previous").exists()
    assert (out / "mine.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


def test_a_users_file_with_tmp_in_its_name_survives_a_leftover_clean_up(tmp_path):
    # Only the package's hidden temporary files (".<name>.tmp...") are deleted from a
    # leftover; the user's "budget.tmp.xlsx", carried into it during a swap, is moved back.
    out = _product(tmp_path / "processed", "1")
    leftover = tmp_path / ".building-processed-7-dead"
    leftover.mkdir()
    (leftover / "manifest.json").write_text("{}")
    (leftover / ".activities.csv.tmp123").write_text("partial")
    (leftover / "budget.tmp.xlsx").write_text("the user's")
    recover(out)
    assert not leftover.exists()
    assert (out / "budget.tmp.xlsx").read_text() == "the user's"
    assert not (out / ".activities.csv.tmp123").exists()


def test_a_folder_holding_only_a_readme_is_not_refused(tmp_path):
    from cyber_mapping.product.store import check_out_dir

    # A README (any case) beside the product is expected, not "the user's other files".
    raw = tmp_path / "raw"
    raw.mkdir()
    out = tmp_path / "processed"
    out.mkdir()
    (out / "ReadMe.md").write_text("what this folder is\n")
    check_out_dir(out, raw)  # no UsageError


def test_a_manifest_without_the_products_keys_is_not_a_product(tmp_path):
    import pytest

    from cyber_mapping.exceptions import UsageError
    from cyber_mapping.product.store import check_out_dir, is_product

    # Someone else's manifest.json (only a version) is not ours: the folder is refused
    # without --force, and with it too, since the build would replace that manifest.json.
    raw = tmp_path / "raw"
    raw.mkdir()
    out = tmp_path / "processed"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"package_version": "1"}))
    assert not is_product(out)
    with pytest.raises(UsageError, match="holds no data product"):
        check_out_dir(out, raw)
    with pytest.raises(UsageError, match="never replaced, even with --force"):
        check_out_dir(out, raw, force=True)


def test_a_rebuild_of_the_same_submissions_keeps_the_edition_before(tmp_path):
    from cyber_mapping.product.store import _swap_in

    # processed/ holds edition 2 (previous: 1); a rebuild of edition 2's submissions (new
    # code) is not a new edition: previous stays edition 1, never edition 2 itself.
    out = _product(tmp_path / "processed", "2")
    _product(out / "previous", "1")
    staging = _product(tmp_path / ".building-processed-1-aaaa", "2")
    _swap_in(staging, out)
    assert _edition(out) == "2"
    assert _edition(out / "previous") == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]
