"""Loaders for the package's reference data: resolutions, regions, offices, groups, rates.

The files live in ``cyber_mapping/reference/``; each carries provenance columns (source and
note) that the reports cite. They are immutable inputs, so one cached load per folder is
kept; callers must treat the returned frames as read-only.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pycountry
import yaml

from cyber_mapping import rates as rate_files
from cyber_mapping.exceptions import ReferenceDataError
from cyber_mapping.paths import REFERENCE_DIR

GLOBAL = "Global"

REFERENCE_FILES = (
    "resolutions.yaml",
    "conferences.csv",
    "itu_regions.csv",
    "offices.csv",
    "implementor_aliases.csv",
    "country_groups.csv",
    "country_aliases.csv",
    "themes.csv",
    "vocabulary.csv",
    "exchange_rates.csv",
    "tile_grid.csv",
    "funders.csv",
    "indicators.csv",
    "country_names.csv",
    "value_aliases.csv",
    "resolution_words.csv",
)
# Fields of value_aliases.csv that extend vocabulary.csv; the others are themes and offices.
VOCABULARY_FIELDS = ("status", "cost_type", "basis", "region", "global")
INDICATOR_COLUMNS = ["id", "name", "level", "unit", "themes", "additive", "source"]

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "‐": "-", "−": "-"})


def name_key(text: object) -> str:
    """A name folded for grouping: :func:`normalise_key` without punctuation.

    ``"Cyber Security Authority (Ghana)"`` and ``"Cyber Security Authority Ghana"`` give the
    same key, so two spellings of one partner or funder count as one.
    """
    return " ".join(re.sub(r"[^\w]+", " ", normalise_key(text)).split())


def normalise_key(text: object) -> str:
    """Fold a label for matching: no accents, any case, straight apostrophes, single spaces.

    Parameters
    ----------
    text
        Any cell value; non-strings are converted with ``str``.

    Returns
    -------
    str
        The folded key, e.g. ``"Côte d’Ivoire "`` gives ``"cote d'ivoire"``.
    """
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.translate(_APOSTROPHES).translate(_DASHES).replace("&", " and ")
    return " ".join(s.casefold().split()).strip(" .")


@dataclass(frozen=True)
class Reference:
    """The reference data, loaded once per folder. Frames are shared: do not modify them."""

    directory: Path
    resolutions: pd.DataFrame
    clauses: pd.DataFrame
    conferences: pd.DataFrame
    regions: pd.DataFrame
    offices: pd.DataFrame
    implementor_aliases: pd.DataFrame
    groups: pd.DataFrame
    country_aliases: pd.DataFrame
    themes: pd.DataFrame
    vocabulary: pd.DataFrame
    exchange_rates: pd.DataFrame
    tile_grid: pd.DataFrame
    funders: pd.DataFrame
    checksums: dict[str, str] = field(repr=False)
    country_keys: dict[str, tuple[str, str]] = field(repr=False)
    implementor_keys: dict[str, tuple[str, str]] = field(repr=False)
    names: dict[str, str] = field(repr=False, default_factory=dict)
    regions_by_iso3: dict[str, str] = field(repr=False, default_factory=dict)
    vocabularies: dict[str, dict[str, str]] = field(repr=False, default_factory=dict)
    # Version 2: each resolution's revision history, and the results indicator catalogue.
    revisions: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    indicators: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    # Names in the six languages: folded names that name two States, each State's name as a
    # source writes it (for "did you mean"), and the themes with their translations.
    country_ambiguous: dict[str, tuple[str, ...]] = field(repr=False, default_factory=dict)
    country_display: dict[str, str] = field(repr=False, default_factory=dict)
    theme_keys: dict[str, str] = field(repr=False, default_factory=dict)
    # Issue 18: the words of a Resolution reference in the six ITU languages.
    resolution_words: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    def indicator_keys(self) -> dict[str, str]:
        """Map folded indicator id, name or alias to the indicator's id."""
        keys: dict[str, str] = {}
        for row in self.indicators.itertuples(index=False):
            keys[normalise_key(row.id)] = row.id
            keys.setdefault(normalise_key(row.name), row.id)
        for row in self.indicators.itertuples(index=False):
            for alias in str(getattr(row, "aliases", "") or "").split(";"):
                if alias.strip():
                    keys.setdefault(normalise_key(alias), row.id)
        return keys

    @property
    def region_names(self) -> tuple[str, ...]:
        """The six ITU-D regions in the contract's order."""
        return tuple(sorted(self.regions["region"].unique()))

    @property
    def member_states(self) -> pd.DataFrame:
        """ITU Member States only (the State of Palestine is an observer)."""
        return self.regions[self.regions["member_state"] == "yes"]

    def region_of(self) -> dict[str, str]:
        """Map ISO3 code to ITU-D region."""
        return self.regions_by_iso3

    def country_name(self) -> dict[str, str]:
        """Map ISO3 code to the ITU short name."""
        return self.names

    def vocab(self, field_name: str) -> dict[str, str]:
        """Map folded alias to canonical value for one vocabulary field (status, basis…)."""
        return self.vocabularies.get(field_name, {})

    def funder_keys(self) -> dict[str, str]:
        """Map folded funder alias to its canonical name."""
        return {
            normalise_key(a): f
            for a, f in zip(self.funders["alias"], self.funders["funder"], strict=True)
        }

    def funder_agencies(self) -> dict[str, tuple[str, str, str]]:
        """Map folded funder alias to ``(funder, agency, kind)`` (agency ``""`` for the funder).

        An agency (a ministry, a national authority) rolls up to its funder, the State or
        organisation that pays; ``kind`` is ``ITU``, ``State`` or ``organisation``.
        """
        cols = [
            self.funders.get(c, pd.Series([""] * len(self.funders))) for c in ("agency", "kind")
        ]
        return {
            normalise_key(a): (f, "" if ag != ag else str(ag), "" if k != k else str(k))
            for a, f, ag, k in zip(
                self.funders["alias"], self.funders["funder"], *cols, strict=True
            )
        }

    def version(self) -> str:
        """Short fingerprint of every reference file, for manifests and report footers."""
        digest = hashlib.sha256("".join(sorted(self.checksums.values())).encode())
        return digest.hexdigest()[:12]


def _read_csv(directory: Path, name: str, required: list[str]) -> pd.DataFrame:
    path = directory / name
    if not path.is_file():
        raise ReferenceDataError(f"Reference file {path} is missing; restore it from git.")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ReferenceDataError(f"{path} lacks column(s) {missing}; compare with git history.")
    return frame


def read_yaml(path: Path) -> object:
    """A YAML file, parsed safely with libyaml's C parser when PyYAML has it.

    The C parser reads the resolution catalogue about ten times faster than the pure
    Python one, which matters because every report kernel loads it.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe loader


def _read_revisions(doc: dict, path: Path) -> pd.DataFrame:
    """Each resolution's revisions: conference, label, closing date, verification."""
    rows = []
    for item in doc.get("resolutions", []):
        for rev in item.get("revisions") or []:
            date = pd.to_datetime(str(rev["date"]), errors="coerce")
            if pd.isna(date):
                raise ReferenceDataError(
                    f"{path}: revision {rev} of {item['id']} has no valid date (YYYY-MM-DD)."
                )
            rows.append(
                {
                    "resolution_id": str(item["id"]),
                    "conference": str(rev["conference"]),
                    "label": f"Rev. {rev['label']}",
                    "date": date,
                    "verification": str(rev.get("verification", "unverified")),
                }
            )
    columns = ["resolution_id", "conference", "label", "date", "verification"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.sort_values(["resolution_id", "date"], kind="stable").reset_index(drop=True)


def _read_resolutions(directory: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = directory / "resolutions.yaml"
    if not path.is_file():
        raise ReferenceDataError(f"Reference file {path} is missing; restore it from git.")
    doc = read_yaml(path)
    rows, clauses = [], []
    for item in doc.get("resolutions", []):
        rid = str(item["id"])
        rows.append(
            {
                "resolution_id": rid,
                "body": str(item["body"]),
                "number": int(item["number"]),
                "title": str(item.get("title", "")),
                "revision": str(item.get("revision", "")),
                "revision_year": item.get("year"),
                "title_verification": str(item.get("title_verification", "unverified")),
                "source_url": str(item.get("source_url", "")),
                "notes": str(item.get("notes", "")),
            }
        )
        for clause in item.get("clauses") or []:
            clauses.append(
                {
                    "resolution_id": rid,
                    "clause_ref": str(clause["ref"]),
                    "section": str(clause.get("section", "")),
                    "paragraph": clause.get("paragraph"),
                    # Relevant to BDT is not the same as addressed to it: a clause of a
                    # superseded text, or one addressed to TSB or the Secretary-General,
                    # says ``instructs_bdt: false`` and is never reported as a gap.
                    "instructs_bdt": bool(
                        clause.get("instructs_bdt", clause.get("bdt_relevant", False))
                    ),
                    "verification": str(clause.get("verification", "unverified")),
                    "summary": str(clause.get("summary", "")),
                }
            )
    if not rows:
        raise ReferenceDataError(f"{path} lists no resolutions under `resolutions:`.")
    res = pd.DataFrame(rows)
    res["revision_year"] = res["revision_year"].astype("Int64")
    return res, pd.DataFrame(clauses)


def _country_keys(
    regions: pd.DataFrame, aliases: pd.DataFrame, names: pd.DataFrame
) -> tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, tuple[str, ...]]]:
    """Folded name or code -> (ISO3, how it matched); each key's written name; ambiguous keys.

    Precedence: the ITU name, then the curated aliases of ``country_aliases.csv`` (a BDT
    decision, e.g. "Korea" means the Republic of Korea), then ISO 3166 codes, then the names
    of ``country_names.csv`` and pycountry. A name of the last group that names two States
    decides nothing: it is returned among the ambiguous keys, never matched to one of them.
    """
    decided: dict[str, tuple[str, str]] = {}
    display: dict[str, str] = {}
    for iso3, name in zip(regions["iso3"], regions["itu_name"], strict=True):
        decided[normalise_key(name)] = (iso3, "ITU name")
        display[normalise_key(name)] = name
    for alias, iso3 in zip(aliases["alias"], aliases["iso3"], strict=True):
        decided.setdefault(normalise_key(alias), (iso3, "alias"))
        display.setdefault(normalise_key(alias), alias)
    found: dict[str, dict[str, str]] = {}
    for iso3 in regions["iso3"]:
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None:
            continue
        decided.setdefault(normalise_key(country.alpha_3), (iso3, "ISO3 code"))
        decided.setdefault(normalise_key(country.alpha_2), (iso3, "ISO2 code"))
        for attr in ("name", "common_name", "official_name"):
            if value := getattr(country, attr, None):
                found.setdefault(normalise_key(value), {}).setdefault(iso3, "ISO 3166 name")
                display.setdefault(normalise_key(value), value)
    for rec in names.itertuples(index=False):
        key = normalise_key(rec.name)
        found.setdefault(key, {}).setdefault(rec.iso3, f"{rec.language} {rec.kind} name")
        display.setdefault(key, rec.name)
    keys = dict(decided)
    ambiguous: dict[str, tuple[str, ...]] = {}
    for key, states in found.items():
        if key in decided:
            continue
        if len(states) == 1:
            keys[key] = next(iter(states.items()))
        else:
            ambiguous[key] = tuple(sorted(states))
    return keys, display, ambiguous


def _implementor_keys(
    offices: pd.DataFrame, aliases: pd.DataFrame, translated: pd.DataFrame
) -> dict[str, tuple[str, str]]:
    """Folded implementor name, official name, alias or "<prefix> <city>" -> (name, via).

    The prefixes ("Area Office", "Bureau de zone de" ...) and the cities' names in other
    languages ("Le Caire") come from ``value_aliases.csv``.
    """
    prefixes = list(translated.loc[translated["field"] == "office_prefix", "alias"])
    cities = translated[translated["field"] == "office_city"]
    keys: dict[str, tuple[str, str]] = {}
    for row in offices.itertuples(index=False):
        keys[normalise_key(row.implementor)] = (row.implementor, "name")
        keys.setdefault(normalise_key(row.official_name), (row.implementor, "official name"))
        if row.kind != "hq":
            names = [row.city, *cities.loc[cities["value"] == row.implementor, "alias"]]
            for city in names:
                keys.setdefault(normalise_key(city), (row.implementor, "city"))
                for prefix in prefixes:
                    keys.setdefault(normalise_key(f"{prefix} {city}"), (row.implementor, "city"))
    for alias, impl in zip(aliases["alias"], aliases["implementor"], strict=True):
        keys.setdefault(normalise_key(alias), (impl, "alias"))
    rows = translated[translated["field"] == "implementor"]
    for alias, impl, lang in zip(rows["alias"], rows["value"], rows["language"], strict=True):
        keys.setdefault(normalise_key(alias), (impl, f"alias ({lang})"))
    return keys


def _read_rates(directory: Path, override: Path | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The shipped rates with BDT's override applied, and the override's checksum entry.

    The override is an input of the product: editing it changes the reference version, so
    the next build converts again.
    """
    rates = _read_csv(directory, "exchange_rates.csv", ["currency", "year", "chf_per_unit"])
    rates["year"] = rates["year"].astype(int)
    path = Path(override) if override is not None else rate_files.override_path()
    if path is None or not path.is_file():
        return rates, {}
    rates = rate_files.apply_override(rates, rate_files.read_override(path))
    return rates, {f"BDT override {path.name}": hashlib.sha256(path.read_bytes()).hexdigest()}


def _vocabularies(
    vocabulary: pd.DataFrame, translated: pd.DataFrame, themes: pd.DataFrame, path: Path
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Folded alias -> canonical value per vocabulary field, and the same for themes.

    Raises
    ------
    ReferenceDataError
        If a translation names a value the contract does not have, or one alias would mean
        two values of the same field (it must not silently pick one).
    """
    vocabularies: dict[str, dict[str, str]] = {}
    for fld, value, alias in zip(
        vocabulary["field"], vocabulary["value"], vocabulary["alias"], strict=True
    ):
        keys = vocabularies.setdefault(fld, {})
        keys[normalise_key(value)] = value
        keys.setdefault(normalise_key(alias), value)
    vocabularies.setdefault("global", {})["global"] = GLOBAL
    theme_keys = {normalise_key(t): t for t in themes["theme"]}
    problems = []
    for i, rec in enumerate(translated.itertuples(index=False), start=2):
        if rec.field not in (*VOCABULARY_FIELDS, "theme"):
            continue
        keys = theme_keys if rec.field == "theme" else vocabularies.setdefault(rec.field, {})
        if rec.value not in keys.values():
            problems.append(f"row {i}: '{rec.value}' is not a {rec.field} of the contract")
        elif keys.setdefault(normalise_key(rec.alias), rec.value) != rec.value:
            problems.append(
                f"row {i}: '{rec.alias}' would mean both '{keys[normalise_key(rec.alias)]}' "
                f"and '{rec.value}'"
            )
    if problems:
        raise ReferenceDataError(f"{path}: " + "; ".join(problems))
    return vocabularies, theme_keys


@functools.lru_cache(maxsize=4)
def _read_places(
    directory: Path,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Regions, offices, implementor aliases, country aliases and names, cross-checked.

    Raises
    ------
    ReferenceDataError
        If an alias or a name points to a State or an implementor the files do not have.
    """
    regions = _read_csv(directory, "itu_regions.csv", ["iso3", "itu_name", "region"])
    offices = _read_csv(
        directory, "offices.csv", ["implementor", "kind", "city", "region", "id_prefix"]
    )
    impl_aliases = _read_csv(directory, "implementor_aliases.csv", ["alias", "implementor"])
    aliases = _read_csv(directory, "country_aliases.csv", ["alias", "iso3"])
    unknown_alias = set(aliases["iso3"]) - set(regions["iso3"])
    if unknown_alias:
        raise ReferenceDataError(
            f"country_aliases.csv points to codes not in itu_regions.csv: {sorted(unknown_alias)}"
        )
    unknown_impl = set(impl_aliases["implementor"]) - set(offices["implementor"])
    if unknown_impl:
        raise ReferenceDataError(
            f"implementor_aliases.csv names unknown implementors: {sorted(unknown_impl)}"
        )
    names = _read_csv(directory, "country_names.csv", ["iso3", "language", "name", "source"])
    unknown_names = sorted(set(names["iso3"]) - set(regions["iso3"]))
    if unknown_names:
        raise ReferenceDataError(
            f"country_names.csv names codes not in itu_regions.csv: {unknown_names}"
        )
    return regions, offices, impl_aliases, aliases, names


def load_reference(directory: Path | None = None, rates_override: Path | None = None) -> Reference:
    """Load (once) every reference file of ``directory`` (default: the package's own).

    Parameters
    ----------
    directory
        Folder holding the reference files; tests may pass a modified copy.
    rates_override
        BDT's UN operational rates, which win over the shipped rates (default:
        :func:`cyber_mapping.rates.override_path`; a missing file means none).

    Returns
    -------
    Reference
        The loaded, cross-checked reference data.

    Raises
    ------
    ReferenceDataError
        If a file is missing, lacks a column, or the files contradict each other.
    """
    directory = Path(directory or REFERENCE_DIR)
    missing = [name for name in REFERENCE_FILES if not (directory / name).is_file()]
    if missing:
        raise ReferenceDataError(
            f"Reference file(s) {', '.join(missing)} missing in {directory}; restore them "
            "from git."
        )
    resolutions, clauses = _read_resolutions(directory)
    revisions = _read_revisions(read_yaml(directory / "resolutions.yaml"), directory)
    indicators = _read_csv(directory, "indicators.csv", INDICATOR_COLUMNS)
    bad_level = set(indicators["level"]) - {"Output", "Outcome"}
    if bad_level or not indicators["id"].is_unique:
        raise ReferenceDataError(
            "indicators.csv: ids must be unique and levels Output or Outcome "
            f"(found levels {sorted(bad_level)})."
        )
    regions, offices, impl_aliases, aliases, names = _read_places(directory)
    rates, override_checksum = _read_rates(directory, rates_override)
    vocabulary = _read_csv(directory, "vocabulary.csv", ["field", "value", "alias"])
    translated = _read_csv(directory, "value_aliases.csv", ["field", "value", "alias", "source"])
    themes = _read_csv(directory, "themes.csv", ["theme", "gfce_theme"])
    vocabularies, theme_keys = _vocabularies(
        vocabulary, translated, themes, directory / "value_aliases.csv"
    )
    country_keys, display, ambiguous = _country_keys(regions, aliases, names)
    checksums = {
        name: hashlib.sha256((directory / name).read_bytes()).hexdigest()
        for name in REFERENCE_FILES
    }
    checksums.update(override_checksum)
    return Reference(
        directory=directory,
        resolutions=resolutions,
        clauses=clauses,
        conferences=_read_csv(directory, "conferences.csv", ["body", "place", "year"]),
        regions=regions,
        offices=offices,
        implementor_aliases=impl_aliases,
        groups=_read_csv(directory, "country_groups.csv", ["iso3", "group"]),
        country_aliases=aliases,
        themes=themes,
        vocabulary=vocabulary,
        exchange_rates=rates,
        tile_grid=_read_csv(directory, "tile_grid.csv", ["iso3", "row", "col"]),
        funders=_read_csv(directory, "funders.csv", ["alias", "funder"]),
        checksums=checksums,
        country_keys=country_keys,
        implementor_keys=_implementor_keys(offices, impl_aliases, translated),
        names=dict(zip(regions["iso3"], regions["itu_name"], strict=True)),
        regions_by_iso3=dict(zip(regions["iso3"], regions["region"], strict=True)),
        vocabularies=vocabularies,
        revisions=revisions,
        indicators=indicators,
        country_ambiguous=ambiguous,
        country_display=display,
        theme_keys=theme_keys,
        resolution_words=_read_csv(
            directory, "resolution_words.csv", ["kind", "text", "language", "body", "place"]
        ),
    )


GCI_FILE = "gci_2024.csv"
GCI_TIERS = {
    1: "Role-modelling",
    2: "Advancing",
    3: "Establishing",
    4: "Evolving",
    5: "Building",
}
GCI_VERIFICATION = ("itu", "secondary", "inferred", "verified", "unverified")


def load_gci(path: Path | None = None, regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ITU Global Cybersecurity Index 2024 tier of each country (1 best, 5 least advanced).

    Parameters
    ----------
    path
        A CSV with columns ``iso3``, ``tier`` (1-5 or empty), ``tier_name``, ``verification``
        (``itu``: stated on an ITU page; ``secondary``: a press report of the GCI 2024;
        ``inferred``: deduced from published counts, no source names the country;
        ``verified``: checked by the user against the report; ``unverified``), ``source``,
        ``source_url`` and ``note``. Default: the package's ``gci_2024.csv``; a user may point
        at a corrected copy.
    regions
        The ITU regions table (:attr:`Reference.regions`); when given, every ISO3 code must be
        one of it.

    Returns
    -------
    pandas.DataFrame
        One row per country; ``tier`` is a nullable integer (empty when not known) and
        ``tier_name`` the published name of the tier ("Role-modelling" ... "Building").

    Raises
    ------
    ReferenceDataError
        Naming the file, row and column at fault (unknown code, tier outside 1-5, a tier
        without a source, duplicate codes).
    """
    path = Path(path) if path is not None else REFERENCE_DIR / GCI_FILE
    required = ["iso3", "tier", "verification", "source", "source_url", "note"]
    frame = _read_csv(path.parent, path.name, required)
    problems = []
    tiers: list[int | None] = []
    for i, rec in enumerate(frame.itertuples(index=False), start=2):
        text = str(rec.tier).strip()
        tier = None
        if text:
            if not text.isdigit() or int(text) not in GCI_TIERS:
                problems.append(f"row {i}, column tier: '{text}' is not a tier 1 to 5")
            else:
                tier = int(text)
                if not str(rec.source).strip() and not str(rec.source_url).strip():
                    problems.append(f"row {i}: tier {tier} has no source; add one or empty it")
        if rec.verification not in GCI_VERIFICATION:
            problems.append(
                f"row {i}, column verification: '{rec.verification}' is not one of "
                f"{', '.join(GCI_VERIFICATION)}"
            )
        tiers.append(tier)
    dupes = sorted(frame.loc[frame["iso3"].duplicated(), "iso3"])
    if dupes:
        problems.append(f"ISO3 code(s) listed more than once: {', '.join(dupes)}")
    if regions is not None:
        unknown = sorted(set(frame["iso3"]) - set(regions["iso3"]))
        if unknown:
            problems.append(f"ISO3 code(s) not in itu_regions.csv: {', '.join(unknown)}")
    if problems:
        raise ReferenceDataError(f"{path}: " + "; ".join(problems))
    out = frame.assign(tier=pd.array(tiers, dtype="Int64"))
    out["tier_name"] = out["tier"].map(lambda t: GCI_TIERS.get(int(t), "") if pd.notna(t) else "")
    return out.reset_index(drop=True)
