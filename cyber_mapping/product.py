"""The processed data product: write it (atomically, deterministically) and load it back.

``build`` = validate + allocate + write ``activities``, ``expenditure``, ``allocations``,
``implementor_allocations``, ``outputs``, ``issues``, ``quarantine``, ``results``,
``activity_clauses``, ``possible_duplicates``, ``joint_links`` (CSV and Parquet) and
``manifest.json``. CSV text that a spreadsheet would run as a formula is neutralised;
Parquet keeps the exact text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cyber_mapping import __version__
from cyber_mapping.contract import DEFAULT_PERIOD
from cyber_mapping.exceptions import ProductNotFoundError, StrictBuildError, UsageError
from cyber_mapping.paths import atomic_path, check_writable_folder, is_within
from cyber_mapping.reference import load_reference

if TYPE_CHECKING:
    from cyber_mapping.intake.validation import Validated

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
)
# The files a build writes, and so the only files it ever deletes.
PRODUCT_FILES = frozenset(
    {f"{t}.{ext}" for t in PRODUCT_TABLES for ext in ("csv", "parquet")}
    | {"manifest.json", "reconciliation.txt"}
)
# The product a build replaces is kept in this sub-folder of the product folder, so that
# ``cyber-mapping report --compare`` can say what changed since the previous edition.
PREVIOUS_NAME = "previous"
logger = logging.getLogger(__name__)
# Rows of the allocation table validated at a time (see build).
_VALIDATION_SLICE = 250_000
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


def write_validation(result: Validated, out_dir: Path) -> None:
    """Write ``issues`` and ``quarantine`` (CSV and Parquet) for ``cyber-mapping validate``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_table(result.issues, out_dir, "issues")
    write_table(result.quarantine, out_dir, "quarantine")


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
        When ``out_dir`` is, contains or lies inside the raw folder; when it is a file; or
        when it is a non-empty folder that holds no previous product and ``force`` is false.
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
    others = sorted(p.name for p in out_dir.iterdir() if p.name.lower() != "readme.md")
    if others and not force:
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise UsageError(
            f"--out {out_dir} is not empty ({shown}) and holds no data product (no "
            "manifest.json of cyber_mapping). Choose an empty or new folder, or pass --force "
            "to write the product into it (its other files are kept)."
        )


def _chf(cents: int) -> str:
    # The one money formatter family (formats.py), with BDT's apostrophe for the console.
    from cyber_mapping.money import chf_exact

    return chf_exact(int(cents), sep="'")


def summary_text(result: Validated, first: int = 5) -> str:
    """Readable per-workbook summary: rows read, errors, warnings, the first problems."""
    issues = result.issues
    q = result.quarantine
    lines = [
        f"Read {len(result.workbooks)} file(s) for the mapping period "
        f"{result.period[0]}-{result.period[1]}.",
        "",
    ]
    for info in result.workbooks:
        mine = issues[issues["workbook"] == info.name]
        errors = int((mine["severity"] == "error").sum())
        warnings = int((mine["severity"] == "warning").sum())
        chf_q = int(q.loc[q["workbook"] == info.name, "amount_cents"].dropna().sum())
        rows = ", ".join(f"{k} {n}" for k, n in info.rows.items())
        rows = f"{rows} rows" if info.status == "read" else info.status
        lines.append(
            f"{info.name}: {rows}; {errors} error(s), {warnings} warning(s); "
            f"{_chf(chf_q)} quarantined"
            + (
                f"; {info.unused_template_rows} unused template row(s) skipped"
                if info.unused_template_rows
                else ""
            )
        )
        for rec in mine.sort_values("severity").head(first).itertuples(index=False):
            where = f"{rec.sheet} row {rec.row}" if pd.notna(rec.row) else (rec.sheet or "file")
            col = f", column '{rec.column}'" if rec.column else ""
            lines.append(f"  - {rec.severity.upper()} {where}{col}: {rec.message}")
        if len(mine) > first:
            lines.append(f"  … and {len(mine) - first} more in issues.csv")
    r = result.reconciliation
    lines += [
        "",
        f"Total: {result.n_errors} error(s), {result.n_warnings} warning(s); "
        f"{len(q)} row(s) quarantined.",
        f"CHF read {_chf(r['chf_cents_read'])} = processed {_chf(r['chf_cents_processed'])} "
        f"+ quarantined {_chf(r['chf_cents_quarantined'])}; "
        f"{r['rows_amount_unreadable']} row(s) with no readable amount.",
        _unconverted_line(r.get("unconverted_cents", {})),
    ]
    return "\n".join(lines)


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def build(
    raw_dir: Path,
    out_dir: Path,
    period: tuple[int, int] = DEFAULT_PERIOD,
    strict: bool = False,
    force: bool = False,
) -> dict:
    """Validate, allocate and write the data product; return the manifest.

    The product is written to a temporary folder beside ``out_dir`` and swapped in only when
    complete, so a failed build leaves the last good product in place. Only the product's
    own files are ever deleted: anything else in ``out_dir`` (a README, the user's files
    with ``force``) is carried into the new product folder. Builds of the same folder take
    turns (a lock file beside it); a swap interrupted by a kill is repaired by the next
    build, and :func:`load` reads the previous product meanwhile.

    Raises
    ------
    UsageError
        When ``out_dir`` is not a folder the package may own (see :func:`check_out_dir`).
    StrictBuildError
        With ``strict=True``, when validation found any error (nothing is written).
    """
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    check_out_dir(out_dir, raw_dir, force)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(out_dir):
        recover(out_dir)
        return _build(raw_dir, out_dir, period, strict)


def _build(raw_dir: Path, out_dir: Path, period: tuple[int, int], strict: bool) -> dict:
    # Validation and allocation are imported here: loading a product does not need them.
    from cyber_mapping.allocation import allocate
    from cyber_mapping.intake.schemas import (
        AllocationTable,
        ImplementorAllocationTable,
        IssueTable,
        QuarantineTable,
    )
    from cyber_mapping.intake.validation import validate_folder

    ref = load_reference()
    result = validate_folder(raw_dir, ref=ref, period=period)
    if strict and result.n_errors:
        raise StrictBuildError(
            f"{result.n_errors} error(s) found; nothing written (--strict). "
            "Run `cyber-mapping validate` to list them."
        )
    alloc = allocate(
        result.activities,
        result.expenditure,
        result.activity_resolutions,
        result.activity_places,
        result.activity_implementors,
    )
    allocations = _sorted(
        alloc.allocations, ["expenditure_id", "year", "resolution_id", "region", "country_iso3"]
    )
    impl = _sorted(
        alloc.implementor_allocations,
        ["expenditure_id", "year", "resolution_id", "region", "country_iso3", "implementor"],
    )
    del alloc  # the unsorted copies (1.9 million rows for 200,000 input rows)
    # In slices: validating (and so coercing) millions of rows at once was the build's peak
    # of memory. Both schemas check each row on its own, so slices find the same failures.
    for table, schema in ((allocations, AllocationTable), (impl, ImplementorAllocationTable)):
        for start in range(0, max(len(table), 1), _VALIDATION_SLICE):
            schema.validate(table.iloc[start : start + _VALIDATION_SLICE], lazy=True)
    IssueTable.validate(result.issues, lazy=True)
    QuarantineTable.validate(result.quarantine, lazy=True)
    activities = result.activities.copy()
    tables = {
        "activities": activities,
        "expenditure": result.expenditure,
        "allocations": allocations,
        "implementor_allocations": impl,
        "outputs": result.outputs,
        "issues": result.issues,
        "quarantine": result.quarantine,
        "activity_resolutions": result.activity_resolutions,
        "activity_places": result.activity_places,
        "activity_implementors": result.activity_implementors,
        "mappings": result.mappings,
        "results": result.results,
        "activity_clauses": result.activity_clauses,
        "possible_duplicates": result.possible_duplicates,
        "joint_links": result.joint_links,
    }
    rec = result.reconciliation
    allocated = int(allocations["amount_cents"].sum())
    if allocated != rec["chf_cents_processed"]:
        raise RuntimeError(f"allocation lost cents: {allocated} != {rec['chf_cents_processed']}")
    if int(impl["amount_cents"].sum()) != allocated:
        raise RuntimeError("the implementor split lost cents; report this as a bug.")
    manifest = {
        "package_version": __version__,
        "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "parameters": {"mapping_period": list(period), "raw_dir": raw_dir.name},
        "inputs": [
            {
                "file": w.name,
                "sha256": w.sha256,
                "status": w.status,
                "rows": w.rows,
                "unused_template_rows": w.unused_template_rows,
            }
            for w in result.workbooks
        ],
        "reference": {"version": ref.version(), "files": ref.checksums},
        "row_counts": {name: len(frame) for name, frame in tables.items()},
        "rows_read": result.rows_read,
        "issues": {"errors": result.n_errors, "warnings": result.n_warnings},
        "chf": {
            "read": rec["chf_cents_read"] / 100,
            "processed": rec["chf_cents_processed"] / 100,
            "quarantined": rec["chf_cents_quarantined"] / 100,
            "allocated": allocated / 100,
        },
        "chf_cents": {
            "read": rec["chf_cents_read"],
            "processed": rec["chf_cents_processed"],
            "quarantined": rec["chf_cents_quarantined"],
        },
        "rows_amount_unreadable": rec["rows_amount_unreadable"],
        "coordination": {
            "joint_activities_linked": len(result.joint_links) // 2,
            "possible_duplicates": [
                f"{d.activity_id_a} ({d.workbook_a}) and {d.activity_id_b} ({d.workbook_b})"
                for d in result.possible_duplicates.itertuples(index=False)
            ],
        },
        "rows_amount_unconverted": rec["rows_amount_unconverted"],
        # Readable amounts that could not be converted to CHF (unknown currency or rate),
        # quarantined and listed here in their own currency: never counted as zero.
        "unconverted_cents": rec["unconverted_cents"],
        "sample": any(w.name.startswith("sample_") for w in result.workbooks),
    }
    # A plain mkdir (not mkdtemp, which makes it 0700): the folder gets the permissions the
    # user's umask gives any folder, so that colleagues on a shared server can read it.
    staging = out_dir.parent / f".building-{out_dir.name}-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        for name, frame in tables.items():
            write_table(frame, staging, name)
        (staging / "reconciliation.txt").write_text(reconciliation_text(manifest) + "\n")
        # The manifest last: a folder with one holds a complete product.
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
        _swap_in(staging, out_dir)
    except BaseException:
        _discard(staging, None)
        raise
    return manifest


@contextlib.contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold an OS file lock for building ``out_dir``; a second build waits, and says so.

    The lock file ``.<name>.lock`` sits beside the folder (never deleted: removing a lock
    file while another process waits on it would let a third one in). The kernel releases
    the lock when the process ends, however it ends.
    """
    path = Path(out_dir).parent / f".{Path(out_dir).name}.lock"
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning(
                "another build is writing %s; waiting for it to finish (lock %s)", out_dir, path
            )
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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


def _money(currency: str, cents: int) -> str:
    return f"{currency} {cents / 100:,.2f}".replace(",", "'")


def _unconverted_line(unconverted: dict[str, int]) -> str:
    """``Not convertible to CHF (quarantined, in their currency): JPY 2'000.00`` or none."""
    if not unconverted:
        return "Amounts not convertible to CHF: none."
    listed = ", ".join(_money(cur, cents) for cur, cents in sorted(unconverted.items()))
    return f"Amounts not convertible to CHF (quarantined, in their own currency): {listed}."


def reconciliation_text(manifest: dict) -> str:
    """The reconciliation a build prints (CHF read = processed + quarantined)."""
    c = manifest["chf_cents"]
    ok = c["read"] == c["processed"] + c["quarantined"]
    counts = manifest["row_counts"]
    return "\n".join(
        ([] if manifest.get("inputs") else ["No file was found in the raw folder."])
        + [
            f"Data product written ({counts['activities']} activities, "
            f"{counts['expenditure']} expenditure lines, {counts['allocations']} allocation "
            f"rows; {manifest['issues']['errors']} error(s), "
            f"{manifest['issues']['warnings']} warning(s)).",
            f"CHF read         {_chf(c['read']):>20}",
            f"CHF processed    {_chf(c['processed']):>20}",
            f"CHF quarantined  {_chf(c['quarantined']):>20}",
            f"Rows with no readable amount: {manifest['rows_amount_unreadable']}",
            _unconverted_line(manifest.get("unconverted_cents", {})),
            "Reconciliation: "
            + (
                "balances (read = processed + quarantined)."
                if ok
                else "DOES NOT BALANCE - report this as a bug."
            ),
            *_coordination_lines(manifest.get("coordination") or {}),
        ]
    )


def _coordination_lines(coordination: dict) -> list[str]:
    """What a build says about possible double reporting (version 2)."""
    pairs = coordination.get("possible_duplicates") or []
    if not pairs:
        return []
    return [
        f"Possible double reporting: {len(pairs)} pair(s) of activities of different workbooks "
        "look alike (warnings in issues.csv; possible_duplicates.csv). Their spend is counted; "
        "the offices should delete one row or link them with 'Joint with':",
        *(f"  {p}" for p in pairs),
    ]


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
    from cyber_mapping.paths import PROCESSED_DIR

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
