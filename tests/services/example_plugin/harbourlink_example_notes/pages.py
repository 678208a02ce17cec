"""The example's page: what the service is, in the reader's language, from its own catalogue and template."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from harbourlink.web.pages import AnyPage

from . import PLUGIN

router = APIRouter(include_in_schema=False)


@router.get("/example-notes/about")
def about(page: AnyPage) -> Response:
    return page.render("example_notes.html", plugin=PLUGIN)
