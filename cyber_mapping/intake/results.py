"""Validate the ``Results`` sheet (and version 1's ``Outputs``, read as Results).

One row per measured result: level, indicator (from ``reference/indicators.csv``), baseline,
target, achieved, unit, country, group, as-of date and source. An indicator not in the
catalogue is kept with a warning and grouped as ``other``; a number that is not a
non-negative number, a wrong unit (Results sheet) or an unknown level is an error.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from cyber_mapping.contract import LEVELS, OUTPUTS, Sheet
from cyber_mapping.intake import cleaning, lookups
from cyber_mapping.intake.log import IssueLog, cell_text, check_required, row_dicts
from cyber_mapping.intake.schemas import ResultTable, failures_to_issues
from cyber_mapping.reference import Reference, normalise_key

OTHER = "other"
NUMBER_COLUMNS = ("baseline", "target", "achieved")
RESULT_COLUMNS = [
    "activity_id",
    "level",
    "indicator_id",
    "indicator",
    "baseline",
    "target",
    "achieved",
    "unit",
    "country_iso3",
    "group",
    "as_of",
    "source",
    "workbook",
    "sheet",
    "row",
]


def _header(sheet: Sheet, name: str) -> str:
    return next(c.header for c in sheet.columns if c.name == name)


def parse_number(value: object) -> tuple[float | None, str]:
    """A non-negative number from a cell: ``(value, problem)``; empty cells give ``(None, "")``.

    ``problem`` is ``"not a number"`` or ``"negative"`` (the caller words the message), or
    the whole message for an ambiguous text such as ``1.250``.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, ""
    amount = cleaning.parse_amount(value)
    if amount.problem and "ambiguous" in amount.problem:
        # Say why (e.g. '1.250': a thousands dot or a decimal point), not just "not a number".
        return None, amount.problem
    if amount.problem or amount.currency:
        return None, "not a number"
    if amount.cents < 0:
        return None, "negative"
    return amount.cents / 100, ""


def match_level(value: object) -> str | None:
    """``Output`` or ``Outcome`` whatever the case; None for anything else."""
    folded = normalise_key(value).rstrip("s")
    return next((lv for lv in LEVELS if normalise_key(lv) == folded), None)


def validate_results(
    raw: pd.DataFrame, sheet: Sheet, ref: Reference, log: IssueLog
) -> pd.DataFrame | None:
    """Validate one Results (or Outputs) sheet's rows; returns the cleaned frame or None.

    Problems go to ``log`` (errors reject the row). The legacy ``Outputs`` sheet keeps
    version 1's messages, and a wrong unit there is only a warning, so that a version-1
    workbook gets no new error.
    """
    check_required(log, sheet, raw)
    legacy = sheet is OUTPUTS
    keys = ref.indicator_keys()
    catalogue = ref.indicators.set_index("id")
    names = {normalise_key(k): k for k in catalogue["name"]}
    records = []
    for idx, rec in row_dicts(raw).items():
        numbers = _numbers(log, sheet, idx, rec)
        if rec["target"] is None and rec["achieved"] is None:
            log.error(
                sheet,
                idx,
                rec,
                "achieved",
                "",
                "required value missing. A non-negative number."
                if legacy
                else "no Target and no Achieved value: a result needs at least one. Write the "
                "value reached in Achieved (for work not done yet, the value aimed at in "
                "Target).",
            )
        text = cell_text(rec["indicator"])
        indicator_id = _indicator(log, sheet, rec, text, keys, names)
        known = catalogue.loc[indicator_id] if indicator_id else None
        level = _level(log, sheet, idx, rec, known)
        unit = _unit(log, sheet, idx, rec, known, legacy)
        iso3 = _country(log, sheet, idx, rec, ref)
        as_of = None
        if rec["as_of"] is not None:
            parsed = cleaning.parse_date(rec["as_of"], end_of_month=True)
            if parsed.problem:
                log.error(sheet, idx, rec, "as_of", rec["as_of"], parsed.problem)
            as_of = parsed.value
        records.append(
            {
                "activity_id": cell_text(rec["activity_id"]),
                "level": level or "",
                "indicator_id": indicator_id or OTHER,
                "indicator": known["name"] if known is not None else text,
                **{col: numbers[col] for col in NUMBER_COLUMNS},
                "unit": unit,
                "country_iso3": iso3,
                "group": cell_text(rec["group"]),
                "as_of": pd.Timestamp(as_of) if as_of else pd.NaT,
                "source": cell_text(rec["source"]),
                "workbook": rec["_workbook"],
                "sheet": sheet.title,
                "row": int(rec["_row"]),
                "_idx": idx,
            }
        )
    if not records:
        return None
    frame = pd.DataFrame(records, index=raw.index)
    for col in NUMBER_COLUMNS:
        frame[col] = frame[col].astype("float64")
    return frame


def _numbers(log: IssueLog, sheet: Sheet, idx: int, rec: dict) -> dict[str, float | None]:
    """Baseline, target and achieved: non-negative numbers (empty cells give None)."""
    numbers: dict[str, float | None] = {}
    for col in NUMBER_COLUMNS:
        value, problem = parse_number(rec[col])
        numbers[col] = value
        header = _header(sheet, col)
        if problem == "not a number":
            log.error(
                sheet,
                idx,
                rec,
                col,
                rec[col],
                f"'{rec[col]}' is not a number. Write the {header.lower()} as a number.",
            )
        elif problem == "negative":
            log.error(
                sheet,
                idx,
                rec,
                col,
                rec[col],
                f"the {header.lower()} is negative. Write a non-negative number.",
            )
        elif problem:
            log.error(sheet, idx, rec, col, rec[col], problem)
    return numbers


def _indicator(
    log: IssueLog,
    sheet: Sheet,
    rec: dict,
    text: str,
    keys: dict[str, str],
    names: dict[str, str],
) -> str | None:
    """The catalogue id of the indicator ``text``; one not in the catalogue is a warning."""
    indicator_id = keys.get(normalise_key(text)) if text else None
    if text and indicator_id is None:
        hint = lookups.Match(None, suggestions=lookups.suggest(text, names)).hint()
        log.warn(
            sheet,
            rec,
            "indicator",
            text,
            f"'{text}' is not in the package's indicator catalogue; it is kept and "
            f"grouped as 'other'.{hint} Choose an indicator from the drop-down list if one "
            "fits.",
        )
    return indicator_id


def _level(
    log: IssueLog, sheet: Sheet, idx: int, rec: dict, known: pd.Series | None
) -> str | None:
    """Output or Outcome as written, else the indicator's level (Output when unknown)."""
    level = catalogue_level = known["level"] if known is not None else "Output"
    if rec["level"] is not None:
        level = match_level(rec["level"])
        if level is None:
            log.error(
                sheet,
                idx,
                rec,
                "level",
                rec["level"],
                f"'{rec['level']}' is not a level. Write Output or Outcome "
                f"(or leave it empty for the indicator's level, {catalogue_level}).",
            )
    return level


def _unit(
    log: IssueLog, sheet: Sheet, idx: int, rec: dict, known: pd.Series | None, legacy: bool
) -> str:
    """The unit as written; it must be the catalogued indicator's unit, which is the default."""
    unit = cell_text(rec["unit"])
    if known is not None:
        if unit and normalise_key(unit) != normalise_key(known["unit"]):
            message = (
                f"unit '{unit}' does not match the unit of '{known['name']}', which is "
                f"'{known['unit']}'. Write '{known['unit']}' (converting the values), or "
                "choose another indicator."
            )
            if legacy:
                log.warn(sheet, rec, "unit", unit, message)
            else:
                log.error(sheet, idx, rec, "unit", unit, message)
        unit = unit or known["unit"]
    return unit


def _country(log: IssueLog, sheet: Sheet, idx: int, rec: dict, ref: Reference) -> str | None:
    """The ISO3 code of the row's country (None when empty; unknown is an error)."""
    if rec["country"] is None:
        return None
    m = lookups.match_country(rec["country"], ref)
    log.mapped("country", cell_text(rec["country"]), m)
    if m.ok:
        return m.value
    log.error(
        sheet,
        idx,
        rec,
        "country",
        rec["country"],
        f"'{rec['country']}' is not a recognised ITU Member State.{m.hint()}",
    )
    return None


def check_schema(frame: pd.DataFrame | None, sheet: Sheet, log: IssueLog) -> None:
    """Check the rows of one Results (or Outputs) sheet still kept against :class:`ResultTable`."""
    if frame is None:
        return
    good_r = frame[[not log.reasons.get((sheet.key, i)) for i in frame.index]]
    try:
        ResultTable.validate(good_r.drop(columns="_idx"), lazy=True)
    except pa.errors.SchemaErrors as exc:
        headers = {c.name: c.header for c in sheet.columns}
        found, reasons = failures_to_issues(exc, good_r, headers)
        log.merge_schema_failures(sheet, found, reasons)


def status_warnings(
    frame: pd.DataFrame | None, sheet: Sheet, raw: pd.DataFrame, status_of: dict, log: IssueLog
) -> None:
    """Warn where a result does not fit its activity's status.

    A Completed activity with a Target and no Achieved value; a Planned activity with an
    Achieved value. Rows already rejected get no further warning.
    """
    if frame is None:
        return
    for idx, rec in frame.iterrows():
        if log.reasons.get((sheet.key, idx)):
            continue  # a rejected row: its own error says what to fix
        status = status_of.get(rec["activity_id"])
        where = {"_workbook": raw.at[idx, "_workbook"], "_row": raw.at[idx, "_row"]}
        if status == "Completed" and pd.notna(rec["target"]) and pd.isna(rec["achieved"]):
            log.warn(
                sheet,
                where,
                "achieved",
                "",
                "the activity is Completed and this result has a Target but no "
                f"{_header(sheet, 'achieved')} value. Write the value reached.",
            )
        elif status == "Planned" and pd.notna(rec["achieved"]):
            log.warn(
                sheet,
                where,
                "achieved",
                rec["achieved"],
                "the activity is Planned but this result has an achieved value. Check the "
                "status, or move the figure to Target.",
            )


def outputs_view(results: pd.DataFrame) -> pd.DataFrame:
    """Version 1's ``outputs`` table: results of level Output with an achieved value."""
    rows = results[(results["level"] == "Output") & results["achieved"].notna()]
    out = rows.rename(columns={"achieved": "value"})
    cols = [
        "activity_id",
        "workbook",
        "sheet",
        "row",
        "indicator",
        "value",
        "unit",
        "country_iso3",
        "group",
        "as_of",
    ]
    return out[cols].reset_index(drop=True)
