"""The report notebook's single import: a thin facade over the report modules.

The work is done in :mod:`cyber_mapping.report.formats` (numbers, dates, names in
sentences), :mod:`cyber_mapping.money` (money as text), :mod:`cyber_mapping.labels`
(Resolution labels, country names), :mod:`cyber_mapping.report.context` (the report
context), :mod:`cyber_mapping.report.blocks` (tables, figures, paragraphs),
:mod:`cyber_mapping.report.sections` (the report's sections) and
:mod:`cyber_mapping.report.questions` (TDAG's six questions); the data shaping of the
annexes is in :mod:`cyber_mapping.analysis.annex`. ``from cyber_mapping import narrative``
keeps the notebook to one name.
"""

from cyber_mapping.analysis.annex import (  # noqa: F401
    ANNEX_COLUMNS,
    ANNEX_YEAR_COLUMNS,
    annex_frames,
    mapping_frame,
)
from cyber_mapping.labels import *  # noqa: F403
from cyber_mapping.money import *  # noqa: F403
from cyber_mapping.report.blocks import *  # noqa: F403
from cyber_mapping.report.context import *  # noqa: F403
from cyber_mapping.report.formats import *  # noqa: F403
from cyber_mapping.report.questions import *  # noqa: F403
from cyber_mapping.report.sections import *  # noqa: F403
