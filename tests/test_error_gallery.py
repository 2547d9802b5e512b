"""One example of every user mistake, at every entry point: the message names the place, says what is
wrong and what would be right; the command exits with 2 (validate: 1) and the app stays open."""

from __future__ import annotations

import pytest

from visualizer.formats.storyboard import builtin_storyboard_path, load_storyboard

from visualizer.formats import builtin_model_path

BAD_MODEL = "metadata: {title: Broken}\nnodes:\n  - {id: a, label: A, tau: -1}\n"

#: How many steps the built-in lecture has (the message names the range).
BUILTIN_STEPS = len(load_storyboard(builtin_storyboard_path())[0].steps)


@pytest.fixture
def bad_model(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BAD_MODEL)
    return path


@pytest.fixture
def colon_model(tmp_path):
    path = tmp_path / "colon.yaml"
    path.write_text("metadata: {title: Broken}\nnodes:\n  - id: a\n    label: Insulin: the hormone\n")
    return path


@pytest.fixture
def cut_sheet(tmp_path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00")  # the first bytes of a workbook, then nothing
    return path


@pytest.fixture
def bad_story(tmp_path):
    path = tmp_path / "story.yaml"
    path.write_text("title: S\nsteps:\n  - {title: One, scenario: sick}\n")
    return path


# command, arguments, what the message must contain (the place, the problem, the way out)
GALLERY = [
    ("simulate", ["--scenario", "sick"], ["unknown scenario 'sick'", "choose one of: healthy, insulin_resistant"]),
    ("simulate", ["--model", "{bad_model}"], ["broken.yaml:3", "node a", "'tau' is -1; it must be greater than 0"]),
    ("explain", ["irs"], ["unknown node 'irs'", "did you mean 'irs1'"]),
    ("dose-response", ["yoga", "--nodes", "akt"], ["unknown intervention 'yoga'", "aerobic_exercise"]),
    ("dose-response", ["weight_loss", "--nodes", "akt", "--points", "1"], ["--points"]),
    ("screenshot", ["--out", "{tmp}/shot.jpg"], ["must end in .png"]),
    ("render", ["--out", "{tmp}/missing/figure.svg"], ["figure.svg", "does not exist"]),
    ("render", ["--out", "{tmp}/figure.bmp"], ["figure.bmp", "choose one of: .png, .svg, .pdf"]),
    ("export-movie", ["--out", "{tmp}/movie.avi"], ["movie.avi", "choose one of: .mp4, .gif"]),
    (
        "export-movie",
        ["--out", "{tmp}/m.gif", "--storyboard", "{bad_story}"],
        ["story.yaml:3", "step 1", "unknown scenario 'sick'"],
    ),
    ("convert", ["{builtin}", "{tmp}/out.docx"], ["out.docx"]),
    ("convert", ["{bad_model}", "{tmp}/out.graphml"], ["broken.yaml:3"]),
    ("convert", ["{colon_model}", "{tmp}/out.sbgn"], ["colon.yaml:4", "must be in quotes", 'label: "Insulin: the hormone"']),
    ("convert", ["{cut_sheet}", "{tmp}/out.yaml"], ["cut.xlsx", "looks damaged or incomplete", "save it again"]),
    ("convert", ["{bad_story}", "{tmp}/out.yaml"], ["story.yaml:2", "this is a lecture storyboard, not a model"]),
    ("simulate", ["--model", "{bad_story}"], ["Lecture ▸ Open storyboard (Ctrl+Shift+O)", "visualizer present FILE"]),
    ("present", ["{bad_story}"], ["story.yaml:3", "unknown scenario 'sick'", "choose one of"]),
    ("present", ["--step", "40"], [f"--step 40 is outside 1..{BUILTIN_STEPS}"]),
    ("open", ["{bad_model}"], ["broken.yaml:3", "'tau' is -1"]),
]


@pytest.mark.parametrize("command, args, expected", GALLERY, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(GALLERY)])
def test_cli_mistakes(run_cli, tmp_path, bad_model, bad_story, colon_model, cut_sheet, command, args, expected):
    fill = {
        "tmp": tmp_path,
        "bad_model": bad_model,
        "bad_story": bad_story,
        "colon_model": colon_model,
        "cut_sheet": cut_sheet,
        "builtin": builtin_model_path(),
    }
    proc = run_cli(command, *(a.format(**fill) for a in args))
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    for text in expected:
        assert text in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") <= 3, "one clear message, not a dump"


def test_validate_lists_problems_and_exits_1(run_cli, bad_model):
    proc = run_cli("validate", bad_model)
    assert proc.returncode == 1 and "broken.yaml:3: node a: 'tau' is -1" in proc.stdout


# -- the app's entry points -------------------------------------------------------------------
def test_app_entry_points_show_the_problem_and_stay_open(make_window, bad_model, bad_story, tmp_path):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent
    from PySide6.QtWidgets import QMessageBox

    window = make_window()
    title = window.session.model.title
    assert not window.open_model(bad_model)  # File > Open
    assert "broken.yaml:3" in window.problems_dialog.informativeText()
    window.problems_dialog.close()

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad_model))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)  # drag and drop
    assert "broken.yaml:3" in window.problems_dialog.informativeText()
    window.problems_dialog.close()

    assert not window.open_model(bad_story)  # a storyboard opened as a model
    assert "Lecture ▸ Open storyboard (Ctrl+Shift+O)" in window.problems_dialog.informativeText()
    window.problems_dialog.close()

    assert not window.open_storyboard(bad_story)  # Lecture > Open storyboard
    assert "unknown scenario 'sick'" in window.problems_dialog.informativeText()
    window.problems_dialog.close()

    assert not window.export_picture(tmp_path / "missing" / "figure.png")  # File > Export
    boxes = [b for b in window.findChildren(QMessageBox) if "does not exist" in b.text()]
    assert boxes
    for box in boxes:
        box.close()
    assert window.isVisible() and window.session.model.title == title
