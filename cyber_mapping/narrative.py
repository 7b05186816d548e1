"""The report notebook's single import: a thin facade over the report modules.

The work is done in :mod:`cyber_mapping.formats` (numbers, money, dates),
:mod:`cyber_mapping.context` (the report context), :mod:`cyber_mapping.blocks` (tables,
figures, paragraphs) and :mod:`cyber_mapping.sections` (the report's sections); the data
shaping of the annexes is in :mod:`cyber_mapping.analysis`. ``from cyber_mapping import
narrative`` keeps the notebook to one name.
"""

from cyber_mapping.analysis import (  # noqa: F401
    ANNEX_COLUMNS,
    ANNEX_YEAR_COLUMNS,
    annex_frames,
    mapping_frame,
)
from cyber_mapping.blocks import *  # noqa: F403
from cyber_mapping.context import *  # noqa: F403
from cyber_mapping.formats import *  # noqa: F403
from cyber_mapping.questions import *  # noqa: F403
from cyber_mapping.sections import *  # noqa: F403
