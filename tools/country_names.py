"""Derive ``cyber_mapping/reference/country_names.csv`` from two maintained sources.

Run at development time only (nothing is downloaded when the package runs)::

    pip download --no-deps -d /tmp/hdx hdx-python-country==4.2.5
    python tools/country_names.py /tmp/hdx/hdx_python_country-4.2.5-py3-none-any.whl

Sources, in order of preference (the first source to give a name to a State keeps it):

1. The OCHA Countries & Territories Taxonomy bundled in the PyPI package
   ``hdx-python-country`` (``hdx/location/Countries & Territories Taxonomy MVP - C&T
   Taxonomy.csv``): the UNTERM short names and the UN M49 names in the six UN languages,
   the English formal name and the English alternative terms.
2. pycountry's ISO 3166-1 names (``name``, ``official_name``, ``common_name``) and their
   iso-codes translations into Arabic, Chinese (simplified and traditional), French,
   Russian and Spanish.

ISO 3166 writes many names comma-inverted ("Tanzanie, République unie de"); each such name
also gives its uninverted form (kind ``inverted``) and its head (kind ``head``, e.g.
"Tanzanie"). A head that would name two States ("Congo", "Corée") is left out here; any
other name that names two States is kept, and the loader reports it as ambiguous.

Only the States of ``itu_regions.csv`` (the 194 Member States and the State of Palestine)
are kept. The output is sorted, so a rerun with the same versions gives the same file.
"""

from __future__ import annotations

import csv
import gettext
import io
import re
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "cyber_mapping" / "reference"
TAXONOMY = "hdx/location/Countries & Territories Taxonomy MVP - C&T Taxonomy.csv"
LANGUAGES = {
    "English": "en",
    "French": "fr",
    "Spanish": "es",
    "Russian": "ru",
    "Chinese": "zh",
    "Arabic": "ar",
}
ENGLISH_ALTERNATIVES = (
    "Preferred Term",
    "ISO Alt Term",
    "DGACM Alt Term",
    "HPC Tools Alt Term",
    "RW Short Name",
)
PYCOUNTRY_LOCALES = {"fr": "fr", "es": "es", "ru": "ru", "zh_CN": "zh", "zh_TW": "zh", "ar": "ar"}
COMMA = re.compile(r"\s*[,،]\s*")


def _fold(text: str) -> str:
    sys.path.insert(0, str(ROOT))
    from cyber_mapping.reference import normalise_key

    return normalise_key(text)


def _taxonomy_rows(wheel: Path, states: set[str]) -> list[dict[str, str]]:
    """Names of the taxonomy for the States kept, each with its column as the source."""
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read(TAXONOMY).decode("utf-8-sig")
    package = f"hdx-python-country {wheel.name.split('-')[1]} (OCHA C&T Taxonomy)"
    rows = []
    for rec in csv.DictReader(io.StringIO(text)):
        iso3 = rec["ISO 3166-1 Alpha 3-Codes"].strip()
        if iso3 not in states:
            continue
        for lang, code in LANGUAGES.items():
            rows.append(_row(iso3, code, rec[f"{lang} Short"], "short", package, f"{lang} Short"))
            rows.append(_row(iso3, code, rec[f"M49 {lang}"], "m49", package, f"M49 {lang}"))
        formal = re.sub(r"^the\s+", "", rec["English Formal"].strip())
        rows.append(_row(iso3, "en", formal, "formal", package, "English Formal"))
        for column in ENGLISH_ALTERNATIVES:
            rows.append(_row(iso3, "en", rec[column], "alias", package, column))
    return rows


def _pycountry_rows(states: set[str]) -> list[dict[str, str]]:
    """ISO 3166-1 names and their iso-codes translations for the States kept."""
    package = f"pycountry {version('pycountry')} (ISO 3166-1, iso-codes)"
    kinds = {"name": "iso_short", "official_name": "iso_official", "common_name": "iso_common"}
    rows = []
    translations = {
        locale: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale])
        for locale in PYCOUNTRY_LOCALES
    }
    for iso3 in sorted(states):
        country = pycountry.countries.get(alpha_3=iso3)
        for attr, kind in kinds.items():
            english = getattr(country, attr, None)
            if not english:
                continue
            rows.append(_row(iso3, "en", english, kind, package, attr))
            for locale, code in PYCOUNTRY_LOCALES.items():
                translated = translations[locale].gettext(english)
                if translated != english:
                    rows.append(_row(iso3, code, translated, kind, package, f"{attr} [{locale}]"))
    return rows


def _row(iso3: str, language: str, name: str, kind: str, package: str, column: str) -> dict:
    return {
        "iso3": iso3,
        "language": language,
        "name": " ".join(str(name).split()),
        "kind": kind,
        "source": f"{package}: {column}",
    }


def _uninverted(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The uninverted form and the head of every comma-inverted name."""
    out = []
    for rec in rows:
        parts = COMMA.split(rec["name"])
        if len(parts) != 2 or not all(parts):
            continue
        head, tail = parts
        source = f"{rec['source']} (uninverted)"
        out.append({**rec, "name": f"{tail} {head}", "kind": "inverted", "source": source})
        out.append({**rec, "name": head, "kind": "head", "source": f"{rec['source']} (head)"})
    return out


def build(wheel: Path) -> list[dict[str, str]]:
    """Every name of the States of ``itu_regions.csv``, once per State and folded form."""
    with (REFERENCE / "itu_regions.csv").open(encoding="utf-8") as f:
        states = {rec["iso3"] for rec in csv.DictReader(f)}
    named = _taxonomy_rows(wheel, states) + _pycountry_rows(states)
    named = [r for r in named if r["name"]]
    derived = _uninverted(named)
    # A head naming two States ("Congo" of COG and COD) is a guess that cannot decide.
    states_of_head: dict[str, set[str]] = {}
    for rec in named + derived:
        states_of_head.setdefault(_fold(rec["name"]), set()).add(rec["iso3"])
    derived = [
        r for r in derived if r["kind"] != "head" or len(states_of_head[_fold(r["name"])]) == 1
    ]
    seen: set[tuple[str, str, str]] = set()
    out = []
    for rec in named + derived:
        key = (rec["iso3"], rec["language"], _fold(rec["name"]))
        if key not in seen:
            seen.add(key)
            out.append(rec)
    return sorted(out, key=lambda r: (r["iso3"], r["language"], r["kind"], r["name"]))


def main(argv: list[str]) -> None:
    """Write ``country_names.csv`` from the wheel named on the command line."""
    rows = build(Path(argv[1]))
    path = REFERENCE / "country_names.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ["iso3", "language", "name", "kind", "source"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"{path}: {len(rows)} names")


if __name__ == "__main__":
    main(sys.argv)
