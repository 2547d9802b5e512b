"""The pure core stays free of Qt, and an installed wheel carries its resources."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from conftest import ROOT


def core_modules() -> list[str]:
    """Every module of the package outside visualizer.qt (and the entry points that start the app)."""
    import pkgutil

    import visualizer

    names = ["visualizer"]
    for info in pkgutil.walk_packages(visualizer.__path__, "visualizer."):
        if info.name.startswith("visualizer.qt") or info.name in ("visualizer.__main__", "visualizer._resources"):
            continue
        names.append(info.name)
    return names


CORE_MODULES = core_modules()


def test_every_core_module_is_found():
    assert {"visualizer.engine", "visualizer.stage", "visualizer.lecture", "visualizer.formats.yaml_model"} <= set(CORE_MODULES)
    assert len(CORE_MODULES) >= 25, CORE_MODULES


def test_core_and_simulate_load_no_qt():
    code = (
        "import sys, io, contextlib\n"
        f"for m in {CORE_MODULES!r}: __import__(m)\n"
        "from visualizer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['simulate', '--times', '0,10']) == 0\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"Qt modules were imported by the core: {proc.stdout}"


def test_installed_wheel_runs_simulate_from_another_folder(tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    wheel = next(dist.glob("*.whl"))
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    # The dependencies come from this interpreter; the wheel itself is installed for real.
    site = Path(sysconfig.get_paths()["purelib"])
    target_site = Path(
        subprocess.check_output([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip()
    )
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True, timeout=300
    )
    assert install.returncode == 0, install.stderr
    # only now, so pip cannot mistake this interpreter's copy of the project for the wheel
    (target_site / "outer-deps.pth").write_text(str(site) + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    exe = env_dir / "bin" / "visualizer"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run(
        [str(exe), "simulate", "--times", "0,30"], capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert '"glucose_uptake"' in proc.stdout
    where = subprocess.run(
        [str(py), "-c", "import visualizer; print(visualizer.__file__)"], capture_output=True, text=True, cwd=elsewhere, env=env
    )
    assert str(env_dir) in where.stdout, "the wheel, not the source tree, must be what runs"


def test_the_import_contract_covers_every_core_module():
    """``lint-imports`` forbids Qt in the modules pyproject.toml lists: a new core module must be listed there."""
    import pytest

    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if "never imports Qt" in c["name"])
    listed = set(contract["source_modules"])
    top_level = {m.split(".")[0] + "." + m.split(".")[1] for m in CORE_MODULES if m.count(".") >= 1}
    missing = sorted(m for m in top_level if m not in listed and m != "visualizer.cli")
    assert not missing, f"add these core modules to the contract in pyproject.toml: {missing}"
    assert {"PySide6", "shiboken6", "pyqtgraph", "visualizer.qt"} <= set(contract["forbidden_modules"])
