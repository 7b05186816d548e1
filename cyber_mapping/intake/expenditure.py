"""Check the ``Expenditure`` sheet: amounts, periods, vocabularies, and conversion to CHF.

Amounts are integer cents of their currency, converted with the reference exchange rate
of the period's first year and rounded half up to the cent. An amount above
:data:`MAX_ROW_CHF_CENTS`, a period outside the mapping period, or a currency without a
rate rejects the row; a readable amount that could not be converted is still counted, in its
own currency, by the reconciliation.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pandera.pandas as pa

from cyber_mapping.contract import ACTIVITIES, DEFAULT_PERIOD, EXPENDITURE
from cyber_mapping.intake import cleaning, lookups
from cyber_mapping.intake.log import (
    BdtTodo,
    IssueLog,
    cell_text,
    check_required,
    map_distinct,
    row_dicts,
)
from cyber_mapping.intake.schemas import ExpenditureTable, failures_to_issues
from cyber_mapping.reference import Reference


def _years(per: cleaning.Period) -> str:
    return str(per.start) if per.start == per.end else f"{per.start}-{per.end}"


def _rate_table(ref: Reference) -> dict[tuple[str, int], Decimal]:
    return {
        (c, int(y)): Decimal(r)
        for c, y, r in zip(
            ref.exchange_rates["currency"],
            ref.exchange_rates["year"],
            ref.exchange_rates["chf_per_unit"],
            strict=True,
        )
    }


# The largest amount a row may carry: CHF 10 billion, far above any plausible activity and
# far below what integer cents (and the allocation's cents x weights) can hold exactly.
MAX_ROW_CHF_CENTS = 10_000_000_000 * 100


def _too_large(chf_cents: int) -> str:
    """The message for an amount above :data:`MAX_ROW_CHF_CENTS`."""
    return (
        f"the amount is CHF {chf_cents / 100:,.2f}, above the maximum of CHF "
        f"{MAX_ROW_CHF_CENTS // 100:,} per row: the row is quarantined. Check the amount "
        "(a missing decimal point?) or split it across rows."
    ).replace(",", "'")


def _unconverted_currency(
    cents: int | None, chf: int | None, currency: str | None, written: object
) -> str | None:
    """The currency under which a readable amount that could not be converted is listed."""
    if cents is None or chf is not None:
        return None
    return currency or cell_text(written).upper() or "CHF"


def validate_expenditure(
    raw: pd.DataFrame, ref: Reference, log: IssueLog, period: tuple[int, int]
) -> pd.DataFrame | None:
    """Check the raw Expenditure rows against ``period``; problems go to ``log``.

    Returns the rows (``chf_cents`` None where the amount could not be converted; ``_idx``,
    ``_readable`` and ``_unconverted`` for quarantine and reconciliation), or None when
    there are none.
    """
    check_required(log, EXPENDITURE, raw)
    rates = _rate_table(ref)
    funder_of = map_distinct(raw["funder"], lambda v: lookups.match_funder(v, ref))
    # Each distinct cell is parsed once (many rows repeat an amount format or a year).
    amount_of = map_distinct(raw["amount"], cleaning.parse_amount)
    period_of = map_distinct(raw["period"], cleaning.parse_period)
    cost_of = map_distinct(raw["cost_type"], lambda v: lookups.match_vocab(v, "cost_type", ref))
    basis_of = map_distinct(raw["basis"], lambda v: lookups.match_vocab(v, "basis", ref))
    currency_of = map_distinct(raw["currency"].fillna(""), lookups.match_currency)
    records = []
    for idx, rec in row_dicts(raw).items():
        amount, per = amount_of[idx], period_of[idx]
        cost, basis = cost_of[idx], basis_of[idx]
        if amount is not None and amount.problem:
            log.error(EXPENDITURE, idx, rec, "amount", rec["amount"], amount.problem)
        if per is not None and per.problem:
            log.error(EXPENDITURE, idx, rec, "period", rec["period"], per.problem)
        _cost_type_and_basis(log, idx, rec, cost, basis)
        currency = _currency(log, idx, rec, currency_of[idx], amount)
        cents = amount.cents if amount is not None else None
        if cents is not None and cents < 0:
            log.error(
                EXPENDITURE,
                idx,
                rec,
                "amount",
                rec["amount"],
                "the amount is negative. Report spend as a positive number; "
                "correct refunds in the line they belong to.",
            )
        chf = _chf_cents(log, idx, rec, cents, currency, per, rates)
        _in_period(log, idx, rec, per, period)
        funder, agency = _funder(log, rec, funder_of[idx])
        records.append(
            {
                "expenditure_id": f"{rec['_workbook']}:{int(rec['_row'])}",
                "activity_id": cell_text(rec["activity_id"]),
                "workbook": rec["_workbook"],
                "sheet": EXPENDITURE.title,
                "row": int(rec["_row"]),
                "funder": funder,
                # The ministry or authority the office named; the spend rolls up to funder.
                "funder_agency": agency,
                "year_start": per.start if per is not None and per.start else 0,
                "year_end": per.end if per is not None and per.end else 0,
                "cost_type": cost.value if cost is not None and cost.ok else "",
                "basis": basis.value if basis is not None and basis.ok else "",
                "currency": currency or "",
                "amount_cents": cents if cents is not None else 0,
                "chf_cents": chf,
                "_readable": cents is not None,
                "_unconverted": _unconverted_currency(cents, chf, currency, rec["currency"]),
                "_idx": idx,
            }
        )
    return pd.DataFrame(records, index=raw.index) if records else None


def _cost_type_and_basis(
    log: IssueLog, idx: int, rec: dict, cost: lookups.Match | None, basis: lookups.Match | None
) -> None:
    """Cost type is Staff or Non-staff; basis is Actual or Estimated."""
    if cost is not None and not cost.ok:
        log.error(
            EXPENDITURE,
            idx,
            rec,
            "cost_type",
            rec["cost_type"],
            f"'{rec['cost_type']}' is not a cost type.{cost.hint()} Write Staff or Non-staff.",
        )
    if basis is not None and not basis.ok:
        log.error(
            EXPENDITURE,
            idx,
            rec,
            "basis",
            rec["basis"],
            f"'{rec['basis']}' is not a basis.{basis.hint()} Write Actual or Estimated.",
        )


def _currency(
    log: IssueLog, idx: int, rec: dict, cur: lookups.Match | None, amount: cleaning.Amount | None
) -> str | None:
    """The row's currency: the Currency column's ISO 4217 code (default CHF), else None.

    An amount that names a currency (``USD 1,000``) gives it when the Currency column is
    empty; one that contradicts the column is an error.
    """
    currency = cur.value if cur is not None and cur.ok else None
    if cur is not None and not cur.ok:
        log.error(
            EXPENDITURE,
            idx,
            rec,
            "currency",
            rec["currency"],
            f"'{rec['currency']}' is not an ISO 4217 currency code.{cur.hint()} "
            "Write e.g. CHF, USD or EUR.",
        )
    if amount is not None and amount.currency:
        if rec["currency"] in (None, "") and currency == "CHF":
            currency = amount.currency
        elif currency and amount.currency != currency:
            log.error(
                EXPENDITURE,
                idx,
                rec,
                "amount",
                rec["amount"],
                f"the amount names {amount.currency} but the Currency column says "
                f"{currency}. Keep the currency in the Currency column only.",
            )
    return currency


def _chf_cents(
    log: IssueLog,
    idx: int,
    rec: dict,
    cents: int | None,
    currency: str | None,
    per: cleaning.Period | None,
    rates: dict[tuple[str, int], Decimal],
) -> int | None:
    """The amount in CHF cents at the rate of the period's first year, rounded half up.

    None when it cannot be converted (no amount, no currency or year, or no rate: an error).
    Above :data:`MAX_ROW_CHF_CENTS` it is an error.
    """
    chf = None
    year = per.start if per is not None else None
    if cents is not None and currency == "CHF":
        chf = cents  # CHF needs no rate, whatever the year
    elif cents is not None and currency and year is not None:
        rate = rates.get((currency, year))
        if rate is None:
            log.error(
                EXPENDITURE,
                idx,
                rec,
                "currency",
                currency,
                f"BDT has no exchange rate to CHF for {currency} in {year} yet: the row waits "
                "for BDT, and its spend is set aside until BDT adds the rate. Nothing to "
                "correct here if the currency is right (or report the amount in CHF).",
                BdtTodo(
                    "exchange rate",
                    f"{currency} {year}",
                    "data/reference/un_operational_rates.csv",
                    f"add the UN operational rate to CHF of one {currency} in {year}, "
                    "with its source",
                ),
            )
        else:
            chf = int((Decimal(cents) * rate).quantize(Decimal(1), ROUND_HALF_UP))
    if chf is not None and abs(chf) > MAX_ROW_CHF_CENTS:
        log.error(EXPENDITURE, idx, rec, "amount", rec["amount"], _too_large(chf))
    return chf


def _in_period(
    log: IssueLog, idx: int, rec: dict, per: cleaning.Period | None, period: tuple[int, int]
) -> None:
    """The row's period lies inside the mapping period (else its spend is quarantined)."""
    if per is None or per.start is None or (period[0] <= per.start and per.end <= period[1]):
        return
    log.error(
        EXPENDITURE,
        idx,
        rec,
        "period",
        rec["period"],
        f"period {_years(per)} lies outside the mapping period "
        f"{period[0]}-{period[1]}"
        f"{' (WTDC-17 to WTDC-25)' if tuple(period) == DEFAULT_PERIOD else ''}: "
        "the spend is quarantined. "
        "Split the row so that each part lies inside or outside the period.",
    )


def _funder(log: IssueLog, rec: dict, found: lookups.FunderMatch | None) -> tuple[str, str]:
    """The row's funder rolled up to the State or organisation, and the agency it names.

    An unknown funder is kept as written, with a warning (did you mean) and an item on the
    "for BDT" list: BDT adds it to the funders, unless the office mistyped it.
    """
    funder_text = cell_text(rec["funder"])
    if not funder_text or found is None:
        return funder_text, ""
    log.mapped("funder", funder_text, found.match)
    if not found.match.ok:
        log.warn(
            EXPENDITURE,
            rec,
            "funder",
            funder_text,
            f"funder '{funder_text}' is not in BDT's list of funders.{found.match.hint()} "
            "Correct it if it is mistyped; otherwise the row is counted under "
            f"'{funder_text}' as written, and BDT adds the funder to its list.",
            BdtTodo(
                "funder",
                funder_text,
                "cyber_mapping/reference/funders.csv",
                "add the funder or an alias of a listed one (alias, funder, agency, source)",
            ),
        )
    return found.funder, found.agency


def check_schema(exp: pd.DataFrame | None, log: IssueLog) -> None:
    """Check the expenditure rows still kept against :class:`ExpenditureTable`."""
    if exp is None:
        return
    good = exp[[not log.reasons.get(("expenditure", i)) for i in exp.index]]
    try:
        ExpenditureTable.validate(
            good.drop(columns=["_idx", "_readable", "_unconverted"]).astype(
                {"chf_cents": "int64"}
            ),
            lazy=True,
        )
    except pa.errors.SchemaErrors as exc:
        headers = {c.name: c.header for c in EXPENDITURE.columns}
        found, reasons = failures_to_issues(exc, good, headers)
        log.merge_schema_failures(EXPENDITURE, found, reasons)


def status_warnings(
    acts: pd.DataFrame,
    exp: pd.DataFrame | None,
    raw_a: pd.DataFrame,
    raw_e: pd.DataFrame,
    status_of: dict,
    log: IssueLog,
) -> None:
    """Warn where spend does not fit its activity: none reported, or a basis at odds with it.

    An activity with no expenditure row; an Estimated spend of a Completed activity; an
    Actual spend of a Planned one. Nothing is rejected.
    """
    spent = set(exp["activity_id"]) if exp is not None else set()
    rows_a, rows_e = row_dicts(raw_a), row_dicts(raw_e)
    for idx, rec in row_dicts(acts).items():
        if rec["activity_id"] and rec["activity_id"] not in spent:
            log.warn(
                ACTIVITIES,
                rows_a[idx],
                "activity_id",
                rec["activity_id"],
                "no expenditure is reported for this activity. Add its spend on the "
                "Expenditure sheet (0 if it had none).",
            )
    for idx, rec in row_dicts(exp if exp is not None else raw_e.iloc[0:0]).items():
        st = status_of.get(rec["activity_id"])
        if st == "Completed" and rec["basis"] == "Estimated":
            log.warn(
                EXPENDITURE,
                rows_e[idx],
                "basis",
                rec["basis"],
                "the activity is Completed but this spend is Estimated. Report the "
                "actual amount once the accounts are closed.",
            )
        elif st == "Planned" and rec["basis"] == "Actual":
            log.warn(
                EXPENDITURE,
                rows_e[idx],
                "basis",
                rec["basis"],
                "the activity is Planned but this spend is Actual. Check the status or the basis.",
            )
