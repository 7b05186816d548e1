"""Exchange rates to CHF: the shipped public rates, and BDT's UN operational rates override.

The package ships annual rates derived from public data (the ECB's reference rates, and
parities fixed by treaty or law; see ``scripts/derive_exchange_rates.py`` and
docs/reference-data.md). ITU finance converts at the UN operational rates of exchange,
which are not published as a data file the package could ship: BDT enters those it uses
in an override file outside the package (:data:`cyber_mapping.paths.UN_OPERATIONAL_RATES`,
or the file named by the environment variable ``CYBER_MAPPING_UN_RATES``; an empty value
means none). An override row wins over the shipped row of the same currency and year, and
may add currencies the package does not ship.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
import pycountry

from cyber_mapping import paths
from cyber_mapping.exceptions import ReferenceDataError

OVERRIDE_ENV = "CYBER_MAPPING_UN_RATES"
OVERRIDE_COLUMNS = ["currency", "year", "chf_per_unit", "source"]


def override_path() -> Path | None:
    """The override file in force (None: no override).

    ``$CYBER_MAPPING_UN_RATES`` when set (an empty value: none), else
    :data:`cyber_mapping.paths.UN_OPERATIONAL_RATES`.
    """
    value = os.environ.get(OVERRIDE_ENV)
    if value is None:
        return paths.UN_OPERATIONAL_RATES
    return Path(value) if value.strip() else None


def _row_problems(i: int, rec: dict) -> list[str]:
    """What is wrong with row ``i`` of the override (1 is the header)."""
    problems = []
    code = str(rec["currency"]).strip().upper()
    if pycountry.currencies.get(alpha_3=code) is None:
        problems.append(f"row {i}, column currency: '{rec['currency']}' is not an ISO 4217 code")
    year = str(rec["year"]).strip()
    if not (year.isdigit() and len(year) == 4):
        problems.append(f"row {i}, column year: '{rec['year']}' is not a year such as 2021")
    try:
        rate = Decimal(str(rec["chf_per_unit"]).strip())
    except InvalidOperation:
        rate = None
    if rate is None or not rate.is_finite() or rate <= 0:
        problems.append(
            f"row {i}, column chf_per_unit: '{rec['chf_per_unit']}' is not a positive number "
            "of CHF per unit (decimal point, no thousands separator)"
        )
    if not str(rec["source"]).strip():
        problems.append(f"row {i}, column source: empty; name the rate's source")
    return problems


def read_override(path: Path) -> pd.DataFrame:
    """BDT's override rates, checked: one row per currency and year, with a source.

    Raises
    ------
    ReferenceDataError
        Naming the file, row and column at fault, for BDT to correct.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in OVERRIDE_COLUMNS if c not in frame.columns]
    if missing:
        raise ReferenceDataError(
            f"{path} lacks column(s) {', '.join(missing)}: its header must be "
            f"{','.join(OVERRIDE_COLUMNS)} (see docs/reference-data.md)."
        )
    problems = []
    for i, rec in enumerate(frame.to_dict("records"), start=2):
        problems += _row_problems(i, rec)
    if problems:
        raise ReferenceDataError(f"{path}: " + "; ".join(problems))
    frame["currency"] = frame["currency"].str.strip().str.upper()
    frame["year"] = frame["year"].str.strip().astype(int)
    frame["chf_per_unit"] = frame["chf_per_unit"].str.strip()
    dupes = frame[frame.duplicated(["currency", "year"], keep=False)]
    if not dupes.empty:
        pairs = sorted({f"{c} {y}" for c, y in zip(dupes["currency"], dupes["year"], strict=True)})
        raise ReferenceDataError(
            f"{path}: more than one rate for {', '.join(pairs)}; keep one row for each."
        )
    frame["note"] = "BDT override (UN operational rates of exchange)"
    return frame[[*OVERRIDE_COLUMNS, "note"]]


def apply_override(shipped: pd.DataFrame, override: pd.DataFrame) -> pd.DataFrame:
    """The shipped rates with each override row replacing the same currency and year."""
    keys = set(zip(override["currency"], override["year"], strict=True))
    keep = [(c, y) not in keys for c, y in zip(shipped["currency"], shipped["year"], strict=True)]
    merged = pd.concat([shipped[keep], override], ignore_index=True)
    return merged.sort_values(["currency", "year"], kind="stable").reset_index(drop=True)
