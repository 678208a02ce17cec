"""Company administration, people and machines: the overview, users and API keys.

A new user's temporary password and a new API key are shown once, on the page the POST
redirects to (see ``once``); listing them again is impossible, as only digests are kept.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import ValidationError

from harbourlink import identity
from harbourlink.identity import KeyScope, Role
from harbourlink.identity.schemas import ApiKeyCreate, UserCreate
from harbourlink.kernel import HarbourLinkError, utcnow
from harbourlink.web.forms import CSRF_CHECKED, CheckedForm, attempt, choice, shape_errors, text, texts
from harbourlink.web.labels import GENERIC_ERROR
from harbourlink.web.once import redirect_showing_once, take_once
from harbourlink.web.pages import AdminDep, MemberPage

router = APIRouter(include_in_schema=False)

DEFAULT_SCOPES = (KeyScope.CARGO_READ.value, KeyScope.CARGO_WRITE.value)


@router.get("/admin")
def overview(page: AdminDep) -> Response:
    """The company's facts and the sections of its administration."""
    org = page.viewer.org
    return page.render("admin/overview.html", org=org, types=identity.org_types(page.session, org.id))


def _users_page(
    page: MemberPage,
    *,
    error: HarbourLinkError | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    actor = page.viewer.actor
    users = identity.list_users(page.session, actor, org_id=actor.org_id)
    now = utcnow()
    locked = {user.id for user in users if user.locked_until is not None and user.locked_until > now}
    shown = take_once(page)
    context: dict[str, Any] = {
        "users": users,
        "locked": locked,
        "roles": list(Role),
        "created_name": shown.get("name"),
        "temporary_password": shown.get("temporary_password"),
        "values": values or {},
        "errors": errors or {},
        "here": "/admin/users",
    }
    if error is not None:
        return page.render_error("admin/users.html", error, **context)
    if errors:
        return page.render("admin/users.html", status=422, error=page.t(GENERIC_ERROR), **context)
    return page.render("admin/users.html", **context)


@router.get("/admin/users")
def users(page: AdminDep) -> Response:
    """The company's people, with the form to add one."""
    return _users_page(page)


@router.post("/admin/users")
def create_user(form: CheckedForm, page: AdminDep) -> Response:
    """Adds a person with a temporary password, shown once on the page this redirects to."""
    values = {"email": text(form, "email"), "display_name": text(form, "display_name"), "role": text(form, "role")}
    try:
        body = UserCreate.model_validate(values)
    except ValidationError as exc:
        return _users_page(page, values=values, errors=shape_errors(page, exc))
    actor = page.viewer.actor
    try:
        with page.session.begin_nested():
            user, temporary = identity.create_user(
                page.session,
                actor,
                org_id=actor.org_id,
                email=str(body.email),
                display_name=body.display_name,
                role=body.role,
            )
    except HarbourLinkError as error:
        return _users_page(page, error=error, values=values)
    if temporary is None:
        return page.redirect("/admin/users")
    return redirect_showing_once(page, "/admin/users", {"name": user.display_name, "temporary_password": temporary})


@router.post("/admin/users/{user_id}/role")
def change_role(user_id: str, form: CheckedForm, page: AdminDep) -> Response:
    """Gives a person another role; the last administrator keeps theirs."""
    error = attempt(
        page,
        lambda: identity.update_user(
            page.session, page.viewer.actor, user_id=user_id, role=choice(Role, text(form, "role"))
        ),
    )
    return _users_page(page, error=error) if error else page.redirect("/admin/users?done=role_changed")


@router.post("/admin/users/{user_id}/status")
def change_status(user_id: str, form: CheckedForm, page: AdminDep) -> Response:
    """Disables a person (they can no longer log in) or enables them again."""
    status = "disabled" if text(form, "status") == "disabled" else "active"
    error = attempt(page, lambda: identity.update_user(page.session, page.viewer.actor, user_id=user_id, status=status))
    if error:
        return _users_page(page, error=error)
    return page.redirect(f"/admin/users?done=user_{'disabled' if status == 'disabled' else 'enabled'}")


@router.post("/admin/users/{user_id}/unlock", dependencies=[CSRF_CHECKED])
def unlock(user_id: str, page: AdminDep) -> Response:
    """Lifts a lockout before it ends by itself."""
    error = attempt(page, lambda: identity.unlock_user(page.session, page.viewer.actor, user_id=user_id))
    return _users_page(page, error=error) if error else page.redirect("/admin/users?done=user_unlocked")


def _keys_page(
    page: MemberPage, *, error: HarbourLinkError | None = None, errors: dict[str, str] | None = None
) -> Response:
    actor = page.viewer.actor
    shown = take_once(page)
    context: dict[str, Any] = {
        "keys": identity.list_api_keys(page.session, actor, org_id=actor.org_id),
        "scopes": list(KeyScope),
        "default_scopes": DEFAULT_SCOPES,
        "new_key": shown.get("key"),
        "new_key_name": shown.get("name"),
        "errors": errors or {},
        "here": "/admin/keys",
    }
    if error is not None:
        return page.render_error("admin/keys.html", error, **context)
    if errors:
        return page.render("admin/keys.html", status=422, error=page.t(GENERIC_ERROR), **context)
    return page.render("admin/keys.html", **context)


@router.get("/admin/keys")
def keys(page: AdminDep) -> Response:
    """The company's API keys (never their secrets), with the form to issue one."""
    return _keys_page(page)


@router.post("/admin/keys")
def create_key(form: CheckedForm, page: AdminDep) -> Response:
    """Issues an API key, shown once on the page this redirects to."""
    scopes = texts(form, "scopes")
    if not scopes:
        return _keys_page(page, errors={"scopes": page.error_text("missing_scopes")})
    try:
        body = ApiKeyCreate.model_validate({"name": text(form, "name"), "scopes": scopes})
    except ValidationError as exc:
        return _keys_page(page, errors=shape_errors(page, exc, lambda loc: str(loc[0])))
    actor = page.viewer.actor
    try:
        with page.session.begin_nested():
            key, full = identity.create_api_key(
                page.session, actor, org_id=actor.org_id, name=body.name, scopes=body.scopes
            )
    except HarbourLinkError as error:
        return _keys_page(page, error=error)
    return redirect_showing_once(page, "/admin/keys", {"name": key.name, "key": full})


@router.post("/admin/keys/{key_id}/revoke", dependencies=[CSRF_CHECKED])
def revoke_key(key_id: str, page: AdminDep) -> Response:
    """Stops a key working at once."""
    error = attempt(page, lambda: identity.revoke_api_key(page.session, page.viewer.actor, key_id=key_id))
    return _keys_page(page, error=error) if error else page.redirect("/admin/keys?done=key_revoked")
