"""Everything that imports Qt (PySide6, pyqtgraph); the core never does.

The core's modules (and numpy, PyYAML) are imported here, before PySide6: once PySide6
is loaded it reads the source of every module imported after it, which made start-up
about 0.1 s slower.
"""

import numpy  # noqa: F401
import yaml  # noqa: F401

import visualizer.formats  # noqa: F401
import visualizer.session  # noqa: F401
