"""Insulin Pathway Visualizer: an animated, model-driven view of insulin signalling.

The package is a pure core (model format, engine, analysis, storyboards, data
export) that never imports Qt; everything that draws lives in
:mod:`visualizer.qt`.
"""

__version__ = "0.1.0"
