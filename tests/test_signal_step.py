"""Signal step-through: the walk from insulin stops at active inhibitors, and passes them once removed."""

from __future__ import annotations

from visualizer.engine import Network
from visualizer.formats import load_builtin_model
from visualizer.signal_step import signal_hops


def walk(scenario: str, knockouts=()):
    net = Network(load_builtin_model())
    cond = net.condition(scenario, knockouts=knockouts)
    values = net.steady_state(cond)
    return signal_hops(net, values, "insulin", knockouts=knockouts)


def reached(hops):
    return [n for hop in hops for n in hop.reached]


def blocks(hops):
    return {b.node: [i for i, _ in b.inhibitors] for hop in hops for b in hop.blocked}


def test_healthy_signal_runs_from_insulin_to_akt_unblocked():
    # The built-in model now draws AS160 as the active brake that Akt switches off (Akt ⊣ AS160 ⊣ GLUT4),
    # so past Akt the signal travels through an inhibition of an inhibitor, which the walk (activating
    # interactions only) does not follow; it ends at Akt, with nothing blocking it on the way.
    hops = walk("healthy")
    order = reached(hops)
    for a, b in [
        ("insulin", "insulin_receptor"),
        ("insulin_receptor", "irs1"),
        ("irs1", "pi3k"),
        ("pi3k", "pip3"),
        ("pip3", "pdk1"),
        ("pdk1", "akt"),
    ]:
        assert order.index(a) < order.index(b)
    assert blocks(hops) == {}, "nothing holds the healthy signal back"


def test_insulin_resistance_stops_the_signal_at_irs1_and_names_the_brakes():
    hops = walk("insulin_resistant")
    stopped = blocks(hops)
    assert "irs1" in stopped
    assert "pkc_theta" in stopped["irs1"] and {"jnk", "ikkb"} & set(stopped["irs1"])
    assert "pi3k" not in reached(hops), "nothing gets past IRS-1"


def test_knocking_out_the_brakes_lets_the_signal_pass_irs1():
    brakes = blocks(walk("insulin_resistant"))["irs1"]
    hops = walk("insulin_resistant", knockouts=brakes)
    assert "irs1" not in blocks(hops)
    assert "pi3k" in reached(hops) and "akt" in reached(hops)
    assert "pp2a" in blocks(hops).get("akt", []), "the next brake, ceramide's PP2A on Akt, now shows"


def test_a_knocked_out_node_passes_nothing_on():
    hops = walk("healthy", knockouts=["irs1"])
    assert "irs1" in reached(hops) and "pi3k" not in reached(hops)
