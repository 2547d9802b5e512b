"""The pathway model: nodes, interactions, inputs, scenarios and interventions.

These are plain immutable records. Loaders (``visualizer.formats``) build them
and check them; the engine compiles them into arrays; the Qt layer draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

__all__ = [
    "ACTIVATES",
    "INHIBITS",
    "NODE_KINDS",
    "COMPARTMENTS",
    "TISSUES",
    "Reference",
    "Node",
    "Interaction",
    "Input",
    "Scenario",
    "Intervention",
    "Region",
    "REGION_KINDS",
    "Module",
    "ROLES",
    "Model",
]

ACTIVATES = "activates"
INHIBITS = "inhibits"

#: Node kinds and what they are drawn as (SBGN Activity Flow where it fits).
NODE_KINDS = {
    "ligand": "a hormone or other signal arriving from outside the cell",
    "receptor": "a membrane receptor",
    "adaptor": "a docking or scaffold protein",
    "kinase": "a protein kinase",
    "phosphatase": "a protein phosphatase",
    "gap": "a GTPase-activating protein",
    "transcription_regulator": "a transcription factor or co-activator",
    "protein": "another protein",
    "lipid": "a lipid or lipid intermediate",
    "small_molecule": "a metabolite, ion or nucleotide",
    "cytokine": "a secreted signalling protein",
    "transporter": "a membrane transporter",
    "process": "a cellular process",
    "phenotype": "an outcome at the level of cell, tissue or body",
    "input": "an external condition set by a scenario",
}

#: Compartments, outermost first, with the names shown on the diagram.
COMPARTMENTS = {
    "blood": "Blood",
    "extracellular": "Extracellular space",
    "plasma_membrane": "Plasma membrane",
    "cytosol": "Cytosol",
    "glut4_storage_vesicle": "GLUT4 storage vesicles",
    "lipid_droplet": "Lipid droplet",
    "mitochondrion": "Mitochondrion",
    "nucleus": "Nucleus",
    "whole_body": "Whole body",
}

#: Tissues, each drawn as its own labelled region.
TISSUES = {
    "skeletal_muscle": "Skeletal muscle",
    "liver": "Liver",
    "adipose": "Adipose tissue",
    "pancreas": "Pancreas",
    "whole_body": "Whole body",
}


@dataclass(frozen=True)
class Reference:
    """A paper the model cites: a short key used in the file, the full citation, and its DOI if known."""

    key: str
    citation: str
    doi: str | None = None


@dataclass(frozen=True)
class Node:
    """A molecular species, process or phenotype with activity in [0, ymax]."""

    id: str
    label: str
    kind: str = "protein"
    compartment: str | None = None
    tissue: str | None = None
    position: tuple[float, float] | None = None
    description: str = ""
    references: tuple[str, ...] = ()
    tau: float = 1.0
    ymax: float = 1.0
    y0: float = 0.0
    basal: float = 0.0
    """Constant drive OR-ed with the node's inputs (a Netflux ``=> A`` reaction that no scenario changes)."""


@dataclass(frozen=True)
class Interaction:
    """A signed influence of ``source`` on ``target`` with its normalised-Hill parameters.

    Interactions into one target that share a ``group`` are combined by AND; the
    groups of a target are combined by OR (Netflux: one group is one reaction).
    """

    source: str
    target: str
    sign: str = ACTIVATES
    group: str = ""
    w: float = 1.0
    n: float = 1.4
    ec50: float = 0.5
    strength: float = 1.0
    """For an inhibitor, the largest fraction of the group's weight it can remove."""
    mechanism: str = ""
    references: tuple[str, ...] = ()

    @property
    def inhibits(self) -> bool:
        """True for an inhibition (drawn as a T-bar), False for an activation."""
        return self.sign == INHIBITS

    @property
    def key(self) -> tuple[str, str, str]:
        """(source, target, group): what identifies an interaction in the model and on the diagram."""
        return (self.source, self.target, self.group)


@dataclass(frozen=True)
class Input:
    """A node whose drive is set by the scenario (or ``--set``)."""

    node: str
    level: float = 0.0
    description: str = ""


@dataclass(frozen=True)
class Scenario:
    """A named physiology (healthy, insulin resistant, ...): the level of each input it sets."""

    id: str
    label: str
    description: str = ""
    inputs: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Intervention:
    """A lifestyle change: input-level deltas at intensity 1, scaled linearly by intensity."""

    id: str
    label: str
    description: str = ""
    references: tuple[str, ...] = ()
    effects: dict[str, float] = field(default_factory=dict)
    time_scale: str = "chronic"


#: How a region is drawn: a tissue is a large labelled area, a compartment a
#: rounded area inside it, a membrane a band.
REGION_KINDS = ("tissue", "compartment", "membrane")


@dataclass(frozen=True)
class Region:
    """A labelled area of the curated diagram (tissue, compartment or membrane band)."""

    id: str
    label: str
    kind: str
    rect: tuple[float, float, float, float]
    """x, y, width, height in diagram units (y grows downwards)."""


@dataclass(frozen=True)
class Module:
    """A named part of the diagram (the insulin cascade, the lipid brakes, ...).

    A whole-map view can draw a module as one labelled block coloured by the activity
    of its ``key`` node, and a lecture step opens the modules it discusses.
    """

    id: str
    label: str
    nodes: tuple[str, ...]
    key: str | None = None
    """The node whose activity stands for the module when it is drawn collapsed."""
    description: str = ""


#: What a model can name a node for, so generic features work on any model without knowing its ids.
ROLES = {
    "signal_start": "where signal stepping starts (S in a lecture, Ctrl+1 in the window)",
    "second_signal_start": "a second start for signal stepping (Ctrl+2), e.g. muscle contraction",
    "vesicle_target": "the process that GLUT4-style storage vesicles travel to (drawn as moving vesicles)",
    "vesicle_region": "the region (compartment) the vesicles are stored in",
    # the body level (visualizer/coupling.py): a model that names the first five is coupled to it
    "plasma_insulin": "the input that is plasma insulin, on the scale I/(I + 150 pmol/L) (body level)",
    "plasma_glucose": "the input that is plasma glucose, on the scale G/(G + 90 mg/dL) (body level)",
    "muscle_glucose_uptake": "muscle glucose uptake: its insulin-stimulated part scales the body's insulin-dependent use",
    "hepatic_glucose_output": "hepatic glucose output: its suppression by insulin scales the body's",
    "beta_cell_function": "the input that is β-cell function (the healthy scenario's level is normal)",
    "insulin_secretion": "an input showing the body's insulin secretion, S/(S + S_healthy) (optional)",
    "dietary_carbohydrate": "the input that is the carbohydrate eaten, relative to the healthy scenario (optional)",
    "muscle_contraction": "the input that is muscle contraction now (optional; the body's liver output matches its uptake)",
}


@dataclass(frozen=True)
class Model:
    """A whole model: what the loaders build and check, the engine compiles and the scene draws."""

    title: str
    nodes: tuple[Node, ...]
    interactions: tuple[Interaction, ...]
    inputs: tuple[Input, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    references: tuple[Reference, ...] = ()
    regions: tuple[Region, ...] = ()
    version: str = ""
    description: str = ""
    time_unit: str = "min"
    healthy_scenario: str | None = None
    disease_scenario: str | None = None
    default_scenario: str | None = None
    source: str = ""
    """Where the model was read from (a path), for messages."""
    roles: dict[str, str] = field(default_factory=dict)
    """Role name (see :data:`ROLES`) → node or region id."""
    plotted: tuple[str, ...] = ()
    """Nodes plotted when the model opens (empty: the last few nodes)."""
    modules: tuple[Module, ...] = ()

    # -- look-ups -------------------------------------------------------------
    @property
    def node_ids(self) -> list[str]:
        """Every node id, in the model's order (the engine's state vector follows it)."""
        return [n.id for n in self.nodes]

    @cached_property
    def _nodes_by_id(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError if there is none)."""
        return self._nodes_by_id[node_id]

    def reference(self, key: str) -> Reference | None:
        """The reference with this key, or None."""
        return next((r for r in self.references if r.key == key), None)

    def scenario(self, scenario_id: str) -> Scenario:
        """The scenario with this id (KeyError if there is none)."""
        for s in self.scenarios:
            if s.id == scenario_id:
                return s
        raise KeyError(scenario_id)

    def intervention(self, intervention_id: str) -> Intervention:
        """The intervention with this id (KeyError if there is none)."""
        for i in self.interventions:
            if i.id == intervention_id:
                return i
        raise KeyError(intervention_id)

    @property
    def input_ids(self) -> list[str]:
        """The nodes a scenario or ``--set`` can set."""
        return [i.node for i in self.inputs]

    @property
    def has_references(self) -> bool:
        """True when the model names both a healthy and a disease reference scenario."""
        return bool(self.healthy_scenario and self.disease_scenario)

    @property
    def has_positions(self) -> bool:
        """True when every node has a position on the curated diagram (else one is laid out)."""
        return all(n.position is not None for n in self.nodes)

    def role(self, name: str) -> str | None:
        """The node (or region) the model names for ``name`` (see :data:`ROLES`), if any."""
        return self.roles.get(name)

    def incoming(self, node_id: str) -> list[Interaction]:
        """The interactions that act on ``node_id``."""
        return [i for i in self.interactions if i.target == node_id]

    def outgoing(self, node_id: str) -> list[Interaction]:
        """The interactions ``node_id`` acts through."""
        return [i for i in self.interactions if i.source == node_id]
