"""How the tracer reads a traced call: its arguments bound by name, and its entry in a definition."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["Spec", "definition_activities", "entity_type", "resolve"]


class _Binder:
    """Binds a call's arguments to the parameter names of a function, without ``Signature.bind``."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.positional: list[str] = []
        self.defaults: dict[str, Any] = {}
        self.named: set[str] = set()
        self.var_args: str | None = "args"
        try:
            parameters = inspect.signature(func).parameters.values()
        except (TypeError, ValueError):
            return
        self.var_args = None
        for p in parameters:
            if p.kind is p.VAR_POSITIONAL:
                self.var_args = p.name
                continue
            if p.kind is p.VAR_KEYWORD:
                continue
            if p.kind is not p.KEYWORD_ONLY:
                self.positional.append(p.name)
            if p.kind is not p.POSITIONAL_ONLY:
                self.named.add(p.name)
            if p.default is not p.empty:
                self.defaults[p.name] = p.default

    def bind(self, args: tuple, kwargs: dict[str, Any]) -> dict[str, Any]:
        """``{name: value}``: named parameters (defaults applied), ``*args`` as ``args[i]``, ``**kw`` by key."""
        bound = dict(self.defaults)
        bound.update(zip(self.positional, args, strict=False))  # fewer args: the rest are defaults
        extra = args[len(self.positional):]
        if extra and self.var_args:
            bound.update((f"{self.var_args}[{i}]", value) for i, value in enumerate(extra))
        bound.update(kwargs)
        return bound


class Spec:
    """What the tracer knows of one traced function: its name, binder and description."""

    __slots__ = ("binder", "entry", "name", "roles")

    def __init__(self, func: Callable[..., Any], name: str | None, entry: dict | None,
                 roles: dict[str, str] | None) -> None:
        self.name = name or func.__name__
        self.binder = _Binder(func)
        self.entry = entry if isinstance(entry, dict) else None
        self.roles = roles or {}


def resolve(expression: Any, namespace: dict[str, Any]) -> Any:
    """The value of a dotted ``expression`` (``settings.observations.datastore``) among the
    call's arguments, else among the attributes of ``self``; None when it cannot be found."""
    if not isinstance(expression, str) or not expression:
        return None
    first, *rest = expression.split(".")
    if first in namespace:
        value = namespace[first]
    elif namespace.get("self") is not None:
        value = getattr(namespace["self"], first, None)
    else:
        return None
    for part in rest:
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if value is None:
            return None
    return value


def definition_activities(definition: dict | None, owner: str | None) -> dict[str, dict]:
    """The ``activities`` of a definition: those of the section named ``owner`` (a class), else the top ones."""
    if not definition:
        return {}
    section = definition.get(owner) if owner else None
    activities = (section if isinstance(section, dict) else definition).get("activities")
    return activities if isinstance(activities, dict) else {}


def entity_type(item: dict) -> str | None:
    """The entity type a definition's usage or generation names (three spellings, oldest first)."""
    return item.get("entityType") or item.get("entityName") or item.get("entity_description")
