"""The PostgreSQL plan of a tracking lookup on freshly loaded data, before and after ANALYZE.

Loads the events of ``bench_track`` (COPY, no VACUUM or ANALYZE, as a big ingest leaves them),
grants 2,000 B/Ls, and prints ``EXPLAIN (ANALYZE, BUFFERS)`` of the lookup statement for one of
them: first as autovacuum left the statistics right after the load, then after ANALYZE. A plan
that needs the second to be good would be slow for minutes after every bulk load.

    python -m bench.explain_track [EVENTS]
"""

from __future__ import annotations

import sys
from typing import Any

import psycopg
from sqlalchemy.dialects import postgresql

from bench.bench_track import shared_bls
from bench.pg import libpq, scratch_database
from harbourlink import access
from harbourlink.kernel import Actor, create_database, utcnow
from harbourlink.tracking import lookup


def _explain(url: str, viewer: str, reference: str) -> str:
    scope = access.scope_for(Actor(org_id=viewer))
    compiled = lookup.statement(lateral=True).compile(dialect=postgresql.psycopg.dialect())  # type: ignore[no-untyped-call]
    expanded = compiled.construct_expanded_state(lookup.parameters(scope, reference, now=utcnow()))
    parameters: dict[str, Any] = dict(expanded.parameters)
    with psycopg.connect(libpq(url)) as connection, connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + expanded.statement, parameters)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with scratch_database("hl_explain_track") as url:
        database = create_database(url)
        forwarder, granted = shared_bls(database, url, count, analyze=False)
        database.engine.dispose()
        print(f"--- {count} events just loaded, statistics as autovacuum left them ---")
        print(_explain(url, forwarder, granted[0]))
        with psycopg.connect(libpq(url), autocommit=True) as connection:
            connection.execute("ANALYZE")
        print("--- after ANALYZE ---")
        print(_explain(url, forwarder, granted[1]))


if __name__ == "__main__":
    main()
