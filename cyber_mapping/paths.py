"""Every filesystem location the project uses, derived from this file's place, never the cwd."""

import contextlib
import fcntl
import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
# BDT's UN operational rates of exchange: data BDT edits, outside the package code.
UN_OPERATIONAL_RATES = DATA_DIR / "reference" / "un_operational_rates.csv"
REPORTS_DIR = PROJECT_ROOT / "reports"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DOCS_DIR = PROJECT_ROOT / "docs"
REFERENCE_DIR = PACKAGE_DIR / "reference"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
CONTRACT_PATH = DOCS_DIR / "workbook-contract.md"
REPORT_NOTEBOOK = NOTEBOOKS_DIR / "report.ipynb"


def is_within(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it (links and ``..`` resolved)."""
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def refuse_raw_output(path: Path, raw_dir: Path, what: str) -> None:
    """Refuse to write ``what`` at ``path`` when it is, or lies inside, the raw data folder.

    The raw folder is read-only input: a file written there (a template, a report, an
    annex) would be read as a submission by the next build.

    Raises
    ------
    UsageError
        Naming the path and what to do.
    """
    from cyber_mapping.exceptions import UsageError

    if is_within(path, raw_dir):
        raise UsageError(
            f"{path} is inside the raw data folder {raw_dir}, which is only ever read (the next "
            f"build would read {what} as a submission). Write {what} elsewhere (--out)."
        )


def check_writable_folder(folder: Path, what: str) -> None:
    """Refuse early a folder that cannot be written: a file in its way, no permission.

    Checked before any work, so that an operator's mistake costs a one-line message, not a
    traceback after minutes of reading.

    Raises
    ------
    UsageError
        Naming the path and what to do.
    """
    from cyber_mapping.exceptions import UsageError

    folder = Path(folder)
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise UsageError(
            f"{probe} is a file, where a folder for {what} is expected. Move the file away or "
            "choose another folder (--out)."
        )
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(
            f"cannot write {what} to {folder}: {probe} is not writable. Choose a folder you "
            "can write to (--out), or ask for write access to it."
        )


def temporary_name(path: Path) -> Path:
    """A hidden name beside ``path`` to write to before renaming into place."""
    path = Path(path)
    # The extension is kept last: some writers (papermill) choose the format by it.
    return path.with_name(f".{path.stem}.{os.getpid()}-{secrets.token_hex(4)}.tmp{path.suffix}")


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place if the block succeeds.

    A reader (or a run killed half-way) never sees a half-written file under the final
    name; on failure the temporary file is removed and the old file is untouched.
    """
    path = Path(path)
    tmp = temporary_name(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def exclusive_lock(lock_file: Path, waiting: str) -> Iterator[None]:
    """Hold an OS file lock on ``lock_file``; a second holder waits, and says ``waiting``.

    The lock file is never deleted (removing it while another process waits on it would
    let a third one in). The kernel releases the lock when the process ends, however it
    ends, so a killed run never leaves it held.
    """
    with open(lock_file, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning("%s (lock %s)", waiting, lock_file)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
