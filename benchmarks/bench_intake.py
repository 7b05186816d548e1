"""Benchmark: read + validate 10,000 activities and 40,000 expenditure rows; one big workbook.

Run with `make bench` (or `python -m benchmarks.bench_intake`). Prints rows per second and
peak memory. Target on the 2-core project machine: under 10 s for reading plus validation.

Then one workbook of 200,000 rows (40,000 activities and 160,000 expenditure lines), as a
large office might send: each step runs as its own process (as an operator runs it) and is
measured by wall time and peak RSS: ``cyber-mapping build``, ``cyber-mapping validate
--feedback`` and the Excel annex of a report on that product (``rendering.write_annex``).
``--large-only`` skips the first part; ``--no-large`` skips the second.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from cyber_mapping.contract import SHEETS
from cyber_mapping.intake.reading import read_folder
from cyber_mapping.intake.validation import validate_intake

COUNTRIES = [
    "Kenya",
    "Uganda",
    "Viet Nam",
    "Türkiye",
    "Côte d'Ivoire",
    "DRC",
    "Lao PDR",
    "UK",
    "Brazil",
    "Peru",
    "Oman",
    "Egypt",
    "Fiji",
    "India",
    "Armenia",
    "Kyrgyzstan",
]
RES = ["PP-130", "WTDC Resolution 45", "Res 69 (Kigali)", "WTDC-67", "PP Res. 179"]
THEMES = ["Incident response and CIRTs", "Cyber drills and exercises", "Child online protection"]


def make_workbooks(
    folder: Path, n_acts: int = 10_000, n_exp: int = 40_000, files: int = 7, stem: str = "bench"
):
    rng = random.Random(1)
    per = n_acts // files
    for f in range(files):
        wb = openpyxl.Workbook(write_only=True)
        sheets = {s.key: wb.create_sheet(s.title) for s in SHEETS[:2]}
        sheets["activities"].append([c.header for c in SHEETS[0].columns])
        sheets["expenditure"].append([c.header for c in SHEETS[1].columns])
        lo, hi = f * per, (f + 1) * per if f < files - 1 else n_acts
        for i in range(lo, hi):
            countries = "; ".join(rng.sample(COUNTRIES, rng.randint(1, 5)))
            y = rng.randint(2017, 2024)
            sheets["activities"].append(
                [
                    f"A-{i}",
                    "; ".join(rng.sample(RES, rng.randint(1, 3))),
                    None,
                    None,
                    rng.choice(THEMES),
                    f"Activity {i}",
                    None,
                    countries,
                    None,
                    "BDT (HQ)",
                    None,
                    "Completed",
                    f"{rng.randint(1, 28):02d}/03/{y}",
                    f"15/11/{y + 1}",
                    None,
                    None,
                ]
            )
            for _ in range(n_exp // n_acts):
                sheets["expenditure"].append(
                    [
                        f"A-{i}",
                        "ITU regular budget",
                        f"{y}-{y + 1}",
                        "Non-staff",
                        "Actual",
                        f"{rng.randint(1000, 90000)}'{rng.randint(100, 999)}",
                        "CHF",
                    ]
                )
        wb.save(folder / f"{stem}_{f}.xlsx")


def measured(argv: list[str]) -> tuple[float, float, float, int]:
    """Run ``argv`` as a child process: wall seconds, CPU seconds, peak RSS (MB), exit code.

    CPU seconds (user + system) vary less than wall time on a machine shared with others.
    """
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = child.stderr.read().decode(errors="replace") if child.stderr else ""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        print(f"  {' '.join(argv[-4:])} failed ({child.returncode}): {err[-500:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, usage.ru_maxrss / 1024, child.returncode


def large() -> None:
    """Build, feedback and annex on one workbook of 200,000 rows, each as its own process."""
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        raw = work / "raw"
        raw.mkdir()
        t0 = time.perf_counter()
        make_workbooks(raw, n_acts=40_000, n_exp=160_000, files=1, stem="large")
        size = (raw / "large_0.xlsx").stat().st_size / 1e6
        print(
            f"\ngenerated one workbook of 200,000 rows ({size:.1f} MB) in "
            f"{time.perf_counter() - t0:.1f} s (not timed below)"
        )
        cli = str(bin_dir / "cyber-mapping")
        steps = {
            "build": [cli, "build", "--raw", str(raw), "--out", str(work / "processed")],
            "validate --feedback": [
                cli,
                "validate",
                "--raw",
                str(raw),
                "--out",
                str(work / "validation"),
                "--feedback",
                str(work / "feedback"),
            ],
            "Excel annex": [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; "
                "from cyber_mapping.report import rendering; "
                "rendering.write_annex(Path(sys.argv[1]), Path(sys.argv[2]))",
                str(work / "processed"),
                str(work / "annex.xlsx"),
            ],
        }
        for label, argv in steps.items():
            seconds, cpu, peak, _ = measured(argv)
            print(
                f"200,000-row workbook: {label:<20} {seconds:6.1f} s wall, {cpu:6.1f} s CPU, "
                f"peak RSS {peak:,.0f} MB"
            )


def main() -> int:
    if "--large-only" not in sys.argv:
        small()
    if "--no-large" not in sys.argv:
        large()
    return 0


def small() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        make_workbooks(folder)
        print(
            f"generated 10,000 activities + 40,000 expenditure rows in "
            f"{time.perf_counter() - t0:.1f} s (not timed below)"
        )
        t0 = time.perf_counter()
        intake = read_folder(folder)
        t_read = time.perf_counter() - t0
        result = validate_intake(intake)
        total = time.perf_counter() - t0
    rows = sum(result.rows_read.values())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"read {t_read:.2f} s, read + validate {total:.2f} s for {rows:,} rows: "
        f"{rows / total:,.0f} rows/s; peak RSS {peak_mb:,.0f} MB; "
        f"{result.n_errors} errors"
    )
    print(f"target < 10 s: {'MET' if total < 10 else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())
