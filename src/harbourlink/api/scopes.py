"""Which API-key scope each operation needs, declared once per router and checked before the handler runs.

A router names the scope of all its operations (``APIRouter(dependencies=[require_scope(...)])``);
an operation that needs another one declares its own rule, and the innermost rule wins::

    router = APIRouter(dependencies=[require_scope(KeyScope.CARGO_READ)])

    @router.post("/bl-links", dependencies=[require_scope(KeyScope.CARGO_WRITE)])

``require_scope(None)`` lets any authenticated caller in, ``public()`` anyone. A key lacking the
scope answers 403 ``missing_scope`` whatever the path's ids, so the refusal says nothing about
other companies' data. People's sessions pass (``Actor.has_scope``): their roles are checked by
the services. The OpenAPI document shows each operation's rule as ``x-required-scope`` and as the
scopes of its ``apiKey`` security requirement.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute

from harbourlink.api.context import authenticate
from harbourlink.identity import KeyScope
from harbourlink.kernel import Forbidden

SCOPE_EXTENSION = "x-required-scope"
ANY_CALLER = "authenticated"
PUBLIC = "public"


class ScopeRule:
    """A dependency that enforces its rule when it is the innermost one declared for the operation."""

    def __init__(self, scope: KeyScope | None, *, public: bool = False) -> None:
        self.scope = scope
        self.public = public

    @property
    def label(self) -> str:
        return PUBLIC if self.public else self.scope.value if self.scope else ANY_CALLER

    def __call__(self, request: Request) -> None:
        if rule_of(request.scope.get("route")) is not self:
            return  # the operation declared a rule of its own
        if self.public:
            return
        actor = authenticate(request)
        if self.scope is not None and not actor.has_scope(self.scope):
            raise Forbidden(
                f"this API key lacks the {self.scope.value} scope",
                code="missing_scope",
                data={"scope": self.scope.value},
            )


def require_scope(scope: KeyScope | None) -> Any:
    """The rule: an API key must carry ``scope`` (``None``: any authenticated caller)."""
    return Depends(ScopeRule(scope))


def public() -> Any:
    """The rule: anyone, without credentials."""
    return Depends(ScopeRule(None, public=True))


def rule_of(route: object) -> ScopeRule | None:
    """The innermost rule declared for a route (an operation's own come after its router's)."""
    dependencies = getattr(route, "dependencies", None) or []
    rules = [d.dependency for d in dependencies if isinstance(d, DependsParam) and isinstance(d.dependency, ScopeRule)]
    return rules[-1] if rules else None


def document_scopes(document: dict[str, Any], routes: list[BaseRoute]) -> None:
    """Writes each operation's rule into the OpenAPI document (extension and security requirement)."""
    for context in iter_route_contexts(routes):
        rule = rule_of(context.original_route)
        if rule is None or not isinstance(context.original_route, APIRoute):
            continue
        for method in context.methods or ():
            operation = document["paths"].get(context.path_format, {}).get(method.lower())
            if operation is None:
                continue
            operation[SCOPE_EXTENSION] = rule.label
            if rule.public:
                operation["security"] = []
            else:
                key_scopes = [rule.scope.value] if rule.scope else []
                operation["security"] = [{"apiKey": key_scopes}, {"session": []}]
