"""The rules of a lecture: which step is showing, what condition it puts in force, where it starts.

A storyboard (:mod:`visualizer.formats.storyboard`) lists steps; a :class:`Lecture`
turns a step into what the screens show. The rule that matters most: **a step's
picture is a function of the step**, not of the route taken to it. Jumping to step 7
(a number and Enter, ``--step 7``, Home/End) starts from exactly the state that
stepping through 1-6 reaches, because both compute it the same way:

* a step that only adds to the previous one (same scenario, every intervention of the
  previous step kept at its intensity; knockouts may change) grows out of the previous
  step's picture *as it stands at the end of that step's animation*;
* any other step starts from the steady state of its scenario with only what the two
  steps share ("weight loss alone" after "caloric restriction alone" means alone), and
  the first step from its scenario's steady state with its knockouts;
* a step with ``start: previous`` grows out of the step before's end whatever changed (to watch
  health turn into insulin resistance);
* a step without a scenario keeps the scenario of the step before it.

Every step's time course is computed by :func:`visualizer.session.simulate_in_slices`,
the routine the session uses, so the numbers agree to the last bit on every route.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from visualizer.captions import ANSWER_MARK, QUESTION_MARK, caption_text
from visualizer.engine import Condition, Network, Trajectory
from visualizer.events import Signal
from visualizer.formats.storyboard import Badges, Step, Storyboard
from visualizer.session import Timeline, simulate_in_slices

__all__ = ["StoryboardPlayer", "Lecture", "BodyView", "caption_text", "QUESTION_MARK", "ANSWER_MARK"]


@dataclass(frozen=True, eq=False)
class BodyView:
    """What a step shows of the body level: one protocol (``body:`` of the step) for a healthy person, the
    person the step starts from and the person at the end of the step (each a
    :class:`visualizer.coupling.BodyRun`; ``before`` is None when the step starts as it ends)."""

    protocol: str
    healthy: Any
    before: Any
    after: Any


class StoryboardPlayer:
    """Which step is showing, and whether its question's answer is revealed.

    ``next()`` first reveals a pending answer, then moves on, as a clicker
    would. Signals: ``step_changed(index)``, ``answer_revealed(index)``.
    """

    def __init__(self, storyboard: Storyboard):
        self.storyboard = storyboard
        self.index = 0
        self.answer_shown = False
        self.step_changed = Signal()
        self.answer_revealed = Signal()

    @property
    def step(self) -> Step:
        """The step on show."""
        return self.storyboard.steps[self.index]

    @property
    def count(self) -> int:
        """How many steps the storyboard has."""
        return len(self.storyboard.steps)

    def go(self, index: int) -> None:
        """Show step ``index`` (clamped to the storyboard), its answer hidden."""
        index = min(max(int(index), 0), self.count - 1)
        if index != self.index or self.answer_shown:
            self.index = index
            self.answer_shown = False
            self.step_changed.emit(index)

    def next(self) -> None:
        """Reveal the step's answer if it has one still hidden, else move to the next step."""
        if self.step.question and self.step.answer and not self.answer_shown:
            self.answer_shown = True
            self.answer_revealed.emit(self.index)
        elif self.index < self.count - 1:
            self.go(self.index + 1)

    def previous(self) -> None:
        """Hide a revealed answer, else move to the step before."""
        if self.answer_shown:
            self.answer_shown = False
            self.step_changed.emit(self.index)
        elif self.index > 0:
            self.go(self.index - 1)

    def first(self) -> None:
        """Jump to the first step (Home)."""
        self.go(0)

    def last(self) -> None:
        """Jump to the last step (End)."""
        self.go(self.count - 1)

    def replace(self, storyboard: Storyboard) -> None:
        """A reloaded storyboard: keep the current step where it still exists."""
        self.storyboard = storyboard
        self.index = min(self.index, self.count - 1)
        self.answer_shown = False
        self.step_changed.emit(self.index)


class Lecture:
    """A storyboard on a network and timeline: each step's condition, start state and time span.

    End states are remembered once computed (stepping forward records them from the
    session's finished trajectory; a jump computes the chain of steps it needs once).
    """

    def __init__(self, storyboard: Storyboard, network: Network, timeline: Timeline):
        self.network = network
        self.timeline = timeline
        self.player = StoryboardPlayer(storyboard)
        self._ends: dict[int, np.ndarray] = {}
        self._bodies: dict[int, BodyView | None] = {}

    @property
    def storyboard(self) -> Storyboard:
        """The storyboard being played (replaced when its file is reloaded)."""
        return self.player.storyboard

    @property
    def steps(self) -> tuple[Step, ...]:
        """Its steps, in order."""
        return self.storyboard.steps

    def replace(self, storyboard: Storyboard) -> None:
        """A reloaded storyboard (same model): forget every remembered state, keep the step."""
        self._ends.clear()
        self._bodies.clear()
        self.player.replace(storyboard)

    # -- what a step puts in force ---------------------------------------------------------------
    def scenario(self, index: int) -> str | None:
        """The step's scenario, else the nearest earlier step's, else the model's default."""
        for step in reversed(self.steps[: index + 1]):
            if step.scenario:
                return step.scenario
        model = self.network.model
        return model.default_scenario or (model.scenarios[0].id if model.scenarios else None)

    def condition(self, index: int) -> Condition:
        """What step ``index`` puts in force: its scenario (inherited if unnamed), interventions and knockouts."""
        step = self.steps[index]
        return Condition(self.scenario(index), dict(step.interventions), {}, frozenset(step.knockouts))

    def settle(self, index: int) -> Condition | None:
        """The condition whose steady state the step starts from, or None when it grows out of the step before."""
        cond = self.condition(index)
        if index == 0:
            return Condition(cond.scenario, {}, {}, cond.knockouts)
        if self.steps[index].start == "previous":
            return None
        previous = self.condition(index - 1)
        shared = {k: v for k, v in previous.interventions.items() if cond.interventions.get(k) == v}
        if cond.scenario == previous.scenario and len(shared) == len(previous.interventions):
            return None
        return Condition(cond.scenario, shared if cond.scenario == previous.scenario else {}, {}, cond.knockouts)

    def builds_on_previous(self, index: int) -> bool:
        """True when the step grows out of the previous one's picture instead of settling first."""
        return index > 0 and self.settle(index) is None

    def entry(self, index: int) -> tuple[np.ndarray | None, Condition | None]:
        """Where step ``index`` starts: (state, None) to grow out of the step before, or (None, settle)."""
        settle = self.settle(index)
        if settle is not None:
            return None, settle
        return self.end_state(index - 1), None

    # -- time -----------------------------------------------------------------------------------------
    def end_time(self, index: int) -> float:
        """Simulated time at which the step's animation stops (the timeline's end by default)."""
        end = self.steps[index].animate.end
        return self.timeline.end if end is None else min(float(end), self.timeline.end)

    def rate(self, index: int) -> float:
        """Playhead positions per second that play the step's whole span in its ``animate.seconds``."""
        start, stop = self.span(index)
        return max(stop - start, 1e-6) / self.steps[index].animate.seconds

    def span(self, index: int) -> tuple[float, float]:
        """Playhead positions (0..1) where the step's animation starts and stops."""
        animate = self.steps[index].animate
        start = float(self.timeline.position(min(animate.start, self.timeline.end)))
        return start, float(self.timeline.position(self.end_time(index)))

    # -- states -----------------------------------------------------------------------------------------
    def trajectory(self, index: int, condition: Condition | None = None) -> Trajectory:
        """The step's whole time course from its entry state, computed here (a jump needs it); with
        ``condition``, the course another condition would take from the same start (a web page's toggles)."""
        start, settle = self.entry(index)
        times = self.timeline.times
        first = start if start is not None else np.zeros(self.network.size)
        traj = Trajectory(times, np.repeat(np.asarray(first, float)[None, :], len(times), axis=0), list(self.network.node_ids))
        cond = self.condition(index) if condition is None else condition
        for _ in simulate_in_slices(self.network, cond, traj, [1], settle):
            pass
        return traj

    def end_state(self, index: int) -> np.ndarray:
        """The state at the end of step ``index``'s animation, computed once."""
        if index not in self._ends:
            self._ends[index] = self.trajectory(index).at(self.end_time(index))
        return self._ends[index]

    def remember(self, index: int, trajectory: Trajectory) -> None:
        """Keep the end state of a finished trajectory of step ``index`` (the session computed it the same way)."""
        self._ends.setdefault(index, trajectory.at(self.end_time(index)))

    # -- the body level ---------------------------------------------------------------------------------------
    def warm(self) -> None:
        """Work out, once, what every step will need of the body level (the plasma levels of each step's
        condition, and the protocol curves of steps that show one), so no step change pays for it."""
        if self.network.body is None:
            return
        for index in range(len(self.steps)):
            self.network.input_levels(self.condition(index))
            settle = self.settle(index)
            if settle is not None:
                self.network.input_levels(settle)
            self.body_view(index)

    def body_view(self, index: int) -> BodyView | None:
        """The body level as step ``index`` shows it (None if the step names no protocol or the model has
        no body level): the protocol for a healthy person, at the step's start and at its end. The end is
        the step's condition after the weeks its animation spans, grown from the scenario's own state."""
        if index in self._bodies:
            return self._bodies[index]
        step, body = self.steps[index], self.network.body
        view = None
        if step.body is not None and body is not None:
            from visualizer.coupling import WEEK_MIN, make_protocol

            protocol = make_protocol(step.body)
            cond = self.condition(index)
            model = self.network.model
            healthy = body.run(Condition(model.healthy_scenario or cond.scenario), protocol)
            start = Condition(cond.scenario, {}, {}, cond.knockouts)
            weeks = self.end_time(index) / WEEK_MIN if cond.interventions else None
            after = body.run(cond, protocol, weeks=weeks)
            before = body.run(start, protocol) if cond.interventions or cond.knockouts else None
            view = BodyView(step.body, healthy, before, after)
        self._bodies[index] = view
        return view

    # -- badges -------------------------------------------------------------------------------------------
    def badges(self, index: int) -> Badges:
        """What step ``index``'s badges compare with: as written, else none for a healthy step, else recovery."""
        step = self.steps[index]
        if step.badges is not None:
            return step.badges
        model = self.network.model
        cond = self.condition(index)
        if cond.scenario == model.healthy_scenario and not cond.interventions and not cond.knockouts:
            return Badges("none")  # nothing has to recover in health
        return Badges("recovery" if model.has_references else "none")

    def comparison(self, index: int) -> Trajectory | None:
        """What a comparing step's values are set against, at the same moments: the previous step's end
        (held), or the step's own start under the condition named in its badges. None for other modes."""
        badges = self.badges(index)
        times = self.timeline.times
        if badges.mode == "previous" and index > 0:
            end = self.end_state(index - 1)
            return Trajectory(times, np.repeat(end[None, :], len(times), axis=0), list(self.network.node_ids))
        if badges.mode != "condition":
            return None
        cond = Condition(
            badges.scenario or self.condition(index).scenario, dict(badges.interventions), {}, frozenset(badges.knockouts)
        )
        start, settle = self.entry(index)
        first = start if start is not None else self.network.steady_state(settle or cond)
        traj = Trajectory(times, np.repeat(np.asarray(first, float)[None, :], len(times), axis=0), list(self.network.node_ids))
        for _ in simulate_in_slices(self.network, cond, traj, [1]):
            pass
        return traj

    # -- what the screens show -------------------------------------------------------------------------
    def caption(self, index: int, answer: bool = False) -> str:
        """The text shown under the picture for step ``index``, with its question and (once revealed) answer."""
        return caption_text(self.steps[index], answer)

    def camera(self, index: int) -> tuple[str, ...] | None:
        """The nodes to frame: the step's camera, else its visible nodes, else None (the whole diagram)."""
        step = self.steps[index]
        return step.camera or step.visible or None

    def focus(self, index: int) -> frozenset[str]:
        """The nodes step ``index`` is about: those it highlights, frames or expects something of."""
        step = self.steps[index]
        return frozenset(step.highlight) | frozenset(step.camera or ()) | frozenset(step.expect)

    def collapsed_modules(self, index: int) -> frozenset[str]:
        """The model's modules drawn as closed blocks in step ``index``: all but those the step names in
        ``modules`` (when it names them) or, by default, all but those holding a node of its focus."""
        modules = self.network.model.modules
        step = self.steps[index]
        if not modules:
            return frozenset()
        if step.modules is not None:
            opened = set(step.modules)
        else:
            focus = self.focus(index)
            opened = {m.id for m in modules if focus & set(m.nodes)} if focus else {m.id for m in modules}
        return frozenset(m.id for m in modules if m.id not in opened)
