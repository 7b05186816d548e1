"""Run the report notebooks and render them: papermill → HTML (nbconvert) → PDF (WeasyPrint).

One Python process drives a pool of two worker processes (measured fastest on 2 cores);
each worker executes one notebook with papermill, exports it with nbconvert's HTML exporter
(code hidden) into a self-contained page, and prints that page to A4 PDF with WeasyPrint.
A report whose inputs, code, template and parameters are unchanged is not rendered again
(content hashes in ``reports/.render-state.json``). A failing report does not stop the
others: its executed notebook is kept with the error, and the summary names it.
"""

from __future__ import annotations

import ast
import concurrent.futures
import contextlib
import datetime as dt
import functools
import hashlib
import html
import json
import logging
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from cyber_mapping.exceptions import ProductNotFoundError, ReportConfigError
from cyber_mapping.paths import (
    PACKAGE_DIR,
    PROCESSED_DIR,
    REPORT_NOTEBOOK,
    REPORTS_DIR,
    atomic_path,
    temporary_name,
)

logger = logging.getLogger(__name__)

FORMATS = ("html", "pdf")
STATE_FILE = ".render-state.json"
ANNEX_NAME = "annex_mapping_table.xlsx"
CSS_PATH = PACKAGE_DIR / "templates" / "report.css"
# Parameters every report template must declare in its tagged cell.
REQUIRED_PARAMETERS = ("region", "period", "processed_dir", "as_of")
# Seconds one notebook cell may run before its report is failed: a hung kernel must not
# hold a scheduled run for ever. The slowest cell of the sample takes about 1 s.
CELL_TIMEOUT = 600


@dataclass(frozen=True)
class Job:
    """One report to render."""

    name: str
    region: str  # "" for the overall report
    template: Path
    out_dir: Path
    parameters: dict[str, object]
    formats: tuple[str, ...]
    title: str
    cell_timeout: int = CELL_TIMEOUT
    # (label, file name) of every report of the run, for the navigation bar of the HTML.
    links: tuple[tuple[str, str], ...] = ()

    @property
    def notebook(self) -> Path:
        """The executed notebook, kept next to the HTML as the record of the run."""
        return self.out_dir / f"{self.name}.ipynb"

    def output(self, fmt: str) -> Path:
        """Where the ``fmt`` rendering goes."""
        return self.out_dir / f"{self.name}.{fmt}"


@dataclass
class Outcome:
    """What happened to one report."""

    name: str
    region: str
    ok: bool
    skipped: bool = False
    seconds: float = 0.0
    error: str = ""
    pages: int | None = None
    files: list[str] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)  # execute / html / pdf seconds


@dataclass
class Summary:
    """The result of :func:`render`."""

    outcomes: list[Outcome]
    out_dir: Path
    seconds: float

    @property
    def failed(self) -> list[Outcome]:
        """Reports that did not render."""
        return [o for o in self.outcomes if not o.ok]

    def text(self) -> str:
        """Human summary: one line per report, then the failures."""
        lines = []
        for o in self.outcomes:
            state = "unchanged" if o.skipped else ("ok" if o.ok else "FAILED")
            pages = f", {o.pages} PDF pages" if o.pages else ""
            lines.append(f"  {o.name:<34} {state}{pages} ({o.seconds:.1f} s)")
        lines.append(
            f"{len(self.outcomes) - len(self.failed)} of {len(self.outcomes)} report(s) ready in "
            f"{self.out_dir} ({self.seconds:.1f} s); index: {self.out_dir / 'index.html'}"
        )
        for o in self.failed:
            lines.append(f"FAILED {o.name}: {o.error} (executed notebook: {o.name}.ipynb)")
        return "\n".join(lines)


# ----------------------------------------------------------------------------- checks


def slug(region: str) -> str:
    """``Asia and the Pacific`` -> ``asia_and_the_pacific``; ``""`` -> ``overall``."""
    return re.sub(r"[^a-z0-9]+", "_", region.casefold()).strip("_") or "overall"


def resolve_regions(regions: list[str] | None, all_reports: bool) -> list[str]:
    """The regions to render ("" is the overall report); unknown names are refused.

    Raises
    ------
    ReportConfigError
        Naming the valid regions, before any kernel starts.
    """
    from cyber_mapping.reference import load_reference  # pandas: not needed by workers

    valid = list(load_reference().region_names)
    if all_reports:
        return ["", *valid]
    if not regions:
        return [""]
    folded = {r.casefold(): r for r in valid}
    out = []
    for name in regions:
        if name.casefold() in {"overall", "all", ""}:
            out.append("")
        elif name.casefold() in folded:
            out.append(folded[name.casefold()])
        else:
            raise ReportConfigError(
                f"unknown region '{name}'; choose one of: {', '.join(valid)} (or overall)"
            )
    return list(dict.fromkeys(out))


def parameters_cell(template: Path) -> dict[str, object]:
    """The literal defaults of the template's one ``parameters`` cell.

    Raises
    ------
    ReportConfigError
        When the template has no, or several, cells tagged ``parameters`` (papermill would
        then silently run the defaults), when the cell holds anything but ``name = literal``
        lines, or when a required parameter is missing.
    """
    try:
        nb = json.loads(Path(template).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportConfigError(f"cannot read report template {template}: {exc}") from exc
    tagged = [
        c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    if len(tagged) != 1:
        raise ReportConfigError(
            f"{template.name} has {len(tagged)} cells tagged 'parameters'; it needs exactly one "
            "(papermill would otherwise run with the defaults). Tag one cell in JupyterLab: "
            "Property Inspector > Cell Tags > parameters."
        )
    source = "".join(tagged[0].get("source", ""))
    values: dict[str, object] = {}
    for node in ast.parse(source).body:
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            raise ReportConfigError(
                f"{template.name}: the parameters cell must hold only 'name = literal' lines"
            )
        try:
            values[node.targets[0].id] = ast.literal_eval(node.value)
        except ValueError as exc:
            raise ReportConfigError(
                f"{template.name}: parameter '{node.targets[0].id}' is not a literal"
            ) from exc
    missing = [p for p in REQUIRED_PARAMETERS if p not in values]
    if missing:
        raise ReportConfigError(f"{template.name}: parameters cell lacks {', '.join(missing)}")
    return values


# ----------------------------------------------------------------------------- hashing


def _hash_files(digest: hashlib._Hash, paths: list[Path], root: Path) -> None:
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())


def code_fingerprint() -> str:
    """Hash of the package's code, reference data and report styles."""
    digest = hashlib.sha256()
    files = [p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    _hash_files(digest, files, PACKAGE_DIR)
    return digest.hexdigest()


def product_fingerprint(processed_dir: Path) -> str:
    """Hash of the data product's tables and manifest (without its build time)."""
    digest = hashlib.sha256()
    _hash_files(digest, list(processed_dir.glob("*.parquet")), processed_dir)
    manifest = json.loads((processed_dir / "manifest.json").read_text())
    manifest.pop("built_at", None)
    digest.update(json.dumps(manifest, sort_keys=True).encode())
    return digest.hexdigest()


def job_key(job: Job, code: str, product: str) -> str:
    """Content hash of everything a report depends on."""
    digest = hashlib.sha256()
    digest.update(Path(job.template).read_bytes())
    payload = {
        "parameters": job.parameters,
        "formats": job.formats,
        "code": code,
        "links": job.links,
    }
    digest.update(json.dumps(payload, sort_keys=True, default=str).encode())
    digest.update(product.encode())
    return digest.hexdigest()


# ----------------------------------------------------------------------------- one report


def css_string(text: str) -> str:
    r"""``text`` as a quoted CSS string that cannot leave the string or the ``<style>``.

    Every character but letters, digits, spaces and plain punctuation becomes a six-digit
    CSS escape (``<`` is ``\00003c``), so operator text such as
    ``Doc"; } </style><script>`` stays text in the running header: no CSS, no HTML.
    """
    plain = " .,:;-–—_()/'+&#!?%*="
    return (
        '"'
        # The space ends the escape and is consumed with it (CSS Syntax 4.3.7).
        + "".join(ch if ch.isalnum() or ch in plain else f"\\{ord(ch):06x} " for ch in text)
        + '"'
    )


def page_css(title: str, document: str) -> str:
    """The per-report running header (document number and title, from page 2) for WeasyPrint.

    No data version or hash: provenance is given once, in Annex 2.
    """
    head = f"{document} – {title}" if document else title
    return (
        "@page { @top-left { content: " + css_string(head[:110]) + "; } }\n"
        "@page :first { @top-left { content: none; } }\n"
    )


@functools.cache
def _html_exporter() -> object:
    """The HTML exporter, configured once per process.

    Building it (templates, Jinja environment) costs more than exporting a report with it,
    and it keeps no state between documents.
    """
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


# A section heading: its id and its text, up to its anchor link or the end of the heading
# (a heading written by a block has no anchor link; the text must never run past </h2>).
_H2 = re.compile(r"<h2 id=[\"']([^\"']+)[\"']>(.*?)(?:<a class=[\"']anchor-link[\"']|</h2>)", re.S)


def navigation(body: str, name: str, links: tuple[tuple[str, str], ...]) -> tuple[str, str]:
    """The screen navigation of a report: index and other reports, then a table of contents.

    ``body`` is the exported notebook (its ``h2`` headings become the contents list);
    ``links`` are ``(label, html file)`` of every report of the run (this one, ``name``,
    is shown as the current page). Print hides both (the PDF has its page numbers).
    """
    items = ["<a href='index.html'>All reports</a>"]
    for label, target in links:
        if Path(target).stem == name:
            items.append(
                f"<a href='{html.escape(target)}' aria-current='page'><b>"
                f"{html.escape(label)}</b></a>"
            )
        else:
            items.append(f"<a href='{html.escape(target)}'>{html.escape(label)}</a>")
    bar = f"<nav class='doc-nav' aria-label='Reports'>{''.join(items)}</nav>"
    entries = "".join(
        f"<li><a href='#{anchor}'>{text.strip()}</a></li>" for anchor, text in _H2.findall(body)
    )
    toc = (
        f"<nav class='toc' aria-labelledby='toc-title'><h2 id='toc-title'>Contents</h2>"
        f"<ul>{entries}</ul></nav>"
        if entries
        else ""
    )
    return bar, toc


def notebook_html(
    nb: object,
    title: str,
    document: str,
    name: str = "",
    links: tuple[tuple[str, str], ...] = (),
) -> str:
    """A self-contained HTML page of an executed notebook, code hidden, print styles inlined.

    Readable on a phone (viewport meta; wide tables scroll inside their own box), with a
    navigation bar to the index and the other reports and a table of contents placed after
    the cover block.
    """
    # Warnings printed by the kernel are for the analyst, not the delegates.
    for cell in nb.cells:  # type: ignore[attr-defined]
        if cell.get("outputs"):
            cell.outputs = [
                o
                for o in cell.outputs
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    body, _ = _html_exporter().from_notebook_node(nb)
    bar, toc = navigation(body, name, links)
    # The contents list goes before the first numbered section (after the cover block).
    first = _H2.search(body)
    if first:
        cut = body.rfind('<div class="cell', 0, first.start())
        cut = cut if cut >= 0 else first.start()
        body = body[:cut] + toc + body[cut:]
    css = CSS_PATH.read_text(encoding="utf-8") + page_css(title, document)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{css}</style></head>"
        f"<body><main class='report'>{bar}{body}</main><hr class='end-rule'></body></html>\n"
    )


def _worker_init() -> None:
    """Prepare a worker process: skip a slow optional import, then load the renderers.

    jsonschema (through nbformat) imports ``rfc3987_syntax`` only to check IRI formats,
    which notebook validation does not use, and that import builds a grammar for about
    1.6 s (python-jsonschema/jsonschema#1392). Marking it absent makes jsonschema skip it.
    """
    if "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    import papermill  # noqa: F401 - loaded once per worker, not once per report
    import weasyprint  # noqa: F401

    _html_exporter()


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
        from weasyprint import HTML

        start = time.perf_counter()
        rendered = HTML(
            string=page, base_url=str(job.out_dir), url_fetcher=local_url_fetcher(job.out_dir)
        ).render()
        with atomic_path(job.output("pdf")) as tmp:
            rendered.write_pdf(str(tmp))
        return len(rendered.pages), time.perf_counter() - start


def local_url_fetcher(root: Path) -> object:
    """A WeasyPrint URL fetcher that fetches only ``data:`` URLs and files under ``root``.

    A report is self-contained (styles and charts inline); anything else a page asks for
    (``http:``, ``ftp:``, a file elsewhere on the machine) is refused, so that printing
    never reaches the network or reads files that are not the report's. WeasyPrint logs the
    refusal and prints the page without the resource.
    """
    import urllib.parse

    from weasyprint import urls

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
    except Exception as exc:  # noqa: BLE001 - a kernel that cannot start is this report's fault
        outcome.error = f"{type(exc).__name__}: {exc}"
    if nb is not None:
        import nbformat

        # papermill's injected cell has a random id: same inputs must give the same bytes.
        stable_cell_ids(nb, job.template)
        # The record names the notebook's real place, not the temporary one.
        nb.metadata.get("papermill", {})["output_path"] = str(job.notebook)
        nbformat.write(nb, str(executed))
    if executed.exists():
        os.replace(executed, job.notebook)
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
        outcome.files.append(job.output("html").name)
    outcome.ok = True
    outcome.seconds = time.perf_counter() - start
    return outcome, page


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


def _run_pool(jobs: list[Job], workers: int, progress: bool) -> dict[str, Outcome]:
    """Run ``jobs`` on a pool of ``workers`` processes, two tasks per report.

    Each report is an *execute* task (kernel, notebook, HTML) and then a *print* task (PDF),
    taken in the order of :func:`next_task`. Measured on the sample: 35 s instead of 41 s
    with one task per report, whose last regional report kept one worker busy alone.
    """
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
        initializer=_worker_init,
    )
    with pool:
        running: dict[concurrent.futures.Future, tuple] = {}

        def fill() -> None:
            while len(running) < workers:
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
    return outcomes


# ----------------------------------------------------------------------------- driver


def check_period(period: str, manifest: dict) -> None:
    """Refuse, before any kernel starts, a report period that is not the product's.

    An empty ``period`` means the product's own mapping period.

    Raises
    ------
    ReportConfigError
        When ``period`` names other years than the product was built for.
    """
    first, last = manifest["parameters"]["mapping_period"]
    if period and period.replace("\u2013", "-") != f"{first}-{last}":
        raise ReportConfigError(
            f"the report's period {period} differs from the data product's mapping period "
            f"{first}-{last}; rebuild with `cyber-mapping build --period {period}`, or leave "
            "--period out."
        )


def plan(
    regions: list[str],
    processed_dir: Path,
    out_dir: Path,
    formats: tuple[str, ...],
    template: Path = REPORT_NOTEBOOK,
    extra: dict[str, object] | None = None,
) -> list[Job]:
    """The jobs for ``regions`` ("" = overall), with the template's parameters checked."""
    from cyber_mapping.narrative import texts

    defaults = parameters_cell(template)
    unknown = sorted(set(extra or {}) - set(defaults))
    if unknown:
        raise ReportConfigError(
            f"unknown report parameter(s) {', '.join(unknown)}; the template declares "
            + ", ".join(sorted(defaults))
        )
    manifest_path = processed_dir / "manifest.json"
    if not manifest_path.is_file():
        raise ProductNotFoundError(
            f"no data product in {processed_dir} (manifest.json missing). Run `make build` first."
        )
    manifest = json.loads(manifest_path.read_text())
    check_period(str((extra or {}).get("period", "")), manifest)
    t = texts()
    jobs = []
    for region in regions:
        params = dict(defaults)
        params.update(extra or {})
        # Absolute: the kernel runs in the notebooks folder, not the caller's.
        params.update({"region": region, "processed_dir": str(processed_dir.resolve())})
        title = t["title"] + (
            t["title_region"].format(region_upper=region.upper()) if region else ""
        )
        jobs.append(
            Job(
                name=f"report_{slug(region)}",
                region=region,
                template=Path(template),
                out_dir=out_dir,
                parameters=params,
                formats=formats,
                title=title,
            )
        )
    links = tuple(
        (job.region or "Overall", job.output("html").name) for job in jobs if "html" in formats
    )
    return [replace(job, links=links) for job in jobs]


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
    state_path = out_dir / STATE_FILE
    try:
        state = json.loads(state_path.read_text()) if state_path.is_file() else {}
    except ValueError:  # a damaged state trusts nothing: everything is rendered again
        state = {}
    if not isinstance(state, dict):
        state = {}
    code, product = code_fingerprint(), product_fingerprint(processed_dir)
    compare_dir = str((parameters or {}).get("compare_dir") or "")
    if compare_dir:  # the previous edition is an input of the report too
        if not (Path(compare_dir) / "manifest.json").is_file():
            raise ProductNotFoundError(
                f"no previous data product in {compare_dir} (manifest.json missing)."
            )
        product += product_fingerprint(Path(compare_dir))
    keys = {job.name: job_key(job, code, product) for job in jobs}
    outcomes: dict[str, Outcome] = {}
    todo = []
    for job in jobs:
        done = state.get(job.name, {})
        # A file truncated, emptied or replaced since it was written is rendered again.
        present = outputs_intact(out_dir, done.get("outputs"), _job_files(job))
        if not force and done.get("key") == keys[job.name] and present:
            outcomes[job.name] = Outcome(
                job.name, job.region, ok=True, skipped=True, pages=done.get("pages")
            )
        else:
            todo.append(job)
    # The Excel annex is written by a thread of this (otherwise waiting) process while the
    # workers render.
    annex_key = product + code
    annex = None
    helper = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    annex_intact = outputs_intact(out_dir, state.get("_annex_outputs"), [ANNEX_NAME])
    if state.get("_annex") != annex_key or not annex_intact or force:
        annex = helper.submit(write_annex, processed_dir, out_dir / ANNEX_NAME)
    if todo:
        outcomes.update(_run_pool(todo, workers, progress))
        for job in todo:
            o = outcomes[job.name]
            label = job.region or "Overall"
            if o.ok:
                state[job.name] = {
                    "key": keys[job.name],
                    "pages": o.pages,
                    "at": _now(),
                    "region": label,
                    "as_of": _as_of(job, processed_dir),
                    "outputs": fingerprints(out_dir, _job_files(job)),
                }
            else:  # no key: rendered again next time; the index shows the failure
                state[job.name] = {"error": o.error, "at": _now(), "region": label}
    ordered = [outcomes[job.name] for job in jobs]
    helper.shutdown(wait=True)
    if annex is not None:
        annex.result()  # re-raises what went wrong
        state["_annex"] = annex_key
        state["_annex_outputs"] = fingerprints(out_dir, [ANNEX_NAME])
    with atomic_path(state_path) as tmp:
        tmp.write_text(json.dumps(state, indent=2, sort_keys=True))
    write_index(out_dir, processed_dir, state)
    return Summary(ordered, out_dir, time.perf_counter() - start)


def _as_of(job: Job, processed_dir: Path) -> str:
    """The report's as-of date in words: its parameter, else the day the product was built."""
    from cyber_mapping.narrative import long_date

    text = str(job.parameters.get("as_of") or "")
    if not text:
        text = str(json.loads((processed_dir / "manifest.json").read_text())["built_at"])[:10]
    return long_date(dt.date.fromisoformat(text[:10]))


def _job_files(job: Job) -> list[str]:
    return [job.notebook.name, *(job.output(f).name for f in job.formats)]


def fingerprints(folder: Path, names: list[str]) -> dict[str, dict[str, object]]:
    """Size and SHA-256 of each file ``names`` of ``folder``, as the render state keeps them."""
    out: dict[str, dict[str, object]] = {}
    for name in names:
        path = folder / name
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        out[name] = {"size": path.stat().st_size, "sha256": digest}
    return out


def outputs_intact(folder: Path, recorded: object, names: list[str]) -> bool:
    """Whether every file ``names`` is as the render state recorded it (size, then hash).

    A state without a record (written before records were kept) is not trusted.
    """
    if not isinstance(recorded, dict):
        return False
    for name in names:
        path = folder / name
        want = recorded.get(name)
        if not isinstance(want, dict) or not path.is_file():
            return False
        if path.stat().st_size != want.get("size"):
            return False
    return fingerprints(folder, names) == {n: recorded[n] for n in names}


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def write_annex(processed_dir: Path, path: Path) -> Path:
    """The Excel annex: every activity × resolution with numeric spend, and spend by year.

    Sheets: ``About`` (what, units, source, every column explained), ``Mapping`` (one row
    per activity and resolution it cites) and ``By year`` (the allocations, for pivoting).
    """
    from cyber_mapping import narrative
    from cyber_mapping.excel import annex
    from cyber_mapping.product.store import load
    from cyber_mapping.reference import load_reference

    product = load(processed_dir)
    ref = load_reference()
    mapping, by_year = narrative.annex_frames(product, ref)
    about = [
        "Mapping of BDT cybersecurity capacity-building activities to ITU Resolutions",
        "Mapping: one row per activity and Resolution it cites; spend is the share of the "
        "activity's spend allocated to that Resolution, in CHF (Swiss francs, exact to the "
        "cent, shown without decimals), split into actual (incurred) and estimated (ongoing "
        "and planned), staff and non-staff. By year: the same spend by accounting year, "
        "region, country, funder, basis and cost type, one number per row, for pivot tables.",
        f"Source: BDT submissions, data version {narrative.data_version(product.manifest)}; "
        f"product built {str(product.manifest['built_at'])[:10]}; "
        f"cyber_mapping {product.manifest['package_version']}.",
    ]
    if product.manifest.get("sample"):
        about.insert(0, narrative.texts()["illustrative"])
    return annex.write_table_workbook(
        path,
        {"Mapping": mapping, "By year": by_year},
        about,
        {"Mapping": narrative.ANNEX_COLUMNS, "By year": narrative.ANNEX_YEAR_COLUMNS},
    )


def write_index(out_dir: Path, processed_dir: Path, state: dict) -> Path:
    """``index.html``: a landing page for the reports' readers.

    The title, what the reports are, one row per report (region, as-of date, PDF pages,
    links to its web page and PDF), the Excel annex, and which reports failed, if any.
    """
    from cyber_mapping.narrative import long_date, texts

    t = texts()
    manifest = json.loads((processed_dir / "manifest.json").read_text())
    built = dt.date.fromisoformat(str(manifest["built_at"])[:10])
    rows, failed = [], []
    names = [k for k in state if not k.startswith("_")]
    for name in sorted(names, key=lambda n: (n != "report_overall", n)):  # overall first
        info = state[name]
        region = info.get("region") or name.removeprefix("report_")
        if info.get("error"):
            failed.append(
                f"<li>{html.escape(region)}: {html.escape(t['index_failed'])} "
                f"({html.escape(info['error'])})</li>"
            )
        files = [
            f"<a href='{html.escape(f)}'>{label}<span class='visually-hidden'> "
            f"({html.escape(region)})</span></a>"
            for f, label in ((f"{name}.html", "Web page"), (f"{name}.pdf", "PDF"))
            if (out_dir / f).exists()
        ]
        as_of = info.get("as_of") or long_date(built)
        rows.append(
            f"<tr><th scope='row'>{html.escape(region)}</th><td>{html.escape(as_of)}</td>"
            f"<td class='num'>{info.get('pages') or ''}</td>"
            f"<td>{' · '.join(files) or html.escape(t['index_failed'])}</td></tr>"
        )
    banner = ""
    if manifest.get("sample"):
        banner = f"<p class='illustrative'>{html.escape(t['illustrative'])}</p>"
    failures = ""
    if failed:
        failures = (
            f"<h2>{html.escape(t['index_failures'])}</h2><ul class='failed'>"
            + "".join(failed)
            + "</ul>"
        )
    annex = ""
    if (out_dir / ANNEX_NAME).exists():
        annex = f"<p><a href='{ANNEX_NAME}'>{html.escape(t['index_annex'])}</a></p>"
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(t['index_title'])}</title><style>"
        + CSS_PATH.read_text(encoding="utf-8")
        + ".visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;"
        " clip: rect(0 0 0 0); white-space: nowrap; }</style></head>"
        f"<body><main class='report'><h1>{html.escape(t['index_title'])}</h1>{banner}"
        f"<p>{html.escape(t['index_intro'])}</p>"
        f"<div class='scroll' role='region' tabindex='0' aria-label='Reports'>"
        f"<table class='data'><caption class='caption'>{html.escape(t['index_caption'])}"
        "</caption><thead><tr><th scope='col'>Report</th><th scope='col'>As of</th>"
        "<th scope='col' class='num'>PDF pages</th><th scope='col'>Read</th></tr></thead>"
        "<tbody>" + "".join(rows) + "</tbody></table></div>"
        f"{annex}{failures}</main></body></html>\n"
    )
    path = out_dir / "index.html"
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path
