"""The report context: the product, reference data, scope and cover parameters of one report.

:func:`open_report` builds it from the notebook's parameters; the sentence templates of a
language come from ``templates/text_<lang>.yaml`` (:func:`texts`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from cyber_mapping import __version__
from cyber_mapping.exceptions import ReportConfigError
from cyber_mapping.paths import TEMPLATES_DIR
from cyber_mapping.product.store import PREVIOUS_NAME, Product, load
from cyber_mapping.reference import Reference, load_reference, read_yaml
from cyber_mapping.report.formats import EN_DASH, long_date


@functools.cache
def texts(language: str = "en") -> dict[str, str]:
    """Sentence templates and labels of one language (cached: immutable reference text)."""
    path = TEMPLATES_DIR / f"text_{language}.yaml"
    return read_yaml(path)  # type: ignore[return-value]


def data_version(manifest: dict) -> str:
    """Short fingerprint of the input workbooks (first 10 hex digits of their hashes' hash)."""
    digest = hashlib.sha256()
    for item in sorted(manifest.get("inputs", []), key=lambda i: i["file"]):
        digest.update(f"{item['file']}:{item['sha256']}\n".encode())
    return digest.hexdigest()[:10]


@dataclass
class Report:
    """What one report needs: the product, reference data, scope and cover parameters.

    Tables and figures are numbered by key (:meth:`number`), in the order their keys are
    first seen, so a cell run twice keeps its number.
    """

    product: Product
    ref: Reference
    region: str | None
    as_of: dt.date
    meeting: str
    document: str
    document_date: dt.date
    action: str
    request: str
    language: str = "en"
    numbered: dict[tuple[str, str], int] = field(default_factory=dict)
    sources: dict[tuple[str, int], tuple[str, str]] = field(default_factory=dict)
    previous: Product | None = None
    # Why no previous edition is compared, as a sentence key of text_en.yaml
    # (``q_changes_first*``); "" when one is compared or when none was asked for although
    # the product keeps one (the section is then left out).
    changes_note: str = ""

    def number(self, kind: str, key: str) -> int:
        """The number of the ``kind`` (``table`` or ``figure``) block called ``key``.

        A key keeps the number it was first given, so re-running a notebook cell does not
        renumber anything; a new key takes the next number of its kind.
        """
        if (kind, key) not in self.numbered:
            self.numbered[(kind, key)] = sum(1 for k, _ in self.numbered if k == kind) + 1
        return self.numbered[(kind, key)]

    def cross_ref(self, kind: str, key: str) -> str:
        """``Table 3`` for a block already numbered, else ``''`` (never ``Table `` alone)."""
        n = self.numbered.get((kind, key))
        if n is None:
            return ""
        return self.t[f"{kind}_ref"].format(n=n)

    @property
    def tables(self) -> int:
        """How many tables have been numbered."""
        return sum(1 for k, _ in self.numbered if k == "table")

    @property
    def figures(self) -> int:
        """How many figures have been numbered."""
        return sum(1 for k, _ in self.numbered if k == "figure")

    @property
    def t(self) -> dict[str, str]:
        """The language's templates."""
        return texts(self.language)

    @property
    def version(self) -> str:
        """The data version printed in every source line."""
        return data_version(self.product.manifest)

    @property
    def scope(self) -> str:
        """``all ITU regions`` or ``the Africa region``."""
        if self.region is None:
            return self.t["scope_overall"]
        return self.t["scope_region"].format(region=self.region)

    def region_label(self, region: str) -> str:
        """A region in a table: ``Africa (this report)`` for the report's own region."""
        return region + (self.t["q_this_report"] if region == self.region else "")

    @property
    def title(self) -> str:
        """The report title in capitals, with the region for a regional report."""
        title = self.t["title"]
        if self.region:
            title += self.t["title_region"].format(region_upper=self.region.upper())
        return title

    def source(self) -> str:
        """The "Source:" line under every table and figure."""
        return self.t["source"].format(
            version=self.version, as_of=long_date(self.as_of), package=__version__
        )


OVERALL = frozenset({"", "overall", "all"})


def resolve_region(name: str, ref: Reference) -> str | None:
    """The ITU-D region ``name`` denotes (aliases such as ``Asia-Pacific`` too), or None.

    None is the overall report (``""``, ``overall``, ``all``).

    Raises
    ------
    ReportConfigError
        For an unknown region, with the closest one and the valid names.
    """
    from cyber_mapping.intake.lookups import match_region

    if str(name).strip().casefold() in OVERALL:
        return None
    match = match_region(name, ref)
    if not match.ok:
        raise ReportConfigError(
            f"unknown region '{name}'; choose one of: {', '.join(ref.region_names)} "
            f"(or overall).{match.hint()}"
        )
    return match.value


def _previous_edition(product: Product, compare_dir: str) -> tuple[Product | None, str]:
    """The previous edition to compare with, or why there is none (a text key).

    The one place where a comparison is accepted or refused, for ``report --compare``,
    ``make reports`` and the notebook's ``compare_dir`` alike
    (:func:`cyber_mapping.analysis.change.comparability` states the rule).
    """
    from cyber_mapping.analysis.change import comparability

    if not compare_dir:
        # No comparison asked: "first edition" is true only if no earlier one is kept.
        kept = (product.directory / PREVIOUS_NAME / "manifest.json").is_file()
        return None, "" if kept else "q_changes_first"
    if not (Path(compare_dir) / "manifest.json").is_file():
        raise ReportConfigError(
            f"no previous data product in {compare_dir} (manifest.json missing); give the "
            "folder of an earlier build, or leave --compare out."
        )
    previous = load(Path(compare_dir))
    verdict = comparability(previous, product)
    if verdict.comparable:
        return previous, ""
    return None, f"q_changes_first_{verdict.reason}"


def open_report(
    processed_dir: str | Path = "",
    region: str = "",
    as_of: str = "",
    meeting: str = "",
    document: str = "",
    document_date: str = "",
    action: str = "",
    request: str = "",
    language: str = "en",
    period: str = "",
    compare_dir: str = "",
) -> Report:
    """Load the product and build the report context from the notebook's parameters.

    ``compare_dir`` is a previous edition of the data product; when given, the report adds a
    section on what changed since it (empty: no comparison). Empty strings mean the
    defaults: ``data/processed/``, the overall report, the date the product was built, a
    neutral meeting line, a visible document-number placeholder, today.

    Raises
    ------
    ReportConfigError
        For an unknown region (naming the valid ones) or a malformed date.
    """
    ref = load_reference()
    scope = resolve_region(region, ref)
    product = load(Path(processed_dir) if processed_dir else None)

    def date(text: str, default: dt.date) -> dt.date:
        if not text:
            return default
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise ReportConfigError(f"'{text}' is not a date such as 2025-01-31") from exc

    built = dt.date.fromisoformat(str(product.manifest["built_at"])[:10])
    mapped = tuple(product.manifest["parameters"]["mapping_period"])
    if period and period.replace(EN_DASH, "-") != f"{mapped[0]}-{mapped[1]}":
        raise ReportConfigError(
            f"the report's period {period} differs from the data product's mapping period "
            f"{mapped[0]}-{mapped[1]}; rebuild with `cyber-mapping build --period {period}`."
        )
    previous, note = _previous_edition(product, compare_dir)
    t = texts(language)
    return Report(
        previous=previous,
        changes_note=note,
        product=product,
        ref=ref,
        region=scope,
        as_of=date(as_of, built),
        meeting=meeting or "Meeting to be confirmed",
        document=document or "Document TDAG-XX/NN-E (number to be assigned)",
        document_date=date(document_date, dt.date.today()),
        action=action or t["action_default"],
        request=request or t["request_default"],
        language=language,
    )
