"""Every command of the main window, declared once: menus, toolbar, shortcuts, the F1 list and the README.

The window builds its QActions from :data:`ACTIONS`; the F1 overlay lists the same
entries, and ``python -m visualizer.qt.actions`` prints the README's shortcut table
(a test checks that the README holds exactly that table). A new command is one line here
and one method on the window.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ActionSpec", "ACTIONS", "MENUS", "MOUSE", "HALL_KEYS", "markdown_table", "hall_markdown_table"]


@dataclass(frozen=True)
class ActionSpec:
    """One command: ``window.<name>_action`` calls ``window.<slot>()`` (with the checked state if checkable)."""

    name: str
    text: str
    slot: str
    shortcuts: tuple[str, ...] = ()
    tip: str = ""
    menu: str = ""
    toolbar: bool = False
    checkable: bool = False
    separator: bool = False
    """Start a new group in its menu."""

    @property
    def label(self) -> str:
        """The text without its mnemonic and ellipsis, as the shortcut list shows it."""
        return self.text.replace("&", "").rstrip("…")


MENUS = ("&File", "&View", "&Playback", "&Model", "&Lecture", "&Help")

A = ActionSpec
ACTIONS: tuple[ActionSpec, ...] = (
    # File
    A(
        "open",
        "&Open model…",
        "open_dialog",
        ("Ctrl+O",),
        "Open a model (.yaml, Netflux .xlsx, SBML-qual, SBGN-ML)",
        "&File",
        True,
    ),
    A("builtin", "Open &built-in model", "open_builtin", (), "The insulin signalling model", "&File"),
    A("reload", "&Reload model", "reload", ("Ctrl+Shift+R",), "Read the model file again", "&File"),
    A(
        "save_model",
        "&Save model as…",
        "save_model_dialog",
        ("Ctrl+Shift+S",),
        "Save the model as YAML, SBML-qual, SBGN-ML, Netflux or GraphML",
        "&File",
        separator=True,
    ),
    A("export", "&Export picture…", "export_dialog", ("Ctrl+E",), "Save the diagram as PNG, SVG or PDF", "&File", separator=True),
    A(
        "movie",
        "Export &movie…",
        "movie_dialog",
        ("Ctrl+Shift+E",),
        "Save the animation (or the open storyboard) as MP4 or GIF",
        "&File",
    ),
    A(
        "data",
        "Export &data…",
        "data_dialog",
        (),
        "Time courses (CSV or JSON), steady state or the recovery table (CSV)",
        "&File",
    ),
    A("quit", "&Quit", "close", ("Ctrl+Q",), "Close the app", "&File", separator=True),
    # View
    A("zoom_in", "Zoom &in", "zoom_in", ("Ctrl++", "Ctrl+="), "Zoom in", "&View", True),
    A("zoom_out", "Zoom &out", "zoom_out", ("Ctrl+-",), "Zoom out", "&View", True),
    A("fit", "&Fit to window", "fit", ("Ctrl+0", "F"), "Show the whole diagram", "&View", True),
    A("search", "&Find node…", "focus_search", ("Ctrl+F",), "Find a node and centre it", "&View"),
    A(
        "ghost",
        "Show &healthy level",
        "set_show_healthy",
        ("H",),
        "Mark healthy values on every node",
        "&View",
        checkable=True,
        separator=True,
    ),
    A("dark", "&Dark theme", "set_dark", ("Ctrl+D",), "Switch between light and dark", "&View", checkable=True),
    A(
        "contrast",
        "&High-contrast theme",
        "set_contrast",
        ("Ctrl+Shift+H",),
        "White on black with strong colours, for projectors in bright rooms",
        "&View",
        checkable=True,
    ),
    A(
        "panels",
        "Side &panels",
        "show_panels",
        ("F9",),
        "Show or hide the controls and the inspector",
        "&View",
        checkable=True,
        separator=True,
    ),
    A("plots", "P&lots", "show_plots", ("F10",), "Show or hide the plots under the diagram", "&View", checkable=True),
    # Playback
    A("play", "&Play / pause", "toggle_play", ("Space",), "Play or pause the simulated time", "&Playback"),
    A("forward", "Step &forward", "step_forward", ("Right",), "One frame forward", "&Playback"),
    A("back", "Step &back", "step_back", ("Left",), "One frame back", "&Playback"),
    A("restart", "&Restart", "restart", ("Home",), "Back to the last change", "&Playback"),
    A("end", "Go to &end", "go_to_end", ("End",), "Jump to the end (near steady state)", "&Playback"),
    A("faster", "Faster", "faster", ("]",), "Double the playback speed", "&Playback"),
    A("slower", "Slower", "slower", ("[",), "Halve the playback speed", "&Playback"),
    A("loop", "&Loop", "set_loop", ("L",), "Loop playback", "&Playback", checkable=True),
    # Model
    A("reset", "Re&set", "reset", ("Ctrl+R",), "Default scenario, nothing switched on", "&Model"),
    A(
        "compare",
        "&Compare side by side…",
        "open_comparison",
        ("Ctrl+K",),
        "Two conditions with one playhead and camera",
        "&Model",
    ),
    # Lecture
    A(
        "open_story",
        "Open &storyboard…",
        "open_storyboard_dialog",
        ("Ctrl+Shift+O",),
        "Open a lecture storyboard (.yaml)",
        "&Lecture",
    ),
    A("present", "&Present", "start_presentation", ("F5",), "Full-screen lecture from the current step (Esc leaves)", "&Lecture"),
    A(
        "predict",
        "P&redict before each step",
        "set_predicting",
        ("Ctrl+Shift+P",),
        "Students mark a step's nodes up, down or unchanged before it plays; the model scores and explains",
        "&Lecture",
        checkable=True,
    ),
    A(
        "save_predictions",
        "Save prediction &results…",
        "save_predictions_dialog",
        (),
        "Every prediction of this lecture and whether the model agreed, as CSV",
        "&Lecture",
    ),
    A(
        "export_slides",
        "Export s&lides…",
        "export_slides_dialog",
        (),
        "The lecture as PowerPoint slides, each step's animation embedded",
        "&Lecture",
        separator=True,
    ),
    A(
        "export_web",
        "Export &web lecture…",
        "export_web_dialog",
        (),
        "The lecture as one web page that plays offline in any browser, with a prediction mode for students",
        "&Lecture",
    ),
    A(
        "signal_start",
        "Step the signal from &insulin",
        "start_signal_step",
        ("Ctrl+1",),
        "Light the cascade one hop per key press (N); Esc ends",
        "&Lecture",
        separator=True,
    ),
    A(
        "signal_second",
        "Step the signal from muscle &contraction",
        "start_second_signal_step",
        ("Ctrl+2",),
        "Light the contraction route one hop per key press (N); Esc ends",
        "&Lecture",
    ),
    A("signal_next", "Next &hop", "next_signal_hop", ("N",), "Advance the signal one hop", "&Lecture"),
    A("signal_end", "&End signal step", "on_escape", ("Esc",), "Close the shortcut list, or end signal stepping", "&Lecture"),
    # Help
    A("help", "&Keyboard shortcuts", "toggle_help", ("F1",), "List every shortcut", "&Help", True),
    A("about", "&About", "about", (), "", "&Help"),
)
del A

#: Mouse gestures, listed with the shortcuts.
MOUSE = (
    ("Wheel, drag", "Zoom, pan"),
    ("Click, right-click a node", "Inspect and plot it; knock it out"),
)


#: What the hall's keys do (the hall handles them in its keyPressEvent), for F1 and the README.
HALL_KEYS = (
    ("Right, Down, Page Down, Space, Enter, left click", "next (a step's question is answered first)"),
    ("Left, Up, Page Up, Backspace", "previous"),
    ("Home, End; a number then Enter", "first, last, jump to that step"),
    ("B, W", "black or white screen (press again to return)"),
    ("S", "step the signal one hop from insulin; it stops, flashing, at an active inhibitor"),
    ("P", "presenter view (notes, next step, elapsed time)"),
    ("C", "high-contrast theme for a washed-out projector (and back)"),
    (
        "U, D, =; Tab; click a node",
        "prediction mode: mark the node under the focus up, down or unchanged; next node; cycle a node's mark",
    ),
    ("Esc", "end signal stepping, unblank, or leave"),
)


def markdown_table() -> str:
    """The README's table of the main window's shortcuts (every action that has one, then the mouse)."""
    rows = ["| keys | what they do |", "| --- | --- |"]
    for spec in ACTIONS:
        if spec.shortcuts:
            rows.append(f"| {', '.join(spec.shortcuts)} | {spec.label} |")
    rows.extend(f"| {keys} | {what} |" for keys, what in MOUSE)
    return "\n".join(rows) + "\n"


def hall_markdown_table() -> str:
    """The README's table of the keys of lecture mode."""
    rows = ["| keys | what they do |", "| --- | --- |"]
    rows.extend(f"| {keys} | {what} |" for keys, what in HALL_KEYS)
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print("Main window:\n")
    print(markdown_table())
    print("Lecture mode:\n")
    print(hall_markdown_table(), end="")
