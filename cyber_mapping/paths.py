"""Every filesystem location the project uses, derived from this file's place, never the cwd."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJECT_ROOT / "reports"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DOCS_DIR = PROJECT_ROOT / "docs"
REFERENCE_DIR = PACKAGE_DIR / "reference"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
CONTRACT_PATH = DOCS_DIR / "workbook-contract.md"
REPORT_NOTEBOOK = NOTEBOOKS_DIR / "report.ipynb"
