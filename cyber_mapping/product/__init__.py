"""The data product: its build (``build.py``) and its store on disk (``store.py``)."""
