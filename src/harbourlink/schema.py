"""Every domain's tables in one metadata, and migrations to bring a database to head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from harbourlink.kernel import Base, plugins

metadata = Base.metadata
MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str, plugin: plugins.Plugin | None = None) -> Config:
    """The core's chain, or an installed plug-in's: its own revisions, counted in its own version table, so that
    adding or removing a plug-in leaves the core's chain as it was."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if plugin is not None and plugin.migrations is not None:
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", str(plugin.migrations).replace("%", "%%"))
        config.set_main_option("version_table", plugin.version_table)
    return config


def _chains(database_url: str) -> list[Config]:
    return [alembic_config(database_url)] + [
        alembic_config(database_url, plugin) for plugin in plugins.installed().values() if plugin.migrations
    ]


def version_tables() -> set[str]:
    """The tables Alembic counts the core's chain and each installed plug-in's in."""
    return {config.get_main_option("version_table") or "alembic_version" for config in _chains("sqlite://")}


def upgrade(database_url: str, revision: str = "head") -> None:
    """Applies the core's migrations up to ``revision``, then (at head) every installed plug-in's; the same
    scripts serve SQLite and PostgreSQL."""
    core, *others = _chains(database_url)
    command.upgrade(core, revision)
    if revision == "head":
        for config in others:
            command.upgrade(config, "head")


def is_current(engine: Engine, database_url: str) -> bool:
    """Whether the database stands at the newest migration of the core and of each plug-in (readiness check)."""
    with engine.connect() as connection:
        for config in _chains(database_url):
            head = ScriptDirectory.from_config(config).get_current_head()
            table = config.get_main_option("version_table") or "alembic_version"
            context = MigrationContext.configure(connection, opts={"version_table": table})
            if context.get_current_revision() != head:
                return False
    return True
