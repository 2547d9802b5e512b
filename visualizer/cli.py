"""The ``visualizer`` command: the app, and headless commands for scripts.

Commands that only compute (``simulate``, ``body``, ``explain``,
``dose-response``, ``validate``, ``convert``) never import Qt, so
they start fast and run anywhere. User mistakes print one clear message and
exit with status 2; they never show a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from visualizer import __version__
from visualizer.problems import ModelError, UserError

__all__ = ["main", "build_parser"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors with our exit code and no traceback."""

    def error(self, message):  # noqa: D102 - argparse API
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _float(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UserError(f"{what}: '{text}' is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise UserError(f"{what}: '{text}' is not a finite number")
    return value


def _pairs(items, what: str, default: float | None) -> dict[str, float]:
    """Parse ``NAME[=VALUE]`` options into a dict."""
    out: dict[str, float] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        name = name.strip()
        if not name:
            raise UserError(f"{what}: '{item}' has no name before '='")
        if not sep:
            if default is None:
                raise UserError(f"{what}: '{item}' needs a value, as in {name}=0.5")
            out[name] = default
        else:
            out[name] = _float(value, f"{what} {name}")
    return out


def _add_model_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", metavar="FILE", help="model file (.yaml, or Netflux .xlsx); default: the built-in insulin model")


def _add_condition_options(p: argparse.ArgumentParser) -> None:
    _add_model_option(p)
    p.add_argument("--scenario", metavar="NAME", help="scenario to start from (default: the model's default scenario)")
    p.add_argument(
        "--intervention",
        action="append",
        metavar="NAME[=INTENSITY]",
        help="switch on an intervention, intensity in [0, 1] (default 1); repeat for several",
    )
    p.add_argument("--knockout", action="append", metavar="NODE", help="knock a node out (Ymax = 0); repeatable")
    p.add_argument("--set", action="append", metavar="INPUT=LEVEL", help="set the level of an input node; repeatable")


#: ``visualizer body``'s protocols (:data:`visualizer.coupling.PROTOCOLS`, written out so that building the
#: parser imports no numpy; tests/test_body_cli.py checks the two agree).
BODY_PROTOCOLS = ("meal", "ogtt", "clamp", "fasting")
#: The longest ``--weeks`` (ten years): the cell level has long reached its steady state by then.
MAX_WEEKS = 520.0
_FASTING_INDICES = ("fasting_glucose_mg_dl", "fasting_insulin_pmol_l", "homa_ir")
_TEST_INDICES = (
    *_FASTING_INDICES,
    "glucose_2h_mg_dl",
    "glucose_peak_mg_dl",
    "insulin_peak_pmol_l",
    "glucose_iauc_mg_dl_min",
    "matsuda_index",
)
#: The indices ``visualizer body`` reports for each protocol, in this order (those of
#: :func:`visualizer.body.indices` but the insulin area, which the command does not document).
BODY_INDICES = {
    "meal": _TEST_INDICES,
    "ogtt": _TEST_INDICES,
    "clamp": (*_FASTING_INDICES, "m_value_mg_kg_min"),
    "fasting": _FASTING_INDICES,
}

_BODY_DESCRIPTION = """\
Run one test at the whole-body level (the meal model of Dalla Man, Rizza &
Cobelli 2007) for a person whose cells are in the condition given, and print
plasma glucose and insulin over the test with the indices papers report. The
cell level sets the body's factors: the insulin-stimulated part of muscle
uptake, insulin's suppression of the liver's output, beta-cell function and the
meal's carbohydrate (see visualizer/coupling.py).

protocols (--protocol):
  meal     a mixed meal at 0 min: 78 g of carbohydrate unless --carbohydrate-g
           says (300 min)
  ogtt     oral glucose tolerance test: 75 g of glucose drunk at 0 min (180 min)
  clamp    hyperinsulinaemic-euglycaemic clamp: insulin infused at
           40 mU/m2/min, glucose at the rate that holds fasting glucose;
           reports the M-value (180 min)
  fasting  nothing eaten or infused: the fasting steady state (120 min)

Without --weeks the cells have adapted to the interventions (their steady
state); with --weeks W they have had W weeks of them, starting from the
scenario's own state.

JSON (the default) carries protocol, scenario, interventions, weeks (null
without --weeks), times (min from the start of the test), glucose_mg_dl,
insulin_pmol_l and indices: fasting glucose and insulin and HOMA-IR always; for
a meal or an OGTT also the 2-h glucose, the peaks, the glucose area above
fasting over 0-120 min and the Matsuda index; for a clamp the M-value. It also
names the model and gives coupling (the body's factors). CSV is the time course
alone, a row per minute: time_min, glucose_mg_dl, insulin_pmol_l.
"""


def build_parser() -> argparse.ArgumentParser:
    """The command line: one sub-command per task, each with its own ``--help``."""
    parser = _Parser(
        prog="visualizer",
        description="Insulin Pathway Visualizer: an animated, model-driven diagram of insulin signalling, "
        "insulin resistance and the lifestyle interventions that reverse it. "
        "Run without a command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--model", dest="gui_model", metavar="FILE", help="open this model in the app")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("simulate", help="simulate a model and print time courses, steady state and recovery")
    _add_condition_options(p)
    p.add_argument("--t-end", type=float, metavar="T", help="end time (default: five times the slowest time constant)")
    p.add_argument("--times", metavar="T1,T2,...", help="report exactly these times (overrides --t-end)")
    p.add_argument(
        "--start",
        choices=("auto", "initial", "baseline"),
        default="auto",
        help="initial: the model's initial values; baseline: the scenario's steady state before the "
        "interventions; auto (default): baseline when the model has scenarios",
    )
    p.add_argument(
        "--format",
        choices=("json", "csv", "steady-csv", "recovery-csv"),
        default="json",
        help="json (everything), csv (a row per time), steady-csv (a row per node) or recovery-csv (the recovery table)",
    )

    p = sub.add_parser(
        "body",
        help="a meal, glucose drink, clamp or fast at the whole-body level: plasma glucose and insulin, and indices",
        description=_BODY_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_model_option(p)
    p.add_argument("--scenario", metavar="NAME", help="scenario the cells are in (default: the model's default scenario)")
    p.add_argument(
        "--intervention",
        action="append",
        metavar="NAME[=INTENSITY]",
        help="switch on an intervention, intensity in [0, 1] (default 1); repeat for several",
    )
    p.add_argument("--knockout", action="append", metavar="NODE", help="knock a cell-level node out (Ymax = 0); repeatable")
    p.add_argument(
        "--weeks",
        metavar="W",
        help="run the test after W weeks (0 to 520) of the interventions, from the scenario's state "
        "(default: once the cells have adapted to them)",
    )
    p.add_argument(
        "--protocol", choices=BODY_PROTOCOLS, default="meal", help="the test: meal (default), ogtt, clamp or fasting (see above)"
    )
    p.add_argument(
        "--carbohydrate-g", metavar="G", help="carbohydrate of the meal in grams, 0 to 500 (default 78; --protocol meal only)"
    )
    p.add_argument(
        "--body-weight-kg", metavar="KG", help="the person's body weight, 30 to 250 kg (default 78); doses are per person"
    )
    p.add_argument(
        "--format",
        choices=("json", "csv"),
        default="json",
        help="json (default: time course, indices and coupling) or csv (the time course alone, a row per minute)",
    )

    p = sub.add_parser(
        "explain",
        help="why a node is where it is: the paths to it, the brakes on them, and the interventions ranked",
        description="Explain one node: the paths from the inputs to it, the active inhibitors on them with what "
        "each costs (the node's gain when it is knocked out), and the interventions ranked by how far each, "
        "at full intensity, moves the node back towards healthy.",
    )
    p.add_argument("node", metavar="NODE", help="node id, as in irs1")
    _add_condition_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text", help="text (a readable summary, default) or json")

    p = sub.add_parser(
        "dose-response",
        help="sweep one intervention's intensity from 0 to 1 and print the chosen nodes' steady states",
        description="Sweep INTERVENTION from intensity 0 to 1 on top of the scenario (and any --intervention, "
        "--knockout or --set given) and report the steady state of each node in --nodes.",
    )
    p.add_argument("sweep", metavar="INTERVENTION", help="intervention id, as in caloric_restriction")
    p.add_argument("--nodes", required=True, metavar="A,B,...", help="comma-separated node ids, as in glucose_uptake,dag")
    p.add_argument("--points", type=int, default=21, metavar="N", help="number of intensities, 2 to 201 (default 21)")
    _add_condition_options(p)
    p.add_argument("--format", choices=("json", "csv"), default="json", help="json (default) or csv (a row per intensity)")

    p = sub.add_parser("validate", help="check model and storyboard files and list every problem (and a storyboard's warnings)")
    p.add_argument("files", nargs="+", metavar="FILE")

    p = sub.add_parser(
        "convert",
        help="convert a model to another format, chosen by OUT's extension (.xlsx, .graphml, .sbml/.xml)",
        description="Read IN (.yaml, Netflux .xlsx, or any format the app opens) and write OUT in the format "
        "its extension names: .xlsx (Netflux spreadsheet), .graphml (GraphML, for Cytoscape, Gephi or yEd) or "
        ".sbml/.xml (SBML-qual). Netflux cannot express partial inhibitors, per-member Hill parameters in one "
        "rule, basal drives, scenarios or interventions; what is approximated is listed as notes.",
    )
    p.add_argument("input", metavar="IN", help="model file to read")
    p.add_argument("output", metavar="OUT", help="file to write; an existing file is replaced")

    p = sub.add_parser("render", help="write the diagram as PNG, SVG or PDF (no display needed)")
    p.add_argument("--out", required=True, metavar="FILE", help="FILE.png, FILE.svg or FILE.pdf")
    _add_model_option(p)
    p.add_argument("--scenario", metavar="NAME", help="scenario (default: the model's default scenario)")
    p.add_argument("--intervention", action="append", metavar="NAME[=INTENSITY]", help="switch on an intervention; repeatable")
    p.add_argument("--time", type=float, metavar="T", help="simulated time to show (default: the end when interventions are on)")
    p.add_argument(
        "--size", default="1600x1000", metavar="WxH", help="picture size in pixels (PDF: the same at --dpi; default 1600x1000)"
    )
    p.add_argument("--dpi", type=int, default=96, help="resolution stored in the PNG, and PDF page size (default 96)")
    p.add_argument(
        "--storyboard",
        metavar="FILE",
        help="draw a storyboard step exactly as the hall shows it at --size once the step has played "
        "(caption and answer included)",
    )
    p.add_argument("--step", type=int, default=1, metavar="N", help="the storyboard step (default 1)")

    p = sub.add_parser("export-movie", help="write the animation or a whole storyboard as MP4 or GIF (no display needed)")
    p.add_argument("--out", required=True, metavar="FILE", help="FILE.mp4 (H.264) or FILE.gif")
    _add_model_option(p)
    p.add_argument("--scenario", metavar="NAME", help="scenario (default: the model's default scenario)")
    p.add_argument("--intervention", action="append", metavar="NAME[=INTENSITY]", help="interventions switched on at the start")
    p.add_argument("--storyboard", metavar="FILE", help="record this storyboard (default: the animation of the interventions)")
    p.add_argument("--fps", type=int, default=30, help="frames per second (default 30)")
    p.add_argument("--size", default="1280x720", metavar="WxH", help="frame size (default 1280x720)")
    p.add_argument(
        "--seconds-per-step",
        type=float,
        default=None,
        metavar="S",
        help="play each storyboard step's whole simulated span in S seconds (default: each step's own, 10 unless it says)",
    )
    p.add_argument("--seconds", type=float, default=10.0, metavar="S", help="length of an animation movie (default 10)")

    p = sub.add_parser(
        "export-slides",
        help="write a storyboard as PowerPoint slides, each step's animation embedded (no display needed)",
        description="A title slide, one slide per step (its picture, its animation as an H.264 movie that plays when "
        "the slide opens or, for a question, when the answer is revealed; title, caption, question and answer as "
        "editable text; the step's notes as speaker notes) and a references slide.",
    )
    p.add_argument("--storyboard", metavar="FILE", help="the storyboard (default: the built-in lecture)")
    p.add_argument("--out", required=True, metavar="FILE.pptx", help="where to write the slides")
    p.add_argument("--size", default="1920x1080", metavar="WxH", help="size of each step's movie (default 1920x1080)")
    p.add_argument("--fps", type=int, default=25, help="frames per second of the movies (default 25)")
    p.add_argument(
        "--seconds-per-step",
        type=float,
        default=None,
        metavar="S",
        help="play each step's whole span in S seconds (default: each step's own, 10 unless it says)",
    )

    p = sub.add_parser(
        "export-html",
        help="write a storyboard as one self-contained web page that plays offline in any browser",
        description="The lecture as one HTML file with everything inline (nothing is fetched): each step's diagram "
        "as SVG, its animation from the engine's own trajectories (every combination of the step's interventions), "
        "captions, questions and answers, the presentation keys, and a prediction mode for students.",
    )
    p.add_argument("--storyboard", metavar="FILE", help="the storyboard (default: the built-in lecture)")
    p.add_argument("--out", required=True, metavar="FILE.html", help="where to write the page")
    p.add_argument("--size", default="1600x900", metavar="WxH", help="size the diagrams are drawn at (default 1600x900)")

    p = sub.add_parser("present", help="start straight into full-screen presentation of a storyboard")
    p.add_argument("storyboard", nargs="?", metavar="STORYBOARD", help="storyboard file (default: the built-in lecture)")
    p.add_argument("--step", type=int, default=1, metavar="N", help="start at step N (default 1)")

    p = sub.add_parser("open", help="open a model file in the app")
    p.add_argument("file", metavar="FILE")

    p = sub.add_parser("screenshot", help="render the app window offscreen to a PNG (no display needed)")
    p.add_argument("--out", required=True, metavar="FILE.png", help="where to write the PNG")
    _add_model_option(p)
    p.add_argument("--scenario", metavar="NAME", help="scenario (default: the model's default scenario)")
    p.add_argument("--intervention", action="append", metavar="NAME[=INTENSITY]", help="switch on an intervention; repeatable")
    p.add_argument(
        "--time",
        type=float,
        metavar="T",
        help="simulated time to show, in the model's unit (default: the end when interventions are on, else the start)",
    )
    p.add_argument("--size", default="1600x1000", metavar="WxH", help="window size in pixels (default 1600x1000)")
    return parser


def _stop_on_terminate() -> None:
    """Turn SIGTERM into a normal exit, so half-written files are removed on the way out.

    While Qt is loaded the exit is only requested, and taken at the next frame of a long
    export (see :func:`visualizer.atomic.stop_point`): an exception raised inside a Qt
    call ends the process on the spot, skipping the clean-up that removes the temporary file.
    """
    import signal

    from visualizer.atomic import request_stop

    def stop(signum, frame):
        if "PySide6" in sys.modules:
            request_stop(128 + signum)
        else:
            raise SystemExit(128 + signum)

    try:
        signal.signal(signal.SIGTERM, stop)
    except (ValueError, OSError):  # not the main thread, or not supported here
        pass


def _one_blas_thread() -> None:
    """Unless the user chose otherwise, numpy's OpenBLAS runs on one thread.

    Set before numpy loads, which is when OpenBLAS starts its pool of a thread per core: about
    50 ms of every command's start on a two-core machine, more with more cores. The app's linear
    algebra is small (dense solves of a few dozen nodes; larger models go sparse), too small for
    the pool to help, and the results are the same to the bit (checked on simulate, explain,
    body, dose-response and the screenshots).
    """
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; user mistakes print one message and return 2, never a traceback."""
    from visualizer.atomic import stop_point

    _one_blas_thread()
    _stop_on_terminate()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _top_level_model(args)
        status = COMMANDS.get(args.command, _gui)(args)
        stop_point()  # terminated while drawing: the file is complete, the exit status says what happened
        return status
    except ModelError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _top_level_model(args) -> None:
    """``visualizer --model F COMMAND``: the command uses F when it reads a model, else the option is refused.

    Silently simulating the built-in model when the user named another would be worse than an error.
    """
    if not args.gui_model or args.command in (None, "open"):
        return
    if hasattr(args, "model"):
        if args.model and args.model != args.gui_model:
            raise UserError(f"--model is given twice ('{args.gui_model}' and '{args.model}'); give it once, after the command")
        args.model = args.gui_model
        return
    raise UserError(
        f"'{args.command}' takes no --model; the model it uses is named in its own arguments "
        f"(see visualizer {args.command} --help)"
    )


def _load(path: str | None):
    from visualizer.formats import load_builtin_model, load_model

    return load_model(path) if path else load_builtin_model()


def _condition(args, network):
    model = network.model
    scenario = args.scenario
    if scenario is None:
        scenario = model.default_scenario or (model.scenarios[0].id if model.scenarios else None)
    return network.condition(
        scenario=scenario,
        interventions=_pairs(args.intervention, "--intervention", 1.0),
        inputs=_pairs(getattr(args, "set", None), "--set", None),
        knockouts=args.knockout or (),
    )


def _simulate(args) -> int:
    import numpy as np

    from visualizer import data_export
    from visualizer.engine import Network
    from visualizer.experiment import default_times, run

    network = Network(_load(args.model))
    cond = _condition(args, network)
    if args.times:
        times = np.array([_float(t, "--times") for t in args.times.split(",") if t.strip()])
        if times.size == 0 or np.any(times < 0) or np.any(np.diff(times) < 0):
            raise UserError("--times must list increasing numbers ≥ 0, as in 0,10,60")
    else:
        if args.t_end is not None and not args.t_end > 0:
            raise UserError("--t-end must be a number greater than 0")
        times = default_times(network, args.t_end)
    result = run(network, cond, times, start=args.start)
    if args.format == "recovery-csv" and result.recovery is None:
        raise UserError("this model names no healthy and disease reference scenarios, so it has no recovery table")
    writers = {
        "json": data_export.result_json,
        "csv": data_export.trajectory_csv,
        "steady-csv": data_export.steady_state_csv,
        "recovery-csv": data_export.recovery_csv,
    }
    text = writers[args.format](result)
    sys.stdout.write(text)
    return EXIT_OK


def _body(args) -> int:
    from visualizer.coupling import NEEDED_ROLES, make_protocol

    weeks = None
    if args.weeks is not None:
        weeks = _float(args.weeks, "--weeks")
        if not 0 <= weeks <= MAX_WEEKS:
            raise UserError(
                f"--weeks must be from 0 to {MAX_WEEKS:g} (weeks of the interventions), not {args.weeks}; "
                "leave it out for cells adapted to them"
            )
    carbohydrate = None if args.carbohydrate_g is None else _float(args.carbohydrate_g, "--carbohydrate-g")
    weight = None if args.body_weight_kg is None else _float(args.body_weight_kg, "--body-weight-kg")
    protocol = make_protocol(args.protocol, carbohydrate, weight)  # every protocol mistake before the model is read

    from visualizer.engine import Network

    network = Network(_load(args.model))
    body = network.body
    if body is None:
        raise UserError(_no_body_level(network.model, NEEDED_ROLES))
    run = body.run(_condition(args, network), protocol, weeks=weeks)
    data = run.as_json()
    data["indices"] = {key: data["indices"][key] for key in BODY_INDICES[args.protocol] if key in data["indices"]}
    if args.format == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["time_min", "glucose_mg_dl", "insulin_pmol_l"])
        writer.writerows(zip(data["times"], data["glucose_mg_dl"], data["insulin_pmol_l"]))
        sys.stdout.write(buf.getvalue())
    else:
        import json

        sys.stdout.write(json.dumps({"model": network.model.title, **data}, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _no_body_level(model, needed) -> str:
    """Why ``model`` has no body level: the roles it does not name (or names with no such node)."""
    missing = [role for role in needed if model.role(role) is None]
    if len(missing) == len(needed):
        why = f"it names none of the roles {', '.join(needed)} in metadata.roles"
    elif missing:
        why = f"it does not name the roles {', '.join(missing)} in metadata.roles (a body level needs {', '.join(needed)})"
    else:
        nodes = {n.id for n in model.nodes}
        wrong = [f"{role}: {model.role(role)}" for role in needed if model.role(role) not in nodes]
        why = f"its metadata.roles name nodes it does not have ({', '.join(wrong)})"
    return f"this model has no body level: {why}; the built-in model has one"


def _explain(args) -> int:
    from visualizer import analysis
    from visualizer.engine import Network

    network = Network(_load(args.model))
    analysis.check_node(network.model, args.node)  # a misspelt node is reported before any computing
    explanation = analysis.explain(network, args.node, _condition(args, network))
    if args.format == "json":
        sys.stdout.write(analysis.explanation_json(explanation))
    else:
        sys.stdout.write(analysis.explanation_text(explanation, network.model))
    return EXIT_OK


def _dose_response(args) -> int:
    from visualizer import analysis
    from visualizer.engine import Network

    if not analysis.MIN_POINTS <= args.points <= analysis.MAX_POINTS:
        raise UserError(f"--points must be from {analysis.MIN_POINTS} to {analysis.MAX_POINTS}, not {args.points}")
    nodes = [n.strip() for n in args.nodes.split(",") if n.strip()]
    if not nodes:
        raise UserError("--nodes needs at least one node id, as in --nodes glucose_uptake,dag")
    network = Network(_load(args.model))
    analysis.check_intervention(network.model, args.sweep)
    result = analysis.dose_response(network, args.sweep, nodes, _condition(args, network), points=args.points)
    text = analysis.dose_response_json(result) if args.format == "json" else analysis.dose_response_csv(result)
    sys.stdout.write(text)
    return EXIT_OK


def _validate(args) -> int:
    from visualizer.formats import load_model
    from visualizer.formats.storyboard import load_storyboard, looks_like_storyboard

    status = EXIT_OK
    for name in args.files:
        if str(name).lower().endswith((".yaml", ".yml")) and looks_like_storyboard(name):
            try:
                board, _ = load_storyboard(name)
            except ModelError as exc:
                status = EXIT_INVALID
                for problem in exc.problems:
                    print(problem)
                print(f"{name}: {len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''}")
                continue
            for warning in board.warnings:
                print(f"warning: {warning}")
            print(f"{name}: valid storyboard ({len(board.steps)} steps, {len(board.warnings)} warnings)")
            continue
        try:
            model = load_model(name)
        except ModelError as exc:
            status = EXIT_INVALID
            for problem in exc.problems:
                print(problem)
            print(f"{name}: {len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''}")
        else:
            print(f"{name}: valid ({len(model.nodes)} nodes, {len(model.interactions)} interactions)")
    return status


def _convert(args) -> int:
    from visualizer.formats import load_model, save_model

    out = Path(args.output)
    model = load_model(args.input)
    save_model(model, out)
    print(f"wrote {out} ({len(model.nodes)} nodes, {len(model.interactions)} interactions)")
    if out.suffix.lower() == ".xlsx":
        from visualizer.formats.netflux import netflux_losses

        for note in netflux_losses(model):
            print(f"note: {note}", file=sys.stderr)
    return EXIT_OK


def _size(text: str, low: int = 200) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        raise UserError(f"--size: '{text}' is not WIDTHxHEIGHT, as in 1600x1000") from None
    if not sep or not (low <= size[0] <= 8192 and low <= size[1] <= 8192):
        raise UserError(f"--size: '{text}' must be WIDTHxHEIGHT with each between {low} and 8192")
    return size


def _stage(args, storyboard=None, step: int = 1, show_end: bool = True):
    """The stage a headless command draws, prepared (and every mistake reported) before Qt starts."""
    from visualizer.stage import build_stage

    return build_stage(
        Path(args.model) if args.model else None,
        args.scenario,
        _pairs(args.intervention, "--intervention", 1.0),
        getattr(args, "time", None),
        Path(storyboard) if storyboard else None,
        step,
        show_end,
    )


def _screenshot(args) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise UserError(f"--out: '{out}' must end in .png")
    size = _size(args.size)
    stage = _stage(args)
    from visualizer.qt.app import screenshot

    screenshot(out, stage, size)
    print(f"wrote {out} ({size[0]}x{size[1]})")
    return EXIT_OK


def _render(args) -> int:
    size = _size(args.size, low=16)
    stage = _stage(args, args.storyboard, args.step)
    from visualizer.qt.headless import render

    path = render(Path(args.out), stage, size, args.dpi)
    print(f"wrote {path} ({size[0]}x{size[1]})")
    return EXIT_OK


def _start_qt() -> None:
    """Start the (headless) application before any drawing module is imported: a QFont made before the
    QApplication exists resolves to another family (a serif one here), so captions measured with the
    overlay's class fonts would be laid out for one font and drawn in another, and cut."""
    from visualizer.qt.application import application, ensure_display

    ensure_display(headless=True)
    application()


def _export_movie(args) -> int:
    size = _size(args.size, low=64)
    if (args.seconds_per_step is not None and not args.seconds_per_step > 0) or not args.seconds > 0:
        raise UserError("--seconds and --seconds-per-step must be greater than 0")
    stage = _stage(args, args.storyboard, 1, show_end=False)
    _start_qt()
    from visualizer.qt.headless import export_movie
    from visualizer.qt.movie import terminal_progress

    path, frames = export_movie(
        Path(args.out), stage, args.fps, size, args.seconds_per_step, args.seconds, terminal_progress(sys.stderr)
    )
    print(f"wrote {path} ({frames} frames at {args.fps} fps, {size[0]}x{size[1]})")
    return EXIT_OK


def _export_slides(args) -> int:
    from visualizer.formats.storyboard import builtin_storyboard_path
    from visualizer.stage import build_stage

    size = _size(args.size, low=64)
    if args.seconds_per_step is not None and not args.seconds_per_step > 0:
        raise UserError("--seconds-per-step must be greater than 0")
    if not 1 <= args.fps <= 60:
        raise UserError(f"--fps {args.fps} must be between 1 and 60")
    out = Path(args.out)
    if out.suffix.lower() != ".pptx":
        raise UserError(f"--out: '{out}' must end in .pptx")
    stage = build_stage(storyboard=Path(args.storyboard) if args.storyboard else builtin_storyboard_path())
    _start_qt()
    from visualizer.qt.lecture_export import export_slides
    from visualizer.qt.movie import terminal_progress

    path = export_slides(stage, out, size, args.fps, args.seconds_per_step, terminal_progress(sys.stderr))
    print(f"wrote {path} ({len(stage.lecture.steps) + 2} slides)")  # type: ignore[union-attr]
    return EXIT_OK


def _export_html(args) -> int:
    from visualizer.formats.storyboard import builtin_storyboard_path
    from visualizer.stage import build_stage

    size = _size(args.size, low=320)
    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise UserError(f"--out: '{out}' must end in .html")
    stage = build_stage(storyboard=Path(args.storyboard) if args.storyboard else builtin_storyboard_path())
    _start_qt()
    from visualizer.qt.movie import terminal_progress
    from visualizer.qt.web_export import export_web

    path = export_web(stage, out, size, terminal_progress(sys.stderr, "steps"))
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {len(stage.lecture.steps)} steps)")  # type: ignore[union-attr]
    return EXIT_OK


def _present(args) -> int:
    from visualizer.formats.storyboard import builtin_storyboard_path, load_storyboard

    path = Path(args.storyboard) if args.storyboard else builtin_storyboard_path()
    board, _ = load_storyboard(path)  # report problems on the terminal before Qt starts
    if not 1 <= args.step <= len(board.steps):
        raise UserError(f"--step {args.step} is outside 1..{len(board.steps)} ({len(board.steps)} steps in {path.name})")
    from visualizer.qt.app import run_app

    return run_app(None, storyboard=path, step=args.step)


def _gui(args) -> int:
    if args.command == "open":
        args.gui_model = args.file
    try:
        from visualizer.qt.app import run_app
    except ImportError as exc:
        raise UserError(f"the desktop app is not available: {exc}") from None
    path = Path(args.gui_model) if args.gui_model else None
    if path is not None:
        from visualizer.formats import load_model

        load_model(path)  # report model problems on the terminal before any window opens
    return run_app(path)


COMMANDS = {
    "simulate": _simulate,
    "body": _body,
    "explain": _explain,
    "dose-response": _dose_response,
    "validate": _validate,
    "convert": _convert,
    "screenshot": _screenshot,
    "render": _render,
    "export-movie": _export_movie,
    "export-slides": _export_slides,
    "export-html": _export_html,
    "present": _present,
    "open": _gui,
}
"""Each command's function; no command (or ``open``) opens the app."""
