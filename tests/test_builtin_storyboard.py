"""The built-in lecture storyboard: it loads, it teaches in order, and its claims hold in the model.

Nothing here hard-codes an engine result: outcomes the captions and answers
state are checked as relations between simulated states (the healthy and
insulin-resistant references H and D, and the state X of a step).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from visualizer.engine import Network
from visualizer.storyboard import StoryboardPlayer, builtin_storyboard_path, load_storyboard

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT.parent / "shared" / "reference" / "000_0a2b8c6f4e270a53.txt"
ALL_FOUR = {"aerobic_exercise", "resistance_training", "caloric_restriction", "weight_loss"}
LIPID_BRAKES = ("dag", "pkc_theta", "ceramide", "pp2a")
INFLAMMATORY_BRAKES = ("tnf_alpha", "jnk", "ikkb")


@pytest.fixture(scope="module")
def loaded():
    return load_storyboard(builtin_storyboard_path())


@pytest.fixture(scope="module")
def board(loaded):
    return loaded[0]


@pytest.fixture(scope="module")
def model(loaded):
    return loaded[1]


@pytest.fixture(scope="module")
def net(model):
    return Network(model)


@pytest.fixture(scope="module")
def refs(net):
    healthy = net.steady_state(net.condition("healthy"))
    disease = net.steady_state(net.condition("insulin_resistant"))
    return healthy, disease


def shown(step, model) -> set[str]:
    return set(model.node_ids) if step.visible is None else set(step.visible)


def steady(net, step):
    return net.steady_state(net.condition(step.scenario, interventions=step.interventions, knockouts=step.knockouts))


def fraction(net, refs, x, node):
    healthy, disease = refs
    i = net.index[node]
    return (x[i] - disease[i]) / (healthy[i] - disease[i])


def only(board, interventions, knockouts=()):
    """The steps that run exactly these interventions (and knockouts)."""
    found = [s for s in board.steps if set(s.interventions) == set(interventions) and set(s.knockouts) == set(knockouts)]
    assert found, f"no step runs exactly {sorted(interventions)} with knockouts {list(knockouts)}"
    return found


def citations(text: str) -> set[str]:
    """Reference keys cited as '(Petersen & Shulman 2018; Golay et al. 1996)' -> {'petersen2018', 'golay1996'}."""
    keys = set()
    for group in re.findall(r"\(([^()]*\b\d{4}\b[^()]*)\)", text):
        for part in group.split(";"):
            m = re.match(r"\s*([^\W\d_]+)\b.*?\b(\d{4})\s*$", part)
            if m:
                keys.add(m.group(1).lower() + m.group(2))
    return keys


def sentences(text: str) -> list[str]:
    bare = re.sub(r"\([^()]*\)", "", text)
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", bare.strip()) if s.strip()]


# ------------------------------------------------------------------ format
def test_loads_without_problems(board, model):
    assert board.title == "Reversing insulin resistance"
    assert board.model_path is not None and board.model_path.name == "insulin_signaling.yaml"
    assert {s.id for s in model.scenarios} >= {"healthy", "insulin_resistant"}
    assert board.description


def test_has_twelve_to_sixteen_steps(board):
    assert 12 <= len(board.steps) <= 16


def test_every_step_has_title_caption_and_notes(board):
    for number, step in enumerate(board.steps, start=1):
        assert step.title.strip(), f"step {number} has no title"
        assert step.caption.strip(), f"step {number} ({step.title}) has no caption"
        assert step.notes.strip(), f"step {number} ({step.title}) has no speaker notes"


def test_step_titles_are_unique(board):
    titles = [s.title for s in board.steps]
    assert len(set(titles)) == len(titles)


def test_captions_and_notes_are_lecture_sized(board):
    for step in board.steps:
        assert 2 <= len(sentences(step.caption)) <= 4, f"{step.title}: caption has {len(sentences(step.caption))} sentences"
        assert len(step.caption.split()) <= 60, f"{step.title}: caption too long to read from the back of a hall"
        assert 2 <= len(sentences(step.notes)) <= 5, f"{step.title}: notes have {len(sentences(step.notes))} sentences"


def test_at_least_three_questions_all_with_answers(board):
    asked = [s for s in board.steps if s.question]
    assert len(asked) >= 3
    for step in board.steps:
        assert bool(step.question) == bool(step.answer), f"{step.title}: a question needs an answer and vice versa"


def test_every_step_names_its_scenario(board):
    # so the presenter can jump to any step and see the same thing
    assert all(s.scenario for s in board.steps)
    assert board.steps[0].scenario == "healthy"


# ------------------------------------------------------------------ reveal
def test_progressive_reveal(board, model):
    first = shown(board.steps[0], model)
    assert board.steps[0].visible is not None
    assert any(first < shown(later, model) for later in board.steps[1:])
    lipids = {"dag", "pkc_theta"}
    adds_lipids = [
        later
        for i, earlier in enumerate(board.steps)
        if not lipids & shown(earlier, model)
        for later in board.steps[i + 1 :]
        if lipids <= shown(later, model)
    ]
    assert adds_lipids, "no step adds the lipid inhibitors after a step without them"


def test_visible_sets_only_grow(board, model):
    for earlier, later in zip(board.steps, board.steps[1:]):
        assert shown(earlier, model) <= shown(later, model), f"'{later.title}' hides nodes '{earlier.title}' showed"


def test_highlight_and_camera_stay_on_screen(board, model):
    for step in board.steps:
        on_screen = shown(step, model)
        assert step.highlight, f"{step.title}: nothing highlighted"
        assert set(step.highlight) <= on_screen, f"{step.title}: highlights hidden nodes"
        if step.camera is not None:
            assert set(step.camera) <= on_screen, f"{step.title}: camera frames hidden nodes"


def test_every_intervention_appears(board, model):
    used = set().union(*(s.interventions for s in board.steps))
    assert used >= {i.id for i in model.interventions}


def test_single_interventions_run_alone_on_the_insulin_resistant_scenario(board):
    singles = [s for s in board.steps if len(s.interventions) == 1]
    assert {name for s in singles for name in s.interventions} == ALL_FOUR
    for step in singles:
        assert step.scenario == "insulin_resistant", step.title


def test_interventions_accumulate_towards_the_end(board):
    combined = [s for s in board.steps if len(s.interventions) > 1]
    assert combined, "no step combines interventions"
    start = board.steps.index(combined[0])
    sizes = [len(s.interventions) for s in board.steps[start:]]
    assert sizes == sorted(sizes), "interventions do not accumulate once they start combining"
    assert set(board.steps[-1].interventions) == ALL_FOUR


def test_animations_use_simulated_minutes(board):
    ends = {s.animate.end for s in board.steps}
    assert 120 in ends, "no acute (two-hour) exercise window"
    assert 80640 in ends, "no eight-week chronic window"


# ------------------------------------------------------------------ references
def test_captions_cite_the_steps_references(board, model):
    model_keys = {r.key for r in model.references}
    for step in board.steps:
        assert step.references, f"{step.title}: no references"
        cited = citations(step.caption)
        assert cited, f"{step.title}: caption cites nothing"
        assert cited & set(step.references), f"{step.title}: caption cites none of {step.references}"
        for text in (step.caption, step.notes, step.answer):
            stray = citations(text) - set(step.references)
            assert not stray, f"{step.title}: cites {sorted(stray)} without listing them under references"
        assert set(step.references) <= model_keys


@pytest.mark.skipif(not ARTICLE.exists(), reason="the source article is not beside the repository")
def test_texts_are_not_copied_from_the_article(board):
    def shingles(text, k=6):
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + k]) for i in range(len(words) - k + 1)}

    article = shingles(ARTICLE.read_text(encoding="utf-8"))
    for step in board.steps:
        for field in ("title", "caption", "notes", "question", "answer"):
            common = shingles(getattr(step, field)) & article
            assert not common, f"{step.title} {field} repeats the article: {' '.join(min(common))!r}"


# ------------------------------------------------------------------ physiology
def test_final_steps_recover_glucose_uptake(board, net, refs):
    final = []
    for step in reversed(board.steps):
        if set(step.interventions) != ALL_FOUR:
            break
        final.append(step)
    assert final, "the storyboard does not end with all four interventions on"
    for step in final:
        assert all(v > 0 for v in step.interventions.values())
        assert not step.knockouts
        x = steady(net, step)
        assert fraction(net, refs, x, "glucose_uptake") >= 0.8, step.title


def test_insulin_resistance_is_downstream_of_the_receptor(board, net, refs):
    healthy, disease = refs
    idx = net.index
    assert disease[idx["insulin_receptor"]] == pytest.approx(healthy[idx["insulin_receptor"]], abs=0.01)
    assert disease[idx["glucose_uptake"]] < 0.5 * healthy[idx["glucose_uptake"]]
    assert disease[idx["blood_glucose"]] > healthy[idx["blood_glucose"]]
    assert disease[idx["compensatory_insulin_secretion"]] > healthy[idx["compensatory_insulin_secretion"]]
    # ceramide-PP2A takes Akt down further than the kinase above it
    assert disease[idx["akt"]] / healthy[idx["akt"]] < disease[idx["pdk1"]] / healthy[idx["pdk1"]]


def test_caloric_restriction_lifts_lipid_not_inflammatory_brakes(board, net, refs):
    for step in only(board, {"caloric_restriction"}):
        x = steady(net, step)
        worst_lipid = min(fraction(net, refs, x, n) for n in (*LIPID_BRAKES, "pkc_epsilon"))
        best_inflammatory = max(fraction(net, refs, x, n) for n in INFLAMMATORY_BRAKES)
        assert worst_lipid > best_inflammatory + 0.5
        assert fraction(net, refs, x, "blood_glucose") > fraction(net, refs, x, "glucose_uptake")
        others = [steady(net, s) for name in ALL_FOUR - {"caloric_restriction"} for s in only(board, {name})]
        assert all(fraction(net, refs, x, "blood_glucose") > fraction(net, refs, o, "blood_glucose") for o in others)


def test_weight_loss_lifts_inflammatory_not_lipid_brakes(board, net, refs):
    for step in only(board, {"weight_loss"}):
        x = steady(net, step)
        assert (
            min(fraction(net, refs, x, n) for n in INFLAMMATORY_BRAKES)
            > max(fraction(net, refs, x, n) for n in LIPID_BRAKES) + 0.5
        )
        assert 0.2 < fraction(net, refs, x, "irs1") < 0.8  # "partly freed"
        assert x[net.index["liver_fat"]] < refs[1][net.index["liver_fat"]]


def test_acute_exercise_raises_uptake_without_akt(board, net, refs):
    disease = refs[1]
    acute = [s for s in only(board, {"aerobic_exercise"}) if not s.knockouts and s.animate.end and s.animate.end <= 240]
    assert acute
    for step in acute:
        cond = net.condition(step.scenario, interventions=step.interventions)
        end = net.simulate(cond, [0.0, step.animate.end], y0=disease).values[-1]
        d_uptake = end[net.index["glucose_uptake"]] - disease[net.index["glucose_uptake"]]
        d_akt = abs(end[net.index["akt"]] - disease[net.index["akt"]])
        assert d_uptake > 0.05
        assert d_akt < 0.1 * d_uptake


def test_exercise_moves_glucose_without_insulin_signalling(board, net, refs):
    for step in only(board, {"aerobic_exercise"}, knockouts={"insulin_receptor"}):
        with_exercise = steady(net, step)
        without = net.steady_state(net.condition(step.scenario, knockouts=step.knockouts))
        both_routes = net.steady_state(net.condition(step.scenario, interventions=step.interventions))
        uptake = net.index["glucose_uptake"]
        assert with_exercise[net.index["akt"]] < 0.01
        assert with_exercise[uptake] > without[uptake] + 0.05
        assert with_exercise[uptake] < both_routes[uptake]


def test_chronic_training_builds_capacity(board, net, refs):
    disease = refs[1]
    chronic = [s for s in only(board, {"aerobic_exercise"}) if not s.knockouts and (s.animate.end or 0) >= 7 * 1440]
    assert chronic
    for step in chronic:
        cond = net.condition(step.scenario, interventions=step.interventions)
        end = net.simulate(cond, [0.0, step.animate.end], y0=disease).values[-1]
        for node in ("pgc1a", "glut4_expression", "mitochondrial_biogenesis", "capillary_density"):
            assert end[net.index[node]] > disease[net.index[node]] + 0.02, node
        for node in ("dag", "ceramide", "jnk"):
            assert end[net.index[node]] < disease[net.index[node]], node


def test_resistance_training_works_through_muscle_mass(board, net, refs):
    for step in only(board, {"resistance_training"}):
        x = steady(net, step)
        assert x[net.index["muscle_mass"]] > refs[1][net.index["muscle_mass"]] + 0.1
        gain = fraction(net, refs, x, "glucose_uptake")
        assert gain > 0.1
        assert abs(fraction(net, refs, x, "akt")) < 0.2 * gain


def test_diet_and_weight_loss_together_normalise_blood_glucose(board, net, refs):
    for step in only(board, {"caloric_restriction", "weight_loss"}):
        x = steady(net, step)
        assert fraction(net, refs, x, "blood_glucose") >= 0.8
        assert fraction(net, refs, x, "compensatory_insulin_secretion") >= 0.8
        assert 0.5 < fraction(net, refs, x, "glucose_uptake")


def test_everything_together_beats_the_sedentary_reference(board, net, refs):
    healthy = refs[0]
    for step in only(board, ALL_FOUR):
        x = steady(net, step)
        for node in (*LIPID_BRAKES, *INFLAMMATORY_BRAKES, "pkc_epsilon"):
            assert fraction(net, refs, x, node) >= 0.95, node
        assert x[net.index["glucose_uptake"]] > healthy[net.index["glucose_uptake"]]


# ------------------------------------------------------------------ playing
def test_player_walks_through_every_step_and_answer(board):
    player = StoryboardPlayer(board)
    seen, answers = [], []
    player.step_changed.connect(seen.append)
    player.answer_revealed.connect(answers.append)
    clicks = len(board.steps) - 1 + sum(1 for s in board.steps if s.question)
    for _ in range(clicks):
        player.next()
    assert player.index == len(board.steps) - 1
    assert seen == list(range(1, len(board.steps)))
    assert answers == [i for i, s in enumerate(board.steps) if s.question]
