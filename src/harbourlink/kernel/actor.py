"""Who is acting: a person of a company, or a company's system through an API key."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated principal of one request or command.

    ``roles`` are the user's roles within ``org_id``; ``org_types`` the company's types;
    ``scopes`` limit an API key (empty for a person, who is limited by roles instead).
    """

    org_id: str
    user_id: str | None = None
    api_key_id: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    org_types: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    ip: str | None = None

    @property
    def is_operator(self) -> bool:
        return "operator" in self.org_types

    @property
    def is_machine(self) -> bool:
        return self.api_key_id is not None

    def has_scope(self, scope: str) -> bool:
        """A person's session carries every scope its roles allow; a key only those it was given."""
        return not self.is_machine or scope in self.scopes
