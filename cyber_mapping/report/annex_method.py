"""Annex 2: data quality and method.

Quarantine by workbook, the reconciliation of the spend read, statuses the as-of date
contradicts, the allocation rules, the exchange rates, the parameters of the run, the input
checksums, the provenance of every table and figure, and the reference data's caveats.
"""

from __future__ import annotations

import pandas as pd

from cyber_mapping.analysis import caveats, spend
from cyber_mapping.money import chf_exact, chf_thousands
from cyber_mapping.report.blocks import Html, esc, paragraph, table
from cyber_mapping.report.context import Report
from cyber_mapping.report.formats import (
    join_names,
    long_date,
    month_year,
    percent,
    period_text,
    plural,
)


def gross_sentence(report: Report) -> str:
    """The reconciliation counted gross (empty for a product built before gross totals)."""
    cents = report.product.manifest["chf_cents"]
    if "read_gross" not in cents:
        return ""
    text = report.t["reconciliation_gross"].format(
        read=chf_exact(cents["read_gross"]),
        processed=chf_exact(cents["processed_gross"]),
        quarantined=chf_exact(cents["quarantined_gross"]),
    )
    if cents["quarantined_negative"]:  # said as a size: "CHF 18 453.86 were negative"
        negative = chf_exact(-int(cents["quarantined_negative"]))
        text += report.t["reconciliation_gross_negative"].format(negative=negative)
    return text


def unconverted_sentence(report: Report) -> str:
    """The amounts of the manifest that could not be converted to CHF, in their currency."""
    unconverted = report.product.manifest.get("unconverted_cents") or {}
    if not unconverted:
        return report.t["unconverted_none"]
    amounts = [
        f"{esc(cur)} {chf_exact(cents).removeprefix('CHF ')}"
        for cur, cents in sorted(unconverted.items())
    ]
    return report.t["unconverted"].format(amounts=join_names(amounts))


def quality_tables(report: Report) -> list[Html]:
    """Data quality and method: quarantine by workbook, reconciliation, rules, rates, inputs."""
    t, product, ref = report.t, report.product, report.ref
    blocks: list[Html] = []
    q = caveats.quarantine_by_workbook(product)
    q = q.assign(chf_cents=q["chf_cents"].map(chf_thousands))
    q.columns = [
        "Workbook",
        "Rows read",
        "Rows quarantined",
        "of which with their activity",
        "CHF thousands",
        "Main direct reason (rows)",
    ]
    blocks.append(table(report, q, "Rows read and quarantined by workbook"))
    cents = product.manifest["chf_cents"]
    unreadable = int(product.manifest.get("rows_amount_unreadable", 0))
    blocks.append(
        paragraph(
            t["reconciliation"].format(
                read=chf_exact(cents["read"]),
                processed=chf_exact(cents["processed"]),
                quarantined=chf_exact(cents["quarantined"]),
                unreadable=(
                    t["unreadable_some"].format(rows=plural(unreadable, "row"))
                    if unreadable
                    else t["unreadable_none"]
                ),
            ),
            gross_sentence(report),
            unconverted_sentence(report),
            f"{percent(spend.estimated_share(product, report.region))} of the recorded "
            "spend in scope is estimated rather than actual.",
        )
    )
    blocks.append(stale_table(report))
    blocks.append(paragraph(esc(t["allocation_rules"]), esc(t["clauses_rule"])))
    rates = ref.exchange_rates[ref.exchange_rates["currency"] != "CHF"]
    first, last = product.manifest["parameters"]["mapping_period"]
    rates = rates[rates["year"].astype(int).between(first, last)]
    if "currency" in product.expenditure.columns:
        # Only the currencies the submissions used: the package ships some sixty.
        rates = rates[rates["currency"].isin(set(product.expenditure["currency"]))]
    wide = rates.pivot_table(
        index="currency", columns="year", values="chf_per_unit", aggfunc="first"
    )
    wide.columns = [str(c) for c in wide.columns]
    wide = wide.reset_index().rename(columns={"currency": "Currency"})
    blocks.append(
        table(
            report,
            wide,
            "Exchange rates used, CHF per unit",
            source=t["source_rates"],
        )
    )
    params = pd.DataFrame(
        [
            ("Region", report.region or "all (overall report)"),
            ("Mapping period", period_text(first, last)),
            ("As of", long_date(report.as_of)),
            ("Data version", report.version),
            ("Reference data version", str(product.manifest["reference"]["version"])),
            ("Package version", str(product.manifest["package_version"])),
            ("Product built", str(product.manifest["built_at"])),
        ],
        columns=["Parameter", "Value"],
    )
    blocks.append(table(report, params, "Parameters of this run"))
    inputs = pd.DataFrame(
        [(i["file"], i["status"], i["sha256"]) for i in product.manifest["inputs"]],
        columns=["Input workbook", "Status", "SHA-256"],
    )
    blocks.append(table(report, inputs, "Data manifest: input checksums", wide=True))
    blocks.append(sources_table(report))
    return blocks


def stale_table(report: Report) -> Html:
    """Activities whose status the as-of date contradicts, for their office to confirm."""
    stale = caveats.stale_statuses(report.product, report.as_of, report.region)
    data = stale.table
    out = pd.DataFrame(
        {
            "Activity ID": data["activity_id"].astype(str),
            "Status": data["status"].astype(str),
            "Start": [month_year(d) for d in data["start_date"]],
            "End": [month_year(d) for d in data["end_date"]],
            "Why the status may be out of date": data["rule"].astype(str),
        }
    )
    caption = report.t["stale_caption"].format(as_of=long_date(report.as_of))
    return table(
        report, out, caption, key="stale", data=data, empty=report.t["stale_none"], wide=True
    )


def sources_table(report: Report) -> Html:
    """Provenance, once: every table and figure numbered so far with its source."""
    t = report.t
    rows = [
        {
            "Block": t[f"{kind}_ref"].format(n=n),
            "Title": caption,
            "Source": source.removeprefix("Source: "),
        }
        for (kind, n), (caption, source) in sorted(report.sources.items())
    ]
    rows.extend(
        {"Block": t["sources_reference"], "Title": name, "Source": source}
        for name, source in (
            (t["sources_gci_name"], t["sources_gci"]),
            (t["sources_groups_name"], t["sources_groups"]),
            (t["sources_rates_name"], t["sources_rates"]),
        )
    )
    frame = pd.DataFrame(rows, columns=["Block", "Title", "Source"])
    note = esc(t["sources_note"].format(version=report.version, as_of=long_date(report.as_of)))
    return table(report, frame, t["sources_caption"], key="sources", wide=True, note=note)


def reference_caveats(report: Report) -> Html:
    """Versions and caveats of the reference data used."""
    return paragraph(esc(report.t["reference_caveats"].format(version=report.ref.version())))
