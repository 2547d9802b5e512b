"""The stage: everything a screen shows, in one evented object that every screen draws from.

The main window, the hall's full-screen view, the presenter view, the comparison
window, headless renders, screenshots and movies are all built from a :class:`Stage`.
It holds the session (model, condition, trajectory, playhead), the lecture if one is
open (storyboard position and its rules), and the display state: caption, heading,
progress, the nodes shown, highlight layers, the signal walk, the camera target,
blanking, the theme and the healthy-level marks. Each field emits one event when it
changes; views only listen, so no screen can show a state another does not.

Highlights come in separate layers (``story`` for the lecture step, ``why`` for the
inspector's explanation; the signal walk lights its own edges), so ending signal stepping
or asking "why?" never wipes what a step highlighted.

Exports work on :meth:`Stage.copy`: the live window keeps its step, interventions and
time whatever the export does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from visualizer.captions import page_layout, paginate
from visualizer.engine import Condition
from visualizer.events import Evented, Field
from visualizer.formats.storyboard import Storyboard
from visualizer.lecture import ANSWER_MARK, Lecture
from visualizer.model import Model
from visualizer.prediction import DIRECTIONS, SUMMARY_MARK as PREDICTION_MARK, StepScore, prediction_nodes, score
from visualizer.recovery import recovery
from visualizer.session import Session
from visualizer.signal_step import SignalWalk

__all__ = ["BadgeView", "Camera", "Prediction", "Stage", "HIGHLIGHT_LAYERS", "THEME_NAMES", "build_stage"]

HIGHLIGHT_LAYERS = ("story", "why")
#: A comparing step marks a node higher or lower when it differs by this much of its range.
COMPARE_DIFFERENCE = 0.05
THEME_NAMES = ("light", "dark", "high_contrast")


@dataclass(frozen=True, eq=False)
class BadgeView:
    """What the badges on the nodes say now: ``mode`` recovery, compare or none; a comparing step's
    ``label`` ("the knockout alone") and ``reference`` (values at the same moments, or None)."""

    mode: str = "recovery"
    label: str = ""
    reference: object = None


@dataclass(frozen=True)
class Prediction:
    """The student's predictions for the step on show: the ``targets`` to mark, the ``marks`` made so far
    (node -> up/down/unchanged, as sorted pairs), the target under the keyboard's ``focus``, and once the
    step has played its ``result`` (None until then)."""

    targets: tuple[str, ...] = ()
    marks: tuple[tuple[str, str], ...] = ()
    focus: str | None = None
    result: StepScore | None = None

    @property
    def marked(self) -> dict[str, str]:
        return dict(self.marks)

    @property
    def pending(self) -> bool:
        """The step is waiting for the student's predictions (it plays when they are judged)."""
        return bool(self.targets) and self.result is None


PREDICT_PROMPT = (
    "Predict first: mark each outlined node as going up (U), down (D) or staying the same (=), "
    "by clicking it or with Tab and the keys, then press Next to run the step."
)


@dataclass(frozen=True)
class Camera:
    """What the views should frame: these nodes (None: the whole diagram), gliding there or cutting.

    ``serial`` makes every request a change, so asking for the same nodes again (after a
    resize, or "fit") still moves a camera the user has panned away.
    """

    nodes: tuple[str, ...] | None = None
    glide: bool = False
    serial: int = 0


class Stage(Evented):
    """One state for every screen. Events (``stage.events.<name>``): one per field below, plus
    ``highlight(layer)``, ``signal()``, ``lecture()`` (opened, closed or reloaded), ``step(index)``
    and ``answer(index)``."""

    caption = Field("")
    """The caption text on screen: the page shown of the step's caption, question and answer."""
    caption_page = Field(None)
    """(page, pages), 1-based, when the caption needs more than one screen; None when it fits on one."""
    heading = Field(None)
    """Replaces the model title in the title band (a lecture step's title)."""
    progress = Field(None)
    """(step, steps) of a lecture, 1-based, shown as a bar along the top."""
    visible = Field(None)
    """The nodes shown (a frozenset), or None for all of them."""
    camera = Field(Camera())
    blank = Field(None)
    """None, "black" or "white": the hall covers the screen (B, W)."""
    theme = Field("light")
    show_healthy = Field(False)
    """Mark the healthy reference level on every node's bar."""
    badges = Field(BadgeView())
    """What the badges compare with (a question hides them until its answer is revealed)."""
    predicting = Field(False)
    """Prediction mode: before each lecture step plays, the student marks its nodes up, down or unchanged."""
    prediction = Field(Prediction())
    """The step's predictions (empty when prediction mode is off or the step has nothing to predict)."""
    collapsed = Field(frozenset())
    """The model's modules drawn closed, as one labelled block each (their nodes hidden): a lecture step
    opens the modules it is about."""
    body = Field(None)
    """The body level a lecture step shows beside the diagram (a :class:`visualizer.lecture.BodyView`), or None."""
    EXTRA_EVENTS = ("highlight", "signal", "lecture", "step", "answer")

    def __init__(self, session: Session, theme: str = "light"):
        super().__init__()
        self.session = session
        self.theme = theme if theme in THEME_NAMES else "light"
        self.highlights: dict[str, frozenset[str]] = {layer: frozenset() for layer in HIGHLIGHT_LAYERS}
        self.signal = SignalWalk()
        self.lecture: Lecture | None = None
        self.transition = False
        """True while the fields of a lecture step played forward are being set (views glide and fade)."""
        self.changing = False
        """True while a lecture step's fields and condition are being set: a view whose picture depends on
        several of them may wait for the ``step`` event and redraw once (a step sets half a dozen)."""
        self.spread = True
        """Simulate a lecture step's change a slice per frame (screens); False finishes it at once (movies)."""
        self._showing: int | None = None
        """The lecture step whose canonical time course the session is computing or showing."""
        self.page_layout = page_layout(1920, 1080)
        """(characters per line, lines per page) of the caption box of the screen the lecture is shown on."""
        self._caption_text = ""
        self._pages: list[str] = [""]
        self._page = 0
        self._anchor = ""
        """Words the page shown must hold when the caption is paged again for another screen."""
        self.scores: dict[int, StepScore] = {}
        """Prediction mode's results, by step index (kept until the lecture closes)."""
        session.condition_changed.connect(self._on_condition_changed)
        session.model_changed.connect(self._on_model_changed)
        session.trajectory_changed.connect(self._on_trajectory_changed)

    @property
    def model(self) -> Model:
        """The model on show (the session's)."""
        return self.session.model

    # -- highlights and the signal walk -------------------------------------------------------------
    def set_highlight(self, layer: str, nodes) -> None:
        """Outline ``nodes`` in ``layer`` ("story" or "why"); the other layer is left as it is."""
        if layer not in self.highlights:
            raise KeyError(f"unknown highlight layer '{layer}'; layers are: {', '.join(HIGHLIGHT_LAYERS)}")
        chosen = frozenset(n for n in (nodes or ()) if n in self.session.network.index)
        if chosen != self.highlights[layer]:
            self.highlights[layer] = chosen
            self.events.highlight.emit(layer)

    @property
    def highlighted(self) -> frozenset[str]:
        """Every highlighted node, whatever its layer."""
        return frozenset().union(*self.highlights.values())

    def start_signal(self, source: str | None = None) -> bool:
        """Light the signal at ``source`` (the model's signal start by default); False if there is no such node."""
        source = source or self.model.role("signal_start")
        if source is None or source not in self.session.network.index:
            return False
        self.session.playhead.set_playing(False)
        session = self.session
        self.signal.start(session.network, session.values, source, knockouts=session.condition.knockouts)
        self.events.signal.emit()
        return True

    def advance_signal(self) -> bool:
        """One hop further (starting at the signal start if no walk is under way); False at the end."""
        if not self.signal.active:
            return self.start_signal()
        moved = self.signal.advance()
        if moved:
            self.events.signal.emit()
        return moved

    def stop_signal(self) -> None:
        """End signal stepping, if it is under way."""
        if self.signal.active:
            self.signal.stop()
            self.events.signal.emit()

    # -- the camera ----------------------------------------------------------------------------------------
    def frame(self, nodes=None, glide: bool = False) -> None:
        """Ask every view to frame ``nodes`` (None: the whole diagram)."""
        chosen = tuple(nodes) if nodes else None
        self.camera = Camera(chosen, glide, self.camera.serial + 1)

    # -- the lecture -------------------------------------------------------------------------------------------
    def open_lecture(self, storyboard: Storyboard, index: int = 0) -> Lecture:
        """Play ``storyboard`` on this stage (its model must be the one on show), starting at step ``index``."""
        self.close_lecture(reframe=False)
        lecture = Lecture(storyboard, self.session.network, self.session.timeline)
        lecture.warm()
        self.lecture = lecture
        lecture.player.step_changed.connect(self._on_step)
        lecture.player.answer_revealed.connect(self._on_answer)
        lecture.player.index = min(max(int(index), 0), lecture.player.count - 1)
        self._previous = -1
        self.events.lecture.emit()
        self._show_step(lecture.player.index, transition=False)
        return lecture

    def close_lecture(self, reframe: bool = True) -> None:
        """Leave the lecture: the whole diagram again, no caption, heading or step highlights."""
        lecture = self.lecture
        if lecture is None:
            return
        lecture.player.step_changed.disconnect(self._on_step)
        lecture.player.answer_revealed.disconnect(self._on_answer)
        self.lecture = None
        self._showing = None
        self.set_caption("")
        self.heading = None
        self.progress = None
        self.visible = None
        self.set_highlight("story", ())
        self.body = None
        self.collapsed = frozenset()
        self.prediction = Prediction()
        self.scores = {}
        self.badges = BadgeView("recovery" if self.model.has_references else "none")
        self.session.playhead.set_range(0.0, 1.0)
        self.session.playhead.loop = False
        self.session.playhead.rate = 1.0 / self.session.playhead.SECONDS_PER_PASS
        if reframe:
            self.frame(None)
        self.events.lecture.emit()

    def reload_lecture(self, storyboard: Storyboard) -> None:
        """The storyboard file changed (same model): keep the step on screen, show its new version."""
        if self.lecture is None:
            self.open_lecture(storyboard)
            return
        self._previous = -1
        self.lecture.replace(storyboard)  # emits step_changed: the step is shown again
        self.events.lecture.emit()

    def go(self, index: int) -> None:
        """Jump to lecture step ``index`` (0-based); a cut, with the same picture as stepping there."""
        if self.lecture is not None:
            self._previous = -2  # (even to the next step: a jump never glides or fades)
            self.lecture.player.go(index)

    def next(self) -> None:
        """A clicker's next: the caption's next page, else the predictions judged (the step then plays),
        else the step's answer, else the next step."""
        if self._page + 1 < len(self._pages):
            self._show_page(self._page + 1)
        elif self.prediction.pending:
            self.judge()
        elif self.lecture is not None:
            self.lecture.player.next()

    # -- prediction mode -----------------------------------------------------------------------------
    def set_predicting(self, on: bool) -> None:
        """Switch prediction mode; the step on show is shown again (to be predicted, or played)."""
        if bool(on) == self.predicting:
            return
        self.predicting = bool(on)
        if self.lecture is not None:
            self._previous = -2
            self._show_step(self.lecture.player.index, transition=False)

    def mark(self, node: str, direction: str | None) -> bool:
        """Mark target ``node`` as going ``direction`` (up, down, unchanged; None clears); False if it is
        not a node to predict now."""
        view = self.prediction
        if not view.pending or node not in view.targets or direction not in (*DIRECTIONS, None):
            return False
        marks = view.marked
        if direction is None:
            marks.pop(node, None)
        else:
            marks[node] = direction
        self.prediction = Prediction(view.targets, tuple(sorted(marks.items())), node, None)
        return True

    def cycle_mark(self, node: str) -> bool:
        """A click on a target: up, then down, then unchanged, then unmarked again."""
        order = (*DIRECTIONS, None)
        current = self.prediction.marked.get(node)
        return self.mark(node, order[(order.index(current) + 1) % len(order)])

    def mark_focused(self, direction: str) -> bool:
        """Mark the target under the keyboard's focus (the first one if none is), then move the focus on."""
        view = self.prediction
        if not view.pending:
            return False
        node = view.focus if view.focus in view.targets else view.targets[0]
        self.mark(node, direction)
        self.focus_next()
        return True

    def focus_next(self, step: int = 1) -> bool:
        """Move the keyboard's focus to the next (or, with -1, previous) target."""
        view = self.prediction
        if not view.pending:
            return False
        k = view.targets.index(view.focus) + step if view.focus in view.targets else 0
        self.prediction = Prediction(view.targets, view.marks, view.targets[k % len(view.targets)], None)
        return True

    def judge(self) -> StepScore | None:
        """Score the step's predictions against its simulation, then play the step (revealing a question's
        answer): the result stays on the nodes and in the caption."""
        view, lecture = self.prediction, self.lecture
        if not view.pending or lecture is None:
            return None
        index = lecture.player.index
        result = score(lecture, index, view.marked)
        self.scores[index] = result
        self.prediction = Prediction(view.targets, view.marks, None, result)
        step = lecture.steps[index]
        if step.question and step.answer and not lecture.player.answer_shown:
            lecture.player.next()  # reveals the answer, which plays the step
        else:
            self.badges = self._badge_view(index)
            self.set_caption(self._step_caption(index), anchor=PREDICTION_MARK)
            self.session.playhead.set_playing(True)
        return result

    def _step_caption(self, index: int) -> str:
        """The step's caption (its answer once revealed), with the prediction prompt or result when predicting."""
        assert self.lecture is not None
        text = self.lecture.caption(index, answer=self.lecture.player.answer_shown)
        view = self.prediction
        if view.pending:
            return f"{text}\n\n{PREDICT_PROMPT}"
        if view.result is not None:
            return f"{text}\n\n{view.result.summary()}"
        return text

    def previous(self) -> None:
        """A clicker's previous: the caption's previous page, else the answer hidden, else the step before."""
        if self._page > 0:
            self._show_page(self._page - 1)
        elif self.lecture is not None:
            self.lecture.player.previous()

    # -- the caption ---------------------------------------------------------------------------------
    def set_screen(self, width: float, height: float) -> None:
        """The lecture is shown on a ``width`` x ``height`` screen: page its captions for that screen."""
        layout = page_layout(width, height)
        if layout != self.page_layout:
            self.page_layout = layout
            self.set_caption(self._caption_text, keep_page=True)

    def set_caption(self, text: str, page: int = 0, keep_page: bool = False, anchor: str = "") -> None:
        """Show ``text`` as the caption, split into pages for the screen; ``page`` -1 is the last page.

        With ``anchor`` the page holding that text is shown; with ``keep_page`` (the same text paged
        for another screen) the page holding the words shown until now.
        """
        if keep_page:
            anchor = self._anchor
        self._caption_text = text
        self._pages = paginate(text, *self.page_layout) if text else [""]
        if anchor:
            page = next((k for k, p in enumerate(self._pages) if anchor in " ".join(p.split())), page)
        self._show_page(page % len(self._pages))
        if anchor == ANSWER_MARK:
            self._anchor = anchor

    def _show_page(self, page: int) -> None:
        self._page = page
        self._anchor = " ".join(self._pages[page].split()[:6]) if page else ""
        self.caption_page = (page + 1, len(self._pages)) if len(self._pages) > 1 else None
        self.caption = self._pages[page]

    def _on_step(self, index: int) -> None:
        # one step forward glides and fades; jumps and steps back cut (the picture is the same)
        self._show_step(index, transition=index == self._previous + 1)

    def _show_step(self, index: int, transition: bool) -> None:
        lecture = self.lecture
        assert lecture is not None
        self.changing = True
        try:
            self._set_step(index, transition)
        finally:
            self.changing = False
        self._previous = index
        self.events.step.emit(index)

    def _set_step(self, index: int, transition: bool) -> None:
        """Every field and the session's condition and playhead as lecture step ``index`` has them."""
        lecture = self.lecture
        assert lecture is not None
        step = lecture.steps[index]
        session = self.session
        self.stop_signal()
        self.set_highlight("why", ())
        start, settle = lecture.entry(index)
        self._showing = None  # (condition_changed, below, must not count as a user's change)
        session.begin(lecture.condition(index), start, settle, spread=True)
        self._showing = index
        if not self.spread:
            session.compute(math.inf)
        begin, stop = lecture.span(index)
        playhead = session.playhead
        playhead.set_range(begin, stop)
        playhead.loop = step.animate.loop
        playhead.rate = lecture.rate(index)  # the step's whole span in its seconds
        playhead.set_speed(step.animate.speed)
        playhead.seek(begin)
        # predictions to make, or a question, hold the picture; judging them, or revealing the answer, plays it
        targets = tuple(prediction_nodes(lecture, index)) if self.predicting else ()
        self.prediction = Prediction(targets, (), targets[0] if targets else None, self.scores.get(index))
        held_for_prediction = self.prediction.pending
        playhead.set_playing(not (step.question and step.answer) and not held_for_prediction)
        self.transition = transition
        try:
            self.collapsed = lecture.collapsed_modules(index)  # (before visible: the scene shows both at once)
            self.visible = None if step.visible is None else frozenset(step.visible)
            self.set_highlight("story", step.highlight)
            self.heading = step.title
            self.body = lecture.body_view(index)
            self.set_caption(self._step_caption(index))
            self.progress = (index + 1, lecture.player.count)
            held = held_for_prediction or (bool(step.question and step.answer) and not lecture.player.answer_shown)
            self.badges = BadgeView("none") if held else self._badge_view(index)
            self.frame(lecture.camera(index), glide=transition)
        finally:
            self.transition = False

    def _on_answer(self, index: int) -> None:
        assert self.lecture is not None
        # the page where the answer starts (the question's pages were read already), or the predictions' result
        if self.prediction.pending:  # the answer is the step played: judge the predictions first
            result = score(self.lecture, index, self.prediction.marked)
            self.scores[index] = result
            view = self.prediction
            self.prediction = Prediction(view.targets, view.marks, None, result)
        anchor = PREDICTION_MARK if self.prediction.result is not None else ANSWER_MARK
        self.set_caption(self._step_caption(index), anchor=anchor)
        self.badges = self._badge_view(index)
        self.session.playhead.set_playing(True)
        self.events.answer.emit(index)

    def statuses(self, values: np.ndarray, time: float) -> list[str | None]:
        """The badge of every node (in the network's order) at ``values``, ``time`` into the change, for what
        the badges compare with now: recovery, higher/lower than the reference, or none."""
        badges = self.badges
        net = self.session.network
        if badges.mode == "recovery" and self.session.references is not None:
            healthy, disease = self.session.references
            status = recovery(net.node_ids, healthy, disease, values)
            return [status[nid].status for nid in net.node_ids]
        if badges.mode == "compare" and badges.reference is not None:
            reference = badges.reference.at(time)
            delta = (values - reference) / np.where(net.ymax > 0, net.ymax, 1.0)
            return ["higher" if d >= COMPARE_DIFFERENCE else "lower" if d <= -COMPARE_DIFFERENCE else None for d in delta]
        return [None] * net.size

    def _badge_view(self, index: int) -> BadgeView:
        assert self.lecture is not None
        badges = self.lecture.badges(index)
        if badges.mode in ("previous", "condition"):
            label = badges.label or ("the step before" if badges.mode == "previous" else "the other condition")
            return BadgeView("compare", label, self.lecture.comparison(index))
        return BadgeView(badges.mode)

    # -- the session's changes ----------------------------------------------------------------------------
    def _on_condition_changed(self) -> None:
        self._showing = None  # (set again by _show_step when it is the lecture's own change)
        self.badges = BadgeView("recovery" if self.model.has_references else "none")  # a step's comparison no longer holds
        self.stop_signal()
        self.set_highlight("why", ())

    def _on_trajectory_changed(self) -> None:
        if self.lecture is not None and self._showing is not None:
            self.lecture.remember(self._showing, self.session.trajectory)

    def _on_model_changed(self) -> None:
        self.close_lecture()
        self.signal.stop()
        self.highlights = {layer: frozenset() for layer in HIGHLIGHT_LAYERS}
        for layer in HIGHLIGHT_LAYERS:
            self.events.highlight.emit(layer)
        self.events.signal.emit()

    # -- whole-stage changes --------------------------------------------------------------------------------
    def set_model(self, model: Model, scenario: str | None = None) -> None:
        """Show another model: any lecture ends (its steps belong to the old model)."""
        self.close_lecture()
        self.session.set_model(model, scenario)
        self.frame(None)

    def reset(self) -> None:
        """Back to the default scenario with nothing switched on; any lecture ends."""
        self.close_lecture()
        self.session.reset()
        self.frame(None)

    def copy(self, spread: bool | None = None) -> Stage:
        """An independent stage showing the same thing (for exports): its own session and lecture.

        ``spread`` sets the copy's :attr:`spread` (default: this stage's); a movie wants False.
        """
        session = self.session
        twin_session = Session(session.model, session.condition.scenario)
        twin = Stage(twin_session, self.theme)
        twin.spread = self.spread if spread is None else spread
        twin.show_healthy = self.show_healthy
        if self.lecture is not None:
            twin.open_lecture(self.lecture.storyboard, self.lecture.player.index)
            if self.lecture.player.answer_shown:
                twin.lecture.player.next()  # type: ignore[union-attr]
        else:
            cond = session.condition
            if cond != twin_session.condition:
                twin_session.begin(
                    Condition(cond.scenario, dict(cond.interventions), dict(cond.inputs), cond.knockouts),
                    session.trajectory.values[0],
                )
        twin_session.playhead.set_range(session.playhead.start_at, session.playhead.stop_at)
        twin_session.playhead.loop = session.playhead.loop
        twin_session.playhead.set_speed(session.playhead.speed)
        twin_session.playhead.seek(session.playhead.position)
        twin_session.playhead.set_playing(False)
        for layer, nodes in self.highlights.items():
            twin.set_highlight(layer, nodes)
        twin.page_layout = self.page_layout
        twin.set_caption(self._caption_text, self._page)
        twin._anchor = self._anchor
        twin.heading, twin.progress, twin.visible = self.heading, self.progress, self.visible
        twin.badges = self.badges
        twin.body = self.body
        twin.collapsed = self.collapsed
        twin.camera = self.camera
        return twin


def build_stage(
    model_path=None,
    scenario: str | None = None,
    interventions: dict[str, float] | None = None,
    time: float | None = None,
    storyboard=None,
    step: int = 1,
    show_end: bool = True,
) -> Stage:
    """A stage prepared from command-line choices: a model (or a storyboard's), a condition, a moment, a step.

    Interventions start from the scenario's steady state. ``time`` (in the model's unit) picks
    the moment shown; by default it is the end of the timeline when interventions are on and
    ``show_end`` is set, else the start. A storyboard ``step`` (1-based) is shown as the hall shows
    it once it has played: its answer revealed and the playhead at the end of its animation
    (``time`` then counts from the step's start).
    """
    from pathlib import Path

    from visualizer.formats import load_builtin_model, load_model
    from visualizer.formats.storyboard import load_storyboard
    from visualizer.problems import UserError

    board = None
    if storyboard is not None:
        board, model = load_storyboard(Path(storyboard), load_model(model_path) if model_path else None)
        if not 1 <= step <= len(board.steps):
            raise UserError(
                f"--step {step} is outside 1..{len(board.steps)} ({len(board.steps)} steps in {Path(storyboard).name})"
            )
    else:
        model = load_model(model_path) if model_path else load_builtin_model()
    session = Session(model, scenario)
    stage = Stage(session)
    stage.spread = False
    playhead = session.playhead
    if board is not None:
        lecture = stage.open_lecture(board, step - 1)
        if lecture.steps[step - 1].question and lecture.steps[step - 1].answer:
            lecture.player.next()  # the answer
        playhead.seek(playhead.stop_at)
    interventions = interventions or {}
    for name, intensity in interventions.items():
        session.network.condition(interventions={name: intensity})  # checks the name first
    if interventions:
        session.apply(session.condition.with_interventions(interventions))
    if time is not None:
        if time < 0:
            raise UserError("--time must be ≥ 0")
        session.playhead.seek(float(session.timeline.position(time)))
    elif interventions and show_end:
        playhead.seek(1.0)
    playhead.set_playing(False)
    return stage
