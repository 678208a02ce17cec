"""The registry of alert types: ``@register`` on a class in ``alerts/rules/`` is all a new type needs.

Every module in ``harbourlink.alerts.rules`` is imported on first use, so adding a type is adding
one file; nothing in the core names the types.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TypeVar

from harbourlink.alerts.domain import AlertType
from harbourlink.kernel import ValidationFailed

_TYPES: dict[str, AlertType] = {}
_loaded = False
T = TypeVar("T", bound=type[AlertType])


def register(cls: T) -> T:
    """Class decorator: makes an ``AlertType`` subclass known by its ``name``."""
    if cls.name in _TYPES and type(_TYPES[cls.name]) is not cls:
        raise ValueError(f"alert type {cls.name!r} is registered twice")
    _TYPES[cls.name] = cls()
    return cls


def _load() -> None:
    global _loaded  # noqa: PLW0603 - the registry is filled once per process, on first use
    if _loaded:
        return
    from harbourlink.alerts import rules  # noqa: PLC0415 - rules import this module to register

    for module in pkgutil.iter_modules(rules.__path__):
        importlib.import_module(f"{rules.__name__}.{module.name}")
    _loaded = True


def all_types() -> dict[str, AlertType]:
    """Every registered alert type by name."""
    _load()
    return dict(_TYPES)


def alert_type(name: str) -> AlertType:
    """One registered type, or a validation error naming the known ones."""
    types = all_types()
    if name not in types:
        raise ValidationFailed(
            f"unknown alert type {name!r}; known: {', '.join(sorted(types))}",
            code="unknown_alert_type",
            data={"alert_type": name},
        )
    return types[name]
