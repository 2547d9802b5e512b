"""The inspector: what a selected node is, its value now, and every interaction in and out,
with mechanisms and full citations from the model."""

from __future__ import annotations

import html

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QTextBrowser

from visualizer.model import COMPARTMENTS, NODE_KINDS, TISSUES
from visualizer.session import Session

__all__ = ["Inspector"]


def _number(value: float) -> str:
    """Three decimals, never "-0.000" (a solver's -1e-9 is zero to a reader)."""
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


class Inspector(QTextBrowser):
    """Signals: ``explain_requested(str)`` when the user asks why a node is where it is."""

    explain_requested = Signal(str)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.explanation: str = ""
        self.session = session
        self.node_id: str | None = None
        self.setOpenExternalLinks(False)
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._on_link)
        self.setMinimumWidth(260)
        self._last_value: float | None = None
        session.values_changed.connect(self._on_values)
        session.model_changed.connect(self._on_model)
        self.show_node(None)

    def disconnect_session(self) -> None:
        self.session.values_changed.disconnect(self._on_values)
        self.session.model_changed.disconnect(self._on_model)

    def _on_model(self) -> None:
        self.show_node(None)

    def _on_values(self, values) -> None:
        if self.node_id is not None:
            value = round(self.session.value(self.node_id), 3)
            if value != self._last_value:
                self.show_node(self.node_id)

    def _on_link(self, url: QUrl) -> None:
        if url.scheme() == "explain" and self.node_id is not None:
            self.explain_requested.emit(self.node_id)
        elif url.scheme() in ("http", "https"):
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(url)

    def show_explanation(self, node_id: str, text: str) -> None:
        """Show "why?" for the node on show (plain text from the analysis), under its details."""
        self.explanation = text
        self.show_node(node_id)

    def show_node(self, node_id: str | None) -> None:
        if node_id != self.node_id:
            self.explanation = ""
        self.node_id = node_id
        model = self.session.model
        if node_id is None:
            self._last_value = None
            self.setHtml(
                f"<h3>{html.escape(model.title)}</h3><p>{html.escape(model.description)}</p>"
                "<p><i>Click a node to see what it is, its activity and how it is connected.</i></p>"
            )
            return
        node = model.node(node_id)
        value = self.session.value(node_id)
        self._last_value = round(value, 3)
        parts = [f"<h3>{html.escape(node.label)}</h3>"]
        where = [NODE_KINDS.get(node.kind, node.kind)]
        if node.compartment:
            where.append(COMPARTMENTS.get(node.compartment, node.compartment).lower())
        if node.tissue:
            where.append(TISSUES.get(node.tissue, node.tissue).lower())
        parts.append(f"<p style='color:gray'>{html.escape(' · '.join(where))}</p>")
        if node.description:
            parts.append(f"<p>{html.escape(node.description)}</p>")
        line = f"<p><b>Activity now:</b> {_number(value)}"
        if node_id in self.session.condition.knockouts:
            line += " <b>(knocked out)</b>"
        refs = self.session.references
        if refs is not None:
            i = self.session.network.index[node_id]
            line += f"<br><b>Healthy:</b> {_number(refs[0][i])} &nbsp; <b>Insulin-resistant:</b> {_number(refs[1][i])}"
            rec = (self.session.recovery() or {})[node_id]
            frac = "" if rec.fraction is None else f" ({rec.fraction:.0%} of the way back)"
            line += f"<br><b>Recovery:</b> {rec.status}{frac}"
        parts.append(line + "</p>")
        if self.explanation:
            body = html.escape(self.explanation).replace("\n", "<br>")
            parts.append(f"<h4>Why? What fixes it?</h4><p style='background:#F2F6FA'>{body}</p>")
        else:
            parts.append("<p><a href='explain:node'>Why is it here, and what fixes it?</a></p>")
        cited: list[str] = list(node.references)
        for title, items, other in (
            ("Inputs", model.incoming(node_id), "source"),
            ("Outputs", model.outgoing(node_id), "target"),
        ):
            if not items:
                continue
            parts.append(f"<h4>{title}</h4><ul>")
            for it in items:
                partner = model.node(getattr(it, other)).label
                arrow = "⊣" if it.inhibits else "→"
                text = f"{partner} {arrow} {node.label}" if other == "source" else f"{node.label} {arrow} {partner}"
                mech = f"<br><span style='color:gray'>{html.escape(it.mechanism)}</span>" if it.mechanism else ""
                keys = ", ".join(it.references)
                cited.extend(r for r in it.references if r not in cited)
                parts.append(f"<li><b>{html.escape(text)}</b>{mech}{' [' + html.escape(keys) + ']' if keys else ''}</li>")
            parts.append("</ul>")
        if cited:
            parts.append("<h4>References</h4><ol>")
            for key in dict.fromkeys(cited):
                ref = model.reference(key)
                if ref is None:
                    continue
                doi = f" <a href='https://doi.org/{html.escape(ref.doi)}'>doi:{html.escape(ref.doi)}</a>" if ref.doi else ""
                parts.append(f"<li>[{html.escape(key)}] {html.escape(ref.citation)}{doi}</li>")
            parts.append("</ol>")
        scroll = self.verticalScrollBar().value()
        self.setHtml("".join(parts))
        self.verticalScrollBar().setValue(scroll)
