"""Still images open in independent readers; failed exports leave nothing behind."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("PySide6")

from PIL import Image  # noqa: E402

from visualizer.problems import UserError  # noqa: E402
from visualizer.qt.export import export_image  # noqa: E402


@pytest.fixture
def window(make_window):
    win = make_window(size=None)
    win.session.set_intervention("weight_loss", 1.0)
    win.session.playhead.seek(0.9)
    return win


def test_png_has_the_requested_size_and_dpi(window, tmp_path):
    path = export_image(window.scene, tmp_path / "d.png", (1200, 800), dpi=300)
    with Image.open(path) as image:
        assert image.size == (1200, 800)
        assert round(image.info["dpi"][0]) == 300
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20)) > 50, "not blank"


def test_svg_is_vector_with_labels_as_text(window, tmp_path):
    window.stage.caption = "Weight loss quiets the inflammation."
    path = export_image(window.scene, tmp_path / "d.svg", (1600, 1000))
    root = ET.parse(path).getroot()
    texts = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    for label in ("IRS-1", "Akt", "Glucose uptake", "Insulin signalling", "Weight loss quiets"):
        assert label in texts
    assert root.get("viewBox") == "0 0 1600 1000"


def test_pdf_starts_right_and_has_the_page_size(window, tmp_path):
    path = export_image(window.scene, tmp_path / "d.pdf", (1600, 1000), dpi=96)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert box is not None
    assert float(box.group(1)) == pytest.approx(1200, abs=1) and float(box.group(2)) == pytest.approx(750, abs=1)


def test_bad_requests_and_unwritable_places_leave_no_file(window, tmp_path):
    with pytest.raises(UserError, match="choose one of: .png, .svg, .pdf"):
        export_image(window.scene, tmp_path / "d.bmp")
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(UserError):
        export_image(window.scene, blocker / "d.png")
    with pytest.raises(UserError, match="between 16 and 16384"):
        export_image(window.scene, tmp_path / "d.png", (5, 5))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


def test_export_keeps_an_old_file_when_writing_fails(window, tmp_path, monkeypatch):
    path = tmp_path / "d.png"
    path.write_bytes(b"old picture")
    from visualizer.qt import export

    def broken(view, tmp, *args):
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setitem(export._WRITERS, ".png", broken)
    with pytest.raises(UserError, match="disk full"):
        export_image(window.scene, path)
    assert path.read_bytes() == b"old picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.png"], "no stray temporary file"


def test_export_from_the_window_remembers_nothing_surprising(window, tmp_path):
    window.resize(1000, 700)
    window.show()
    assert window.export_picture(tmp_path / "view.png")
    with Image.open(tmp_path / "view.png") as image:
        assert image.size == (window.view.viewport().width() * 2, window.view.viewport().height() * 2)


def test_render_command_writes_a_storyboard_step_with_its_caption(run_cli, tmp_path):
    from visualizer.formats.storyboard import builtin_storyboard_path, load_storyboard

    out = tmp_path / "step.svg"
    proc = run_cli("render", "--out", out, "--storyboard", builtin_storyboard_path(), "--step", "3", "--size", "1200x800")
    assert proc.returncode == 0, proc.stderr
    board, _ = load_storyboard(builtin_storyboard_path())
    texts = " ".join(t.text or "" for t in ET.parse(out).getroot().iter() if t.tag.endswith("text"))
    assert board.steps[2].title.split(":")[0] in texts
    assert board.steps[2].caption.split()[0] in texts


def test_export_movie_command_and_its_errors(run_cli, tmp_path):
    out = tmp_path / "m.gif"
    proc = run_cli(
        "export-movie", "--out", out, "--size", "240x160", "--fps", "5", "--seconds", "2", "--intervention", "weight_loss"
    )
    assert proc.returncode == 0, proc.stderr
    with Image.open(out) as gif:
        assert gif.n_frames == 10 and gif.size == (240, 160)
    assert "[" not in proc.stderr, "no progress bar when the output is not a terminal"
    for args, message in (
        (["--out", tmp_path / "m.avi"], "choose one of: .mp4, .gif"),
        (["--out", tmp_path / "m.gif", "--fps", "0"], "frames per second"),
        (["--out", tmp_path / "m.gif", "--storyboard", tmp_path / "none.yaml"], "none.yaml"),
    ):
        proc = run_cli("export-movie", *args)
        assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.gif"]


def test_data_exports_from_the_window(window, tmp_path):
    import csv
    import json

    assert window.export_data(tmp_path / "t.csv", "trajectory_csv")
    rows = list(csv.reader((tmp_path / "t.csv").open()))
    assert rows[0][0] == "time" and "glucose_uptake" in rows[0] and len(rows) == len(window.session.timeline.times) + 1
    assert window.export_data(tmp_path / "r.csv", "recovery_csv")
    table = {row["node"]: row for row in csv.DictReader((tmp_path / "r.csv").open())}
    assert table["tnf_alpha"]["status"] in ("partial", "recovered"), "weight loss lowers TNF-α"
    assert window.export_data(tmp_path / "all.json", "result_json")
    assert json.loads((tmp_path / "all.json").read_text())["interventions"] == {"weight_loss": 1.0}


def test_simulate_writes_the_recovery_table(run_cli):
    proc = run_cli("simulate", "--intervention", "weight_loss", "--format", "recovery-csv", "--times", "0,10")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "node,label,fraction,status" and any(line.startswith("tnf_alpha,TNF-α,") for line in lines)


def _start_long_export(out, tmp_path):
    import os
    import subprocess
    import sys
    import time

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "visualizer",
            "export-movie",
            "--out",
            str(out),
            "--size",
            "640x360",
            "--seconds",
            "60",
            "--fps",
            "30",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until frames are being written
        if any(p.name.endswith(".part.mp4") and p.stat().st_size > 0 for p in tmp_path.iterdir()):
            return proc
        time.sleep(0.1)
    proc.kill()
    pytest.fail("the export never started writing")


@pytest.mark.parametrize("how", ["terminate", "kill"])
def test_killing_a_long_export_keeps_the_old_file_and_leaves_no_temporary(tmp_path, how):
    import signal

    out = tmp_path / "movie.mp4"
    out.write_bytes(b"the old movie")
    proc = _start_long_export(out, tmp_path)
    proc.send_signal(signal.SIGTERM if how == "terminate" else signal.SIGKILL)
    proc.wait(timeout=60)
    assert out.read_bytes() == b"the old movie"
    if how == "kill":
        # nothing runs after SIGKILL: the orphan is recognised (its process is gone) at the next write
        assert any(p.name.endswith(".part.mp4") for p in tmp_path.iterdir())
        from visualizer.atomic import write_text_atomically

        write_text_atomically(out, "the next export")
        assert out.read_text() == "the next export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["movie.mp4"], "no stray temporary"
