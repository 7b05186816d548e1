"""The raw folder's integrity: its files against the checksum table of its README.md.

``data/raw/README.md`` lists every submission as received with its SHA-256 (BDT adds the
line when it saves a workbook). ``validate`` compares the folder with that table and names
each file that is not listed, listed but absent, or different from its listed checksum.
These are warnings for BDT, never errors in the offices' data: the exit code of
``validate`` keeps meaning "a workbook has errors", whether the folder holds the sample or
real submissions. A folder without a README.md (a folder of one's own, ``--raw``) is not
checked.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

README = "README.md"
# A row of the table: | `file` | bytes | `sha256` |
_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*[\d,' ]+\s*\|\s*`([0-9a-fA-F]{64})`\s*\|", re.M)
# Files of the folder that are not submissions (as the reader passes them over).
_NOT_SUBMISSIONS = {README, ".gitkeep"}


def readme_checksums(folder: Path) -> dict[str, str] | None:
    """The file -> SHA-256 table of ``folder/README.md`` (None without a README)."""
    path = Path(folder) / README
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    return {name: digest.lower() for name, digest in _ROW.findall(text)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def integrity_problems(folder: Path) -> list[str]:
    """One line per file that disagrees with ``folder/README.md``'s checksums, by file name.

    Dot files (lock files, hidden files) are left to the reader, which names them itself.
    """
    folder = Path(folder)
    listed = readme_checksums(folder)
    if listed is None:
        return []
    present = {
        p.name: p
        for p in folder.iterdir()
        if p.is_file() and p.name not in _NOT_SUBMISSIONS and not p.name.startswith(".")
    }
    fix = f"add or correct its line in {folder / README} (sha256sum)"
    problems: dict[str, str] = {}
    for name, path in present.items():
        if name not in listed:
            problems[name] = f"{name}: not listed in {folder / README}; {fix}."
        elif _sha256(path) != listed[name]:
            problems[name] = (
                f"{name}: differs from its SHA-256 in {folder / README}. A submission is kept "
                f"as received: if the office sent a new version, {fix}; otherwise restore the "
                "file as received."
            )
    for name in listed.keys() - present.keys():
        problems[name] = (
            f"{name}: listed in {folder / README} but absent from the folder; restore it or "
            "delete its line."
        )
    return [problems[name] for name in sorted(problems)]
