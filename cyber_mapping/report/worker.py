"""What a worker process does: execute one report's notebook and export its HTML, or print it.

Each task runs in a spawned worker process (:mod:`cyber_mapping.report.pool`). The driver
imports this module too, to submit the tasks, so papermill, nbformat and WeasyPrint are
imported by the functions that use them (and once per worker by :func:`worker_init`).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import signal
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from cyber_mapping.paths import atomic_path, temporary_name
from cyber_mapping.report.jobs import Job, Outcome
from cyber_mapping.report.page import html_exporter, notebook_html

# A disk that cannot take the outputs ends the whole run with one line (see the pool),
# rather than failing each report in turn.
DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})
# How often a worker checks that the run that started it is still there.
WATCH_SECONDS = 0.25


class Orphaned(RuntimeError):
    """The run that started this worker is gone: nothing more is written or renamed."""


def worker_init(parent: int | None = None) -> None:
    """Prepare a worker process: die with its run, skip a slow import, load the renderers.

    ``parent`` is the process id of the run (the pool's process). A run killed with
    ``kill -9`` cannot stop its workers, so each worker watches it (:func:`_watch`) and
    ends itself, with its kernels, within :data:`WATCH_SECONDS` of the run's end.

    jsonschema (through nbformat) imports ``rfc3987_syntax`` only to check IRI formats,
    which notebook validation does not use, and that import builds a grammar for about
    1.6 s (python-jsonschema/jsonschema#1392). Marking it absent makes jsonschema skip it.
    """
    # The one fact a worker process keeps about its run, set once when it starts.
    global _PARENT
    _PARENT = parent if parent is not None else os.getppid()
    threading.Thread(target=_watch, args=(_PARENT,), daemon=True, name="watch-run").start()
    if "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    import papermill  # noqa: F401 - loaded once per worker, not once per report
    import weasyprint  # noqa: F401

    html_exporter()


_PARENT: int | None = None


def orphaned() -> bool:
    """Whether this worker's run is gone (its parent process is no longer the run)."""
    return _PARENT is not None and os.getppid() != _PARENT


def _check_run() -> None:
    """Stop before renaming an output into place when the run is gone."""
    if orphaned():
        raise Orphaned("the run that started this worker is gone; output not kept")


def _children(pid: int) -> list[int]:
    """The process ids whose parent is ``pid`` (read from /proc; none elsewhere)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.parent.name))
    return found


def _watch(parent: int) -> None:
    """End this worker, and the kernels it started, when the run ``parent`` is gone."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    for child in _children(os.getpid()):
        with contextlib.suppress(OSError):
            os.kill(child, signal.SIGKILL)
    os._exit(1)


@contextlib.contextmanager
def _stderr_to_log(job: Job, mode: str) -> Iterator[None]:
    """Send this process's stderr to the report's log while the block runs.

    The kernel's TCP notice and font warnings go to ``<out>/.logs/<report>.log`` instead of
    the terminal.
    """
    logs = job.out_dir / ".logs"
    logs.mkdir(parents=True, exist_ok=True)
    saved = os.dup(2)
    with open(logs / f"{job.name}.log", mode, encoding="utf-8") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def execute_job(job: Job) -> tuple[Outcome, str]:
    """Execute one report's notebook and export its HTML (runs in a worker process).

    Returns the outcome so far and the HTML page, which :func:`print_job` turns into the
    PDF as a separate task (so that the pool can balance the two halves across workers).
    """
    with _stderr_to_log(job, "w"):
        return _execute_job(job)


def print_job(job: Job, page: str) -> tuple[int, float]:
    """Typeset the HTML ``page`` of ``job`` to its A4 PDF; return pages and seconds."""
    with _stderr_to_log(job, "a"):
        from weasyprint import HTML  # a worker's import (see the module's docstring)

        start = time.perf_counter()
        rendered = HTML(
            string=page, base_url=str(job.out_dir), url_fetcher=local_url_fetcher(job.out_dir)
        ).render()
        with atomic_path(job.output("pdf")) as tmp:
            rendered.write_pdf(str(tmp))
            _check_run()
        return len(rendered.pages), time.perf_counter() - start


def local_url_fetcher(root: Path) -> object:
    """A WeasyPrint URL fetcher that fetches only ``data:`` URLs and files under ``root``.

    A report is self-contained (styles and charts inline); anything else a page asks for
    (``http:``, ``ftp:``, a file elsewhere on the machine) is refused, so that printing
    never reaches the network or reads files that are not the report's. WeasyPrint logs the
    refusal and prints the page without the resource.
    """
    from weasyprint import urls  # a worker's import (see the module's docstring)

    base = Path(root).resolve()

    def allowed(url: str) -> bool:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return True
        if scheme != "file":
            return False
        path = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).resolve()
        return path.is_relative_to(base)

    def refuse(url: str) -> None:
        raise ValueError(f"refused to fetch {url[:200]}: not a local file of the report")

    if hasattr(urls, "URLFetcher"):  # WeasyPrint 67 and later

        class LocalFetcher(urls.URLFetcher):
            def fetch(self, url, headers=None):  # noqa: D102 - WeasyPrint's interface
                if not allowed(url):
                    refuse(url)
                return super().fetch(url, headers)

        return LocalFetcher()

    def fetch(url: str, *args: object, **kwargs: object) -> object:
        if not allowed(url):
            refuse(url)
        return urls.default_url_fetcher(url, *args, **kwargs)

    return fetch


def _execute_job(job: Job) -> tuple[Outcome, str]:
    # A worker's imports (see the module's docstring).
    import papermill
    from papermill.exceptions import PapermillExecutionError

    logging.getLogger("traitlets").setLevel(logging.ERROR)  # ipykernel's TCP notice
    # SVG presentation attributes WeasyPrint does not know are harmless: keep the log clean.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    start = time.perf_counter()
    outcome = Outcome(job.name, job.region, ok=False)
    # Executed under a temporary name and renamed into place, failed or not (a failed
    # notebook is the record of its error); a killed run leaves no half-written notebook.
    executed = temporary_name(job.notebook)
    nb = None
    try:
        nb = papermill.execute_notebook(
            str(job.template),
            str(executed),
            parameters=job.parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            # Saving (and validating) the growing notebook after every cell costs seconds;
            # it is written once at the end, and also when a cell fails.
            request_save_on_cell_execute=False,
            autosave_cell_every=0,
            execution_timeout=job.cell_timeout,
            cwd=str(job.template.parent),
        )
    except PapermillExecutionError as exc:
        outcome.error = f"{exc.ename}: {exc.evalue}"
    except OSError as exc:
        if exc.errno in DISK_ERRORS:  # the disk, not the report: the run stops (see the pool)
            executed.unlink(missing_ok=True)
            raise
        outcome.error = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # noqa: BLE001 - a kernel that cannot start is this report's fault
        outcome.error = f"{type(exc).__name__}: {exc}"
    if nb is not None:
        import nbformat  # a worker's import (see the module's docstring)

        # papermill's injected cell has a random id: same inputs must give the same bytes.
        stable_cell_ids(nb, job.template)
        # The record names the notebook's real place, not the temporary one.
        nb.metadata.get("papermill", {})["output_path"] = str(job.notebook)
        try:
            nbformat.write(nb, str(executed))
        except OSError:
            executed.unlink(missing_ok=True)
            raise
    # Only a whole notebook takes the final name (papermill may have left a partial one).
    if executed.exists() and _whole_notebook(executed) and not orphaned():
        os.replace(executed, job.notebook)
    executed.unlink(missing_ok=True)
    if outcome.error:
        outcome.seconds = time.perf_counter() - start
        outcome.files = [job.notebook.name] if job.notebook.exists() else []
        return outcome, ""
    outcome.phases["execute"] = time.perf_counter() - start
    # papermill returns the executed notebook it has just written: no need to read it back.
    document = str(job.parameters.get("document", ""))
    page = notebook_html(nb, job.title, document, job.name, job.links)
    outcome.phases["html"] = time.perf_counter() - start - outcome.phases["execute"]
    outcome.files = [job.notebook.name]
    if "html" in job.formats:
        with atomic_path(job.output("html")) as tmp:
            tmp.write_text(page, encoding="utf-8")
            _check_run()
        outcome.files.append(job.output("html").name)
    outcome.ok = True
    outcome.seconds = time.perf_counter() - start
    return outcome, page


def _whole_notebook(path: Path) -> bool:
    """Whether ``path`` holds a complete notebook (JSON that parses), not a partial write."""
    try:
        return isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    except (OSError, ValueError):
        return False


def stable_cell_ids(nb: object, template: Path) -> None:
    """Give every cell of ``nb`` an id that depends only on the template and the cell.

    nbformat gives random ids to new cells (papermill's ``injected-parameters``) and to the
    cells of a template saved without ids, and nbconvert writes them into the HTML: two
    runs on the same data differed. Ids written in the template file are kept; any other
    cell gets ``cell-<n>-<hash of its source>``. Ids stay unique.
    """
    try:
        cells = json.loads(Path(template).read_text(encoding="utf-8")).get("cells", [])
        kept = {c.get("id") for c in cells if isinstance(c, dict) and c.get("id")}
    except (OSError, ValueError, AttributeError):
        kept = set()
    seen: set[str] = set()
    for i, cell in enumerate(nb.cells):  # type: ignore[attr-defined]
        current = cell.get("id")
        if current in kept and current not in seen:
            seen.add(current)
            continue
        source = "".join(cell.get("source", ""))
        digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:8]
        cell["id"] = f"cell-{i}-{digest}"
        seen.add(cell["id"])
