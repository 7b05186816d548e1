"""The report notebook's single import: a thin facade over the report modules.

The blocks of a report come from :mod:`cyber_mapping.report`: the cover and its summary
(``cover``), TDAG's six questions (``results``, ``mandate``, ``investment``,
``coordination``, ``partners``, ``changes``), the charts (``figures``) and the two annexes
(``annex_mapping``, ``annex_method``), built with the report context (``context``), its
blocks (``blocks``) and the formats of numbers, dates and names (``formats``,
:mod:`cyber_mapping.money`, :mod:`cyber_mapping.labels`); the data shaping of the Excel
annex is :mod:`cyber_mapping.analysis.annex`. ``from cyber_mapping import narrative``
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
from cyber_mapping.report.annex_mapping import *  # noqa: F403
from cyber_mapping.report.annex_method import *  # noqa: F403
from cyber_mapping.report.blocks import *  # noqa: F403
from cyber_mapping.report.changes import *  # noqa: F403
from cyber_mapping.report.context import *  # noqa: F403
from cyber_mapping.report.coordination import *  # noqa: F403
from cyber_mapping.report.cover import *  # noqa: F403
from cyber_mapping.report.figures import *  # noqa: F403
from cyber_mapping.report.formats import *  # noqa: F403
from cyber_mapping.report.investment import *  # noqa: F403
from cyber_mapping.report.mandate import *  # noqa: F403
from cyber_mapping.report.partners import *  # noqa: F403
from cyber_mapping.report.results import *  # noqa: F403
