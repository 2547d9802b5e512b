"""A lecture as PowerPoint slides (python-pptx): a title slide, one slide per step, a references slide.

Each step slide holds the step's picture as the poster frame of its animation, an embedded
H.264 movie of the step that plays when the slide opens (for a step that asks a question: when
the answer is revealed, on the first click), the title and caption as editable text, the
question and its answer (the answer appears on click) and the step's notes as speaker notes.

This module only assembles the file from pictures and movies made elsewhere (by the Qt side,
from the same stage the hall draws: :mod:`visualizer.qt.lecture_export`), so it imports no Qt.
PowerPoint's own timing markup (``p:timing``) is written here, because python-pptx has no
API for animations; LibreOffice Impress reads it too (tests convert a file to PDF with it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from visualizer.atomic import write_atomically
from visualizer.formats.storyboard import Storyboard
from visualizer.model import Model

__all__ = ["StepMedia", "build_presentation", "SLIDE_WIDTH_IN", "SLIDE_HEIGHT_IN"]

SLIDE_WIDTH_IN, SLIDE_HEIGHT_IN = 13.333, 7.5
#: The movie's box on a step slide (inches): left, top, width (16:9; the height follows).
MOVIE_BOX = (0.3, 1.15, 9.1)
TEXT_LEFT = 9.6

_P = "http://schemas.openxmlformats.org/presentationml/2006/main"


@dataclass(frozen=True)
class StepMedia:
    """What a step slide shows: its poster picture (PNG) and its movie (MP4), and how long the movie lasts."""

    poster: Path
    movie: Path
    seconds: float


def build_presentation(storyboard: Storyboard, model: Model, media: list[StepMedia], out: str | Path) -> Path:
    """Write the lecture to ``out`` (.pptx), atomically: nothing is left if anything fails."""
    if len(media) != len(storyboard.steps):
        raise ValueError("one picture and movie per step")
    return write_atomically(Path(out), lambda tmp: _write(storyboard, model, media, tmp))


def _write(storyboard: Storyboard, model: Model, media: list[StepMedia], tmp: Path) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_WIDTH_IN), Inches(SLIDE_HEIGHT_IN)
    _title_slide(prs, storyboard, model)
    for index, (step, step_media) in enumerate(zip(storyboard.steps, media)):
        _step_slide(prs, storyboard, index, step, step_media)
    _references_slide(prs, storyboard, model)
    prs.core_properties.title = storyboard.title
    prs.core_properties.author = "Insulin Pathway Visualizer"
    prs.save(str(tmp))


def _blank(prs):
    return prs.slides.add_slide(prs.slide_layouts[6])  # the default template's blank layout


def _text_box(slide, left, top, width, height, text: str, size: float, bold: bool = False, name: str = ""):
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    for k, paragraph_text in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
        paragraph.text = paragraph_text
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
    return box


def _title_slide(prs, storyboard: Storyboard, model: Model) -> None:
    slide = _blank(prs)
    _text_box(slide, 0.8, 2.2, SLIDE_WIDTH_IN - 1.6, 1.4, storyboard.title, 40, bold=True, name="Title")
    subtitle = storyboard.description or model.title
    _text_box(slide, 0.8, 3.7, SLIDE_WIDTH_IN - 1.6, 2.6, subtitle, 20, name="Subtitle")
    _text_box(
        slide,
        0.8,
        SLIDE_HEIGHT_IN - 0.9,
        SLIDE_WIDTH_IN - 1.6,
        0.5,
        f"{len(storyboard.steps)} steps · the model: {model.title} · made with the Insulin Pathway Visualizer",
        12,
        name="Credits",
    )


def _step_slide(prs, storyboard: Storyboard, index: int, step, media: StepMedia) -> None:
    from pptx.util import Inches

    slide = _blank(prs)
    _text_box(slide, 0.3, 0.2, SLIDE_WIDTH_IN - 0.6, 0.9, step.title, 28, bold=True, name="Title")
    left, top, width = MOVIE_BOX
    movie = slide.shapes.add_movie(
        str(media.movie),
        Inches(left),
        Inches(top),
        Inches(width),
        Inches(width * 9 / 16),
        poster_frame_image=str(media.poster),
        mime_type="video/mp4",
    )
    movie.name = "Animation"
    text_width = SLIDE_WIDTH_IN - TEXT_LEFT - 0.3
    caption = _text_box(slide, TEXT_LEFT, top, text_width, 3.0, step.caption, 15, name="Caption")
    answer = None
    if step.question:
        _text_box(slide, TEXT_LEFT, top + 3.1, text_width, 1.1, f"Question: {step.question}", 14, bold=True, name="Question")
        if step.answer:
            answer = _text_box(slide, TEXT_LEFT, top + 4.2, text_width, 1.6, f"Answer: {step.answer}", 14, name="Answer")
    caption.text_frame.auto_size = None
    _text_box(slide, 0.3, SLIDE_HEIGHT_IN - 0.45, 4.0, 0.35, f"{index + 1} / {len(storyboard.steps)}", 11, name="Step number")
    notes = step.notes or ""
    if step.question:
        notes += f"\n\nQuestion: {step.question}\nAnswer: {step.answer}"
    slide.notes_slide.notes_text_frame.text = notes.strip() or "(no notes for this step)"
    _set_timing(slide, movie.shape_id, answer.shape_id if answer is not None else None, media.seconds)


def _references_slide(prs, storyboard: Storyboard, model: Model) -> None:
    slide = _blank(prs)
    _text_box(slide, 0.3, 0.2, SLIDE_WIDTH_IN - 0.6, 0.9, "References", 28, bold=True, name="Title")
    keys: list[str] = []
    for step in storyboard.steps:
        keys.extend(key for key in step.references if key not in keys)
    lines = []
    for key in keys:
        reference = model.reference(key)
        if reference is not None:
            lines.append(reference.citation + (f" doi:{reference.doi}" if reference.doi else ""))
    _text_box(
        slide, 0.5, 1.1, SLIDE_WIDTH_IN - 1.0, SLIDE_HEIGHT_IN - 1.4, "\n".join(lines) or "(no references)", 11, name="References"
    )


def _set_timing(slide, movie_id: int, answer_id: int | None, seconds: float) -> None:
    """The slide's animations: the movie plays when the slide opens, or, on a question slide, the first
    click reveals the answer and plays the movie with it."""
    from lxml import etree

    root = slide._element
    for old in root.findall(f"{{{_P}}}timing"):  # python-pptx's own: play on click
        root.remove(old)
    duration = max(1, int(round(seconds * 1000)))
    if answer_id is None:
        steps = _click_group(3, "afterEffect", _play(movie_id, 5, duration), start="onBegin")
        builds = ""
    else:
        steps = _click_group(
            3, "clickEffect", _appear(answer_id, 5) + _play(movie_id, 6, duration, effect="withEffect"), start="click"
        )
        builds = f'<p:bldLst><p:bldP spid="{answer_id}" grpId="0"/></p:bldLst>'
    xml = f"""<p:timing xmlns:p="{_P}"><p:tnLst><p:par><p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>
<p:seq concurrent="1" nextAc="seek"><p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>{steps}</p:childTnLst></p:cTn>
<p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:prevCondLst>
<p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:nextCondLst></p:seq>
<p:video><p:cMediaNode vol="80000"><p:cTn id="20" fill="hold" display="0"><p:stCondLst><p:cond delay="indefinite"/></p:stCondLst></p:cTn>
<p:tgtEl><p:spTgt spid="{movie_id}"/></p:tgtEl></p:cMediaNode></p:video>
</p:childTnLst></p:cTn></p:par></p:tnLst>{builds}</p:timing>"""
    timing = etree.fromstring(xml.replace("\n", ""))
    # p:timing comes after the slide's clrMapOvr/transition and before extLst
    ext = root.find(f"{{{_P}}}extLst")
    if ext is not None:
        ext.addprevious(timing)
    else:
        root.append(timing)


def _click_group(first_id: int, node_type: str, effects: str, start: str) -> str:
    """One step of the main sequence: on slide start ("onBegin") or on the next click."""
    begin = (
        '<p:cond delay="indefinite"/><p:cond evt="onBegin" delay="0"><p:tn val="2"/></p:cond>'
        if start == "onBegin"
        else '<p:cond delay="indefinite"/>'
    )
    return (
        f'<p:par><p:cTn id="{first_id}" fill="hold"><p:stCondLst>{begin}</p:stCondLst><p:childTnLst>'
        f'<p:par><p:cTn id="{first_id + 1}" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        + effects.replace("NODE_TYPE", node_type)
        + "</p:childTnLst></p:cTn></p:par></p:childTnLst></p:cTn></p:par>"
    )


def _play(movie_id: int, node_id: int, duration_ms: int, effect: str = "NODE_TYPE") -> str:
    return (
        f'<p:par><p:cTn id="{node_id}" presetID="1" presetClass="mediacall" presetSubtype="0" fill="hold" nodeType="{effect}">'
        '<p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        f'<p:cmd type="call" cmd="playFrom(0.0)"><p:cBhvr><p:cTn id="{node_id + 10}" dur="{duration_ms}" fill="hold"/>'
        f'<p:tgtEl><p:spTgt spid="{movie_id}"/></p:tgtEl></p:cBhvr></p:cmd></p:childTnLst></p:cTn></p:par>'
    )


def _appear(shape_id: int, node_id: int) -> str:
    return (
        f'<p:par><p:cTn id="{node_id}" presetID="1" presetClass="entr" presetSubtype="0" fill="hold" grpId="0" nodeType="NODE_TYPE">'
        '<p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        f'<p:set><p:cBhvr><p:cTn id="{node_id + 10}" dur="1" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst></p:cTn>'
        f'<p:tgtEl><p:spTgt spid="{shape_id}"/></p:tgtEl><p:attrNameLst><p:attrName>style.visibility</p:attrName></p:attrNameLst>'
        '</p:cBhvr><p:to><p:strVal val="visible"/></p:to></p:set></p:childTnLst></p:cTn></p:par>'
    )
