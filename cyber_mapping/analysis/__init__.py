"""Every figure of the reports, as DataFrames and small dataclasses (never HTML or words)."""
