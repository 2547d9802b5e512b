"""Change notification without Qt: signals, and state objects that emit one event per field.

The core's state objects (the session, the playhead, the stage) announce every change
through these, so each screen (the window, the hall, the presenter view, a movie being
written) only listens and redraws; nothing pushes state into a widget by hand.

A listener that is a bound method is held weakly: a scene or widget that is closed and
dropped stops being called without having to disconnect (though every view still
disconnects on close, so nothing depends on when the garbage collector runs).

>>> class Lamp(Evented):
...     on = Field(False)
>>> lamp = Lamp()
>>> seen = []
>>> lamp.events.on.connect(seen.append)
>>> lamp.on = True
>>> lamp.on = True      # no change, no event
>>> seen
[True]
"""

from __future__ import annotations

import weakref
from types import SimpleNamespace
from typing import Any
from collections.abc import Callable

__all__ = ["Signal", "Field", "Evented"]


class Signal:
    """A list of callbacks called in order on :meth:`emit`, like a Qt signal without Qt.

    Bound methods are kept as weak references, other callables (functions, lambdas) strongly.
    """

    def __init__(self) -> None:
        self._slots: list[Any] = []

    @staticmethod
    def _ref(slot: Callable):
        if hasattr(slot, "__self__") and hasattr(slot, "__func__"):
            return weakref.WeakMethod(slot)
        return slot

    def _live(self) -> list[Callable]:
        out = []
        for ref in self._slots:
            slot = ref() if isinstance(ref, weakref.WeakMethod) else ref
            if slot is not None:
                out.append(slot)
        return out

    def connect(self, slot: Callable) -> None:
        """Call ``slot`` on every emit (once, however often it is connected)."""
        if slot not in self._live():
            self._slots.append(self._ref(slot))

    def disconnect(self, slot: Callable) -> None:
        """Stop calling ``slot``; disconnecting a slot that is not connected does nothing."""
        for ref in list(self._slots):
            live = ref() if isinstance(ref, weakref.WeakMethod) else ref
            if live is None or live == slot:
                self._slots.remove(ref)

    def emit(self, *args) -> None:
        """Call every live slot with ``args``, in the order they were connected."""
        for slot in self._live():
            slot(*args)

    def __len__(self) -> int:
        return len(self._live())


class Field:
    """A state attribute that emits ``obj.events.<name>(value)`` whenever it changes.

    Values are compared with ``!=``; setting the value a field already has emits nothing.
    """

    def __init__(self, default: Any = None):
        self.default = default
        self.name = ""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return obj.__dict__.get(self.name, self.default)

    def __set__(self, obj, value) -> None:
        old = obj.__dict__.get(self.name, self.default)
        obj.__dict__[self.name] = value
        if _differs(old, value):
            getattr(obj.events, self.name).emit(value)


def _differs(old, new) -> bool:
    try:
        return bool(old != new)
    except ValueError:  # numpy arrays compare element-wise
        return old is not new


class Evented:
    """Base for state objects: ``self.events`` holds one :class:`Signal` per :class:`Field`
    (and per name in ``EXTRA_EVENTS``, for events that are not a single field)."""

    EXTRA_EVENTS: tuple[str, ...] = ()

    def __init__(self) -> None:
        names = [name for klass in type(self).__mro__ for name, value in vars(klass).items() if isinstance(value, Field)]
        self.events = SimpleNamespace(**{name: Signal() for name in [*names, *self.EXTRA_EVENTS]})
