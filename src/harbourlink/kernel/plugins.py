"""Value-added services as plug-ins: Python packages found through the ``harbourlink.services`` entry points.

A plug-in's entry point gives one ``Plugin``: its name (what a company opts in to), its routes
(named as ``module:attribute`` so that only the web application imports them), the roles each of
its actions needs, its migrations (a versions directory run against a version table of its own,
so the core's chain never changes), its translations and page templates, and its price when it is
charged. Its event handlers are ``Consumer`` objects under ``harbourlink.consumers``, like the
core's. It may bring its error codes' messages (the pages translate them from its catalogue) and its
part in the simulated port day (named, like the routes, so that only the simulator imports it).
Installing or removing the package is all it takes: nothing here names a plug-in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path

from harbourlink.kernel.actor import Actor
from harbourlink.kernel.errors import Forbidden

ENTRY_POINT_GROUP = "harbourlink.services"
NAME_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"
_NAME = re.compile(NAME_PATTERN)


@dataclass(frozen=True)
class Plugin:
    """What a value-added service brings; everything but ``name`` and ``title`` is optional."""

    name: str
    title: str
    """English; the plug-in's own catalogue translates it for pages."""
    summary: str = ""
    version: str = "0"
    charge_per_use: Decimal | None = None
    """HKD per metered use; ``None`` for a free service (no statement)."""
    unit: str = "use"
    needs_approval: bool = False
    """Whether an opt-in waits for the operator."""
    permissions: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """For each of its actions, the roles that may take it (any role when an action is not named)."""
    api: str | None = None
    """``module:attribute`` of the API router (mounted under the application as it is)."""
    web: str | None = None
    """``module:attribute`` of the pages' router."""
    migrations: Path | None = None
    """A directory of Alembic revisions, one chain of its own."""
    translations: Path | None = None
    """A directory laid out as the core's: ``<catalogue>/LC_MESSAGES/messages.po``."""
    templates: Path | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    """Its error codes' messages in English, msgids of its own catalogue, for pages to show translated."""
    simulator: str | None = None
    """``module:attribute`` of its part in the simulated port day: a ``sim.acts.Story`` (the scenario in,
    the steps its parties take out), which the simulator resolves and plays with the day's other steps."""

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"plug-in name {self.name!r} must match {NAME_PATTERN}")

    @property
    def charged(self) -> bool:
        return self.charge_per_use is not None

    @property
    def version_table(self) -> str:
        return f"alembic_version_{self.name}"

    def check_permitted(self, actor: Actor, action: str) -> None:
        """A person needs one of the roles the action names; a company's system acts for the company."""
        allowed = self.permissions.get(action)
        if allowed is None or actor.is_machine or actor.roles & allowed:
            return
        raise Forbidden(
            f"{action} in {self.name} needs the role {' or '.join(sorted(allowed))}",
            code="role_required",
            data={"service": self.name, "action": action, "roles": sorted(allowed)},
        )


_registered: dict[str, Plugin] = {}


def _declared() -> dict[str, Plugin]:
    found: dict[str, Plugin] = {}
    for point in entry_points(group=ENTRY_POINT_GROUP):
        plugin = point.load()
        if not isinstance(plugin, Plugin):
            raise TypeError(f"entry point {point.name} of {ENTRY_POINT_GROUP} must give a Plugin")
        found[plugin.name] = plugin
    return found


def installed() -> dict[str, Plugin]:
    """Every installed plug-in by name: those the installed packages declare, then those registered at run time."""
    return dict(sorted({**_declared(), **_registered}.items()))


def find(name: str) -> Plugin | None:
    return installed().get(name)


def register(plugin: Plugin) -> None:
    """Adds a plug-in at run time (a test)."""
    _registered[plugin.name] = plugin


def unregister(name: str) -> None:
    _registered.pop(name, None)
