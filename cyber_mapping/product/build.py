"""Build the data product: validate the submissions, allocate the spend, check, write.

``build`` = validate + allocate + write the product's tables and ``manifest.json`` through
:mod:`cyber_mapping.product.store`; the console texts of ``validate`` (:func:`summary_text`)
and ``build`` (:func:`reconciliation_text`) are here too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from cyber_mapping import __version__
from cyber_mapping.allocation import allocate
from cyber_mapping.console import shown
from cyber_mapping.contract import DEFAULT_PERIOD
from cyber_mapping.exceptions import StrictBuildError
from cyber_mapping.intake.schemas import ForBdtTable, IssueTable, QuarantineTable
from cyber_mapping.intake.validation import Validated, validate_folder
from cyber_mapping.money import chf_exact
from cyber_mapping.product.schemas import AllocationTable, ImplementorAllocationTable
from cyber_mapping.product.store import (
    build_lock,
    check_out_dir,
    publish,
    recover,
    write_validation_tables,
)
from cyber_mapping.reference import Reference, load_reference

# Rows of the allocation table validated at a time (see build).
_VALIDATION_SLICE = 250_000


def write_validation(result: Validated, out_dir: Path) -> None:
    """Write ``issues`` and ``quarantine`` (CSV and Parquet) for ``cyber-mapping validate``."""
    write_validation_tables(result.issues, result.quarantine, Path(out_dir), result.for_bdt)


def _chf(cents: int) -> str:
    # The one money formatter family (money.py), with BDT's apostrophe for the console.
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
        # Gross: a workbook's set-aside rows of opposite signs do not cancel out.
        chf_q = int(q.loc[q["workbook"] == info.name, "amount_cents"].dropna().abs().sum())
        rows = ", ".join(f"{k} {n}" for k, n in info.rows.items())
        rows = f"{rows} rows" if info.status == "read" else info.status
        lines.append(
            f"{shown(info.name)}: {rows}; {errors} error(s), {warnings} warning(s); "
            f"{_chf(chf_q)} quarantined (gross)"
            + (
                f"; {info.unused_template_rows} unused template row(s) skipped"
                if info.unused_template_rows
                else ""
            )
        )
        for rec in mine.sort_values("severity").head(first).itertuples(index=False):
            sheet = shown(rec.sheet)
            where = f"{sheet} row {rec.row}" if pd.notna(rec.row) else (sheet or "file")
            col = f", column '{shown(rec.column)}'" if rec.column else ""
            lines.append(f"  - {rec.severity.upper()} {where}{col}: {shown(rec.message)}")
        if len(mine) > first:
            lines.append(f"  … and {len(mine) - first} more in issues.csv")
    r = result.reconciliation
    lines += [
        "",
        f"Total: {result.n_errors} error(s), {result.n_warnings} warning(s); "
        f"{len(q)} row(s) quarantined.",
        f"CHF read {_chf(r['chf_cents_read'])} = processed {_chf(r['chf_cents_processed'])} "
        f"+ quarantined {_chf(r['chf_cents_quarantined'])} (gross: "
        f"{_chf(r['chf_cents_quarantined_gross'])} set aside); "
        f"{r['rows_amount_unreadable']} row(s) with no readable amount.",
        _unconverted_line(r.get("unconverted_cents", {})),
        *for_bdt_lines(result.for_bdt.to_dict("records")),
    ]
    return "\n".join(lines)


def for_bdt_lines(items: list[dict]) -> list[str]:
    """The short "For BDT" section of ``validate`` and ``build``: reference data to add.

    Those rows are correctly written: they wait for BDT, not for the office.
    """
    if not items:
        return []
    waiting = sum(int(i["rows_waiting"]) for i in items)
    lines = [
        "",
        f"For BDT: {len(items)} item(s) of reference data to add; {waiting} row(s) wait for "
        "them (for_bdt.csv). The offices need not change these rows unless a value is "
        "mistyped:",
    ]
    for i in items:
        lines.append(
            f"  - {i['kind']} {shown(i['value'])}, in {i['reference_file']}: "
            f"{shown(i['to_add'])} ({i['rows_waiting']} row(s) wait, in {shown(i['workbooks'])})"
        )
    return lines


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
    build, and :func:`~cyber_mapping.product.store.load` reads the previous product meanwhile.

    Raises
    ------
    UsageError
        When ``out_dir`` is not a folder the package may own (see
        :func:`~cyber_mapping.product.store.check_out_dir`).
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
    """Validate, allocate, check and write the product (with the folder's lock held)."""
    ref = load_reference()
    result = validate_folder(raw_dir, ref=ref, period=period)
    if strict and result.n_errors:
        raise StrictBuildError(
            f"{result.n_errors} error(s) found; nothing written (--strict). "
            "Run `cyber-mapping validate` to list them."
        )
    allocations, impl = _allocate(result)
    _check_schemas(result, allocations, impl)
    tables = _tables(result, allocations, impl)
    allocated = _check_cents(result.reconciliation, allocations, impl)
    manifest = _manifest(result, ref, raw_dir, period, tables, allocated)
    publish(out_dir, tables, manifest, reconciliation_text(manifest))
    return manifest


def _allocate(result: Validated) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The allocations and the implementor allocations, each in a stable order."""
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
    # The unsorted copies (1.9 million rows for 200,000 input rows) go with this frame.
    return allocations, impl


def _check_schemas(result: Validated, allocations: pd.DataFrame, impl: pd.DataFrame) -> None:
    """Every table the build adds, and the issues and quarantine, follow their schemas."""
    # In slices: validating (and so coercing) millions of rows at once was the build's peak
    # of memory. Both schemas check each row on its own, so slices find the same failures.
    for table, schema in ((allocations, AllocationTable), (impl, ImplementorAllocationTable)):
        for start in range(0, max(len(table), 1), _VALIDATION_SLICE):
            schema.validate(table.iloc[start : start + _VALIDATION_SLICE], lazy=True)
    IssueTable.validate(result.issues, lazy=True)
    QuarantineTable.validate(result.quarantine, lazy=True)
    ForBdtTable.validate(result.for_bdt, lazy=True)


def _tables(
    result: Validated, allocations: pd.DataFrame, impl: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    """The product's tables by name, in the order they are written."""
    activities = result.activities.copy()
    return {
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
        "for_bdt": result.for_bdt,
    }


def _check_cents(rec: dict, allocations: pd.DataFrame, impl: pd.DataFrame) -> int:
    """The CHF cents allocated, which must be those processed, in both views.

    Raises
    ------
    RuntimeError
        When an allocation lost or made up a cent (a bug, never bad input).
    """
    allocated = int(allocations["amount_cents"].sum())
    if allocated != rec["chf_cents_processed"]:
        raise RuntimeError(f"allocation lost cents: {allocated} != {rec['chf_cents_processed']}")
    if int(impl["amount_cents"].sum()) != allocated:
        raise RuntimeError("the implementor split lost cents; report this as a bug.")
    return allocated


def _manifest(
    result: Validated,
    ref: Reference,
    raw_dir: Path,
    period: tuple[int, int],
    tables: dict[str, pd.DataFrame],
    allocated: int,
) -> dict:
    """What the product was built from and what it holds (``manifest.json``)."""
    rec = result.reconciliation
    return {
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
                **({"reason": w.reason} if w.reason else {}),
            }
            for w in result.workbooks
        ],
        "reference": {"version": ref.version(), "files": ref.checksums},
        "row_counts": {name: len(frame) for name, frame in tables.items()},
        "rows_read": result.rows_read,
        "issues": {"errors": result.n_errors, "warnings": result.n_warnings},
        "for_bdt": {
            "items": len(result.for_bdt),
            "rows_waiting": int(result.for_bdt["rows_waiting"].sum()),
            "list": result.for_bdt.to_dict("records"),
        },
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
            # Gross: amounts of both signs counted, never netted (see reconciliation()).
            "read_gross": rec["chf_cents_read_gross"],
            "processed_gross": rec["chf_cents_processed_gross"],
            "quarantined_gross": rec["chf_cents_quarantined_gross"],
            "quarantined_negative": rec["chf_cents_quarantined_negative"],
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
    gross = "read_gross" in c  # products built before gross totals have net ones only
    ok = ok and (not gross or c["read_gross"] == c["processed_gross"] + c["quarantined_gross"])
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
            *(_gross_lines(c) if gross else []),
            f"Rows with no readable amount: {manifest['rows_amount_unreadable']}",
            _unconverted_line(manifest.get("unconverted_cents", {})),
            "Reconciliation: "
            + (
                "balances (read = processed + quarantined, net and gross)."
                if ok
                else "DOES NOT BALANCE - report this as a bug."
            ),
            *_coordination_lines(manifest.get("coordination") or {}),
            *_not_read_lines(manifest.get("inputs") or []),
            *for_bdt_lines((manifest.get("for_bdt") or {}).get("list", [])),
        ]
    )


def _not_read_lines(inputs: list[dict]) -> list[str]:
    """Every file of the raw folder that was not read, with the reason (issues.csv has it)."""
    missed = [entry for entry in inputs if entry.get("status") != "read"]
    if not missed:
        return []
    return [
        f"Files in the raw folder that were not read ({len(missed)}; see issues.csv):",
        *(f"  {shown(e['file'])} ({e['status']}): {shown(e.get('reason', ''))}" for e in missed),
    ]


def _gross_lines(c: dict) -> list[str]:
    """The gross totals: set-aside amounts of opposite signs are never netted."""
    return [
        f"CHF quarantined, gross (amounts of both signs counted) {_chf(c['quarantined_gross'])}"
        + (
            f", of which negative amounts {_chf(c['quarantined_negative'])}"
            if c["quarantined_negative"]
            else ""
        ),
        f"CHF read, gross {_chf(c['read_gross'])} = processed, gross "
        f"{_chf(c['processed_gross'])} + quarantined, gross {_chf(c['quarantined_gross'])}",
    ]


def _coordination_lines(coordination: dict) -> list[str]:
    """What a build says about possible double reporting (version 2)."""
    pairs = coordination.get("possible_duplicates") or []
    if not pairs:
        return []
    return [
        f"Possible double reporting: {len(pairs)} pair(s) of activities of different workbooks "
        "look alike (warnings in issues.csv; possible_duplicates.csv). Their spend is counted; "
        "the offices should delete one row or link them with 'Joint with':",
        *(f"  {shown(p)}" for p in pairs),
    ]
