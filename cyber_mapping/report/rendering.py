"""Run the report notebooks and render them: papermill → HTML (nbconvert) → PDF (WeasyPrint).

One Python process drives a pool of two worker processes (measured fastest on 2 cores);
each worker executes one notebook with papermill, exports it with nbconvert's HTML exporter
(code hidden) into a self-contained page, and prints that page to A4 PDF with WeasyPrint.
A report whose inputs, code, template and parameters are unchanged is not rendered again
(content hashes in ``reports/.render-state.json``). A failing report does not stop the
others: its executed notebook is kept with the error, and the summary names it.

The parts: :mod:`~cyber_mapping.report.jobs` (what to render, checked before any kernel
starts), :mod:`~cyber_mapping.report.pool` and :mod:`~cyber_mapping.report.worker` (the
workers' tasks), :mod:`~cyber_mapping.report.page` (the HTML page),
:mod:`~cyber_mapping.report.state` (the content hashes) and
:mod:`~cyber_mapping.report.index` (the landing page); this module drives them and writes
the Excel annex.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import logging
import time
from dataclasses import replace
from pathlib import Path

from cyber_mapping.exceptions import ProductNotFoundError, ReportConfigError
from cyber_mapping.paths import PROCESSED_DIR, REPORT_NOTEBOOK, REPORTS_DIR, exclusive_lock
from cyber_mapping.report.formats import long_date
from cyber_mapping.report.index import write_index
from cyber_mapping.report.jobs import (
    ANNEX_NAME,
    CELL_TIMEOUT,
    FORMATS,
    Job,
    Outcome,
    Summary,
    job_files,
    plan,
    resolve_regions,
)
from cyber_mapping.report.pool import run_pool
from cyber_mapping.report.state import (
    LOCK_FILE,
    STATE_FILE,
    code_fingerprint,
    fingerprints,
    job_key,
    outputs_intact,
    product_fingerprint,
    read_state,
    timestamp,
    write_state,
)

logger = logging.getLogger(__name__)


def render(
    regions: list[str] | None = None,
    *,
    all_reports: bool = False,
    formats: tuple[str, ...] = FORMATS,
    processed_dir: Path = PROCESSED_DIR,
    out_dir: Path = REPORTS_DIR,
    template: Path = REPORT_NOTEBOOK,
    parameters: dict[str, object] | None = None,
    workers: int = 2,
    force: bool = False,
    progress: bool = True,
    cell_timeout: int = CELL_TIMEOUT,
) -> Summary:
    """Render the overall and/or regional reports, the Excel annex and the index.

    Parameters
    ----------
    regions
        ITU region names; ``None`` (and not ``all_reports``) renders the overall report.
    all_reports
        The overall report and one per region.
    formats
        Any of ``html`` and ``pdf``.
    processed_dir, out_dir, template
        The data product, where reports go, the notebook template.
    parameters
        Extra template parameters (e.g. ``meeting``, ``document``) for every report.
    workers
        Worker processes (2 is the fastest on 2 cores).
    force
        Render even when nothing changed.
    progress
        Show a progress bar.
    cell_timeout
        Seconds a notebook cell may run before its report is failed.

    Worker processes are spawned (not forked), so a script that calls this function must
    do so under ``if __name__ == "__main__":``, as :mod:`multiprocessing` requires; the
    command line and notebooks need nothing.

    Raises
    ------
    ReportConfigError, ProductNotFoundError
        Before any kernel starts: unknown region or format, a bad template, no product.
    """
    start = time.perf_counter()
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ReportConfigError(f"unknown format(s) {', '.join(bad)}; choose from html, pdf")
    names = resolve_regions(regions, all_reports)
    processed_dir, out_dir = Path(processed_dir), Path(out_dir)
    jobs = plan(names, processed_dir, out_dir, tuple(formats), Path(template), parameters)
    jobs = [replace(job, cell_timeout=cell_timeout) for job in jobs]
    out_dir.mkdir(parents=True, exist_ok=True)
    # Two runs into one folder take turns: each reads, renders and records the state and
    # the index whole, so neither loses the other's reports.
    waiting = f"another report run is writing {out_dir}; waiting for it to finish"
    with exclusive_lock(out_dir / LOCK_FILE, waiting):
        return _render_locked(
            jobs, processed_dir, out_dir, parameters, workers, force, progress, start
        )


def _render_locked(
    jobs: list[Job],
    processed_dir: Path,
    out_dir: Path,
    parameters: dict[str, object] | None,
    workers: int,
    force: bool,
    progress: bool,
    start: float,
) -> Summary:
    """:func:`render`, with the folder's lock held (``start``: when the call began)."""
    state_path = out_dir / STATE_FILE
    state = read_state(state_path)
    code, product = code_fingerprint(), _inputs_fingerprint(processed_dir, parameters)
    keys = {job.name: job_key(job, code, product) for job in jobs}
    outcomes, todo = _unchanged(jobs, keys, state, out_dir, force)
    # The Excel annex is written by a thread of this (otherwise waiting) process while the
    # workers render.
    annex_key = product + code
    annex = None
    helper = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    annex_intact = outputs_intact(out_dir, state.get("_annex_outputs"), [ANNEX_NAME])
    if state.get("_annex") != annex_key or not annex_intact or force:
        annex = helper.submit(write_annex, processed_dir, out_dir / ANNEX_NAME)
    try:
        if todo:
            outcomes.update(run_pool(todo, workers, progress))
            _record(state, todo, outcomes, keys, processed_dir, out_dir)
    finally:
        helper.shutdown(wait=True)  # the annex is never left writing behind an error
    ordered = [outcomes[job.name] for job in jobs]
    if annex is not None:
        annex.result()  # re-raises what went wrong
        state["_annex"] = annex_key
        state["_annex_outputs"] = fingerprints(out_dir, [ANNEX_NAME])
    write_state(state_path, state)
    write_index(out_dir, processed_dir, state)
    return Summary(ordered, out_dir, time.perf_counter() - start)


def _inputs_fingerprint(processed_dir: Path, parameters: dict[str, object] | None) -> str:
    """The data product's fingerprint, and the previous edition's when one is compared."""
    product = product_fingerprint(processed_dir)
    compare_dir = str((parameters or {}).get("compare_dir") or "")
    if compare_dir:  # the previous edition is an input of the report too
        if not (Path(compare_dir) / "manifest.json").is_file():
            raise ProductNotFoundError(
                f"no previous data product in {compare_dir} (manifest.json missing)."
            )
        product += product_fingerprint(Path(compare_dir))
    return product


def _unchanged(
    jobs: list[Job], keys: dict[str, str], state: dict, out_dir: Path, force: bool
) -> tuple[dict[str, Outcome], list[Job]]:
    """The outcomes of the reports left as they are (skipped), and the jobs to render."""
    outcomes: dict[str, Outcome] = {}
    todo = []
    for job in jobs:
        done = state.get(job.name, {})
        # A file truncated, emptied or replaced since it was written is rendered again.
        present = outputs_intact(out_dir, done.get("outputs"), job_files(job))
        if not force and done.get("key") == keys[job.name] and present:
            outcomes[job.name] = Outcome(
                job.name, job.region, ok=True, skipped=True, pages=done.get("pages")
            )
        else:
            todo.append(job)
    return outcomes, todo


def _record(
    state: dict,
    todo: list[Job],
    outcomes: dict[str, Outcome],
    keys: dict[str, str],
    processed_dir: Path,
    out_dir: Path,
) -> None:
    """Write into ``state`` what became of each report just rendered."""
    for job in todo:
        o = outcomes[job.name]
        label = job.region or "Overall"
        if o.ok:
            state[job.name] = {
                "key": keys[job.name],
                "pages": o.pages,
                "at": timestamp(),
                "region": label,
                "as_of": _as_of(job, processed_dir),
                "outputs": fingerprints(out_dir, job_files(job)),
            }
        else:  # no key: rendered again next time; the index shows the failure
            state[job.name] = {"error": o.error, "at": timestamp(), "region": label}


def _as_of(job: Job, processed_dir: Path) -> str:
    """The report's as-of date in words: its parameter, else the day the product was built."""
    text = str(job.parameters.get("as_of") or "")
    if not text:
        text = str(json.loads((processed_dir / "manifest.json").read_text())["built_at"])[:10]
    return long_date(dt.date.fromisoformat(text[:10]))


def write_annex(processed_dir: Path, path: Path) -> Path:
    """The Excel annex: every activity × resolution with numeric spend, and spend by year.

    Sheets: ``About`` (what, units, source, every column explained), ``Mapping`` (one row
    per activity and resolution it cites) and ``By year`` (the allocations, for pivoting).
    """
    # Imported by the annex thread while the workers start: planning needs none of them.
    from cyber_mapping.analysis.annex import ANNEX_COLUMNS, ANNEX_YEAR_COLUMNS, annex_frames
    from cyber_mapping.excel import annex
    from cyber_mapping.product.store import load
    from cyber_mapping.reference import load_reference
    from cyber_mapping.report.context import data_version, texts

    product = load(processed_dir)
    ref = load_reference()
    mapping, by_year = annex_frames(product, ref)
    about = [
        "Mapping of BDT cybersecurity capacity-building activities to ITU Resolutions",
        "Mapping: one row per activity and Resolution it cites; spend is the share of the "
        "activity's spend allocated to that Resolution, in CHF (Swiss francs, exact to the "
        "cent, shown without decimals), split into actual (incurred) and estimated (ongoing "
        "and planned), staff and non-staff. By year: the same spend by accounting year, "
        "region, country, funder, basis and cost type, one number per row, for pivot tables.",
        f"Source: BDT submissions, data version {data_version(product.manifest)}; "
        f"product built {str(product.manifest['built_at'])[:10]}; "
        f"cyber_mapping {product.manifest['package_version']}.",
    ]
    if product.manifest.get("sample"):
        about.insert(0, texts()["illustrative"])
    return annex.write_table_workbook(
        path,
        {"Mapping": mapping, "By year": by_year},
        about,
        {"Mapping": ANNEX_COLUMNS, "By year": ANNEX_YEAR_COLUMNS},
        stamp=annex.built_time(product.manifest),  # same product, same bytes
    )
