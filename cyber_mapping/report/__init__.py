"""The report: formats, words, blocks, sections, plotting and rendering."""
