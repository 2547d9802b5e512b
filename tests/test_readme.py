"""The README's examples are real: the model and storyboard examples load as written."""

from __future__ import annotations

import re

from conftest import ROOT
from visualizer.formats import load_model
from visualizer.formats.storyboard import load_storyboard


def yaml_block_after(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def test_model_example_loads(tmp_path):
    path = tmp_path / "example.yaml"
    path.write_text(yaml_block_after("### Writing a model"))
    model = load_model(path)
    assert model.title == "Tiny cascade" and model.healthy_scenario == "well"


def test_storyboard_example_loads(tmp_path):
    path = tmp_path / "story.yaml"
    path.write_text(yaml_block_after("### Writing a storyboard"))
    board, model = load_storyboard(path)
    assert len(board.steps) == 3 and board.steps[1].question
    assert "irs1" in board.steps[0].visible
