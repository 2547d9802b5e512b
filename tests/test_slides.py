"""PowerPoint slides of a lecture: read back with python-pptx, opened by a real presentation program,
and made without disturbing the window they were exported from."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest

pytest.importorskip("PySide6")
pptx = pytest.importorskip("pptx")

from visualizer.formats.storyboard import builtin_storyboard_path, load_storyboard  # noqa: E402

SMALL = ("--size", "320x180", "--fps", "4", "--seconds-per-step", "1")


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """The built-in lecture as slides, made once by the command line."""
    import os
    import sys

    out = tmp_path_factory.mktemp("slides") / "lecture.pptx"
    proc = subprocess.run(
        [sys.executable, "-m", "visualizer", "export-slides", "--out", str(out), *SMALL],
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr
    return out


def test_slides_hold_a_title_every_step_and_the_references(deck):
    board, model = load_storyboard(builtin_storyboard_path())
    prs = pptx.Presentation(str(deck))
    slides = list(prs.slides)
    assert len(slides) == len(board.steps) + 2
    texts = lambda slide: " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)  # noqa: E731
    assert board.title in texts(slides[0])
    for step, slide in zip(board.steps, slides[1:-1]):
        names = {shape.name for shape in slide.shapes}
        assert {"Title", "Animation", "Caption"} <= names, names
        title = next(s for s in slide.shapes if s.name == "Title").text_frame.text
        assert title == step.title
        assert step.caption.split()[0] in texts(slide)
        notes = slide.notes_slide.notes_text_frame.text
        assert (step.notes.split()[0] if step.notes else "no notes") in notes
        if step.question:
            assert "Question:" in texts(slide) and "Answer:" in texts(slide)
    cited = {key for step in board.steps for key in step.references}
    citations = [model.reference(k).citation for k in cited if model.reference(k) is not None]
    assert citations and all(c[:30] in texts(slides[-1]) for c in citations)


def test_every_step_slide_embeds_a_playable_h264_movie_and_its_poster(deck, tmp_path):
    import imageio.v2 as imageio

    board, _ = load_storyboard(builtin_storyboard_path())
    with zipfile.ZipFile(deck) as archive:
        movies = [n for n in archive.namelist() if n.startswith("ppt/media/") and n.endswith(".mp4")]
        pictures = [n for n in archive.namelist() if n.startswith("ppt/media/") and n.endswith(".png")]
        assert len(movies) == len(board.steps) and len(pictures) >= len(board.steps)
        (tmp_path / "one.mp4").write_bytes(archive.read(movies[0]))
    reader = imageio.get_reader(str(tmp_path / "one.mp4"))
    assert reader.get_meta_data()["codec"] == "h264" and reader.count_frames() > 2


def test_movies_play_when_the_slide_opens_and_answers_appear_on_click(deck):
    board, _ = load_storyboard(builtin_storyboard_path())
    prs = pptx.Presentation(str(deck))
    for step, slide in zip(board.steps, list(prs.slides)[1:-1]):
        xml = slide._element.xml
        movie = next(s for s in slide.shapes if s.name == "Animation")
        assert f'<p:spTgt spid="{movie.shape_id}"/>' in xml and 'cmd="playFrom(0.0)"' in xml
        if step.question and step.answer:
            answer = next(s for s in slide.shapes if s.name == "Answer")
            assert 'presetClass="entr"' in xml and f'<p:spTgt spid="{answer.shape_id}"/>' in xml, "the answer appears on click"
            assert 'evt="onBegin"' not in xml, "a question slide waits for the click"
        else:
            assert 'evt="onBegin"' in xml, "the animation starts with the slide"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_libreoffice_impress_opens_the_slides(deck, tmp_path):
    proc = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = tmp_path / "lecture.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stdout + proc.stderr
    import re

    board, _ = load_storyboard(builtin_storyboard_path())
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes())
    assert len(pages) == len(board.steps) + 2, "every slide made it into the PDF"


def test_exporting_slides_from_the_window_leaves_it_as_it_was_and_cancelling_leaves_nothing(make_window, tmp_path):
    from visualizer.qt.lecture_export import export_slides
    from visualizer.qt.movie import Cancelled

    window = make_window(size=(1000, 700))
    assert window.open_storyboard(builtin_storyboard_path(), 7)
    window.stage.next()  # the answer
    window.session.playhead.seek(0.42)
    before = (window.stage.lecture.player.index, window.session.condition, window.session.playhead.position, window.stage.caption)
    out = tmp_path / "deck.pptx"
    with pytest.raises(Cancelled):
        export_slides(window.stage, out, (160, 90), 2, 0.5, progress=lambda done, total: done < 3)
    assert not out.exists() and [p.name for p in tmp_path.iterdir() if p.name != "s.ini"] == []
    assert window.export_slides(out, (160, 90), 2, 0.5)
    assert out.exists() and pptx.Presentation(str(out)).slides
    after = (window.stage.lecture.player.index, window.session.condition, window.session.playhead.position, window.stage.caption)
    assert after == before, "the live window keeps its step, condition, time and caption"
