"""Three invented "real-style" submissions, written the way offices write (issue 18).

Made from the package's own template (:mod:`cyber_mapping.excel.template`), then filled
with about twelve activities each, every row meant to be correct but typed with the habits
of real offices: BDT headquarters in English with conference-prefixed references
(``PP-18 Res 130``) and funder agencies (``Germany (Federal Foreign Office)``); the Regional
Office for Africa in French (``Résolution 67 (CMDT-17)``, ``Tanzanie``, ``RDC``,
``Achevé``, ``12 500,00`` in XOF); the Regional Office for the Americas in Spanish
(``Resolución 45 (CMDT-22)``, ``Perú``, ``Finalizado``, ``15 000,00``). The activities are
invented (no office's list is copied); their Activity IDs follow the template's numbering,
so some (``HQ-2018-001``...) collide with the illustrative sample's by chance, which is
what a report must not mistake for a previous edition.

``python -m tests.realstyle DIR`` writes them into ``DIR``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import openpyxl

from cyber_mapping.excel import template
from cyber_mapping.reference import load_reference

D = dt.date
# Activity columns: ID, references, theme, title, countries, status, start, end.
# Expenditure: (funder, period, cost type, basis, amount as typed, currency).
HQ = (
    "BDT_HQ_cyber_2017-2025.xlsx",
    "BDT (HQ)",
    [
        (
            "HQ-2018-001",
            "PP-18 Res 130",
            "Assessment and measurement",
            "GCI 2018 questionnaire and validation round",
            "Global",
            "Completed",
            D(2018, 3, 1),
            D(2019, 6, 30),
            [("ITU regular budget", 2018, "Staff", "Actual", "85,000.00", "CHF")],
        ),
        (
            "HQ-2018-002",
            "WTDC-17 Res. 69",
            "Incident response and CIRTs",
            "CIRT readiness assessment, Malawi",
            "Malawi",
            "Completed",
            D(2018, 9, 10),
            D(2018, 12, 14),
            [("Germany (Federal Foreign Office)", 2018, "Non-staff", "Actual", "42'300", "EUR")],
        ),
        (
            "HQ-2019-001",
            "WTDC-17 Res. 45 (Buenos Aires)",
            "Cybersecurity strategy and governance",
            "National cybersecurity strategy workshop, The Gambia",
            "Gambia, The",
            "Completed",
            D(2019, 4, 8),
            D(2019, 4, 12),
            [("ITU regular budget", 2019, "Non-staff", "Actual", "18,750.00", "USD")],
        ),
        (
            "HQ-2019-002",
            "WTDC-17 Res. 67",
            "Child online protection",
            "Child Online Protection guidelines update, expert group",
            "Global",
            "Completed",
            D(2019, 2, 1),
            D(2020, 6, 30),
            [("ITU regular budget", 2019, "Staff", "Actual", "60000", "CHF")],
        ),
        (
            "HQ-2020-001",
            "PP-18 Res 130",
            "Assessment and measurement",
            "GCI 2020 data collection",
            "Global",
            "Completed",
            D(2020, 1, 15),
            D(2021, 6, 29),
            [("ITU regular budget", 2020, "Staff", "Actual", "CHF 120 000", "CHF")],
        ),
        (
            "HQ-2021-001",
            "WTDC-17 Res. 69; PP-18 Res 130",
            "Incident response and CIRTs",
            "CIRT establishment support, Gambia (phase 2)",
            "Gambia",
            "Completed",
            D(2021, 2, 1),
            D(2021, 11, 30),
            [
                (
                    "Germany (Federal Foreign Office)",
                    2021,
                    "Non-staff",
                    "Actual",
                    "95,500.00",
                    "EUR",
                )
            ],
        ),
        (
            "HQ-2021-002",
            "WTDC-17 Res. 45",
            "Women in cybersecurity",
            "Women in Cyber mentorship, first cohort",
            "Region: Arab States",
            "Completed",
            D(2021, 5, 1),
            D(2021, 12, 15),
            [("UAE Cyber Security Council", 2021, "Non-staff", "Actual", "30,000", "USD")],
        ),
        (
            "HQ-2022-001",
            "PP-22 Res. 130",
            "Cyber drills and exercises",
            "Global CyberDrill, online edition",
            "Global",
            "Completed",
            D(2022, 11, 21),
            D(2022, 11, 25),
            [("ITU regular budget", 2022, "Non-staff", "Actual", "24,000.00", "CHF")],
        ),
        (
            "HQ-2023-001",
            "WTDC-22 Res. 45 (Rev. Kigali, 2022)",
            "Cybersecurity strategy and governance",
            "Strategy toolkit review with partners",
            "Global",
            "Completed",
            D(2023, 3, 1),
            D(2023, 10, 31),
            [("ITU regular budget", 2023, "Staff", "Actual", "45,000.00", "CHF")],
        ),
        (
            "HQ-2024-001",
            "PP-22 Res. 130",
            "Assessment and measurement",
            "GCI 2024 report and country profiles",
            "Global",
            "Completed",
            D(2024, 1, 10),
            D(2024, 9, 12),
            [("ITU regular budget", 2024, "Staff", "Actual", "110,000.00", "CHF")],
        ),
        (
            "HQ-2024-002",
            "WTDC-22 Res. 69",
            "Women in cybersecurity",
            "Her CyberTracks, Africa cohort",
            "Kenya; Nigeria; Senegal",
            "Completed",
            D(2024, 2, 1),
            D(2024, 11, 30),
            [
                (
                    "Germany (Federal Foreign Office)",
                    2024,
                    "Non-staff",
                    "Actual",
                    "70,000.00",
                    "EUR",
                )
            ],
        ),
        (
            "HQ-2025-001",
            "PP-22 Res. 130",
            "Incident response and CIRTs",
            "CIRT maturity self-assessment pilot, Oman",
            "Oman",
            "Ongoing",
            D(2025, 2, 1),
            D(2025, 12, 31),
            [("Oman", 2025, "Non-staff", "Estimated", "9,500.000", "OMR")],
        ),
    ],
)
AFRICA = (
    "RO_Afrique_soumission_2025.xlsx",
    "Bureau régional pour l'Afrique",
    [
        (
            "RO-AFR-2018-001",
            "Résolution 67 (CMDT-17)",
            "Child online protection",
            "Atelier sur la protection en ligne des enfants, Dakar",
            "Sénégal",
            "Achevé",
            D(2018, 5, 14),
            D(2018, 5, 16),
            [("ITU regular budget", 2018, "Non-staff", "Actual", "12 500 000", "XOF")],
        ),
        (
            "RO-AFR-2018-002",
            "Résolution 69 (CMDT-17)",
            "Incident response and CIRTs",
            "Évaluation de l'état de préparation du CIRT, Burundi",
            "Burundi",
            "Achevé",
            D(2018, 10, 1),
            D(2018, 11, 30),
            [("ITU regular budget", 2018, "Non-staff", "Actual", "21 000,00", "CHF")],
        ),
        (
            "RO-AFR-2019-001",
            "Résolution 45 (CMDT-17)",
            "Cybersecurity strategy and governance",
            "Appui à la stratégie nationale de cybersécurité, Bénin",
            "Bénin",
            "Achevé",
            D(2019, 3, 4),
            D(2019, 9, 27),
            [("ITU regular budget", 2019, "Non-staff", "Actual", "8 750 000", "XOF")],
        ),
        (
            "RO-AFR-2019-002",
            "Res. 130 (PP-18)",
            "Cyber drills and exercises",
            "Exercice régional CyberDrill pour l'Afrique, Abidjan",
            "Côte d'Ivoire; Ouganda; Tanzanie; RDC",
            "Achevé",
            D(2019, 7, 22),
            D(2019, 7, 26),
            [("ITU regular budget", 2019, "Non-staff", "Actual", "35 400,00", "CHF")],
        ),
        (
            "RO-AFR-2020-001",
            "Résolution 69 (CMDT-17)",
            "Incident response and CIRTs",
            "Mise en place du CIRT national, Gambie",
            "Gambia, The",
            "Achevé",
            D(2020, 2, 3),
            D(2020, 12, 18),
            [
                (
                    "Germany (Federal Foreign Office)",
                    2020,
                    "Non-staff",
                    "Actual",
                    "48 000,00",
                    "EUR",
                )
            ],
        ),
        (
            "RO-AFR-2021-001",
            "Résolution 45 (CMDT-17)",
            "Legal and regulatory frameworks",
            "Revue du cadre juridique sur la cybercriminalité, Niger",
            "Niger",
            "Achevé",
            D(2021, 4, 12),
            D(2021, 8, 31),
            [("ITU regular budget", 2021, "Non-staff", "Actual", "6 200 000", "XOF")],
        ),
        (
            "RO-AFR-2021-002",
            "Résolution 67 (CMDT-17)",
            "Child online protection",
            "Formation des formateurs sur la protection en ligne des enfants",
            "Rwanda; Burundi",
            "Achevé",
            D(2021, 9, 6),
            D(2021, 9, 10),
            [("ITU regular budget", 2021, "Non-staff", "Actual", "14 250,00", "CHF")],
        ),
        (
            "RO-AFR-2022-001",
            "Résolution 130 (PP-18)",
            "Awareness and cyber hygiene",
            "Campagne de sensibilisation à la cyberhygiène, Mali",
            "Mali",
            "Achevé",
            D(2022, 1, 17),
            D(2022, 6, 30),
            [("ITU regular budget", 2022, "Non-staff", "Actual", "5 400 000", "XOF")],
        ),
        (
            "RO-AFR-2023-001",
            "Résolution 69 (Rév. Kigali, 2022)",
            "Incident response and CIRTs",
            "Renforcement des capacités du CIRT, Togo",
            "Togo",
            "Achevé",
            D(2023, 3, 6),
            D(2023, 11, 24),
            [("ITU regular budget", 2023, "Non-staff", "Actual", "27 800,00", "CHF")],
        ),
        (
            "RO-AFR-2023-002",
            "Résolution 45 (CMDT-22)",
            "Cybersecurity strategy and governance",
            "Atelier sous-régional sur les stratégies nationales, Yaoundé",
            "Cameroun; Gabon; Tchad",
            "Achevé",
            D(2023, 6, 12),
            D(2023, 6, 15),
            [("ITU regular budget", 2023, "Non-staff", "Actual", "12 500,00", "CHF")],
        ),
        (
            "RO-AFR-2024-001",
            "Résolution 130 (PP-22)",
            "Cyber drills and exercises",
            "Exercice CyberDrill régional, Kigali",
            "Rwanda; Kenya; Ouganda",
            "Achevé",
            D(2024, 10, 7),
            D(2024, 10, 11),
            [("ITU regular budget", 2024, "Non-staff", "Actual", "38 900,00", "CHF")],
        ),
        (
            "RO-AFR-2025-001",
            "Résolution 69 (CMDT-22)",
            "Incident response and CIRTs",
            "Appui au CIRT national, Madagascar",
            "Madagascar",
            "En cours",
            D(2025, 3, 3),
            D(2025, 12, 19),
            [("ITU regular budget", 2025, "Non-staff", "Estimated", "16 000,00", "CHF")],
        ),
    ],
)
AMERICAS = (
    "RO_Americas_envio_2025.xlsx",
    "Oficina Regional para las Américas",
    [
        (
            "RO-AMS-2018-001",
            "Resolución 130 (PP-18)",
            "Cybersecurity strategy and governance",
            "Taller sobre estrategia nacional de ciberseguridad, Paraguay",
            "Paraguay",
            "Finalizado",
            D(2018, 6, 4),
            D(2018, 6, 8),
            [("ITU regular budget", 2018, "Non-staff", "Actual", "15 000,00", "USD")],
        ),
        (
            "RO-AMS-2018-002",
            "Resolución 69 (CMDT-17)",
            "Incident response and CIRTs",
            "Evaluación del CSIRT nacional, Bolivia",
            "Bolivia",
            "Finalizado",
            D(2018, 9, 3),
            D(2018, 11, 30),
            [("ITU regular budget", 2018, "Non-staff", "Actual", "19 800,00", "USD")],
        ),
        (
            "RO-AMS-2019-001",
            "Resolución 45 (CMDT-17)",
            "Cyber drills and exercises",
            "Ciberejercicio regional para las Américas, Lima",
            "Perú; Ecuador; Colombia",
            "Finalizado",
            D(2019, 8, 19),
            D(2019, 8, 23),
            [("ITU regular budget", 2019, "Non-staff", "Actual", "31 200,00", "USD")],
        ),
        (
            "RO-AMS-2019-002",
            "Resolución 67 (CMDT-17)",
            "Child online protection",
            "Protección de la infancia en línea, taller nacional",
            "México",
            "Finalizado",
            D(2019, 10, 14),
            D(2019, 10, 16),
            [("ITU regular budget", 2019, "Non-staff", "Actual", "9 600,00", "USD")],
        ),
        (
            "RO-AMS-2020-001",
            "Resolución 130 (PP-18)",
            "Legal and regulatory frameworks",
            "Revisión del marco legal sobre ciberdelito, Honduras",
            "Honduras",
            "Finalizado",
            D(2020, 3, 2),
            D(2020, 10, 30),
            [("ITU regular budget", 2020, "Non-staff", "Actual", "12 400,00", "USD")],
        ),
        (
            "RO-AMS-2021-001",
            "Resolución 69 (CMDT-17)",
            "Incident response and CIRTs",
            "Creación del CSIRT nacional, República Dominicana",
            "República Dominicana",
            "Finalizado",
            D(2021, 1, 18),
            D(2021, 12, 10),
            [("ITU regular budget", 2021, "Non-staff", "Actual", "44 000,00", "USD")],
        ),
        (
            "RO-AMS-2021-002",
            "Resolución 45 (CMDT-17)",
            "Awareness and cyber hygiene",
            "Campaña de concienciación en ciberhigiene, Caribe",
            "Jamaica; Barbados; Belice",
            "Finalizado",
            D(2021, 5, 3),
            D(2021, 9, 30),
            [("ITU regular budget", 2021, "Non-staff", "Actual", "7 500,00", "USD")],
        ),
        (
            "RO-AMS-2022-001",
            "Resolución 130 (PP-22)",
            "Women in cybersecurity",
            "Mujeres en la ciberseguridad, programa regional",
            "Región: Américas",
            "Finalizado",
            D(2022, 3, 8),
            D(2022, 11, 25),
            [("ITU regular budget", 2022, "Non-staff", "Actual", "22 000,00", "USD")],
        ),
        (
            "RO-AMS-2023-001",
            "Resolución 45 (CMDT-22)",
            "Cybersecurity strategy and governance",
            "Apoyo a la estrategia nacional, Guatemala",
            "Guatemala",
            "Finalizado",
            D(2023, 2, 6),
            D(2023, 9, 29),
            [("ITU regular budget", 2023, "Non-staff", "Actual", "16 300,00", "USD")],
        ),
        (
            "RO-AMS-2023-002",
            "Resolución 69 (CMDT-22)",
            "Incident response and CIRTs",
            "Fortalecimiento del CSIRT, Haití",
            "Haití",
            "Finalizado",
            D(2023, 5, 15),
            D(2023, 12, 15),
            [("ITU regular budget", 2023, "Non-staff", "Actual", "11 900,00", "USD")],
        ),
        (
            "RO-AMS-2024-001",
            "Resolución 130 (PP-22)",
            "Cyber drills and exercises",
            "Ciberejercicio regional, Santo Domingo",
            "República Dominicana; Costa Rica; Panamá",
            "Finalizado",
            D(2024, 9, 23),
            D(2024, 9, 27),
            [("ITU regular budget", 2024, "Non-staff", "Actual", "28 700,00", "USD")],
        ),
        (
            "RO-AMS-2025-001",
            "Resolución 67 (CMDT-22)",
            "Child online protection",
            "Guías de protección de la infancia en línea, adaptación nacional",
            "Brasil",
            "En curso",
            D(2025, 4, 1),
            D(2025, 12, 12),
            [("ITU regular budget", 2025, "Non-staff", "Estimated", "10 000,00", "USD")],
        ),
    ],
)
OFFICES = (HQ, AFRICA, AMERICAS)
ACTIVITY_COLUMNS = ("Activity ID", "Resolution references", "Activity theme", "Activity",
                    "Beneficiary countries", "Status", "Start date", "End date")  # fmt: skip
SPEND_COLUMNS = ("Funder", "Period", "Cost type", "Basis", "Amount", "Currency")


def _fill(ws, rows: list[tuple]) -> None:
    """Write ``rows`` (dicts by header) from the sheet's row 2, clearing the template rows."""
    headers = {c.value: c.column for c in ws[1] if c.value}
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.value = None
    for i, record in enumerate(rows, start=2):
        for header, value in record.items():
            ws.cell(row=i, column=headers[header], value=value)


def write_realstyle(folder: Path) -> list[Path]:
    """Write the three real-style workbooks into ``folder`` (created); return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ref = load_reference()
    paths = []
    for name, implementor, activities in OFFICES:
        path = folder / name
        template.write_template(path, ref)
        wb = openpyxl.load_workbook(path)
        acts, spend = [], []
        for row in activities:
            record = dict(zip(ACTIVITY_COLUMNS, row[:8], strict=True))
            acts.append({**record, "Implementor(s)": implementor})
            for line in row[8]:
                spend.append(
                    {"Activity ID": row[0], **dict(zip(SPEND_COLUMNS, line, strict=True))}
                )
        _fill(wb["Activities"], acts)
        _fill(wb["Expenditure"], spend)
        wb.save(path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_realstyle(Path(sys.argv[1])):
        print(written)
