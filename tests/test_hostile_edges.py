"""The edges a hostile probe found: nothing hidden, hung, run or overwritten (issue 19).

Each test creates the situation for real (a FIFO, a full filesystem, a SIGKILL of the
parent, two concurrent runs, a foreign file) and asserts the promise the README makes.
They drive the ``cyber-mapping`` command in a child process, as an operator would.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook

CODE = "import sys; from cyber_mapping.cli import main; sys.exit(main(sys.argv[1:]))"


def _run(*argv: str, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CODE, *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


def _no_traceback(proc: subprocess.CompletedProcess) -> None:
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and "Exception ignored" not in text, text


def _issues(out: Path) -> list[dict[str, str]]:
    import csv

    with open(out / "issues.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _spend(**kw) -> dict:
    return {**GOOD_SPEND, **kw}


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    write_workbook(folder / "a.xlsx", activities=[GOOD_ACTIVITY], expenditure=[GOOD_SPEND])
    return folder


# ---- 1. set-aside spend is counted gross -------------------------------------------------


def test_set_aside_spend_of_opposite_signs_does_not_cancel_out(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(
        raw / "a.xlsx",
        activities=[GOOD_ACTIVITY],
        expenditure=[
            GOOD_SPEND,
            _spend(**{"Cost type": "Travel", "Amount": 1_000_000}),
            _spend(**{"Cost type": "Travel", "Amount": -1_000_000}),
        ],
    )
    out = tmp_path / "processed"
    proc = _run("build", "--raw", str(raw), "--out", str(out))
    _no_traceback(proc)
    assert proc.returncode == 1, proc.stderr
    cents = json.loads((out / "manifest.json").read_text())["chf_cents"]
    # Net, as before: the two rows cancel; gross, as promised: CHF 2,000,000 set aside.
    assert cents["quarantined"] == 0
    assert cents["quarantined_gross"] == 2_000_000 * 100
    assert cents["quarantined_negative"] == -1_000_000 * 100
    assert cents["read_gross"] == cents["processed_gross"] + cents["quarantined_gross"]
    assert cents["processed_gross"] == 1_000 * 100
    assert "gross" in proc.stdout and "2'000'000.00" in proc.stdout
    assert "gross" in (out / "reconciliation.txt").read_text()


# ---- 2, 3, 13. every file of the raw folder is read or named -----------------------------


def _inputs(out: Path) -> dict[str, dict]:
    manifest = json.loads((out / "manifest.json").read_text())
    return {entry["file"]: entry for entry in manifest["inputs"]}


def test_a_hidden_workbook_is_named_not_skipped_in_silence(raw, tmp_path):
    write_workbook(
        raw / ".RO_Africa.xlsx",
        activities=[{**GOOD_ACTIVITY, "Activity ID": "T-9"}],
        expenditure=[_spend(**{"Activity ID": "T-9", "Amount": 3_390_000})],
    )
    (raw / "~$a.xlsx").write_bytes(b"lock")
    (raw / "._a.xlsx").write_bytes(b"\x00\x05\x16\x07")  # macOS AppleDouble
    (raw / ".DS_Store").write_bytes(b"\x00")
    (raw / "old").mkdir()
    out = tmp_path / "processed"
    proc = _run("build", "--raw", str(raw), "--out", str(out))
    _no_traceback(proc)
    by_file = {row["workbook"]: row for row in _issues(out)}
    # The hidden workbook holds real spend: an error, so that --strict fails and the office
    # or BDT renames it; lock files and macOS leftovers are named as skipped.
    assert by_file[".RO_Africa.xlsx"]["severity"] == "error"
    assert "dot" in by_file[".RO_Africa.xlsx"]["message"]
    for name in ("~$a.xlsx", "._a.xlsx", ".DS_Store", "old"):
        assert name in by_file, name
    inputs = _inputs(out)
    for name in (".RO_Africa.xlsx", "~$a.xlsx", "._a.xlsx", ".DS_Store", "old"):
        assert inputs[name]["status"] in {"skipped", "unreadable"}, name
        assert inputs[name]["reason"], name
    # The build's own output names them too, with the reason.
    assert ".RO_Africa.xlsx (skipped): a hidden file" in proc.stdout
    strict = _run("build", "--raw", str(raw), "--out", str(tmp_path / "p2"), "--strict")
    assert strict.returncode == 1
    assert "No file was found" not in strict.stdout + strict.stderr


def test_a_fifo_and_a_device_named_xlsx_do_not_hang_the_run(raw, tmp_path):
    os.mkfifo(raw / "x.xlsx")
    (raw / "z.xlsx").symlink_to("/dev/zero")
    out = tmp_path / "processed"
    for argv in (("validate",), ("build",)):
        proc = _run(*argv, "--raw", str(raw), "--out", str(out), timeout=120)
        _no_traceback(proc)
        assert proc.returncode == 1, proc.stderr
        by_file = {row["workbook"]: row["message"] for row in _issues(out)}
        assert "not a regular file" in by_file["x.xlsx"]
        assert "not a regular file" in by_file["z.xlsx"]


def test_a_symlink_to_a_workbook_outside_the_raw_folder_is_read_and_said(raw, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = write_workbook(
        elsewhere / "real.xlsx",
        activities=[{**GOOD_ACTIVITY, "Activity ID": "T-7", "Activity": "National CIRT drill"}],
        expenditure=[_spend(**{"Activity ID": "T-7"})],
    )
    (raw / "link.xlsx").symlink_to(target)
    out = tmp_path / "processed"
    proc = _run("build", "--raw", str(raw), "--out", str(out))
    _no_traceback(proc)
    rows = [
        r for r in _issues(out) if r["workbook"] == "link.xlsx" and str(target) in r["message"]
    ]
    assert [r["severity"] for r in rows] == ["warning"]
    assert "T-7" in (out / "activities.csv").read_text()  # read all the same


def test_a_read_that_makes_no_progress_is_stopped_and_named(raw, monkeypatch):
    from cyber_mapping.intake import reading

    def stuck(path):
        time.sleep(30)  # as a read from a disk that stopped answering

    monkeypatch.setattr(reading, "READ_TIMEOUT_S", 0.3)
    monkeypatch.setattr(reading, "read_workbook", stuck)
    started = time.monotonic()
    intake = reading.read_folder(raw)
    assert time.monotonic() - started < 10
    (problem,) = intake.issues
    assert problem["workbook"] == "a.xlsx" and problem["severity"] == "error"
    assert "made no progress" in problem["message"]
    assert [w.status for w in intake.workbooks] == ["unreadable"]


# ---- 4. a full disk: one line, nothing half-written under a final name ------------------


@pytest.fixture(scope="module")
def small_product(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("product")
    raw = base / "raw"
    raw.mkdir()
    write_workbook(raw / "a.xlsx", activities=[GOOD_ACTIVITY], expenditure=[GOOD_SPEND])
    out = base / "processed"
    proc = _run("build", "--raw", str(raw), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def _whole(path: Path) -> bool:
    """Whether a file under its final name is complete for its kind."""
    data = path.read_bytes()
    if not data:
        return False
    if path.suffix == ".ipynb" or path.suffix == ".json":
        try:
            json.loads(data)
        except ValueError:
            return False
    if path.suffix == ".pdf":
        return data.rstrip().endswith(b"%%EOF")
    if path.suffix in {".xlsx", ".docx"}:
        try:
            with zipfile.ZipFile(path) as archive:
                return archive.testzip() is None
        except zipfile.BadZipFile:
            return False
    if path.suffix == ".html":
        return b"</html>" in data[-200:]
    return True


@pytest.mark.slow
def test_a_full_disk_during_report_is_one_line_and_leaves_nothing_half_written(
    small_product, tmp_path
):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mnt = tmp_path / "full"
    mnt.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mnt)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        proc = _run(
            "report",
            "--region",
            "Africa",
            "--processed",
            str(small_product),
            "--out",
            str(mnt),
            "--quiet",
        )
        _no_traceback(proc)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        errors = [line for line in proc.stderr.splitlines() if line.strip()]
        assert len(errors) == 1 and errors[0].startswith("error:"), proc.stderr
        assert "disk is full" in errors[0]
        # (the run's lock file is empty by design: it holds a lock, not data)
        outputs = [p for p in mnt.rglob("*") if p.is_file() and p.suffix != ".lock"]
        leftovers = [p for p in outputs if not _whole(p)]
        assert leftovers == []
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


# ---- 5. kill -9 of report: no worker left, nothing renamed into place afterwards ---------


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_kill_9_of_report_leaves_no_worker_and_no_late_output(small_product, tmp_path):
    out = tmp_path / "reports"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CODE,
            "report",
            "--all",
            "--processed",
            str(small_product),
            "--out",
            str(out),
            "--quiet",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not workers:
        time.sleep(0.2)
        workers = _children(proc.pid)
    assert workers, "the report never started a worker"
    kernels: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not kernels:  # wait until a kernel runs
        time.sleep(0.2)
        workers |= _children(proc.pid)
        kernels = {k for w in workers for k in _children(w)}
    assert kernels, "no worker started a kernel"
    workers |= kernels  # the kernels must die with the run too
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(1.0)
    before = sorted(p.name for p in out.glob("*")) if out.exists() else []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.2)
    assert [w for w in workers if _alive(w)] == []
    time.sleep(3)
    after = sorted(p.name for p in out.glob("*")) if out.exists() else []
    assert set(after) <= set(before), "outputs appeared after the run was killed"


# ---- 6. feedback copies carry values, never formulas -------------------------------------


def test_feedback_copies_carry_no_formula(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    book = write_workbook(
        raw / "a.xlsx",
        activities=[{**GOOD_ACTIVITY, "Activity": '=HYPERLINK("http://evil.example","x")'}],
        expenditure=[_spend(Amount="=1000+1", **{"Cost type": "Travel"})],
    )
    wb = openpyxl.load_workbook(book)
    assert any(c.data_type == "f" for row in wb["Activities"].iter_rows() for c in row)
    out = tmp_path / "processed"
    feedback = tmp_path / "feedback"
    proc = _run("validate", "--raw", str(raw), "--out", str(out), "--feedback", str(feedback))
    _no_traceback(proc)
    copies = list(feedback.glob("*.xlsx"))
    assert copies
    for copy in copies:
        wb = openpyxl.load_workbook(copy)
        formulas = [
            (ws.title, c.coordinate)
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for c in row
            if c.data_type == "f"
        ]
        assert formulas == [], copy
        shown = [c.value for row in wb["Activities"].iter_rows() for c in row]
        assert '=HYPERLINK("http://evil.example","x")' in shown  # as text, for the office
        with zipfile.ZipFile(copy) as archive:
            xml = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
        assert b"<f>" not in xml and b"<f " not in xml


# ---- 7, 12. never replace a file the package did not write -------------------------------


def test_sample_refuses_to_overwrite_a_foreign_workbook(tmp_path):
    out = tmp_path / "raw"
    out.mkdir()
    foreign = write_workbook(out / "sample_RO_CIS.xlsx", activities=[GOOD_ACTIVITY])
    before = foreign.read_bytes()
    proc = _run("sample", "--out", str(out))
    _no_traceback(proc)
    assert proc.returncode == 2
    assert "sample_RO_CIS.xlsx" in proc.stderr
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["sample_RO_CIS.xlsx"]
    # A sample it wrote itself is regenerated without --force; --force replaces the foreign.
    again = tmp_path / "again"
    assert _run("sample", "--out", str(again)).returncode == 0
    assert _run("sample", "--out", str(again)).returncode == 0
    assert _run("sample", "--out", str(out), "--force").returncode == 0
    assert foreign.read_bytes() != before


def test_build_force_never_replaces_a_users_file_of_the_same_name(raw, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "activities.csv").write_text("my own table\n")
    (out / "notes.txt").write_text("keep me\n")
    proc = _run("build", "--raw", str(raw), "--out", str(out), "--force")
    _no_traceback(proc)
    assert proc.returncode == 2
    assert "activities.csv" in proc.stderr
    assert (out / "activities.csv").read_text() == "my own table\n"
    assert not (out / "manifest.json").exists()
    (out / "activities.csv").unlink()
    proc = _run("build", "--raw", str(raw), "--out", str(out), "--force")
    assert proc.returncode == 0, proc.stderr
    assert (out / "notes.txt").read_text() == "keep me\n"
    assert (out / "manifest.json").exists()


# ---- 8. two report runs into one folder take turns ---------------------------------------


@pytest.mark.slow
def test_two_report_runs_into_one_folder_keep_both_reports(small_product, tmp_path):
    out = tmp_path / "reports"
    argv = ["report", "--processed", str(small_product), "--out", str(out), "--quiet"]
    argv += ["--format", "html"]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", CODE, *argv, "--region", region],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for region in ("Africa", "Europe")
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert any("waiting" in err for _, err in outputs), outputs
    state = json.loads((out / ".render-state.json").read_text())
    assert {"report_africa", "report_europe"} <= set(state)
    index = (out / "index.html").read_text()
    assert "report_africa.html" in index and "report_europe.html" in index


# ---- 9. Excel outputs are byte-identical for identical inputs ----------------------------


def test_templates_and_feedback_copies_are_byte_identical(raw, tmp_path):
    first, second = tmp_path / "t1.xlsx", tmp_path / "t2.xlsx"
    assert _run("template", "--out", str(first)).returncode == 0
    time.sleep(1.1)  # a timestamp in seconds would differ now
    assert _run("template", "--out", str(second)).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    write_workbook(raw / "b.xlsx", activities=[{**GOOD_ACTIVITY, "Status": "Done?"}])
    copies = []
    for n in (1, 2):
        folder = tmp_path / f"fb{n}"
        _run(
            "validate",
            "--raw",
            str(raw),
            "--out",
            str(tmp_path / f"p{n}"),
            "--feedback",
            str(folder),
        )
        copies.append({p.name: p.read_bytes() for p in folder.glob("*.xlsx")})
        time.sleep(1.1)
    assert copies[0] and copies[0] == copies[1]


@pytest.mark.slow
def test_the_excel_annex_is_byte_identical(small_product, tmp_path):
    annexes = []
    for n in (1, 2):
        out = tmp_path / f"r{n}"
        proc = _run(
            "report",
            "--region",
            "Africa",
            "--processed",
            str(small_product),
            "--out",
            str(out),
            "--format",
            "html",
            "--quiet",
        )
        assert proc.returncode == 0, proc.stderr
        annexes.append({p.name: p.read_bytes() for p in out.glob("*.xlsx")})
        time.sleep(1.1)
    assert annexes[0] and annexes[0] == annexes[1]


# ---- 10. nonsense numbers are refused in one line ----------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("report", "--cell-timeout", "-5"),
        ("report", "--cell-timeout", "0"),
        ("report", "--cell-timeout", "ten"),
        ("sample", "--seed", "-1"),
        ("build", "--period", "2030-2017"),
    ],
)
def test_nonsense_numeric_options_are_one_line_exit_2(argv, tmp_path):
    proc = _run(*argv, "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), proc.stderr
    assert argv[1] in lines[0]


# ---- 11. a file name cannot forge console lines ------------------------------------------


def test_a_newline_in_a_file_name_is_printed_escaped(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(
        raw / "evil\nReconciliation: balances.xlsx",
        activities=[{**GOOD_ACTIVITY, "Status": "Done?"}],
        expenditure=[GOOD_SPEND],
    )
    for argv in (("validate",), ("build",)):
        proc = _run(*argv, "--raw", str(raw), "--out", str(tmp_path / "p"))
        _no_traceback(proc)
        text = proc.stdout + proc.stderr
        forged = [
            line for line in text.splitlines() if line.startswith("Reconciliation: balances.x")
        ]
        assert forged == [], text
        if argv == ("validate",):  # build names no workbook; validate names each one
            assert "evil\\nReconciliation" in text, text
