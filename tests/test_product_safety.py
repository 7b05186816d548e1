"""The product folder under operator mistakes, kills and concurrency: never destroy, recover."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyber_mapping import load
from cyber_mapping.cli import main
from cyber_mapping.exceptions import UsageError
from cyber_mapping.product.build import build
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "data" / "raw"
    folder.mkdir(parents=True)
    write_workbook(folder / "w.xlsx", activities=[GOOD_ACTIVITY], expenditure=[GOOD_SPEND])
    (folder / "README.md").write_text("checksums\n")
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_out_equal_to_raw_is_refused_and_deletes_nothing(raw):
    before = _files(raw)
    with pytest.raises(UsageError, match="raw data folder"):
        build(raw, raw)
    assert _files(raw) == before


@pytest.mark.parametrize("where", ["parent", "grandparent", "inside"])
def test_out_holding_or_inside_the_raw_folder_is_refused(raw, where):
    out = {"parent": raw.parent, "grandparent": raw.parent.parent, "inside": raw / "p"}[where]
    before = _files(raw)
    with pytest.raises(UsageError, match="raw data folder"):
        build(raw, out)
    assert _files(raw) == before and not (raw / "p").exists()


def test_a_folder_of_other_files_is_refused_then_kept_with_force(raw, tmp_path):
    out = tmp_path / "mine"
    (out / "notes").mkdir(parents=True)
    (out / "thesis.docx").write_bytes(b"years of work")
    (out / "notes" / "a.txt").write_text("a")
    with pytest.raises(UsageError, match="not empty .*thesis.docx.* --force"):
        build(raw, out)
    assert (out / "thesis.docx").read_bytes() == b"years of work"
    build(raw, out, force=True)
    assert (out / "thesis.docx").read_bytes() == b"years of work"
    assert (out / "notes" / "a.txt").read_text() == "a"
    assert (out / "manifest.json").is_file()
    # Now a product: rebuilt without --force, the other files still kept.
    build(raw, out)
    assert (out / "thesis.docx").read_bytes() == b"years of work"
    assert not list(tmp_path.glob(".old-*")) and not list(tmp_path.glob(".building-*"))


def test_a_previous_product_is_recognised_by_its_manifest(raw, tmp_path):
    out = tmp_path / "processed"
    build(raw, out)
    (out / "README.md").write_text("about this folder\n")
    (out / "analysis.ipynb").write_text("{}")  # an analyst's file beside the product
    build(raw, out)
    assert (out / "README.md").read_text() == "about this folder\n"
    assert (out / "analysis.ipynb").read_text() == "{}"
    # A manifest of something else is not a product.
    other = tmp_path / "other"
    other.mkdir()
    (other / "manifest.json").write_text(json.dumps({"name": "some other tool"}))
    with pytest.raises(UsageError, match="holds no data product"):
        build(raw, other)


def test_the_product_folder_follows_the_umask(raw, tmp_path):
    old = os.umask(0o022)
    try:
        build(raw, tmp_path / "processed")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "processed").stat().st_mode)
    assert mode == 0o755, oct(mode)  # was 0o700 (mkdtemp)


_KILL_BETWEEN_RENAMES = """
import os, signal, sys
from pathlib import Path
from cyber_mapping.product.build import build
real = os.replace
def replace(src, dst, *args, **kwargs):
    # The second rename of the swap (the new product into place) is never reached.
    if Path(str(src)).name.startswith(".building-") and Path(str(dst)).name == "processed":
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst, *args, **kwargs)
os.replace = replace
build(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_a_build_killed_between_the_renames_is_recovered(raw, tmp_path):
    out = tmp_path / "processed"
    first = build(raw, out)
    (out / "README.md").write_text("kept\n")
    write_workbook(
        raw / "w2.xlsx",
        activities=[{**GOOD_ACTIVITY, "Activity ID": "T-2"}],
        expenditure=[{**GOOD_SPEND, "Activity ID": "T-2"}],
    )
    proc = subprocess.run(
        [sys.executable, "-c", _KILL_BETWEEN_RENAMES, str(raw), str(out)], capture_output=True
    )
    assert proc.returncode == -9, proc.stderr.decode()
    assert not out.exists()  # the state the kill leaves
    assert list(tmp_path.glob(".old-processed-*")) and list(tmp_path.glob(".building-processed-*"))
    # load() still finds the previous product meanwhile.
    assert load(out).manifest["chf_cents"] == first["chf_cents"]
    # The next build repairs, cleans the leftovers and writes the new product.
    second = build(raw, out)
    assert second["row_counts"]["activities"] == 2
    assert (out / "README.md").read_text() == "kept\n"
    assert not list(tmp_path.glob(".old-*")) and not list(tmp_path.glob(".building-*"))


def test_leftovers_never_lose_the_users_files(raw, tmp_path):
    out = tmp_path / "processed"
    build(raw, out)
    # A kill after the user's file was carried into the new folder, before the renames.
    leftover = tmp_path / ".building-processed-999-dead"
    leftover.mkdir()
    (leftover / "manifest.json").write_text("{}")
    (leftover / "mine.txt").write_text("mine")
    build(raw, out)
    assert (out / "mine.txt").read_text() == "mine"
    assert not leftover.exists()


def test_concurrent_builds_take_turns(raw, tmp_path):
    out = tmp_path / "processed"
    code = "import sys; from cyber_mapping.cli import main; sys.exit(main(sys.argv[1:]))"
    argv = [sys.executable, "-c", code, "build", "--raw", str(raw), "--out", str(out)]
    runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in "ab"]
    results = [(p.wait(), p.stderr.read().decode()) for p in runs]
    assert [r[0] for r in results] == [0, 0], results
    assert load(out).manifest["row_counts"]["activities"] == 1
    assert not list(tmp_path.glob(".old-*")) and not list(tmp_path.glob(".building-*"))


def test_a_waiting_build_says_so(raw, tmp_path, capsys):
    import fcntl

    out = tmp_path / "processed"
    out.parent.mkdir(exist_ok=True)
    lock = tmp_path / ".processed.lock"
    code = "import sys; from cyber_mapping.cli import main; sys.exit(main(sys.argv[1:]))"
    argv = [sys.executable, "-c", code, "build", "--raw", str(raw), "--out", str(out)]
    with open(lock, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # The child reports that it waits, then blocks until the lock is released.
        line = proc.stderr.readline().decode()
        assert "another build is writing" in line and "waiting" in line
        assert proc.poll() is None
    assert proc.wait() == 0


def test_cli_refuses_with_exit_2(raw, tmp_path, capsys):
    assert main(["build", "--raw", str(raw), "--out", str(raw)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "raw data folder" in err
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x.txt").write_text("x")
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "busy")]) == 2
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "busy"), "--force"]) == 0
    assert (tmp_path / "busy" / "x.txt").read_text() == "x"


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--out", "{raw}"],
        ["validate", "--out", "{raw}/sub"],
        ["validate", "--out", "{tmp}/v", "--feedback", "{raw}/fb"],
    ],
)
def test_validate_never_writes_into_the_raw_folder(raw, tmp_path, capsys, argv):
    before = sorted(p.name for p in raw.rglob("*"))
    args = [a.format(raw=raw, tmp=tmp_path) for a in argv]
    assert main([args[0], "--raw", str(raw), *args[1:]]) == 2
    assert "raw data folder" in capsys.readouterr().err
    assert sorted(p.name for p in raw.rglob("*")) == before


def test_template_and_report_never_write_into_the_raw_folder(tmp_path, capsys, monkeypatch):
    from cyber_mapping import cli

    raw = tmp_path / "raw"
    raw.mkdir()
    monkeypatch.setattr(cli, "RAW_DIR", raw)
    assert main(["template", "--out", str(raw / "t.xlsx")]) == 2
    assert main(["template", "--all", "--out", str(raw / "templates")]) == 2
    assert main(["report", "--out", str(raw)]) == 2
    assert "raw data folder" in capsys.readouterr().err
    assert not list(raw.iterdir())


_CELL = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(-5, 5, allow_nan=False),
    st.text(alphabet="=+-@\t\r1a ", max_size=4),
)


@given(st.lists(_CELL, max_size=30))
@settings(max_examples=300, deadline=None)
def test_csv_neutralising_by_distinct_value_equals_cell_by_cell(values):
    # 1, 1.0 and True hash alike: judged once per distinct value, they must stay apart.
    import pandas as pd

    from cyber_mapping.product.store import _neutralised, neutralise

    def written(v):  # what the CSV holds: None and NaN are both an empty field
        return "" if v is None or (isinstance(v, float) and v != v) else (type(v), v)

    # Cell by cell, as neutralise() says (Series.map would also turn [None, 0] into
    # [nan, 0.0], writing "0.0": the distinct-value route keeps the 0).
    series = pd.Series(values, dtype=object)
    fast = _neutralised(series)
    assert [written(v) for v in fast] == [written(neutralise(v)) for v in values]


# ------------------------------------------------------------------ the previous edition
def test_each_build_keeps_the_product_it_replaces_as_previous(raw, tmp_path):
    out = tmp_path / "processed"
    first = build(raw, out)
    assert not (out / "previous").exists()  # nothing to keep yet
    (out / "my-notes.txt").write_text("mine")
    write_workbook(
        raw / "w2.xlsx",
        activities=[{**GOOD_ACTIVITY, "Activity ID": "A-2"}],
        expenditure=[{**GOOD_SPEND, "Activity ID": "A-2"}],
    )
    second = build(raw, out)
    kept = json.loads((out / "previous" / "manifest.json").read_text())
    assert kept["inputs"] == first["inputs"] != second["inputs"]
    assert load(out / "previous").activities["activity_id"].tolist() == ["T-1"]
    assert (out / "my-notes.txt").read_text() == "mine"  # the user's file stays
    # A third build keeps the second as previous; no previous of the previous remains.
    (raw / "w2.xlsx").unlink()
    build(raw, out)
    kept = json.loads((out / "previous" / "manifest.json").read_text())
    assert kept["inputs"] == second["inputs"]
    assert not (out / "previous" / "previous").exists()
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == [
        ".processed.lock"
    ]
