"""Server-rendered pages for people: mobile-first, installable, in zh-HK, en and zh-CN."""

from __future__ import annotations

from fastapi import FastAPI

from harbourlink.settings import Settings


def mount_web(app: FastAPI, settings: Settings) -> None:
    """Adds the pages and static files to ``app``."""
