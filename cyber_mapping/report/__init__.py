"""The report: formats, blocks, the cover, the six questions, figures, annexes, rendering."""
