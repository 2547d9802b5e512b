"""Kept while the move settles: the storyboard file format now lives in :mod:`visualizer.formats.storyboard`
and the player in :mod:`visualizer.lecture`."""

from visualizer.formats.storyboard import Animation, Step, Storyboard, builtin_storyboard_path, load_storyboard  # noqa: F401
from visualizer.lecture import StoryboardPlayer  # noqa: F401
