"""The state the app shows, as plain Python objects that announce their changes.

A :class:`Session` holds the model, the condition in force (scenario,
interventions, knockouts) and the simulated trajectory since the last change;
a :class:`Playhead` says where in that trajectory we are. The window, the
presentation view, headless rendering and movie export all listen to the same
objects, so they always agree. Nothing here imports Qt.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import numpy as np

from visualizer.engine import Condition, Network, Trajectory
from visualizer.events import Signal
from visualizer.model import Model
from visualizer.recovery import NodeRecovery, recovery

__all__ = ["Timeline", "Playhead", "Session", "format_time", "simulate_in_slices", "SLICE_SAMPLES"]

#: Stored times simulated per slice of a spread simulation (a few milliseconds each).
SLICE_SAMPLES = 5


def simulate_in_slices(network: Network, cond: Condition, traj: Trajectory, filled: list[int], settle: Condition | None = None):
    """Integrate ``traj`` in place from its first row, a few stored times per slice; yields after each slice.

    Every lecture step runs these same slices, whether it is reached by jumping or by stepping
    and whether the slices are spread over frames or run at once, so it gives the same numbers
    to the last bit. With ``settle``, the first slice replaces the first row by the
    steady state of ``settle`` reached from the model's initial values (not from whatever is
    on screen, which would make the result depend on the route). ``filled[0]`` counts the rows
    done so far.
    """
    if settle is not None:
        traj.values[0] = network.steady_state(settle)
        traj.values[1:] = traj.values[0]
        yield
    if network.is_steady(cond, traj.values[0]):  # nothing will move: no need to integrate
        traj.values[1:] = traj.values[0]
        filled[0] = len(traj.times)
        return
    while filled[0] < len(traj.times):
        a, b = filled[0] - 1, min(filled[0] - 1 + SLICE_SAMPLES, len(traj.times) - 1)
        if a > 0 and network.is_steady(cond, traj.values[a]):
            # arrived: hold it (the solver can crawl for thousands of steps over a state that no longer moves)
            traj.values[a:] = traj.values[a]
            filled[0] = len(traj.times)
            return
        span = traj.times[a : b + 1] - traj.times[a]  # the network is time-invariant: restart the clock
        traj.values[a : b + 1] = network.simulate(cond, span, y0=traj.values[a]).values
        filled[0] = b + 1
        yield


_UNIT_STEPS = {  # for models in minutes: (threshold in minutes, divisor, unit)
    "min": [(60, 1, "min"), (1440, 60, "h"), (10080, 1440, "days"), (math.inf, 10080, "weeks")],
}


def format_time(t: float, unit: str) -> str:
    """A readable simulated time: '12 min', '3.5 h', '2.0 days', '6.0 weeks' (or '4.2 s')."""
    steps = _UNIT_STEPS.get(unit)
    if steps is None:
        return f"{t:.3g} {unit}".strip() if unit else f"t = {t:.3g}"
    for limit, div, name in steps:
        if t < limit:
            value = t / div
            if value == 0 or value >= 10:
                return f"{value:.0f} {name}"
            return f"{value:.1f} {name}"
    return f"{t:.3g} {unit}"


class Timeline:
    """Maps a playhead position p in [0, 1] to simulated time, on a log-like scale.

    ``t(p) = knee·((1 + end/knee)^p − 1)``: linear near 0, logarithmic beyond
    ``knee``, so minute-scale signalling and week-scale adaptation both get room
    on one slider.
    """

    def __init__(self, end: float, knee: float = 1.0, unit: str = "min", samples: int = 301):
        self.end = float(end)
        self.knee = float(knee)
        self.unit = unit
        self.positions = np.linspace(0.0, 1.0, samples)
        self.times = self.time(self.positions)

    @classmethod
    def for_network(cls, network: Network) -> Timeline:
        """A timeline from the network's fastest time constant (the knee) to three times its slowest."""
        slowest = float(network.tau.max(initial=1.0))
        fastest = float(network.tau.min(initial=1.0))
        return cls(end=3.0 * slowest, knee=fastest, unit=network.model.time_unit)

    def time(self, p):
        """Simulated time at playhead position ``p`` (0..1; arrays welcome)."""
        p = np.clip(p, 0.0, 1.0)
        return self.knee * (np.power(1.0 + self.end / self.knee, p) - 1.0)

    def position(self, t):
        """Playhead position (0..1) of simulated time ``t``; the inverse of :meth:`time`."""
        t = np.clip(t, 0.0, self.end)
        return np.log1p(t / self.knee) / np.log1p(self.end / self.knee)

    def label(self, p: float) -> str:
        """The simulated time at ``p`` as a reader would say it ('3.5 h', '2.0 weeks')."""
        return format_time(float(self.time(p)), self.unit)

    def ticks(self) -> list[tuple[float, str]]:
        """Positions and labels of round times, for slider and plot axes."""
        if self.unit == "min":
            candidates: list[float] = [1, 10, 60, 360, 1440, 10080, 4 * 10080, 12 * 10080, 26 * 10080, 52 * 10080]
        else:
            magnitude = 10 ** np.floor(np.log10(max(self.end, 1e-9)))
            candidates = [self.knee, *(m * magnitude / 10**k for k in range(3, -1, -1) for m in (1, 2, 5))]
        out = [(0.0, format_time(0.0, self.unit))]
        for t in sorted(set(candidates)):
            if 0 < t <= self.end:
                p = float(self.position(t))
                if p - out[-1][0] >= 0.07:
                    out.append((p, format_time(t, self.unit)))
        return out


class Playhead:
    """Where playback is (position p in [0, 1]), whether it plays, how fast, whether it loops.

    Signals: ``position_changed(p)``, ``playing_changed(bool)``, ``speed_changed(float)``.
    """

    SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
    #: At 1× a whole timeline plays in this many seconds of wall-clock time.
    SECONDS_PER_PASS = 20.0
    #: Frames in one pass, for single-frame stepping.
    FRAMES_PER_PASS = 300

    def __init__(self) -> None:
        self.position = 0.0
        self.playing = False
        self.speed = 1.0
        self.loop = False
        self.start_at = 0.0
        """Where a loop restarts (a storyboard step may play only part of the timeline)."""
        self.stop_at = 1.0
        """Where playback stops (or loops back to ``start_at``)."""
        self.rate = 1.0 / self.SECONDS_PER_PASS
        """Positions per second at 1x: a lecture step sets it so its span plays in the step's time."""
        self.position_changed = Signal()
        self.playing_changed = Signal()
        self.speed_changed = Signal()

    def seek(self, p: float) -> None:
        """Move to position ``p`` (clamped to 0..1); announces the new position if it changed."""
        p = float(min(max(p, 0.0), 1.0))
        if p != self.position:
            self.position = p
            self.position_changed.emit(p)

    def set_range(self, start: float = 0.0, stop: float = 1.0) -> None:
        """Limit playback to [start, stop] of the timeline (storyboard steps); (0, 1) is everything."""
        self.start_at = float(min(max(start, 0.0), 1.0))
        self.stop_at = float(min(max(stop, self.start_at), 1.0))

    def set_playing(self, playing: bool) -> None:
        """Play or pause; playing from the stop point starts again from the step's start."""
        if playing and self.position >= self.stop_at and not self.loop:
            self.seek(self.start_at if self.start_at < self.stop_at else 0.0)
        if playing != self.playing:
            self.playing = playing
            self.playing_changed.emit(playing)

    def toggle(self) -> None:
        """Play if paused, pause if playing (Space)."""
        self.set_playing(not self.playing)

    def set_speed(self, speed: float) -> None:
        """Playback speed, clamped to the offered speeds (0.25x to 8x)."""
        speed = float(min(max(speed, self.SPEEDS[0]), self.SPEEDS[-1]))
        if speed != self.speed:
            self.speed = speed
            self.speed_changed.emit(speed)

    def step(self, frames: int) -> None:
        """Move by whole frames (arrow keys); pauses playback."""
        self.set_playing(False)
        frame = round(self.position * self.FRAMES_PER_PASS) + frames
        self.seek(frame / self.FRAMES_PER_PASS)

    def advance(self, seconds: float) -> None:
        """Move forward by ``seconds`` of wall-clock time at the current speed (called per frame)."""
        if not self.playing:
            return
        p = self.position + seconds * self.speed * self.rate
        if p >= self.stop_at:
            span = self.stop_at - self.start_at
            if self.loop and span > 0:
                p = self.start_at + (p - self.start_at) % span
            else:
                self.seek(self.stop_at)
                self.set_playing(False)
                return
        self.seek(p)


class Session:
    """The model on show, the condition in force, and the trajectory since the last change.

    Changing the condition (scenario, an intervention, a knockout) starts a new
    trajectory from the values currently shown, and rewinds the playhead, so
    the audience watches the network respond.

    Signals: ``model_changed()``, ``condition_changed()``, ``trajectory_changed()``,
    ``values_changed(values)`` (the activities at the playhead).
    """

    def __init__(self, model: Model, scenario: str | None = None, playhead: Playhead | None = None):
        self.model_changed = Signal()
        self.condition_changed = Signal()
        self.trajectory_changed = Signal()
        self.values_changed = Signal()
        self.playhead = playhead or Playhead()
        """Shared by two sessions shown side by side (one playhead for both)."""
        self._owns_playhead = playhead is None
        """A session given another's playhead never rewinds it (the other session's time is on screen)."""
        self._trajectory: Trajectory
        self._pending: Iterator[None] | None = None
        """The slices still to run of a spread simulation (see :meth:`apply`)."""
        self._filled = [0]
        """How many stored times of the trajectory are simulated so far (in a list, shared with the slices)."""
        self.playhead.position_changed.connect(self._on_position_change)
        self.set_model(model, scenario)

    # -- model -------------------------------------------------------------------
    def set_model(self, model: Model, scenario: str | None = None) -> None:
        """Show another model in ``scenario`` (its default by default), at that scenario's steady state."""
        self.model = model
        self.network = Network(model)
        self.timeline = Timeline.for_network(self.network)
        if scenario is None:
            scenario = model.default_scenario or (model.scenarios[0].id if model.scenarios else None)
        self.condition = self.network.condition(scenario)
        self.references = self.network.reference_states()
        self._simulate_from(self._steady_start(), notify=False, rewind=self._owns_playhead)
        # listeners rebuild on model_changed, so it goes first; then the usual updates
        self.model_changed.emit()
        self.condition_changed.emit()
        self.trajectory_changed.emit()
        if self._owns_playhead:
            self.playhead.position_changed.emit(0.0)
        else:
            self.values_changed.emit(self.values)

    def _steady_start(self) -> np.ndarray:
        """The steady state of the condition just put in force (nothing switched on yet).

        A model usually opens in one of its reference scenarios (the built-in one in the disease
        scenario), whose steady state :meth:`Network.reference_states` has just computed from the
        same start: that one is taken instead of solving for it again.
        """
        model = self.model
        if self.references is not None:
            for scenario, state in zip((model.healthy_scenario, model.disease_scenario), self.references):
                if self.condition == Condition(scenario):
                    return state.copy()
        return self.network.steady_state(self.condition)

    # -- condition -----------------------------------------------------------------
    def set_scenario(self, scenario: str | None) -> None:
        """Switch scenario, simulating from the values on screen."""
        self.apply(self.condition.with_scenario(scenario))

    def set_intervention(self, intervention: str, intensity: float) -> None:
        """Switch an intervention on at ``intensity`` (0 switches it off)."""
        active = dict(self.condition.interventions)
        if intensity > 0:
            active[intervention] = float(intensity)
        else:
            active.pop(intervention, None)
        self.apply(self.condition.with_interventions(active))

    def set_knockout(self, node: str, knocked_out: bool) -> None:
        """Knock ``node`` out (or restore it), simulating from the values on screen."""
        kos = set(self.condition.knockouts)
        (kos.add if knocked_out else kos.discard)(node)
        self.apply(self.condition.with_knockouts(kos))

    def jump(self, cond: Condition) -> None:
        """Put ``cond`` in force and show its steady state at once (no transition to watch)."""
        self.network.resolve(cond)
        self.condition = cond
        self._simulate_from(self.network.steady_state(cond, y0=self.values), rewind=self._owns_playhead)
        self.condition_changed.emit()

    def reset(self) -> None:
        """Back to the default scenario at its steady state, with nothing switched on."""
        self.set_model(self.model)

    def apply(self, cond: Condition, spread: bool = False) -> None:
        """Put ``cond`` in force, simulating onward from the values shown now (see :meth:`begin`)."""
        self.begin(cond, self.values.copy(), spread=spread)

    def begin(
        self,
        cond: Condition,
        start: np.ndarray | None = None,
        settle: Condition | None = None,
        spread: bool = False,
        rewind: bool = True,
    ) -> None:
        """Put ``cond`` in force with a trajectory from ``start`` (or from the steady state of ``settle``).

        With ``spread`` the simulation is not run here: :meth:`compute` runs it a
        slice at a time, once a frame, so a presentation's step change never
        costs one frame the whole integration. The first frames show the
        starting values, which is where the new trajectory begins anyway.
        Without ``rewind`` the playhead stays where it is (a second session
        sharing the playhead of the first must not move it).
        """
        for checked in (cond, settle) if settle is not None else (cond,):
            self.network.resolve(checked)  # checks names before anything changes
        if start is None and settle is None:
            raise ValueError("begin() needs a start state or a condition to settle in")
        self.condition = cond
        self._simulate_from(
            self.values.copy() if start is None else np.array(start, float), spread=spread, settle=settle, rewind=rewind
        )
        self.condition_changed.emit()

    # -- trajectory and values -------------------------------------------------------
    @property
    def trajectory(self) -> Trajectory:
        """The trajectory since the last change (finishing any computation still spread over frames)."""
        self.compute(math.inf)
        return self._trajectory

    @property
    def computing(self) -> bool:
        """True while a spread simulation still has slices to run."""
        return self._pending is not None

    def compute(self, budget: float) -> None:
        """Run slices of a spread simulation for up to ``budget`` seconds; announce the trajectory when done."""
        if self._pending is None:
            return
        frontier = self._filled[0]
        start = previous = time.perf_counter()
        done = True
        for _ in self._pending:
            now = time.perf_counter()
            slice_time, previous = now - previous, now
            if now - start + slice_time > budget:  # another slice like this one would overrun the budget
                done = False
                break
        if done:
            self._pending = None
            self.trajectory_changed.emit()
        if self.playhead.position * (len(self._trajectory.times) - 1) + 1 >= frontier:
            self._on_position_change(self.playhead.position)  # the playhead was waiting for these values

    def _simulate_from(
        self, start: np.ndarray, notify: bool = True, spread: bool = False, settle: Condition | None = None, rewind: bool = True
    ) -> None:
        times = self.timeline.times
        self._pending = None
        if spread:  # the slices run later, a few per frame (see compute)
            self._trajectory = Trajectory(times, np.repeat(start[None, :], len(times), axis=0), list(self.network.node_ids))
            self._filled = [1]
            self._pending = simulate_in_slices(self.network, self.condition, self._trajectory, self._filled, settle)
        else:  # one integration: three times faster than slices, for a toggle that must answer within a frame or two
            if settle is not None:
                start = self.network.steady_state(settle)
            if self.network.is_steady(self.condition, start):  # nothing will move: no need to integrate
                self._trajectory = Trajectory(times, np.repeat(start[None, :], len(times), axis=0), list(self.network.node_ids))
            else:
                self._trajectory = self.network.simulate(self.condition, times, y0=start)
            self._filled = [len(times)]
        if rewind:
            self.playhead.position = 0.0
        self._on_position_change(self.playhead.position, emit=False)  # the values at the playhead
        if notify:
            if self._pending is None:
                self.trajectory_changed.emit()
            if rewind:
                self.playhead.position_changed.emit(self.playhead.position)
            else:
                self.values_changed.emit(self.values)

    @property
    def filled(self) -> int:
        """How many stored times of the trajectory are simulated so far (all of them unless spread)."""
        return self._filled[0]

    def _on_position_change(self, p: float, emit: bool = True) -> None:
        traj = self._trajectory
        x = p * (len(traj.times) - 1)
        i = min(int(x), len(traj.times) - 2)
        a = x - i
        filled = self._filled[0]
        if i + 1 >= filled:  # not simulated yet (spread): hold the newest values
            self.values = traj.values[filled - 1].copy()
        else:
            self.values = (1.0 - a) * traj.values[i] + a * traj.values[i + 1]
        if emit:
            self.values_changed.emit(self.values)

    @property
    def time(self) -> float:
        """The simulated time at the playhead, in the model's unit."""
        return float(self.timeline.time(self.playhead.position))

    def value(self, node_id: str) -> float:
        """The activity of one node at the playhead."""
        return float(self.values[self.network.index[node_id]])

    def recovery(self) -> dict[str, NodeRecovery] | None:
        """Recovery status of every node at the values now shown (None without references)."""
        if self.references is None:
            return None
        cached = getattr(self, "_recovery_cache", None)
        if cached is not None and cached[0] is self.values:  # every listener asks once per frame
            return cached[1]
        healthy, disease = self.references
        result = recovery(self.network.node_ids, healthy, disease, self.values)
        self._recovery_cache = (self.values, result)
        return result
