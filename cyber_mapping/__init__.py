"""cyber_mapping: map BDT cybersecurity capacity building to ITU Resolutions for TDAG.

The public API is deliberately small:

- :func:`load` returns the processed data product (run ``make build`` first);
- :mod:`cyber_mapping.analysis` holds the query helpers notebooks use (spend, progress,
  need, trends, caveats, change...);
- the ``cyber-mapping`` command validates, builds and renders.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "load"]


def __getattr__(name: str):
    # Lazy, so that `cyber-mapping report` can answer "up to date" without importing pandas.
    if name == "load":
        from cyber_mapping.product.store import load

        return load
    raise AttributeError(name)
