"""cyber_mapping: map BDT cybersecurity capacity building to ITU Resolutions for TDAG.

The public API is deliberately small:

- :func:`load` returns the processed data product (run ``make build`` first);
- :func:`resolve_region` names an ITU-D region from any of its aliases (``Asia-Pacific``);
- :mod:`cyber_mapping.analysis` holds the query helpers notebooks use (spend, progress,
  need, trends, caveats, change...);
- the ``cyber-mapping`` command validates, builds and renders.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "load", "resolve_region"]


def __getattr__(name: str):
    # Lazy, so that `cyber-mapping report` can answer "up to date" without importing pandas.
    if name == "load":
        from cyber_mapping.product.store import load

        return load
    if name == "resolve_region":
        from cyber_mapping.report.context import resolve_region

        return resolve_region
    raise AttributeError(name)
