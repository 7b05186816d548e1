"""The raw folder's integrity against data/raw/README.md, checked by `make validate`."""

from __future__ import annotations

import hashlib

from cyber_mapping.cli import main
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook


def _readme(folder, rows):
    lines = ["# raw", "", "| file | bytes | SHA-256 |", "|---|---|---|"]
    lines += [f"| `{name}` | {size:,} | `{digest}` |" for name, size, digest in rows]
    (folder / "README.md").write_text("\n".join(lines) + "\n")


def _row(path):
    return path.name, path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()


def _good(path, aid):
    return write_workbook(
        path,
        activities=[{**GOOD_ACTIVITY, "Activity ID": aid}],
        expenditure=[{**GOOD_SPEND, "Activity ID": aid}],
    )


def _folder(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    kept, edited = _good(raw / "RO_Africa.xlsx", "A-1"), _good(raw / "HQ.xlsx", "H-1")
    _readme(raw, [_row(kept), (edited.name, 10, "0" * 64), ("RO_Europe.xlsx", 10, "1" * 64)])
    _good(raw / "RO_CIS.xlsx", "C-1")
    return raw


def test_integrity_names_unlisted_missing_and_differing_files(tmp_path):
    from cyber_mapping.intake.checksums import integrity_problems

    problems = integrity_problems(_folder(tmp_path))
    # One line per problem, each naming its file: HQ.xlsx differs (its listed digest is
    # zeros), RO_CIS.xlsx is not listed, RO_Europe.xlsx is listed but absent; RO_Africa is fine.
    assert len(problems) == 3
    assert [p.split(":")[0] for p in problems] == ["HQ.xlsx", "RO_CIS.xlsx", "RO_Europe.xlsx"]
    assert "differs" in problems[0] and "not listed" in problems[1] and "absent" in problems[2]
    assert all("README.md" in p for p in problems)


def test_a_folder_without_readme_is_not_checked(tmp_path):
    from cyber_mapping.intake.checksums import integrity_problems

    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(raw / "w.xlsx", activities=[GOOD_ACTIVITY], expenditure=[GOOD_SPEND])
    assert integrity_problems(raw) == []


def test_validate_warns_but_does_not_fail(tmp_path, capsys):
    raw = _folder(tmp_path)
    # The workbooks are valid: exit 0 although three files disagree with the README.
    assert main(["validate", "--raw", str(raw), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert "WARNING" in out and "RO_CIS.xlsx: not listed" in out
    assert "HQ.xlsx: differs" in out and "RO_Europe.xlsx: listed" in out
