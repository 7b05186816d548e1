"""The illustrative sample workbooks (invented, deterministic); ``generate.py`` writes them."""
