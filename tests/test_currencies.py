"""Money in the currencies offices use: shipped rates with sources, pegs, BDT's override.

Every expected CHF amount below is worked by hand from a rate read in the shipped
``exchange_rates.csv`` (never from the conversion code): cents x rate, rounded half up.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from cyber_mapping import paths
from cyber_mapping.exceptions import ReferenceDataError
from cyber_mapping.intake.validation import validate_folder
from cyber_mapping.reference import load_reference
from tests.conftest import GOOD_ACTIVITY, GOOD_SPEND, write_workbook

REFERENCE = paths.REFERENCE_DIR
YEARS = range(2017, 2026)


def _shipped() -> dict[tuple[str, int], dict]:
    with open(REFERENCE / "exchange_rates.csv", newline="", encoding="utf-8") as handle:
        return {(r["currency"], int(r["year"])): r for r in csv.DictReader(handle)}


def _rate(currency: str, year: int) -> Decimal:
    return Decimal(_shipped()[(currency, year)]["chf_per_unit"])


def _cents(amount_cents: int, rate: Decimal) -> int:
    return int((Decimal(amount_cents) * rate).quantize(Decimal(1), ROUND_HALF_UP))


def _run(tmp_path: Path, spends: list[dict], ref=None):
    # An activity of the Dakar Area Office, written as a francophone office writes it.
    act = {
        **GOOD_ACTIVITY,
        "Activity ID": "AO-DKR-2021-004",
        "Beneficiary countries": "Senegal",
        "Start date": dt.date(2021, 1, 1),
        "End date": dt.date(2025, 12, 31),
    }
    rows = [{**GOOD_SPEND, "Activity ID": "AO-DKR-2021-004", **s} for s in spends]
    raw = tmp_path / "raw"
    raw.mkdir()
    write_workbook(raw / "ao_dakar.xlsx", activities=[act], expenditure=rows)
    return validate_folder(raw, ref=ref)


def test_no_rate_is_illustrative_and_every_rate_names_its_source():
    rows = _shipped().values()
    assert all(r["source"].strip() for r in rows)
    assert not any("illustrative" in (r["source"] + r["note"]).lower() for r in rows)


def test_xof_in_2021_is_the_euro_at_the_cfa_parity(tmp_path):
    # 655,957 XOF = 1,000 EUR exactly (655.957 XOF per EUR, Council Decision 98/683/EC), so
    # the CHF amount is 100,000 euro cents x the shipped EUR rate of 2021, rounded half up.
    expected = _cents(100_000, _rate("EUR", 2021))
    result = _run(tmp_path, [{"Amount": "655 957", "Currency": "XOF", "Period": 2021}])
    assert result.n_errors == 0, result.issues["message"].tolist()
    assert result.expenditure["chf_cents"].tolist() == [expected]


def test_omr_and_xaf_and_kmf_follow_their_anchor(tmp_path):
    # OMR: 0.3845 OMR per USD, so 384.50 OMR = 1,000 USD: 100,000 US cents x USD 2023.
    # XAF: 1,311,914 XAF = 2,000 EUR (655.957 x 2,000): 200,000 euro cents x EUR 2024.
    # KMF: 491,967.75 KMF = 1,000 EUR: 100,000 euro cents x EUR 2022.
    spends = [
        {"Amount": "384.50", "Currency": "OMR", "Period": 2023},
        {"Amount": "1,311,914", "Currency": "xaf", "Period": 2024},
        {"Amount": "491967.75", "Currency": "KMF", "Period": 2022},
    ]
    result = _run(tmp_path, spends)
    assert result.n_errors == 0, result.issues["message"].tolist()
    assert result.expenditure["chf_cents"].tolist() == [
        _cents(100_000, _rate("USD", 2023)),
        _cents(200_000, _rate("EUR", 2024)),
        _cents(100_000, _rate("EUR", 2022)),
    ]


def test_pegged_rows_say_their_peg_and_basis():
    pegs = {r["currency"]: r for r in csv.DictReader(open(REFERENCE / "currency_pegs.csv"))}
    rates = _shipped()
    for code, peg in pegs.items():
        assert peg["basis"].strip(), code
        for year in range(int(peg["first_year"]), int(peg["last_year"]) + 1):
            row = rates[(code, year)]
            assert (
                f"fixed parity {peg['units_per_anchor']} {code} per {peg['anchor']}"
                in (row["source"])
            )
            # Derived from the anchor's shipped rate: parity x rate gives the anchor back
            # to 9 significant digits.
            back = Decimal(row["chf_per_unit"]) * Decimal(peg["units_per_anchor"])
            anchor = _rate(peg["anchor"], year)
            assert abs(back - anchor) / anchor < Decimal("1e-9"), (code, year)


def test_ecb_rates_are_annual_averages_of_the_ecb_series():
    rates = _shipped()
    # The ECB's CHF per EUR never left 0.9-1.25 in 2017-2025; its USD cross 0.8-1.05.
    for year in YEARS:
        assert "ECB euro foreign exchange reference rates" in rates[("EUR", year)]["source"]
        assert Decimal("0.9") < _rate("EUR", year) < Decimal("1.25")
        assert Decimal("0.8") < _rate("USD", year) < Decimal("1.05")


def _member_state_currencies() -> dict[str, str]:
    path = REFERENCE / "member_state_currencies.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        return {r["iso3"]: r["currency"] for r in csv.DictReader(handle)}


def _not_shipped_in_docs() -> set[str]:
    text = (paths.DOCS_DIR / "reference-data.md").read_text(encoding="utf-8")
    section = text.split("### Currencies with no rate shipped", 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"`([A-Z]{3})`", section))


def test_every_member_state_currency_has_nine_years_or_is_listed_as_not_shipped():
    ref = load_reference()
    uses = _member_state_currencies()
    assert set(uses) == set(ref.member_states["iso3"])  # all 194 Member States
    rates = _shipped()
    complete = {c for c in set(uses.values()) if all((c, y) in rates for y in YEARS)}
    missing = set(uses.values()) - complete
    listed = _not_shipped_in_docs()
    assert missing <= listed, sorted(missing - listed)
    assert not (complete & listed), sorted(complete & listed)
    # XOF and OMR, the two that stopped a real submission, now have all nine years.
    assert {"XOF", "XAF", "OMR", "EUR", "USD", "CHF"} <= complete


def test_a_currency_without_a_rate_waits_for_bdt_not_the_office(tmp_path):
    result = _run(tmp_path, [{"Amount": "1 500 000", "Currency": "GNF", "Period": 2022}])
    msg = " ".join(result.issues["message"])
    assert "no exchange rate to CHF for GNF in 2022" in msg
    assert "waits for BDT" in msg
    assert "exchange_rates.csv" not in msg  # not an edit of package files for the office


def _override(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["currency", "year", "chf_per_unit", "source"])
        writer.writerows(rows)
    return path


def test_bdt_override_wins_over_the_shipped_rate_and_adds_currencies(tmp_path):
    # BDT's UN operational rates: EUR 2021 at 1.05 and GNF 2022 at 0.0001 CHF per franc.
    # 1,000 EUR -> 100,000 cents x 1.05 = 105,000 cents; 1,500,000 GNF -> 150,000,000
    # cents x 0.0001 = 15,000 cents.
    override = _override(
        tmp_path / "un_operational_rates.csv",
        [
            ["EUR", "2021", "1.05", "UN operational rate of exchange, Jan 2021 (BDT)"],
            ["GNF", "2022", "0.0001", "UN operational rate of exchange, 2022 average (BDT)"],
        ],
    )
    ref = load_reference(REFERENCE, rates_override=override)
    spends = [
        {"Amount": "1 000", "Currency": "EUR", "Period": 2021},
        {"Amount": "1 500 000", "Currency": "GNF", "Period": 2022},
    ]
    result = _run(tmp_path, spends, ref=ref)
    assert result.n_errors == 0, result.issues["message"].tolist()
    assert result.expenditure["chf_cents"].tolist() == [105_000, 15_000]
    # The override is an input of the product: it changes the reference version.
    assert ref.version() != load_reference(REFERENCE).version()
    eur = ref.exchange_rates.query("currency == 'EUR' and year == 2021")
    assert eur["source"].tolist() == ["UN operational rate of exchange, Jan 2021 (BDT)"]


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        (["EUR", "2021", "", "UN ORE"], "chf_per_unit"),
        (["EUR", "2021", "-1", "UN ORE"], "chf_per_unit"),
        (["EUR", "vingt", "1.05", "UN ORE"], "year"),
        (["EURO", "2021", "1.05", "UN ORE"], "currency"),
        (["EUR", "2021", "1.05", ""], "source"),
    ],
)
def test_a_bad_override_row_is_named(tmp_path, row, needle):
    override = _override(tmp_path / "un_operational_rates.csv", [row])
    with pytest.raises(ReferenceDataError, match=f"row 2.*{needle}"):
        load_reference(REFERENCE, rates_override=override)


def test_the_override_lives_outside_the_package_and_ships_empty():
    assert not paths.is_within(paths.UN_OPERATIONAL_RATES, paths.PACKAGE_DIR)
    with open(paths.UN_OPERATIONAL_RATES, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["currency", "year", "chf_per_unit", "source"]
