"""Ordinary operator mistakes end in one line naming the path and the fix, never a traceback.

Permissions are tested in a child process; as root (CI), the child runs without the
capability to override file permissions (``setpriv``), so that ``chmod 000`` means what it
means for everyone else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook

CODE = "import sys; from cyber_mapping.cli import main; sys.exit(main(sys.argv[1:]))"


def _run(*argv: str) -> subprocess.CompletedProcess:
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]
    return subprocess.run(
        [*prefix, sys.executable, "-c", CODE, *argv], capture_output=True, text=True, timeout=300
    )


def _one_line(proc: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "raw"
    folder.mkdir()
    write_workbook(folder / "a.xlsx", activities=[GOOD_ACTIVITY], expenditure=[GOOD_SPEND])
    locked = write_workbook(
        folder / "locked.xlsx",
        activities=[{**GOOD_ACTIVITY, "Activity ID": "T-2"}],
        expenditure=[{**GOOD_SPEND, "Activity ID": "T-2"}],
    )
    locked.chmod(0)
    yield folder
    locked.chmod(0o644)


def test_an_unreadable_workbook_is_its_own_error_and_the_others_are_read(raw, tmp_path):
    out = tmp_path / "processed"
    proc = _run("build", "--raw", str(raw), "--out", str(out))
    # Exit 1: the unreadable file is a data error (build exits 1 exactly when there are
    # errors), and the product is still written from the other workbooks.
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    issues = (out / "issues.csv").read_text()
    assert "locked.xlsx" in issues and "permission denied" in issues and "chmod" in issues
    manifest = (out / "manifest.json").read_text()
    assert '"status": "unreadable"' in manifest
    assert '"activities": 1' in manifest  # a.xlsx was read


def test_validate_lists_the_unreadable_workbook(raw, tmp_path):
    proc = _run("validate", "--raw", str(raw), "--out", str(tmp_path / "v"))
    assert proc.returncode == 1  # a data error: the office's file
    assert "locked.xlsx: unreadable; 1 error(s)" in proc.stdout
    assert "a.xlsx: activities 1" in proc.stdout


def _commands(raw: Path, tmp_path: Path, target: Path) -> dict[str, list[str]]:
    return {
        "build": ["build", "--raw", str(raw), "--out", str(target)],
        "validate": ["validate", "--raw", str(raw), "--out", str(target)],
        "feedback": [
            "validate",
            "--raw",
            str(raw),
            "--out",
            str(tmp_path / "v"),
            "--feedback",
            str(target),
        ],
        "report": ["report", "--out", str(target), "--processed", str(tmp_path / "none")],
        "template": ["template", "--all", "--out", str(target)],
    }


# Every command in one child (one interpreter start, not five): exit code and stderr each.
_EACH = """
import contextlib, io, json, sys
from cyber_mapping.cli import main
out = {}
for name, argv in json.loads(sys.argv[1]).items():
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(argv)
    out[name] = [code, err.getvalue()]
print(json.dumps(out))
"""


def test_a_read_only_output_folder(raw, tmp_path):
    import json

    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o555)
    try:
        commands = _commands(raw, tmp_path, data / "out")
        prefix = []
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv: permissions cannot be tested")
            prefix = [shutil.which("setpriv"), "--bounding-set", "-dac_override,-dac_read_search"]
        proc = subprocess.run(
            [*prefix, sys.executable, "-c", _EACH, json.dumps(commands)],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        data.chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout.splitlines()[-1])
    for name, (code, err) in results.items():
        lines = [line for line in err.splitlines() if line.startswith("error:")]
        assert code == 2 and len(lines) == 1, (name, code, err)
        assert str(data) in lines[0] and "not writable" in lines[0], (name, err)
        assert "Traceback" not in err


@pytest.mark.parametrize("command", ["build", "validate", "feedback", "report", "template"])
def test_a_file_where_an_output_folder_is_expected(raw, tmp_path, command, capsys):
    from cyber_mapping.cli import main

    blocker = tmp_path / "out"
    blocker.write_text("I am a file")
    target = blocker / "sub" if command == "template" else blocker
    code = main(_commands(raw, tmp_path, target)[command])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert str(blocker) in err and "is a file" in err
    assert blocker.read_text() == "I am a file"


def test_template_out_is_a_folder(tmp_path, capsys):
    from cyber_mapping.cli import main

    assert main(["template", "--out", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_an_unlistable_raw_folder(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    raw.chmod(0)
    try:
        proc = _run("validate", "--raw", str(raw), "--out", str(tmp_path / "v"))
    finally:
        raw.chmod(0o755)
    line = _one_line(proc)
    assert proc.returncode == 1 and str(raw) in line and "read access" in line


def test_an_os_error_mid_way_is_one_line(tmp_path, monkeypatch, capsys):
    # Whatever slips past the checks (a disk that fills up) is still one line, exit 2.
    from cyber_mapping import cli
    from cyber_mapping.product import build

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", str(tmp_path / "p" / "x.parquet"))

    monkeypatch.setattr(build, "build", full)
    raw = tmp_path / "raw"
    raw.mkdir()
    assert cli.main(["build", "--raw", str(raw), "--out", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "x.parquet" in err and "disk is full" in err


def test_a_read_only_data_folder_with_a_writable_product_folder(raw, tmp_path):
    # The product is built beside data/processed and swapped in: data/ must be writable.
    processed = tmp_path / "data" / "processed"
    processed.mkdir(parents=True)
    processed.parent.chmod(0o555)
    try:
        proc = _run("build", "--raw", str(raw), "--out", str(processed))
    finally:
        processed.parent.chmod(0o755)
    line = _one_line(proc)
    assert proc.returncode == 2
    assert f"{processed.parent} is not writable" in line and "built beside it" in line
