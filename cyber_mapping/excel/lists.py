"""The template's drop-down lists, built from the reference data, and its protected Lists sheet."""

from __future__ import annotations

from dataclasses import dataclass

import openpyxl
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName

from cyber_mapping.contract import LEVELS
from cyber_mapping.excel.cells import BOLD, put_text, style_header
from cyber_mapping.reference import GLOBAL, Reference, normalise_key


@dataclass(frozen=True)
class Lists:
    """The drop-down values of a template, from the package's reference data."""

    values: dict[str, list[str]]

    @classmethod
    def from_reference(cls, ref: Reference) -> Lists:
        """Build every list from ``ref``: the template is current whenever it is generated."""

        def canonical(field_name: str) -> list[str]:
            return list(dict.fromkeys(ref.vocab(field_name).values()))

        members = ref.member_states
        countries = sorted(members["itu_name"], key=normalise_key)
        regions = [f"Region: {r}" for r in ref.region_names]
        return cls(
            {
                "Themes": list(ref.themes["theme"]),
                "Statuses": canonical("status"),
                "CostTypes": canonical("cost_type"),
                "Bases": canonical("basis"),
                "Currencies": sorted(set(ref.exchange_rates["currency"])),
                "Implementors": list(ref.offices["implementor"]),
                "Resolutions": list(ref.resolutions["resolution_id"]),
                "Countries": countries,
                "Beneficiaries": [*countries, *regions, GLOBAL],
                "Funders": list(dict.fromkeys(ref.funders["funder"])),
                "Clauses": list(ref.clauses["clause_ref"]),
                "Indicators": list(ref.indicators["name"]),
                "Levels": list(LEVELS),
                "Units": sorted(set(ref.indicators["unit"]), key=normalise_key),
            }
        )


# Which list each column offers, and whether other text is refused (strict) or allowed
# (several values separated by ';', ISO codes, a funder not yet in the list).
DROPDOWNS = {
    ("activities", "theme"): ("Themes", True),
    ("activities", "status"): ("Statuses", True),
    ("activities", "resolution_refs"): ("Resolutions", False),
    ("activities", "beneficiaries"): ("Beneficiaries", False),
    ("activities", "implementors"): ("Implementors", False),
    ("expenditure", "funder"): ("Funders", False),
    ("expenditure", "cost_type"): ("CostTypes", True),
    ("expenditure", "basis"): ("Bases", True),
    ("expenditure", "currency"): ("Currencies", True),
    ("outputs", "country"): ("Countries", False),
    ("activities", "clauses"): ("Clauses", False),
    ("activities", "lead_implementor"): ("Implementors", True),
    ("results", "level"): ("Levels", True),
    ("results", "indicator"): ("Indicators", False),
    ("results", "unit"): ("Units", False),
    ("results", "country"): ("Countries", False),
}
LIST_TITLES = {
    "Themes": "Activity theme",
    "Statuses": "Status",
    "CostTypes": "Cost type",
    "Bases": "Basis",
    "Currencies": "Currency",
    "Implementors": "Implementor",
    "Resolutions": "Resolution",
    "Countries": "Country (ITU Member State)",
    "Beneficiaries": "Beneficiary (country, region or Global)",
    "Funders": "Funder",
    "Clauses": "Clause (resolution/section/topic)",
    "Indicators": "Indicator",
    "Levels": "Level",
    "Units": "Unit",
}


def write_lists_sheet(wb: openpyxl.Workbook, lists: Lists, ref: Reference) -> None:
    """The protected ``Lists`` sheet: every list as a named range, with what each value means."""
    ws = wb.create_sheet("Lists")
    names = list(lists.values)
    style_header(ws, [LIST_TITLES[n] for n in names])
    for j, name in enumerate(names, start=1):
        values = lists.values[name]
        for i, value in enumerate(values, start=2):
            put_text(ws, i, j, value)
        letter = get_column_letter(j)
        ref_text = f"{quote_sheetname('Lists')}!${letter}$2:${letter}${len(values) + 1}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref_text)
        ws.column_dimensions[letter].width = 30 if name != "Beneficiaries" else 36
    # The resolution titles beside the list, so that an office can see what each id is.
    j = len(names) + 1
    put_text(ws, 1, j, "Resolution title").font = BOLD
    titles = dict(zip(ref.resolutions["resolution_id"], ref.resolutions["title"], strict=True))
    for i, rid in enumerate(lists.values["Resolutions"], start=2):
        put_text(ws, i, j, titles.get(rid, ""))
    ws.column_dimensions[get_column_letter(j)].width = 70
    # What each clause says (the catalogue's summary, in the package's words) and each
    # indicator's level and unit, beside their lists.
    for title, key, values in (
        (
            "Clause summary (package's words; check the official text)",
            "Clauses",
            dict(zip(ref.clauses["clause_ref"], ref.clauses["summary"], strict=True)),
        ),
        (
            "Indicator level, unit, adds up across activities",
            "Indicators",
            {
                r.name: f"{r.level}; {r.unit}; "
                + ("adds up" if r.additive == "yes" else "does not add up")
                for r in ref.indicators.itertuples(index=False)
            },
        ),
    ):
        j += 1
        put_text(ws, 1, j, title).font = BOLD
        for i, value in enumerate(lists.values[key], start=2):
            put_text(ws, i, j, values.get(value, ""))
        ws.column_dimensions[get_column_letter(j)].width = 60
    ws.freeze_panes = "A2"
    # Protected without a password: it stops accidental edits; BDT can unprotect it
    # (Review > Unprotect Sheet) and should rather regenerate the template.
    ws.protection.sheet = True
