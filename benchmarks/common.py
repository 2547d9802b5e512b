"""What every benchmark script shares: medians, figures next to their targets, and --quick."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def compile_sources() -> None:
    """Byte-compile the package the benchmarks import from the checkout, as ``pip install`` does for users.

    The benchmarks run the source tree (PYTHONPATH is the checkout); where PYTHONDONTWRITEBYTECODE is set
    (CI here) nothing would ever be cached, and every timed process would compile some sixty modules
    first (about 0.1 s), a cost an installed app never pays. Writing the bytecode once makes the start-up
    figures those of the app as installed.
    """
    import compileall

    compileall.compile_dir(str(ROOT / "visualizer"), quiet=1)


def median_time(fn, repeats: int) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def figure(name, value, target, unit="s", **extra) -> dict:
    return {"name": name, "median": round(value, 5), "target": target, "unit": unit, "ok": value <= target, **extra}


def repeats(description: str) -> int:
    """Parse the common command line; the number of repeats (fewer with --quick, for CI)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (for CI)")
    return 3 if parser.parse_args().quick else 7


def report(name: str, figures: list[dict]) -> None:
    print(json.dumps({"benchmark": name, "figures": figures}, indent=2))
