"""CI's benchmark gate: run the benchmarks in quick mode, print every figure, and fail only when a
median is more than three times its target (the machines are shared and noisy).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GATED = [
    "bench_core.py",
    "bench_analysis.py",
    "bench_body.py",
    "bench_body_cli.py",
    "bench_app.py",
    "bench_export.py",
    "bench_lecture_export.py",
    "bench_scale.py",
]
TOLERANCE = 3.0


def main() -> int:
    sys.path.insert(0, str(HERE))
    from common import compile_sources

    compile_sources()
    failed = []
    for script in GATED:
        proc = subprocess.run([sys.executable, str(HERE / script), "--quick"], capture_output=True, text=True, cwd=HERE.parent)
        if proc.returncode != 0:
            print(f"{script}: failed to run\n{proc.stderr[-2000:]}")
            failed.append(script)
            continue
        report = json.loads(proc.stdout)
        for fig in report["figures"]:
            if "median" not in fig:
                print(f"  {script}: {fig}")
                continue
            ratio = fig["median"] / fig["target"]
            verdict = "ok" if ratio <= 1 else ("over target" if ratio <= TOLERANCE else "FAIL (over 3x)")
            print(f"  {fig['name']}: {fig['median']:.4g} {fig['unit']} (target {fig['target']:.4g}) {ratio:.2f}x {verdict}")
            if ratio > TOLERANCE:
                failed.append(fig["name"])
    if failed:
        print(f"benchmark gate failed: {failed}")
        return 1
    print("benchmark gate passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
