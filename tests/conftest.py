"""Test set-up shared by every test.

Qt must never need a display, must not scale, and must never touch the user's
real settings or logs; all three are fixed here, before any QApplication exists.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

_SANDBOX = Path(tempfile.mkdtemp(prefix="visualizer-tests-"))


def offscreen_platform(*screens: tuple[int, int], dpr: float = 1.0) -> str:
    """A QT_QPA_PLATFORM value for Qt's offscreen platform with these screens (width, height), side by side.

    The plain offscreen platform has one 800x800 screen; tests that care about the screen
    (a window too large for it, a second screen for the presenter view, HiDPI) say which.
    """
    entries, x = [], 0
    for k, (width, height) in enumerate(screens):
        entries.append(
            {
                "name": f"screen{k}",
                "x": x,
                "y": 0,
                "width": width,
                "height": height,
                "dpr": dpr,
                "logicalDpi": 96,
                "logicalBaseDpi": 96,
            }
        )
        x += width
    path = _SANDBOX / f"screens-{'-'.join(f'{w}x{h}' for w, h in screens)}-{dpr:g}.json"
    path.write_text(__import__("json").dumps({"screens": entries}))
    return f"offscreen:configfile={path}"


# A laptop-sized screen for every test (a projector or a second screen where a test says so).
os.environ["QT_QPA_PLATFORM"] = offscreen_platform((1280, 800))
os.environ["QT_SCALE_FACTOR"] = "1"
os.environ["PYQTGRAPH_QT_LIB"] = "PySide6"
os.environ["VISUALIZER_CONFIG_DIR"] = str(_SANDBOX / "config")
os.environ["VISUALIZER_DATA_DIR"] = str(_SANDBOX / "data")
os.environ["XDG_CONFIG_HOME"] = str(_SANDBOX / "xdg-config")
os.environ["XDG_DATA_HOME"] = str(_SANDBOX / "xdg-data")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def pytest_configure(config):
    """Start the application before any test module imports the drawing code, as the app and every
    command do: a QFont made before the QApplication exists resolves to another family (here a serif
    one, C059, instead of DejaVu Sans), and the overlay's class fonts are made at import, so tests
    imported first would measure captions and labels in a font no user sees."""
    try:
        from visualizer.qt.application import application
    except ImportError:  # (no PySide6: the Qt tests skip themselves)
        return
    application()


NETFLUX = SHARED / "models" / "netflux"
SBML_QUAL = SHARED / "models" / "sbml-qual"


def shared_file(*parts: str) -> Path:
    """A file from ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (the ../shared folder is outside this checkout)")
    return path


@pytest.fixture
def run_cli(tmp_path):
    """Run ``python -m visualizer ARGS`` in a subprocess; returns CompletedProcess."""
    import subprocess

    def run(*args, cwd=None, timeout=120):
        env = dict(os.environ)
        return subprocess.run(
            [sys.executable, "-m", "visualizer", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=cwd or tmp_path,
            env=env,
            timeout=timeout,
        )

    return run


@pytest.fixture
def write_model(tmp_path):
    """Write YAML text to a model file in a temporary folder and return its path."""

    def write(text: str, name: str = "model.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_window(qtbot, tmp_path):
    """Build main windows whose settings live in the test's folder; each is closed after the test.

    ``make_window(size=(w, h))`` shows the window at that size; ``size=None`` leaves it hidden.
    """
    from PySide6.QtCore import QSettings

    from visualizer.formats import builtin_model_path, load_builtin_model
    from visualizer.qt.main_window import MainWindow
    from visualizer.session import Session
    from visualizer.stage import Stage

    made = []

    def make(model=None, path=None, size=(1400, 900)):
        if model is None:
            model, path = load_builtin_model(), builtin_model_path()
        stage = Stage(Session(model))
        window = MainWindow(stage, path, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        made.append(window)
        if size is not None:
            window.resize(*size)
            window.show()
            qtbot.waitExposed(window)
        return window

    yield make
    for window in made:
        window.close()
