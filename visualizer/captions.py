"""How a lecture caption is laid out in the hall: its type size, its box, and the pages a long one needs.

Captions are read from the back of a hall, so they never shrink below a floor size
(:data:`CAPTION_PX` at a 760-pixel-high screen, scaled with the screen: at least H/40).
The caption box grows with its text up to :data:`CAPTION_MAX_FRACTION` of the screen's
height; text that would not fit at the floor size continues on the next click.

Pages are decided here, without Qt, from conservative text metrics (an average character
is taken as :data:`CHAR_WIDTH_EM` of the type size, about 10% wider than DejaVu Sans
measures on our captions), so every screen of one stage pages alike and the storyboard
checker can warn about a caption that needs a second screen at 1024x768. The view draws
each page with the real font; being narrower than the estimate, it always fits.

>>> layout = page_layout(1024, 768)
>>> pages = paginate("word " * 400, *layout)
>>> len(pages) > 1 and all(len(wrap(p, layout[0])) <= layout[1] for p in pages)
True
"""

from __future__ import annotations

import textwrap

__all__ = [
    "REFERENCE_HEIGHT",
    "TITLE_PX",
    "LABEL_PX",
    "CAPTION_PX",
    "CAPTION_MARGIN",
    "CAPTION_PADDING",
    "CAPTION_MAX_FRACTION",
    "CHAR_WIDTH_EM",
    "LINE_HEIGHT_EM",
    "hall_scale",
    "page_layout",
    "wrap",
    "paginate",
    "caption_text",
    "QUESTION_MARK",
    "ANSWER_MARK",
]

QUESTION_MARK = "Question:"
ANSWER_MARK = "Answer:"

#: Overlay sizes are given for a screen this many pixels high and scale with the screen.
REFERENCE_HEIGHT = 760.0
#: The title band's type (H/29: the back row needs at least H/30).
TITLE_PX = 26.0
#: Every other overlay label: the condition line, progress, clock, legend (H/38: at least H/40).
LABEL_PX = 20.0
#: The caption's type (H/36: at least H/40).
CAPTION_PX = 21.0
#: Space between the caption box and the screen's edges, and inside the box (overlay pixels).
CAPTION_MARGIN = 20.0
CAPTION_PADDING = 16.0
#: The caption box never takes more of the screen's height than this.
CAPTION_MAX_FRACTION = 0.3
CHAR_WIDTH_EM = 0.56
LINE_HEIGHT_EM = 1.25


def hall_scale(height: float) -> float:
    """How much larger than at :data:`REFERENCE_HEIGHT` the hall draws its overlay on a screen ``height`` high.

    Every size is a fixed share of the screen's height, small pictures (a movie on a slide) included.
    """
    return max(height, 1.0) / REFERENCE_HEIGHT


def page_layout(width: float, height: float) -> tuple[int, int]:
    """(characters per line, lines per page) of the caption box on a ``width`` x ``height`` hall screen."""
    scale = hall_scale(height)
    logical_w, logical_h = width / scale, height / scale
    box_w = logical_w - 2 * (CAPTION_MARGIN + CAPTION_PADDING)
    box_h = CAPTION_MAX_FRACTION * logical_h - 2 * CAPTION_PADDING
    chars = max(20, int(box_w / (CHAR_WIDTH_EM * CAPTION_PX)))
    lines = max(2, int(box_h / (LINE_HEIGHT_EM * CAPTION_PX)))
    return chars, lines


def wrap(text: str, chars_per_line: int) -> list[str]:
    """The lines ``text`` takes at ``chars_per_line`` (paragraph breaks and blank lines kept)."""
    return [line for line, _ in _wrap(text, chars_per_line)]


def _wrap(text: str, chars_per_line: int) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for number, paragraph in enumerate(text.split("\n")):
        out.extend((line, number) for line in textwrap.wrap(paragraph, chars_per_line, break_long_words=True) or [""])
    return out


def paginate(text: str, chars_per_line: int, lines_per_page: int) -> list[str]:
    """Split ``text`` into pages of at most ``lines_per_page`` lines, preferring to break between paragraphs.

    Pages are returned as text to be wrapped by whoever draws it (a paragraph's lines joined
    again), so a screen with the real, narrower font reflows it into no more lines than here.
    """
    lines = _wrap(text.strip(), chars_per_line)
    pages: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] = []
    for line in lines:
        if not current and not line[0]:
            continue  # a page never starts with a blank line
        if len(current) == lines_per_page:
            breaks = [k for k, (text_line, _) in enumerate(current) if not text_line]
            if breaks and breaks[-1] >= lines_per_page // 2:  # end the page at its last paragraph break
                cut = breaks[-1]
                pages.append(current[:cut])
                current = current[cut + 1 :]
            else:
                pages.append(current)
                current = []
            if not current and not line[0]:
                continue
        current.append(line)
    if current:
        pages.append(current)
    return [_join(page) for page in pages if any(text_line for text_line, _ in page)] or [""]


def _join(page: list[tuple[str, int]]) -> str:
    paragraphs: list[list[str]] = []
    last = None
    for text_line, number in page:
        if number != last:
            paragraphs.append([])
            last = number
        paragraphs[-1].append(text_line)
    return "\n".join(" ".join(p).strip() for p in paragraphs).strip()


def caption_text(step, answer: bool = False) -> str:
    """The caption shown for a storyboard step: its text, then its question, then (once revealed) the answer."""
    text = step.caption
    if step.question:
        text += f"\n\n{QUESTION_MARK} {step.question}"
        if answer and step.answer:
            text += f"\n{ANSWER_MARK} {step.answer}"
    return text
