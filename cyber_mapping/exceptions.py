"""Errors the package raises on purpose; each message says what failed and how to fix it."""


class CyberMappingError(Exception):
    """Base class: a problem the user can act on (the CLI prints it without a traceback)."""


class ReferenceDataError(CyberMappingError):
    """A reference data file is missing or malformed."""


class ProductNotFoundError(CyberMappingError):
    """The processed data product has not been built yet, or is incomplete."""


class StrictBuildError(CyberMappingError):
    """`build --strict` found errors, so nothing was written."""


class ReportConfigError(CyberMappingError):
    """A report was asked for with parameters that cannot work (unknown region, bad template)."""


class WorkbookError(CyberMappingError):
    """One workbook cannot be read as it is; the message names it and says how to fix it.

    Reading a folder turns this into that workbook's error: the other workbooks are read.
    """


class UsageError(CyberMappingError):
    """The command was asked for something it must not do (the CLI exits 2)."""


class ExportError(CyberMappingError):
    """An export would write where the package must not (raw data, someone else's file)."""
