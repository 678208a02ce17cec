"""The DCSA Track & Trace 2.2 API: ``GET /v2/events`` and ``/v2/event-subscriptions``.

Same credentials as ``/api/v1`` (API key or browser session; reading needs ``cargo:read``).
Every answer carries ``API-Version: 2.2.0``. Errors take DCSA's ``error`` shape (``httpMethod``,
``requestUri``, ``statusCode``, ``statusCodeText``, ``errorDateTime``, ``errors[{reason,
message}]``) and keep HarbourLink's ``error``, ``detail`` and ``data`` beside it.

Pages are cursor-based: ``Current-Page`` always, ``Next-Page`` while more follow and
``First-Page`` after the first; each is a link whose ``cursor`` is opaque and
signed, carrying the query (filters, sort, limit) and the position in the store, so a cursor is
sent alone. ``Prev-Page`` and ``Last-Page`` are optional in 2.2 and not given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Request, Response, status
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from itsdangerous import BadSignature, URLSafeSerializer

from harbourlink import access
from harbourlink.api.context import CurrentActor, DbSession, runtime
from harbourlink.api.errors import ANSWERED, RATE_LIMITED_RESPONSE, error_answer
from harbourlink.api.scopes import require_scope
from harbourlink.identity import KeyScope
from harbourlink.integrations.dcsa.filters import LIMITS, LISTS, OPERATORS, TntFilters, filters_from_query
from harbourlink.integrations.dcsa.schema import v22_components
from harbourlink.kernel import Actor, ValidationFailed, utcnow
from harbourlink.tracking import subscriptions as feeds
from harbourlink.tracking.subscriptions import API_VERSION, CallbackPolicy, Sort

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
PAGING = ("limit", "cursor", "sort")


def dcsa_error(request: Request, exc: Exception) -> JSONResponse:
    """DCSA's error body for one of ``api.errors.ANSWERED``, with HarbourLink's fields beside DCSA's."""
    status, body, headers = error_answer(exc)
    found = body["data"].get("errors")
    errors = (
        [{"reason": body["error"], "message": f"{e['location']}: {e['message']}"} for e in found]
        if isinstance(found, list) and found
        else [{"reason": body["error"], "message": body["detail"]}]
    )
    dcsa = {
        "httpMethod": request.method,
        "requestUri": str(request.url.remove_query_params("cursor")),
        "statusCode": status,
        "statusCodeText": HTTPStatus(status).phrase,
        "errorDateTime": utcnow().isoformat(timespec="seconds"),
        "errors": errors,
    }
    return JSONResponse({**dcsa, **body}, status_code=status, headers=headers)


class DcsaRoute(APIRoute):
    """Adds ``API-Version`` to every answer, errors included, and gives errors DCSA's shape."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except ANSWERED as exc:
                response = dcsa_error(request, exc)
            response.headers["API-Version"] = API_VERSION
            return response

        return route


_DCSA_ERROR_FIELDS: dict[str, Any] = {
    "type": "object",
    "required": ["httpMethod", "requestUri", "statusCode", "statusCodeText", "errorDateTime", "errors"],
    "properties": {
        "httpMethod": {"type": "string"},
        "requestUri": {"type": "string"},
        "statusCode": {"type": "integer"},
        "statusCodeText": {"type": "string"},
        "errorDateTime": {"type": "string", "format": "date-time"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["reason", "message"],
                "properties": {"reason": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
DCSA_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "description": HTTPStatus(status).phrase,
        "content": {
            "application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/Error"}, _DCSA_ERROR_FIELDS]}}
        },
    }
    for status in (400, 401, 403, 404, 409, 422, 429)
}
DCSA_ERROR_RESPONSES[429] = {**DCSA_ERROR_RESPONSES[429], "headers": RATE_LIMITED_RESPONSE["headers"]}
DCSA_ERROR_RESPONSES[413] = {
    "description": "the body exceeds the size limit (refused before it is read)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}

router = APIRouter(
    tags=["DCSA Track & Trace 2.2"],
    route_class=DcsaRoute,
    responses=DCSA_ERROR_RESPONSES,
    dependencies=[require_scope(KeyScope.CARGO_READ)],
)


def _check_api_version(api_version: str | None) -> None:
    if api_version is not None and api_version.strip().split(".")[0] != "2":
        raise ValidationFailed(
            "API-Version: this is version 2 of the Track & Trace API",
            code="unsupported_api_version",
            data={"field": "API-Version", "value": api_version},
        )


ApiVersion = Annotated[str | None, Header(alias="API-Version", description="MAJOR version only, e.g. 2")]


def _serializer(request: Request, kind: str) -> URLSafeSerializer:
    return URLSafeSerializer(runtime(request).settings.resolved_secret_key(), salt=f"harbourlink.dcsa.{kind}.cursor")


def _decode_cursor(request: Request, actor: Actor, kind: str, token: str) -> dict[str, Any]:
    try:
        state = _serializer(request, kind).loads(token)
    except BadSignature:
        raise ValidationFailed(
            "cursor: not a cursor this server issued", code="invalid_cursor", data={"field": "cursor"}
        ) from None
    if not isinstance(state, dict) or state.get("o") != actor.org_id:
        raise ValidationFailed("cursor: issued to another company", code="invalid_cursor", data={"field": "cursor"})
    return state


def _link(request: Request, kind: str, state: dict[str, Any]) -> str:
    token = _serializer(request, kind).dumps(state)
    return str(request.url.replace(query=f"cursor={token}"))


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise ValidationFailed(
            f"limit: a whole number from 1 to {MAX_LIMIT}", code="invalid_limit", data={"field": "limit", "value": raw}
        )
    return value


def _query_state(request: Request, actor: Actor) -> dict[str, Any]:
    items = list(request.query_params.multi_items())
    given = {name for name, _ in items}
    if "cursor" in given:
        if given != {"cursor"} or len(items) != 1:
            raise ValidationFailed(
                "a cursor carries its query; send it alone", code="invalid_cursor", data={"field": "cursor"}
            )
        return _decode_cursor(request, actor, "events", items[0][1])
    paging = {name: value for name, value in items if name in PAGING}
    filters = filters_from_query([(name, value) for name, value in items if name not in PAGING])
    feeds.held_references(filters)
    return {
        "o": actor.org_id,
        "f": filters.as_json(),
        "s": Sort.parse(paging.get("sort")).as_text(),
        "l": _limit(paging.get("limit")),
        "a": None,
    }


def _event_parameters() -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    for name, allowed in LISTS.items():
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "style": "form",
                "explode": False,
                "description": "comma-separated; any of them",
                "schema": {"type": "array", "items": {"type": "string", "enum": sorted(allowed)}},
            }
        )
    for name, longest in LIMITS.items():
        parameters.append(
            {"name": name, "in": "query", "required": False, "schema": {"type": "string", "maxLength": longest}}
        )
    for operator in ("", *OPERATORS):
        name = "eventCreatedDateTime" + (f":{operator}" if operator else "")
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": "creation time of the event; no operator means equal",
                "schema": {"type": "string", "format": "date-time"},
            }
        )
    parameters += [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        },
        {
            "name": "cursor",
            "in": "query",
            "required": False,
            "description": "from a Next-Page/First-Page link",
            "schema": {"type": "string"},
        },
        {
            "name": "sort",
            "in": "query",
            "required": False,
            "description": "eventCreatedDateTime or eventDateTime, with :ASC (default) or :DESC; "
            "default: arrival order",
            "schema": {"type": "string"},
        },
    ]
    return parameters


DCSA_PREFIX = "dcsa_"
EVENT_SCHEMAS = ("transportEvent", "shipmentEvent", "equipmentEvent")


def _dcsa(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{DCSA_PREFIX}{name}"}


def document_dcsa_schemas(document: dict[str, Any]) -> None:
    """Adds DCSA's 2.2 schemas (``dcsa_<name>``, the one enum relaxed to the codes) that /v2 answers refer to."""
    text = json.dumps(v22_components()).replace('"#/components/schemas/', f'"#/components/schemas/{DCSA_PREFIX}')
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update({f"{DCSA_PREFIX}{name}": schema for name, schema in json.loads(text).items()})


PAGE_HEADERS = {
    name: {"schema": {"type": "string"}} for name in ("API-Version", "Current-Page", "Next-Page", "First-Page")
}


@router.get(
    "/v2/events",
    summary="Find events (DCSA T&T 2.2)",
    description="Shipment, transport and equipment events visible to the caller, in DCSA 2.2 shape. "
    "Naming a carrierBookingReference, transportDocumentReference or equipmentReference "
    "presents it, so owners' 'anyone with the reference' grants apply.",
    responses={
        200: {
            "headers": PAGE_HEADERS,
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": {"anyOf": [_dcsa(name) for name in EVENT_SCHEMAS]}}
                }
            },
        }
    },
    openapi_extra={"parameters": _event_parameters()},
)
def get_events(request: Request, actor: CurrentActor, session: DbSession, api_version: ApiVersion = None) -> Response:
    _check_api_version(api_version)
    feeds.check_may_read(actor)
    state = _query_state(request, actor)
    filters = TntFilters.from_json(state["f"])
    sort = Sort.parse(state["s"])
    after = tuple(state["a"]) if state["a"] is not None else None
    page = feeds.page_v22_events(session, access.scope_for(actor), filters, sort=sort, after=after, limit=state["l"])
    headers = {"Current-Page": _link(request, "events", state)}
    if page.next_position is not None:
        headers["Next-Page"] = _link(request, "events", {**state, "a": list(page.next_position)})
    if state["a"] is not None:
        headers["First-Page"] = _link(request, "events", {**state, "a": None})
    return JSONResponse(page.events, headers=headers)


# ---------------------------------------------------------------- subscriptions


def _policy(request: Request) -> CallbackPolicy:
    policy = getattr(request.app.state, "dcsa_callback_policy", None)
    return policy if isinstance(policy, CallbackPolicy) else CallbackPolicy()


SubscriptionBody = Annotated[dict[str, Any], Body(description="a DCSA 2.2 subscription body")]
SUBSCRIPTION = {"content": {"application/json": {"schema": _dcsa("subscription")}}}


@router.post(
    "/v2/event-subscriptions",
    status_code=status.HTTP_201_CREATED,
    summary="Create a subscription",
    description="Body: DCSA 2.2 subscriptionBodyWithSecret (callbackUrl, secret in base64 of 32 bytes "
    "or more, filters). Matching events visible to your company are POSTed to callbackUrl as "
    "a JSON array, signed with Notification-Signature: sha256=<hex HMAC-SHA256 of the body>.",
    responses={201: SUBSCRIPTION},
)
def create_subscription(
    request: Request, actor: CurrentActor, session: DbSession, body: SubscriptionBody, api_version: ApiVersion = None
) -> Response:
    _check_api_version(api_version)
    subscription = feeds.create_subscription(
        session, actor, body=body, sealer=runtime(request).sealer, policy=_policy(request)
    )
    return JSONResponse(feeds.subscription_json(subscription), status_code=status.HTTP_201_CREATED)


@router.get(
    "/v2/event-subscriptions",
    summary="Your company's subscriptions",
    responses={
        200: {
            "headers": PAGE_HEADERS,
            "content": {"application/json": {"schema": {"type": "array", "items": _dcsa("subscription")}}},
        }
    },
)
def list_subscriptions(
    request: Request,
    actor: CurrentActor,
    session: DbSession,
    *,
    api_version: ApiVersion = None,
    limit: str | None = None,
    cursor: str | None = None,
) -> Response:
    _check_api_version(api_version)
    if cursor is not None:
        state = _decode_cursor(request, actor, "subscriptions", cursor)
    else:
        state = {"o": actor.org_id, "l": _limit(limit), "a": None}
    after = tuple(state["a"]) if state["a"] is not None else None
    rows, more = feeds.list_subscriptions(session, actor, after=after, limit=state["l"])
    headers = {"Current-Page": _link(request, "subscriptions", state)}
    if more:
        last = rows[-1]
        headers["Next-Page"] = _link(request, "subscriptions", {**state, "a": [last.created_at.isoformat(), last.id]})
    if state["a"] is not None:
        headers["First-Page"] = _link(request, "subscriptions", {**state, "a": None})
    return JSONResponse([feeds.subscription_json(row) for row in rows], headers=headers)


@router.get("/v2/event-subscriptions/{subscriptionID}", summary="One subscription", responses={200: SUBSCRIPTION})
def get_subscription(
    subscriptionID: str,  # noqa: N803 - DCSA's parameter name
    actor: CurrentActor,
    session: DbSession,
    api_version: ApiVersion = None,
) -> Response:
    _check_api_version(api_version)
    return JSONResponse(feeds.subscription_json(feeds.get_subscription(session, actor, subscription_id=subscriptionID)))


@router.put(
    "/v2/event-subscriptions/{subscriptionID}",
    summary="Change a subscription's callbackUrl and filters",
    responses={200: SUBSCRIPTION},
)
def update_subscription(
    request: Request,
    *,
    subscriptionID: str,  # noqa: N803 - DCSA's parameter name
    actor: CurrentActor,
    session: DbSession,
    body: SubscriptionBody,
    api_version: ApiVersion = None,
) -> Response:
    _check_api_version(api_version)
    subscription = feeds.update_subscription(
        session, actor, subscription_id=subscriptionID, body=body, policy=_policy(request)
    )
    return JSONResponse(feeds.subscription_json(subscription))


@router.delete(
    "/v2/event-subscriptions/{subscriptionID}", status_code=status.HTTP_204_NO_CONTENT, summary="Stop a subscription"
)
def delete_subscription(
    subscriptionID: str,  # noqa: N803 - DCSA's parameter name
    actor: CurrentActor,
    session: DbSession,
    api_version: ApiVersion = None,
) -> Response:
    _check_api_version(api_version)
    feeds.delete_subscription(session, actor, subscription_id=subscriptionID)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(
    "/v2/event-subscriptions/{subscriptionID}/secret",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Replace a subscription's secret",
)
def rotate_secret(
    request: Request,
    *,
    subscriptionID: str,  # noqa: N803 - DCSA's parameter name
    actor: CurrentActor,
    session: DbSession,
    body: SubscriptionBody,
    api_version: ApiVersion = None,
) -> Response:
    _check_api_version(api_version)
    feeds.rotate_secret(session, actor, subscription_id=subscriptionID, body=body, sealer=runtime(request).sealer)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
