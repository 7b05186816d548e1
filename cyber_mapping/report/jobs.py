"""The reports of a run: which to render, from which template, and what became of each.

The checks made before any kernel starts (regions, the template's one ``parameters`` cell,
the product's mapping period) and the jobs they give. Worker processes import this module
to receive their jobs, so it loads no pandas: the few functions that need it import it when
called.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from cyber_mapping.exceptions import ProductNotFoundError, ReportConfigError
from cyber_mapping.paths import REPORT_NOTEBOOK

FORMATS = ("html", "pdf")


ANNEX_NAME = "annex_mapping_table.xlsx"


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
    from cyber_mapping.report.context import resolve_region

    ref = load_reference()
    valid = list(ref.region_names)
    if all_reports:
        return ["", *valid]
    if not regions:
        return [""]
    # The one resolution of region names (aliases included) that open_report uses too.
    out = [resolve_region(name, ref) or "" for name in regions]
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
    # The templates load pandas (through the product): workers import this module, to
    # receive their jobs, and need none.
    from cyber_mapping.report.context import texts

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


def job_files(job: Job) -> list[str]:
    """The files a job writes into its folder: the executed notebook, then each format."""
    return [job.notebook.name, *(job.output(f).name for f in job.formats)]
