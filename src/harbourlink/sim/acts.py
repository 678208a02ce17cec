"""What the simulated parties do through the services' own use cases rather than by message: acts.

A message (``plan.Send``) goes through the inbound path; an act calls the public service functions
the API calls, as one party, so it leaves the same records the API would. Each act is a frozen
dataclass (the same scenario then gives equal plans) with its ``due`` time, a ``label`` and
``run(session, cast)``. The services draw some numbers at random (a CCRN, a UBR, a declaration's
id): an act returns those it was given under keys of its own, and later acts ``recall`` them. A
refused act is a problem of the run, as a refused message is; an act whose number never came is
skipped.

Plug-ins play their part the same way: ``Plugin.simulator`` names a ``Story`` (the scenario in, its
acts out), which ``plugin_acts`` resolves, so the simulator names no plug-in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pkgutil import resolve_name
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session

from harbourlink.kernel import plugins
from harbourlink.sim.scenario import Scenario

if TYPE_CHECKING:
    from harbourlink.sim.runner import Parties


class Missing(Exception):
    """A number an act needs was never given (the act that should have made it was refused)."""


@dataclass(frozen=True)
class Cast:
    """The parties acts are taken as, and the numbers earlier acts were given."""

    parties: Parties
    memory: Mapping[str, str]

    def recall(self, key: str) -> str:
        if key not in self.memory:
            raise Missing(key)
        return self.memory[key]


class Act(Protocol):
    """One thing a party does through a service's use case, at a simulated time."""

    @property
    def due(self) -> datetime: ...

    @property
    def label(self) -> str: ...

    def run(self, session: Session, cast: Cast) -> Mapping[str, str]:
        """Does it in ``session`` (the runner commits); returns the numbers to remember, by key."""
        ...


Story = Callable[[Scenario], Sequence[Act]]
"""A part of the day: the acts it adds to the scenario's."""


def plugin_acts(scenario: Scenario) -> list[Act]:
    """The acts of every installed plug-in that takes part in the simulated day."""
    acts: list[Act] = []
    for plugin in plugins.installed().values():
        if plugin.simulator:
            story: Story = resolve_name(plugin.simulator)
            acts += story(scenario)
    return acts
