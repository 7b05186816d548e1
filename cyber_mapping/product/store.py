"""The data product on disk: its tables, writing them safely, the atomic swap, and loading.

A product folder holds ``activities``, ``expenditure``, ``allocations``,
``implementor_allocations``, ``outputs``, ``issues``, ``quarantine``, ``results``,
``activity_clauses``, ``possible_duplicates``, ``joint_links`` and the link tables (CSV and
Parquet), ``reconciliation.txt`` and ``manifest.json``. CSV text that a spreadsheet would run
as a formula is neutralised; Parquet keeps the exact text. A new product is written beside
the folder and swapped in whole (:func:`publish`), under a lock (:func:`build_lock`); what
an interrupted swap left is repaired by :func:`recover` and read around by :func:`load`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cyber_mapping.exceptions import ProductNotFoundError, UsageError
from cyber_mapping.paths import (
    PROCESSED_DIR,
    atomic_path,
    check_writable_folder,
    exclusive_lock,
    is_within,
)

TABLES = (
    "activities",
    "expenditure",
    "allocations",
    "implementor_allocations",
    "outputs",
    "issues",
    "quarantine",
    "results",
    "activity_clauses",
    "possible_duplicates",
    "joint_links",
)
# Every table a build writes (TABLES and the link tables analysis needs).
PRODUCT_TABLES = (
    *TABLES,
    "activity_resolutions",
    "activity_places",
    "activity_implementors",
    "mappings",
    "for_bdt",
)
# What `validate` writes into a folder (issues and quarantine tables), and the note that
# says so: a later build into that folder replaces them as its own.
VALIDATION_TABLES = ("issues", "quarantine", "for_bdt")
VALIDATION_NOTE = "validation.json"
# The files a build (or validate) writes, and so the only files it ever deletes.
PRODUCT_FILES = frozenset(
    {f"{t}.{ext}" for t in PRODUCT_TABLES for ext in ("csv", "parquet")}
    | {"manifest.json", "reconciliation.txt", VALIDATION_NOTE}
)
# The product a build replaces is kept in this sub-folder of the product folder, so that
# ``cyber-mapping report --compare`` can say what changed since the previous edition.
PREVIOUS_NAME = "previous"
logger = logging.getLogger(__name__)
# Text a spreadsheet would evaluate as a formula (shared with the Excel writers).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``…) with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    # A shallow copy: every column changed below is replaced, never written into, so the
    # caller's frame is untouched without copying every column first.
    out = frame.copy(deep=False)
    for name in out.columns:
        if name == "amount_chf" and "amount_cents" in out.columns:
            # Exact decimal text from integer cents, never a float repr.
            out[name] = out["amount_cents"].map(_cents_text)
        elif (
            out[name].dtype == object
            or pd.api.types.is_string_dtype(out[name])
            or isinstance(out[name].dtype, pd.CategoricalDtype)
        ):
            out[name] = _neutralised(out[name].astype(object))
        elif pd.api.types.is_datetime64_any_dtype(out[name]):
            out[name] = out[name].dt.strftime("%Y-%m-%d")
    return out


def _neutralised(values: pd.Series) -> pd.Series:
    """``values.map(neutralise)``, judged once per distinct value (24 million calls before).

    Only text that changes is replaced, by position, so values that hash alike (``1``,
    ``1.0``, ``True``) are never merged.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    changed = [i for i, u in enumerate(uniques) if isinstance(u, str) and neutralise(u) != u]
    if not changed:
        return values
    out = values.copy()
    at = np.isin(codes, changed)
    out[at] = ["'" + v for v in values[at]]
    return out


def _cents_text(cents: object) -> str:
    if cents is None or cents is pd.NA or (isinstance(cents, float) and cents != cents):
        return ""
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def write_table(frame: pd.DataFrame, folder: Path, name: str) -> None:
    """Write one table as ``name.csv`` (neutralised, UTF-8) and ``name.parquet`` (exact).

    Each file is written under a temporary name and renamed into place.
    """
    with atomic_path(folder / f"{name}.csv") as tmp:
        _csv_frame(frame).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    pq = frame.copy(deep=False)  # categorical columns are replaced, not changed in place
    for c in pq.columns:
        if isinstance(pq[c].dtype, pd.CategoricalDtype):
            pq[c] = pq[c].astype(object)
    with atomic_path(folder / f"{name}.parquet") as tmp:
        pq.to_parquet(tmp, index=False, compression="zstd")


def validation_files(folder: Path) -> set[str]:
    """The files of ``folder`` that ``validate`` wrote there (its note lists them)."""
    try:
        note = json.loads((Path(folder) / VALIDATION_NOTE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    written = note.get("files", []) if isinstance(note, dict) else []
    return {name for name in written if name in PRODUCT_FILES} | {VALIDATION_NOTE}


def write_validation_tables(
    issues: pd.DataFrame,
    quarantine: pd.DataFrame,
    folder: Path,
    for_bdt: pd.DataFrame | None = None,
) -> None:
    """Write what ``validate`` writes (issues, quarantine, for_bdt) and the note listing them.

    Raises
    ------
    UsageError
        When ``folder`` holds a file of one of those names that neither ``validate`` nor a
        build wrote (the user's own ``issues.csv``): it is never replaced.
    """
    folder = Path(folder)
    names = [f"{t}.{ext}" for t in VALIDATION_TABLES for ext in ("csv", "parquet")]
    product = is_product(folder)
    clash = [] if product else foreign_files(folder, {*names, VALIDATION_NOTE})
    if clash:
        raise UsageError(
            f"--out {folder} holds {_listed(clash)}, which cyber_mapping did not write; "
            "not replacing it. Move it away or choose another folder (--out)."
        )
    folder.mkdir(parents=True, exist_ok=True)
    write_table(issues, folder, "issues")
    write_table(quarantine, folder, "quarantine")
    # The "for BDT" list: reference data BDT must add (empty when none is missing).
    write_table(for_bdt if for_bdt is not None else pd.DataFrame(), folder, "for_bdt")
    if not product:
        with atomic_path(folder / VALIDATION_NOTE) as tmp:
            tmp.write_text(json.dumps({"written_by": "cyber-mapping validate", "files": names}))


def foreign_files(folder: Path, names: set[str] | frozenset[str]) -> list[str]:
    """The entries of ``folder`` named as in ``names`` that the package did not write there.

    What ``validate`` wrote (listed in its note) is the package's; call this only for a
    folder that holds no data product (a product's files are all the package's).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    ours = validation_files(folder)
    return sorted(p.name for p in folder.iterdir() if p.name in names and p.name not in ours)


def _listed(names: list[str], first: int = 5) -> str:
    """The first few ``names`` for a message, and an ellipsis for the rest."""
    return ", ".join(names[:first]) + (", ..." if len(names) > first else "")


def is_product(folder: Path) -> bool:
    """Whether ``folder`` holds a data product of this package (judged by its manifest)."""
    try:
        manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and {"package_version", "inputs", "chf_cents"} <= set(
        manifest
    )


def check_out_dir(out_dir: Path, raw_dir: Path, force: bool = False) -> None:
    """Refuse a product folder that the package does not own.

    Raises
    ------
    UsageError
        When ``out_dir`` is, contains or lies inside the raw folder; when it is a file; when
        it is a non-empty folder that holds no previous product and ``force`` is false; and,
        whatever ``force``, when such a folder holds a file of a name the product writes.
    """
    out_dir, raw_dir = Path(out_dir), Path(raw_dir)
    if is_within(out_dir, raw_dir) or is_within(raw_dir, out_dir):
        raise UsageError(
            f"--out {out_dir} is, holds or lies inside the raw data folder {raw_dir}; the "
            "product goes in a folder of its own, e.g. --out data/processed."
        )
    check_writable_folder(out_dir, "the data product")
    # The new product is built beside the folder and swapped in, under a lock file there.
    check_writable_folder(out_dir.resolve().parent, "the data product (built beside it)")
    if not out_dir.is_dir() or is_product(out_dir):
        return
    # --force writes beside the user's files, never over them: a file of a name the build
    # writes, in a folder that holds no product, is not the package's to replace.
    clash = foreign_files(out_dir, PRODUCT_FILES | {PREVIOUS_NAME})
    if clash:
        raise UsageError(
            f"--out {out_dir} holds no data product (no manifest.json of cyber_mapping) but "
            f"holds {_listed(clash)}, of the names the product writes; they are never "
            "replaced, even with --force. Move them away, or choose an empty or new folder."
        )
    ours = validation_files(out_dir)
    others = sorted(
        p.name for p in out_dir.iterdir() if p.name.lower() != "readme.md" and p.name not in ours
    )
    if others and not force:
        raise UsageError(
            f"--out {out_dir} is not empty ({_listed(others)}) and holds no data product (no "
            "manifest.json of cyber_mapping). Choose an empty or new folder, or pass --force "
            "to write the product into it (its other files are kept)."
        )


@contextlib.contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold the lock for building ``out_dir``; a second build waits, and says so.

    The lock file ``.<name>.lock`` sits beside the folder (the folder itself is swapped).
    """
    path = Path(out_dir).parent / f".{Path(out_dir).name}.lock"
    with exclusive_lock(path, f"another build is writing {out_dir}; waiting for it to finish"):
        yield


def _leftovers(out_dir: Path, kind: str) -> list[Path]:
    return sorted(p for p in out_dir.parent.glob(f".{kind}-{out_dir.name}-*") if p.is_dir())


def _discard(folder: Path, keep_into: Path | None) -> None:
    """Delete the product files of a leftover folder; never anything else.

    Other entries (the user's files, carried across during a swap) are moved into
    ``keep_into`` when they are not there already; what cannot be moved stays, with a
    warning, and so does the folder.
    """
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        temporary = entry.name.startswith(".") and ".tmp" in entry.name
        if entry.name in PRODUCT_FILES or temporary and entry.is_file():
            entry.unlink()
        elif keep_into is not None and not (keep_into / entry.name).exists():
            os.replace(entry, keep_into / entry.name)
    try:
        folder.rmdir()
    except OSError:
        logger.warning("%s holds files that are not the product's; left in place", folder)


def recover(out_dir: Path) -> None:
    """Repair what an interrupted build left (call with :func:`build_lock` held).

    A kill between the two renames of a swap leaves no product folder: the previous product
    (``.old-<name>-*``) is renamed back. Leftover ``.building-*`` and ``.old-*`` folders of
    ``out_dir`` are then removed (their product files only; see :func:`_discard`).
    """
    out_dir = Path(out_dir)
    olds = _leftovers(out_dir, "old")
    if not out_dir.exists():
        complete = [p for p in olds if is_product(p)]
        if complete:
            newest = max(complete, key=lambda p: (p / "manifest.json").stat().st_mtime)
            logger.warning("restoring the previous product %s to %s", newest, out_dir)
            os.replace(newest, out_dir)
            olds.remove(newest)
    for leftover in [*_leftovers(out_dir, "building"), *olds]:
        logger.warning("removing %s, left by an interrupted build", leftover)
        _discard(leftover, out_dir if out_dir.is_dir() else None)


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Put the complete product ``staging`` in the place of ``out_dir``.

    The other files of ``out_dir`` (README, the user's) are moved into ``staging`` first;
    then two renames swap the folders, and only the previous product's files are deleted.
    A kill between the renames leaves ``.old-<name>-*``, which :func:`recover` (next build)
    and :func:`load` (meanwhile) find.
    """
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    for entry in out_dir.iterdir():
        if (
            entry.name not in PRODUCT_FILES
            and entry.name != PREVIOUS_NAME
            and not (staging / entry.name).exists()
        ):
            os.replace(entry, staging / entry.name)
    old = out_dir.parent / f".old-{out_dir.name}-{os.getpid()}-{secrets.token_hex(4)}"
    os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        os.replace(old, out_dir)
        raise
    _keep_previous(old, out_dir)
    _discard(old, out_dir)


def _inputs(folder: Path) -> object:
    """The input checksums a product's manifest records (None when unreadable)."""
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8")).get("inputs")
    except (OSError, ValueError, AttributeError):
        return None


def _keep_previous(old: Path, out_dir: Path) -> None:
    """Keep the product files of ``old`` (the product just replaced) as ``out_dir/previous``.

    Only a new edition rotates: when ``old`` was built from the same submissions (a rebuild
    for new code or reference data), the edition kept before stays the previous one, so a
    report never compares an edition with itself. Otherwise the product kept before
    (``old/previous``, the package's own output) goes; only product files move, so nothing
    of the user's is lost. A folder that held no complete product keeps no previous edition.
    """
    previous = out_dir / PREVIOUS_NAME
    if is_product(old) and _inputs(old) == _inputs(out_dir):
        if (old / PREVIOUS_NAME).is_dir() and not previous.exists():
            os.replace(old / PREVIOUS_NAME, previous)
        return
    _discard(old / PREVIOUS_NAME, None)
    if not is_product(old):
        return
    keep = previous.parent / f".{PREVIOUS_NAME}-{secrets.token_hex(4)}"
    keep.mkdir()
    for entry in old.iterdir():
        if entry.name in PRODUCT_FILES:
            os.replace(entry, keep / entry.name)
    os.replace(keep, previous)


def publish(
    out_dir: Path, tables: dict[str, pd.DataFrame], manifest: dict, reconciliation: str
) -> None:
    """Write a complete product beside ``out_dir`` and swap it in (see :func:`_swap_in`).

    The tables, ``reconciliation.txt`` and, last, ``manifest.json`` go to a staging folder;
    on any failure the staging folder is removed and ``out_dir`` is left as it was.
    """
    # A plain mkdir (not mkdtemp, which makes it 0700): the folder gets the permissions the
    # user's umask gives any folder, so that colleagues on a shared server can read it.
    staging = out_dir.parent / f".building-{out_dir.name}-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        for name, frame in tables.items():
            write_table(frame, staging, name)
        (staging / "reconciliation.txt").write_text(reconciliation + "\n")
        # The manifest last: a folder with one holds a complete product.
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
        _swap_in(staging, out_dir)
    except BaseException:
        _discard(staging, None)
        raise


@dataclass(frozen=True)
class Product:
    """The data product loaded for analysis (see :func:`load`)."""

    activities: pd.DataFrame
    expenditure: pd.DataFrame
    allocations: pd.DataFrame
    implementor_allocations: pd.DataFrame
    outputs: pd.DataFrame
    issues: pd.DataFrame
    quarantine: pd.DataFrame
    activity_resolutions: pd.DataFrame
    activity_places: pd.DataFrame
    activity_implementors: pd.DataFrame
    manifest: dict
    directory: Path
    # Version 2 (an older product without them loads them empty).
    results: pd.DataFrame = field(default_factory=pd.DataFrame)
    activity_clauses: pd.DataFrame = field(default_factory=pd.DataFrame)
    possible_duplicates: pd.DataFrame = field(default_factory=pd.DataFrame)
    joint_links: pd.DataFrame = field(default_factory=pd.DataFrame)


def load(processed_dir: Path | None = None) -> Product:
    """Load the data product written by ``cyber-mapping build``.

    Parameters
    ----------
    processed_dir
        The product folder (default ``data/processed/``).

    Raises
    ------
    ProductNotFoundError
        When the folder holds no complete product; run ``make build`` first.
    """
    folder = Path(processed_dir or PROCESSED_DIR)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        # A build killed between its two renames: the previous product is beside it.
        previous = [p for p in _leftovers(folder, "old") if is_product(p)]
        if previous:
            folder = max(previous, key=lambda p: (p / "manifest.json").stat().st_mtime)
            logger.warning(
                "a build of %s was interrupted; reading the previous product from %s. "
                "Run `make build` to repair it.",
                processed_dir or PROCESSED_DIR,
                folder,
            )
            manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ProductNotFoundError(
            f"no data product in {folder} (manifest.json missing). Run `make build` or "
            "`cyber-mapping build --out DIR` first."
        )
    names = [*TABLES, "activity_resolutions", "activity_places", "activity_implementors"]
    frames = {}
    for name in names:
        path = folder / f"{name}.parquet"
        if not path.is_file():
            raise ProductNotFoundError(f"{path} is missing; rebuild with `make build`.")
        frames[name] = pd.read_parquet(path)
    return Product(**frames, manifest=json.loads(manifest_path.read_text()), directory=folder)
