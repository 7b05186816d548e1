"""Benchmark: rendering every report, against its floor and against the naive route.

Measured in one run, on the bundled sample:

1. **floor**: start and stop 7 kernels that import pandas, matplotlib and seaborn, 2 at a
   time (what any route running 7 notebooks on 2 cores has to pay);
2. **full**: the work of ``make reports`` from scratch: build the data product from
   ``data/raw/`` and render the 7 reports (HTML + PDF), the Excel annex and the index with
   the library's driver (2 worker processes);
3. **naive**: per report, one after another, the ``papermill`` command, then
   ``jupyter nbconvert --to html --no-input``, then the ``weasyprint`` command for the PDF.

Targets: full within 2.5x the floor; full at least 3x faster than naive. For comparison it
also times the same reports rendered to HTML only (no PDF). Everything is written to a
temporary folder; ``data/`` and ``reports/`` are not touched.
"""

from __future__ import annotations

import concurrent.futures
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cyber_mapping.paths import RAW_DIR, REPORT_NOTEBOOK
from cyber_mapping.product.build import build
from cyber_mapping.report import jobs, page, rendering

BIN = Path(sys.executable).parent


def floor(kernels: int = 7, parallel: int = 2) -> float:
    """Seconds to start, import pandas/matplotlib/seaborn in, and stop ``kernels`` kernels."""
    from jupyter_client.manager import start_new_kernel

    def one(_: int) -> None:
        # The kernel's stderr (ipykernel's TCP notice) is noise here, as in the reports.
        km, kc = start_new_kernel(kernel_name="python3", stderr=subprocess.DEVNULL)
        try:
            kc.execute_interactive("import pandas, matplotlib, seaborn", timeout=120)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, range(kernels)))
    return time.perf_counter() - start


def full(work: Path) -> tuple[float, float, jobs.Summary]:
    """Seconds for build + render of every report; also the render time alone."""
    start = time.perf_counter()
    build(RAW_DIR, work / "processed")
    built = time.perf_counter()
    summary = rendering.render(
        all_reports=True,
        processed_dir=work / "processed",
        out_dir=work / "reports",
        progress=False,
        force=True,
    )
    end = time.perf_counter()
    if summary.failed:
        raise SystemExit(summary.text())
    return end - start, end - built, summary


def unchanged(work: Path) -> float:
    """Seconds for ``render`` again with nothing changed (every report skipped)."""
    start = time.perf_counter()
    summary = rendering.render(
        all_reports=True,
        processed_dir=work / "processed",
        out_dir=work / "reports",
        progress=False,
    )
    if not all(o.skipped for o in summary.outcomes):
        raise SystemExit("a report was rendered again although nothing changed")
    return time.perf_counter() - start


def html_only(work: Path) -> float:
    """Seconds to render the 7 reports to HTML only (no PDF), on the product ``full`` built.

    Not a target: it shows how much of the full run is left once typesetting is removed.
    """
    start = time.perf_counter()
    summary = rendering.render(
        all_reports=True,
        formats=("html",),
        processed_dir=work / "processed",
        out_dir=work / "html-only",
        progress=False,
        force=True,
    )
    if summary.failed:
        raise SystemExit(summary.text())
    return time.perf_counter() - start


def naive(work: Path, regions: list[str]) -> float:
    """Seconds for papermill + nbconvert + weasyprint commands per report, in sequence."""
    out = work / "naive"
    out.mkdir()
    css = page.CSS_PATH
    start = time.perf_counter()
    for region in regions:
        name = f"report_{jobs.slug(region)}"
        notebook = out / f"{name}.ipynb"
        run = [
            str(BIN / "papermill"),
            str(REPORT_NOTEBOOK),
            str(notebook),
            "-p",
            "region",
            region,
            "-p",
            "processed_dir",
            str(work / "processed"),
            "--no-progress-bar",
        ]
        subprocess.run(run, check=True, capture_output=True)
        subprocess.run(
            [
                str(BIN / "jupyter"),
                "nbconvert",
                "--to",
                "html",
                "--no-input",
                str(notebook),
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                str(BIN / "weasyprint"),
                "-s",
                str(css),
                str(out / f"{name}.html"),
                str(out / f"{name}.pdf"),
            ],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - start


def main() -> int:
    """Run the three measurements and print the figures and the verdicts."""
    logging.disable(logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    try:
        print("floor: 7 kernels (pandas, matplotlib, seaborn), 2 at a time ...", flush=True)
        t_floor = floor()
        print(f"  {t_floor:.1f} s", flush=True)
        print("full: build + 7 reports (HTML + PDF), annex and index, 2 workers ...", flush=True)
        t_full, t_render, summary = full(work)
        pages = {o.name: o.pages for o in summary.outcomes}
        print(f"  {t_full:.1f} s (render {t_render:.1f} s); PDF pages: {pages}", flush=True)
        busy = {
            phase: sum(o.phases.get(phase, 0.0) for o in summary.outcomes)
            for phase in ("execute", "html", "pdf")
        }
        print(
            "  task seconds, summed over the reports: "
            + ", ".join(f"{k} {v:.1f}" for k, v in busy.items()),
            flush=True,
        )
        print(f"unchanged: render again, nothing changed: {unchanged(work):.2f} s", flush=True)
        print("html only: the same reports without PDFs (for comparison) ...", flush=True)
        t_html = html_only(work)
        t_build = t_full - t_render
        print(f"  {t_html:.1f} s, {t_build + t_html:.1f} s with the build", flush=True)
        regions = [o.region for o in summary.outcomes]
        print("naive: papermill + nbconvert + weasyprint commands, one report after another")
        t_naive = naive(work, regions)
        print(f"  {t_naive:.1f} s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratio_floor = t_full / t_floor
    speedup = t_naive / t_full
    print()
    print(f"full / floor  = {ratio_floor:.2f}x (target <= 2.5x): ", end="")
    print("met" if ratio_floor <= 2.5 else "NOT met")
    print(f"naive / full  = {speedup:.2f}x (target >= 3x): ", end="")
    print("met" if speedup >= 3 else "NOT met")
    print(f"(build + HTML only) / floor = {(t_build + t_html) / t_floor:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
