"""The worker pool: two tasks per report (execute, then print), scheduled on spawned workers."""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
from collections.abc import Callable

from cyber_mapping.report.jobs import Job, Outcome
from cyber_mapping.report.worker import DISK_ERRORS, execute_job, print_job, worker_init


def next_task(
    to_execute: list[Job], to_print: list[tuple[Job, str]]
) -> tuple[Callable, tuple] | None:
    """Take the task a free worker should run next off the two queues (``None``: none left).

    The overall report's print task first (the longest of all), then the next execute
    task, then the regional print tasks: the short tasks come last, so neither worker idles
    long at the end.
    """
    for i, (job, _) in enumerate(to_print):
        if not job.region:
            return (print_job, to_print.pop(i))
    if to_execute:
        return (execute_job, (to_execute.pop(0),))
    if to_print:
        return (print_job, to_print.pop(0))
    return None


def run_pool(jobs: list[Job], workers: int, progress: bool) -> dict[str, Outcome]:
    """Run ``jobs`` on a pool of ``workers`` processes, two tasks per report.

    Each report is an *execute* task (kernel, notebook, HTML) and then a *print* task (PDF),
    taken in the order of :func:`next_task`. Measured on the sample: 35 s instead of 41 s
    with one task per report, whose last regional report kept one worker busy alone.
    """
    # tqdm (and its monitor thread) only when reports are rendered, not to plan or skip.
    from tqdm import tqdm

    outcomes: dict[str, Outcome] = {}
    to_execute = list(jobs)
    to_print: list[tuple[Job, str]] = []
    bar = tqdm(total=len(jobs), desc="reports", unit="report", disable=not progress)

    def finished(job: Job) -> None:
        o = outcomes[job.name]
        bar.set_postfix_str(f"{job.name} {'ok' if o.ok else 'FAILED'}")
        bar.update()

    # Workers are spawned, not forked: this process already runs threads (the annex writer,
    # tqdm's monitor), and a child forked while one of them holds a lock can wait for it
    # forever (seen here: a worker hung in its first import and the pool never closed).
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=max(1, min(workers, len(jobs))),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=worker_init,
        initargs=(os.getpid(),),  # each worker watches this process and dies with it
    )
    disk: OSError | None = None  # a full or read-only disk: no further task is started
    with pool:
        running: dict[concurrent.futures.Future, tuple] = {}

        def fill() -> None:
            while len(running) < workers and disk is None:
                task = next_task(to_execute, to_print)
                if task is None:
                    return
                function, args = task
                running[pool.submit(function, *args)] = (function, args[0])

        fill()
        while running:
            done, _ = concurrent.futures.wait(
                running, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in done:
                function, job = running.pop(future)
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a crashed task fails one report
                    if isinstance(exc, OSError) and exc.errno in DISK_ERRORS:
                        disk = disk or exc  # but a full disk fails the run
                        continue
                    outcome = outcomes.get(job.name) or Outcome(job.name, job.region, ok=False)
                    stage = "printing the PDF" if function is print_job else "the worker"
                    outcome.ok = False
                    outcome.error = f"{stage} failed: {type(exc).__name__}: {exc}"
                    outcomes[job.name] = outcome
                    finished(job)
                    continue
                if function is execute_job:
                    outcome, page = result
                    outcomes[job.name] = outcome
                    if outcome.ok and "pdf" in job.formats:
                        to_print.append((job, page))
                    else:
                        finished(job)
                else:
                    outcome = outcomes[job.name]
                    outcome.pages, outcome.phases["pdf"] = result
                    outcome.seconds += outcome.phases["pdf"]
                    outcome.files.append(job.output("pdf").name)
                    finished(job)
            fill()
    bar.close()
    if disk is not None:
        raise disk  # one line for the operator (cli.os_error_message), exit 2
    return outcomes
