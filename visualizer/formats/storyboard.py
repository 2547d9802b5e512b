"""Storyboard files: an ordered list of lecture steps, read from YAML and checked against their model.

How a step is played (its condition, where it starts, its caption) is decided by
:mod:`visualizer.lecture`; this module only reads and checks the file.

A storyboard file looks like this (every key but ``title`` and ``steps`` is optional)::

    format: 1
    title: Reversing insulin resistance
    model: insulin_signaling.yaml      # beside the storyboard, or a built-in model's file name
    description: One paragraph for the presenter.
    groups:                            # named sets of nodes, usable wherever node ids are
      cascade: [insulin, insulin_receptor, irs1, pi3k, akt]
    steps:
      - title: The healthy cascade
        caption: A few lines shown large on screen (cite papers as "(Petersen & Shulman 2018)").
        notes: Speaker notes, shown only in the presenter view.
        scenario: healthy
        interventions: {aerobic_exercise: 1.0}
        knockouts: [insulin_receptor]
        visible: [cascade, glucose_uptake]   # nodes shown (edges need both ends shown); default: all
        highlight: [irs1, akt]               # nodes drawn emphasised
        camera: [cascade]                    # nodes to frame; default: the visible nodes
        animate: {start: 0, end: 60, speed: 1, loop: false}   # simulated time, in the model's unit;
                                                              # end: 0 holds the picture still
        question: Predict which nodes recover when we add exercise.
        answer: IRS-1 and Akt, as DAG falls...     # revealed on the next click
        references: [petersen2018]
        body: meal                           # the body panel's protocol: meal, ogtt, clamp or fasting

A step without ``scenario`` keeps the one of the step before it; without
``interventions`` or ``knockouts`` it has none.

Validation reports every problem at once with file, line and step, and names
unknown node, group, scenario, intervention and reference ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from visualizer.captions import caption_text, page_layout, paginate
from visualizer.formats.yaml_source import Checker, LineDict, read_yaml
from visualizer.model import Model
from visualizer.problems import Problem

__all__ = ["Animation", "Badges", "Step", "Storyboard", "load_storyboard", "builtin_storyboard_path", "looks_like_storyboard"]

_TOP = ("format", "title", "model", "description", "groups", "steps")
_STEP = (
    "title",
    "caption",
    "notes",
    "scenario",
    "interventions",
    "knockouts",
    "visible",
    "highlight",
    "camera",
    "animate",
    "question",
    "answer",
    "references",
    "badges",
    "expect",
    "modules",
    "start",
    "body",
)
_ANIMATE = ("start", "end", "speed", "loop", "seconds")
_BADGES = ("label", "scenario", "interventions", "knockouts")
BADGE_MODES = ("recovery", "previous", "none")
#: What the body panel can show for a step (``body:``): the protocols of :mod:`visualizer.coupling`.
BODY_PROTOCOLS = ("meal", "ogtt", "clamp", "fasting")
DIRECTIONS = ("up", "down", "unchanged")
#: How long a step's animation plays by default, in seconds of the lecture.
STEP_SECONDS = 10.0


@dataclass(frozen=True)
class Animation:
    """A step's simulated time window (model time units), its playback speed and whether it loops."""

    start: float = 0.0
    end: float | None = None
    """Simulated time at which the step's animation stops (None: the end of the timeline)."""
    speed: float = 1.0
    loop: bool = False
    seconds: float = STEP_SECONDS
    """How long the animation takes on screen: the step's whole simulated span plays in this time."""


@dataclass(frozen=True)
class Badges:
    """What a step's badges compare with.

    ``recovery``: how far each node has come back from the disease reference towards health;
    ``previous``: higher or lower than at the end of the step before; ``none``: no badges;
    ``condition``: higher or lower than the same moment under another condition (``label``
    says which, e.g. "the knockout alone").
    """

    mode: str = "recovery"
    label: str = ""
    scenario: str | None = None
    interventions: dict[str, float] = field(default_factory=dict)
    knockouts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One lecture step as written in the file (groups expanded to node ids)."""

    title: str
    caption: str = ""
    notes: str = ""
    scenario: str | None = None
    interventions: dict[str, float] = field(default_factory=dict)
    knockouts: tuple[str, ...] = ()
    visible: tuple[str, ...] | None = None
    """Node ids shown in this step (groups already expanded); None shows everything."""
    highlight: tuple[str, ...] = ()
    camera: tuple[str, ...] | None = None
    animate: Animation = field(default_factory=Animation)
    question: str = ""
    answer: str = ""
    references: tuple[str, ...] = ()
    badges: Badges | None = None
    """What the badges compare with; None chooses (recovery, or none for a healthy step)."""
    expect: dict[str, str] = field(default_factory=dict)
    """What the caption says happens: node -> up, down or unchanged over the step (tests hold the step to it)."""
    modules: tuple[str, ...] | None = None
    """Modules shown open (node by node); None opens those holding the step's nodes of interest."""
    start: str = "auto"
    """Where the step starts: "previous" grows out of the end of the step before even across a change of
    scenario (the audience watches health turn into insulin resistance); "auto" follows the usual rule."""
    body: str | None = None
    """The protocol the body panel shows for this step (meal, ogtt, clamp, fasting); None keeps the viewer's choice."""
    line: int = 0


@dataclass(frozen=True)
class Storyboard:
    """A checked storyboard: its title, steps and the model file it names."""

    title: str
    steps: tuple[Step, ...]
    model_path: Path | None = None
    description: str = ""
    source: str = ""
    warnings: tuple[Problem, ...] = ()
    """Things that work but a lecturer should know (a caption that needs a second screen at 1024x768)."""


def builtin_storyboard_path() -> Path:
    """The built-in lecture, 'Reversing insulin resistance' (inside the installed package too)."""
    from visualizer.resources import resource_path

    return resource_path("storyboards", "reversing_insulin_resistance.yaml")


def _model_path(ref: str, storyboard_file: Path) -> Path:
    beside = (storyboard_file.parent / ref).resolve()
    if beside.exists():
        return beside
    from visualizer.resources import resource_path

    return resource_path("models", ref)


def load_storyboard(path: str | Path, model: Model | None = None) -> tuple[Storyboard, Model]:
    """Read and check a storyboard against its model (the one it names, else ``model``, else the built-in one)."""
    from visualizer.formats import load_builtin_model, load_model

    path = Path(path)
    data = read_yaml(path, "storyboard")
    chk = Checker(str(path))
    top = chk.mapping(data, 1, "storyboard")
    chk.raise_if_any()
    assert top is not None
    chk.known_keys(top, "storyboard", _TOP, required=("title", "steps"))
    model_path = None
    ref = chk.text(top, "model", "storyboard", None)
    if ref:
        try:
            model_path = _model_path(ref, path)
            found = model_path.exists()
        except (OSError, ValueError):  # a name too long, or holding a NUL character
            model_path, found = None, False
        if not found:
            chk.add(
                top.line_of("model"),
                "storyboard",
                f"model file '{ref}' not found beside the storyboard or among the built-in models",
            )
            chk.raise_if_any()
        assert model_path is not None
        model = load_model(model_path)
    elif model is None:
        model = load_builtin_model()
    node_ids = set(model.node_ids)
    groups: dict[str, tuple[str, ...]] = {}
    if "groups" in top:
        gmap = chk.mapping(top["groups"], top.line_of("groups"), "groups")
        if gmap is not None:
            for name in gmap:
                items = chk.text_list(gmap, name, f"group {name}")
                chk.check_ids(items, node_ids, gmap.line_of(name), f"group {name}", "node")
                groups[str(name)] = tuple(i for i in items if i in node_ids)

    def nodes(entry: LineDict, key: str, label: str) -> tuple[str, ...] | None:
        if key not in entry:
            return None
        out: list[str] = []
        for item in chk.text_list(entry, key, label):
            if item in groups:
                out.extend(groups[item])
            elif item in node_ids:
                out.append(item)
            else:
                chk.add(entry.line_of(key), label, f"unknown node or group '{item}' in '{key}'")
        return tuple(dict.fromkeys(out))

    scenario_ids = {s.id for s in model.scenarios}
    intervention_ids = {i.id for i in model.interventions}
    ref_keys = {r.key for r in model.references}
    steps: list[Step] = []
    for number, item in enumerate(chk.sequence(top.get("steps"), top.line_of("steps"), "steps"), start=1):
        entry = chk.mapping(item, top.line_of("steps"), f"step {number}")
        if entry is None:
            continue
        label = f"step {number}"
        chk.known_keys(entry, label, _STEP, required=("title",))
        scenario = chk.text(entry, "scenario", label, None)
        if scenario is not None and scenario not in scenario_ids:
            chk.add(
                entry.line_of("scenario"),
                label,
                f"unknown scenario '{scenario}'; choose one of: {', '.join(sorted(scenario_ids))}",
            )
            scenario = None
        interventions: dict[str, float] = {}
        if "interventions" in entry:
            ivs = chk.mapping(entry["interventions"], entry.line_of("interventions"), label)
            if ivs is not None:
                for name, value in ivs.items():
                    if name not in intervention_ids:
                        known = ", ".join(sorted(intervention_ids))
                        chk.add(ivs.line_of(name), label, f"unknown intervention '{name}'; choose one of: {known}")
                        continue
                    number_value = chk.number_value(value, ivs.line_of(name), label, f"interventions.{name}", None, 0.0, 1.0)
                    if number_value is not None:
                        interventions[str(name)] = number_value
        knockouts = nodes(entry, "knockouts", label) or ()
        refs = chk.text_list(entry, "references", label)
        chk.check_ids(refs, ref_keys, entry.line_of("references"), label, "reference")
        animate = Animation()
        if "animate" in entry:
            amap = chk.mapping(entry["animate"], entry.line_of("animate"), label)
            if amap is not None:
                chk.known_keys(amap, f"{label} animate", _ANIMATE)
                start = chk.number(amap, "start", label, 0.0, 0.0) or 0.0
                end = chk.number(amap, "end", label, None, 0.0)
                if end is not None and end < start:
                    chk.add(amap.line_of("end"), label, f"animate.end ({end:g}) is before animate.start ({start:g})")
                loop = amap.get("loop", False)
                if not isinstance(loop, bool):
                    chk.add(amap.line_of("loop"), label, "animate.loop must be true or false")
                    loop = False
                seconds = chk.number(amap, "seconds", label, STEP_SECONDS, 1.0, 600.0) or STEP_SECONDS
                animate = Animation(start, end, chk.number(amap, "speed", label, 1.0, 0.25, 8.0) or 1.0, loop, seconds)
        badges = _badges(chk, entry, label, scenario_ids, intervention_ids, node_ids)
        expect: dict[str, str] = {}
        if "expect" in entry:
            emap = chk.mapping(entry["expect"], entry.line_of("expect"), label) or LineDict()
            for name, value in emap.items():
                if name not in node_ids:
                    chk.add(emap.line_of(name), label, f"expect: unknown node '{name}'")
                elif value not in DIRECTIONS:
                    chk.add(emap.line_of(name), label, f"expect.{name}: '{value}' must be one of: {', '.join(DIRECTIONS)}")
                else:
                    expect[str(name)] = str(value)
        start_rule = chk.choice(entry, "start", label, ("auto", "previous"), "auto") or "auto"
        body = chk.choice(entry, "body", label, BODY_PROTOCOLS, None) if "body" in entry else None
        modules = None
        if "modules" in entry:
            module_ids = {m.id for m in model.modules}
            modules = chk.text_list(entry, "modules", label)
            chk.check_ids(modules, module_ids, entry.line_of("modules"), label, "module")
            modules = tuple(m for m in modules if m in module_ids)
        steps.append(
            Step(
                title=chk.text(entry, "title", label) or f"Step {number}",
                caption=chk.text(entry, "caption", label) or "",
                notes=chk.text(entry, "notes", label) or "",
                scenario=scenario,
                interventions=interventions,
                knockouts=knockouts,
                visible=nodes(entry, "visible", label),
                highlight=nodes(entry, "highlight", label) or (),
                camera=nodes(entry, "camera", label),
                animate=animate,
                question=chk.text(entry, "question", label) or "",
                answer=chk.text(entry, "answer", label) or "",
                references=refs,
                badges=badges,
                expect=expect,
                modules=modules,
                start=start_rule,
                body=body,
                line=entry.line,
            )
        )
    if not steps and "steps" in top:
        chk.add(top.line_of("steps"), "steps", "the storyboard has no steps")
    chk.raise_if_any()
    board = Storyboard(
        chk.text(top, "title", "storyboard") or path.stem,
        tuple(steps),
        model_path,
        chk.text(top, "description", "storyboard") or "",
        str(path),
        _caption_warnings(path, steps),
    )
    return board, model


def _badges(chk: Checker, entry: LineDict, label: str, scenario_ids, intervention_ids, node_ids) -> Badges | None:
    """A step's ``badges``: recovery, previous, none, or a mapping naming the condition to compare with."""
    if "badges" not in entry:
        return None
    value = entry["badges"]
    line = entry.line_of("badges")
    if isinstance(value, str):
        if value not in BADGE_MODES:
            chk.add(line, label, f"badges: '{value}' must be one of {', '.join(BADGE_MODES)}, or a condition to compare with")
            return None
        return Badges(value)
    bmap = chk.mapping(value, line, label)
    if bmap is None:
        return None
    chk.known_keys(bmap, f"{label} badges", _BADGES, required=("label",))
    scenario = chk.text(bmap, "scenario", label, None)
    if scenario is not None and scenario not in scenario_ids:
        chk.add(
            bmap.line_of("scenario"),
            label,
            f"badges: unknown scenario '{scenario}'; choose one of: {', '.join(sorted(scenario_ids))}",
        )
        scenario = None
    interventions: dict[str, float] = {}
    if "interventions" in bmap:
        ivs = chk.mapping(bmap["interventions"], bmap.line_of("interventions"), label) or LineDict()
        for name, amount in ivs.items():
            if name not in intervention_ids:
                chk.add(
                    ivs.line_of(name),
                    label,
                    f"badges: unknown intervention '{name}'; choose one of: {', '.join(sorted(intervention_ids))}",
                )
                continue
            number = chk.number_value(amount, ivs.line_of(name), label, f"badges.interventions.{name}", None, 0.0, 1.0)
            if number is not None:
                interventions[str(name)] = number
    knockouts = chk.text_list(bmap, "knockouts", label)
    chk.check_ids(knockouts, node_ids, bmap.line_of("knockouts"), label, "node")
    return Badges(
        "condition", chk.text(bmap, "label", label) or "", scenario, interventions, tuple(k for k in knockouts if k in node_ids)
    )


#: The smallest screen a lecture is checked for (an old projector).
SMALLEST_SCREEN = (1024, 768)


def _caption_warnings(path: Path, steps: list[Step]) -> tuple[Problem, ...]:
    """Steps whose caption, question and answer need more than one screen at 1024x768."""
    layout = page_layout(*SMALLEST_SCREEN)
    out = []
    for number, step in enumerate(steps, start=1):
        pages = len(paginate(caption_text(step, answer=True), *layout))
        if pages > 1:
            out.append(
                Problem(
                    str(path),
                    step.line,
                    f"step {number}",
                    f"the caption with its question and answer needs {pages} screens at "
                    f"{SMALLEST_SCREEN[0]}x{SMALLEST_SCREEN[1]}; there it continues on the next click (shorten it to keep it on one)",
                )
            )
    return tuple(out)


def looks_like_storyboard(path: str | Path) -> bool:
    """True for a YAML file whose top level has ``steps`` (a lecture, not a model)."""
    try:
        data = read_yaml(Path(path), "file")
    except Exception:  # (a damaged file is for the real loader to describe)
        return False
    return isinstance(data, dict) and "steps" in data and "nodes" not in data
