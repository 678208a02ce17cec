"""``harbourlink``: the operator's command line. Its command forms are a contract for scripts.

Each command opens one transaction and commits it when the command succeeds; results that a
script reads (a new id, a new key) stand alone on the last line of output.
"""

from __future__ import annotations

import base64
import logging
import secrets
import shutil
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import httpx
import typer
import uvicorn
from rich.console import Console
from rich.progress import Progress
from rich.table import Column, Table

from harbourlink import identity, inbound, ledger, operations, road, schema
from harbourlink.app import create_app
from harbourlink.demo import DEMO_PASSWORD, DemoPhone, demo_guide, seed_demo
from harbourlink.kernel import Actor, HarbourLinkError, NotFound, ValidationFailed, create_database, utcnow, work
from harbourlink.ledger import witness
from harbourlink.settings import Settings
from harbourlink.sim import DEFAULT_SEED, Simulator
from harbourlink.worker import elock_listener, processes
from harbourlink.worker.ais_listener import ListenerConfig, parse_endpoint, run_listener
from harbourlink_verify import SIG_COSIGNATURE, Vkey

app = typer.Typer(help="HarbourLink Port Community System", no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema", no_args_is_help=True)
org_app = typer.Typer(help="Companies", no_args_is_help=True)
user_app = typer.Typer(help="Users", no_args_is_help=True)
key_app = typer.Typer(help="API keys", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.add_typer(key_app, name="apikey")
ais_app = typer.Typer(help="AIS feeds", no_args_is_help=True)
app.add_typer(ais_app, name="ais")
elock_app = typer.Typer(help="E-locks", no_args_is_help=True)
app.add_typer(elock_app, name="elock")
road_app = typer.Typer(help="Road cargo to and from the mainland", no_args_is_help=True)
app.add_typer(road_app, name="road")
ledger_app = typer.Typer(help="The tamper-evident ledger of cargo events", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")
witness_app = typer.Typer(help="A C2SP witness that cosigns other logs' checkpoints", no_args_is_help=True)
app.add_typer(witness_app, name="witness")

console = Console()
errors = Console(stderr=True)


def _fail(error: HarbourLinkError) -> typer.Exit:
    errors.print(f"[red]error[/red] {error.code}: {error.message} {error.data or ''}")
    return typer.Exit(code=2)


KEEP_ALIVE_SECONDS = 30
"""How long an idle connection stays open. Uvicorn's 5 s closed connections that clients pausing a
few seconds between calls were about to reuse, and their next request failed as a disconnect."""


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="API processes sharing the port")] = 1,
) -> None:
    """Serve the web pages and the API (database from HARBOURLINK_DATABASE_URL)."""
    if workers == 1:
        uvicorn.run(
            create_app(Settings(), serving=True),
            host=host,
            port=port,
            proxy_headers=False,
            log_level="info",
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
    else:  # each process builds its own app from the environment
        uvicorn.run(
            "harbourlink.app:serving_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=False,
            log_level="info",
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )


@app.command()
def worker(
    role: Annotated[
        list[str] | None, typer.Option(help=f"what to work on; repeatable; default all: {', '.join(work.ROLES)}")
    ] = None,
    idle: Annotated[float, typer.Option(help="longest sleep between rounds when nothing rings")] = 1.0,
) -> None:
    """Run a worker process: consumers of stored events, large uploads, deliveries, the ledger sequencer."""
    logging.basicConfig(level=Settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        processes.run_worker(Settings(), role or work.ROLES, idle=idle)
    except ValueError as exc:
        errors.print(f"[red]error[/red] {exc}")
        raise typer.Exit(code=2) from exc


@app.command()
def run(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    api_processes: Annotated[int, typer.Option(min=1, help="API processes")] = 2,
    workers: Annotated[int, typer.Option(min=1, help="worker processes (every role)")] = 2,
) -> None:
    """Run the port-scale topology on this machine: API processes and worker processes, supervised."""
    logging.basicConfig(level=Settings().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings()
    if not settings.nats_url:
        errors.print(
            "[yellow]note[/yellow] HARBOURLINK_NATS_URL is not set: workers poll the database "
            "(every second) instead of being rung, and live updates from other processes arrive by polling"
        )
    console.print(f"HarbourLink: {api_processes} API process(es) at http://{host}:{port}/, {workers} worker(s)")
    processes.run_topology(
        processes.topology_children(host=host, port=port, api_processes=api_processes, workers=workers)
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest schema."""
    settings = Settings()
    schema.upgrade(settings.resolved_database_url())
    console.print("database at the newest schema")


@db_app.command("partitions")
def db_partitions() -> None:
    """PostgreSQL: create the position tables' months due, drop expired ones, and list the partitions."""
    settings = Settings()
    database = create_database(settings.resolved_database_url())
    with database.transaction() as session:
        done = operations.position_upkeep(
            session, now=utcnow(), ahead=settings.position_partitions_ahead, keep_months=settings.position_keep_months
        )
        tables = operations.partition_report(session)
    if not tables:
        console.print("no partitioned tables (SQLite keeps plain tables)")
        return
    for name, created in done.created.items():
        for month, moved in created:
            console.print(f"{name}: created {month}, {moved} row(s) moved from the default partition")
    for name, dropped in done.dropped.items():
        for month in dropped:
            console.print(f"{name}: dropped {month}")
    for name, held in done.held_back.items():
        for month, reason in held:
            console.print(f"[yellow]{name}: kept {month}[/yellow]: {reason}")
    table = Table("table", "partition", "month", Column("rows (estimate)", justify="right"))
    for name, parts in tables.items():
        for part in parts:
            table.add_row(name, part.name, str(part.month) if part.month else "default", f"{part.rows:,}")
    console.print(table)


@org_app.command("create")
def org_create(
    name: Annotated[str, typer.Option(help="registered name")],
    org_type: Annotated[list[str], typer.Option("--type", help="company type; repeatable")],
) -> None:
    """Create a company (pending approval); its id is the last line."""
    database = create_database(Settings().resolved_database_url())
    try:
        with database.transaction() as session:
            org = identity.create_organisation(session, identity.SYSTEM_ACTOR, name=name, types=org_type)
    except HarbourLinkError as exc:
        raise _fail(exc) from exc
    console.print(f"created {org.name} ({org.status})")
    print(org.id)


@org_app.command("approve")
def org_approve(org_id: Annotated[str, typer.Argument(help="company id")]) -> None:
    """Approve a company after its documents were verified."""
    database = create_database(Settings().resolved_database_url())
    try:
        with database.transaction() as session:
            org = identity.decide_organisation(session, identity.SYSTEM_ACTOR, org_id=org_id, approve=True)
    except HarbourLinkError as exc:
        raise _fail(exc) from exc
    console.print(f"{org.name} is {org.status}")


@org_app.command("list")
def org_list() -> None:
    """List every company with its types and status."""
    database = create_database(Settings().resolved_database_url())
    with database.transaction() as session:
        orgs = identity.list_organisations(session, identity.SYSTEM_ACTOR)
        types = identity.types_by_org(session, [o.id for o in orgs])
    table = Table("name", "types", "status")
    table.add_column("id", no_wrap=True, min_width=36)
    for org in orgs:
        table.add_row(org.name, ", ".join(types[org.id]), org.status, org.id)
    console.print(table)


@user_app.command("create")
def user_create(
    org: Annotated[str, typer.Option(help="company id")],
    email: Annotated[str, typer.Option(help="login e-mail")],
    role: Annotated[identity.Role, typer.Option(help="role in the company")] = identity.Role.USER,
    name: Annotated[str | None, typer.Option(help="display name")] = None,
) -> None:
    """Create a user with a temporary password (changed at first login), printed last."""
    database = create_database(Settings().resolved_database_url())
    try:
        with database.transaction() as session:
            user, temporary = identity.create_user(
                session,
                identity.SYSTEM_ACTOR,
                org_id=org,
                email=email,
                display_name=name or email.split("@")[0],
                role=role,
            )
    except HarbourLinkError as exc:
        raise _fail(exc) from exc
    console.print(f"created {user.email} ({user.role}) id {user.id}; temporary password:")
    print(temporary)


@key_app.command("create")
def apikey_create(
    org: Annotated[str, typer.Option(help="company id")],
    name: Annotated[str, typer.Option(help="what the key is for")] = "cli",
    scope: Annotated[list[identity.KeyScope] | None, typer.Option(help="repeatable")] = None,
) -> None:
    """Issue an API key for a company; the key alone is the last line (shown only now)."""
    database = create_database(Settings().resolved_database_url())
    scopes = scope or [identity.KeyScope.CARGO_READ, identity.KeyScope.CARGO_WRITE]
    try:
        with database.transaction() as session:
            key, full = identity.create_api_key(session, identity.SYSTEM_ACTOR, org_id=org, name=name, scopes=scopes)
    except HarbourLinkError as exc:
        raise _fail(exc) from exc
    console.print(f"key id {key.id} scopes {', '.join(key.scopes)}")
    print(full)


@key_app.command("revoke")
def apikey_revoke(key_id: Annotated[str, typer.Argument(help="API key id")]) -> None:
    """Revoke an API key at once."""
    database = create_database(Settings().resolved_database_url())
    try:
        with database.transaction() as session:
            key = identity.revoke_api_key(session, identity.SYSTEM_ACTOR, key_id=key_id)
    except HarbourLinkError as exc:
        raise _fail(exc) from exc
    console.print(f"revoked {key.prefix} at {key.revoked_at}")


@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(help="a file, or a folder whose files are all sent", exists=True)],
    format_name: Annotated[str, typer.Option("--format", help="message format, e.g. edifact, csv")],
    org: Annotated[str, typer.Option(help="id of the company the messages come from")],
) -> None:
    """Send files through the inbound path as the given company; failures are kept for replay."""
    settings = Settings()
    database = create_database(settings.resolved_database_url())
    try:
        inbound.adapter_for(format_name)
        with database.transaction() as session:
            sender = identity.get_organisation(session, identity.SYSTEM_ACTOR, org_id=org)
            if sender.status != identity.OrgStatus.ACTIVE.value:
                raise ValidationFailed(f"company {sender.name} is {sender.status}", code="org_not_active")
            actor = Actor(org_id=org, org_types=frozenset(identity.org_types(session, org)))
    except HarbourLinkError as exc:
        raise _fail(exc) from exc
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    totals = {"accepted": 0, "duplicates": 0, "errors": 0}
    failed = []
    with Progress(console=console) as progress:
        task = progress.add_task(f"sending {len(files)} file(s)", total=len(files))
        for file in files:
            outcome = inbound.receive(
                database, actor, format_name=format_name, raw=file.read_bytes(), channel="cli", filename=file.name
            )
            totals["accepted"] += outcome.accepted
            totals["duplicates"] += outcome.duplicates
            totals["errors"] += len(outcome.errors)
            if outcome.status in ("rejected", "failed", "partial"):
                failed.append((file, outcome))
            progress.advance(task)
    for file, outcome in failed:
        errors.print(f"[yellow]{outcome.status}[/yellow] {file} (message {outcome.id})")
        for error in outcome.errors[:20]:
            errors.print(f"  {error.location}: {error.message}")
    console.print(
        f"{len(files)} file(s): {totals['accepted']} accepted, {totals['duplicates']} duplicates, "
        f"{totals['errors']} errors"
    )
    if failed:
        raise typer.Exit(code=1)


@road_app.command("import")
def road_import(
    path: Annotated[Path, typer.Argument(help="the folder of the export's CSV files", exists=True, file_okay=False)],
    company: Annotated[str, typer.Option(help="id of the company the export is imported into")],
) -> None:
    """Import an older system's accounts, templates and consignments; a second run changes nothing.

    The new people's temporary passwords are printed (e-mail, password), one a line, after the counts.
    """
    files = {name: (path / name).read_text(encoding="utf-8") for name in road.EXPORT_FILES if (path / name).is_file()}
    database = create_database(Settings().resolved_database_url())
    try:
        with database.transaction() as session:
            report = road.do_import(session, identity.SYSTEM_ACTOR, org_id=company, files=files)
    except HarbourLinkError as exc:
        raise _fail(exc) from exc
    table = Table("file", "read", "created", "present", "rejected")
    for name, tally in report.tallies.items():
        table.add_row(name, *(str(n) for n in (tally.read, tally.created, tally.present, tally.rejected)))
    console.print(table)
    for error in report.errors:
        errors.print(f"  {error.file}:{error.line} {error.field}: {error.code}: {error.message}")
    for email, password in report.temporary_passwords.items():
        print(f"{email} {password}")
    if report.errors:
        raise typer.Exit(code=1)


@app.command()
def demo(  # noqa: PLR0917 - one parameter per option
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    data_dir: Annotated[Path, typer.Option(help="folder for the demo database")] = Path("var/demo"),
    speed: Annotated[float, typer.Option(help="simulated seconds per real second")] = 60.0,
    lead_hours: Annotated[float, typer.Option(help="hours before now the simulated day starts")] = 10.0,
    seed: Annotated[int, typer.Option(help="seed of the simulated day")] = DEFAULT_SEED,
    traffic: Annotated[bool, typer.Option(help="run the port simulator")] = True,
) -> None:
    """Fresh embedded database with demo companies and simulated port traffic; prints the logins and serves."""
    shutil.rmtree(data_dir, ignore_errors=True)
    settings = Settings(data_dir=data_dir, database_url="", demo_mode=True)
    with console.status("preparing the demo database"):
        schema.upgrade(settings.resolved_database_url())
        database = create_database(settings.resolved_database_url())
        with database.transaction() as session:
            seeded = seed_demo(session, sealer=identity.Sealer(settings.resolved_secret_key()))
    # Folded, not cut: a login is no use with its end replaced by an ellipsis in a narrow terminal.
    table = Table(
        "company", Column("login", overflow="fold"), "password", title="Demo logins (no second factor in the demo)"
    )
    for login in seeded.logins:
        table.add_row(login.company, login.email, DEMO_PASSWORD)
    console.print(table)
    if seeded.phone is not None:
        console.print(_phone_table(seeded.phone))
    simulator = (
        Simulator(
            database,
            parties=seeded.parties(),
            seed=seed,
            clock_speed=speed,
            lead=timedelta(hours=lead_hours),
            sealer=identity.Sealer(settings.resolved_secret_key()),
        )
        if traffic
        else None
    )
    if simulator is not None:
        numbers = Table(
            "try",
            Column("number", no_wrap=True),
            Column("log in as", overflow="fold"),
            title="Numbers to track (search box, or GET /api/v1/track/…)",
        )
        for what, number, who in demo_guide(simulator.scenario):
            numbers.add_row(what, number, who)
        console.print(numbers)
        console.print(
            f"Port traffic: the simulated day began at {simulator.start_time:%H:%M} UTC and runs {speed:g}× "
            "real time until it reaches now; ships approach, berth, discharge, release and gate out "
            "in the first minutes."
        )
        simulator.start()
    console.print(f"HarbourLink is at [bold]http://{host}:{port}/[/bold]  (API docs: /api/docs)")
    try:
        uvicorn.run(create_app(settings, serving=True), host=host, port=port, log_level="warning")
    finally:
        if simulator is not None:
            simulator.stop()


def _phone_table(phone: DemoPhone) -> Table:
    title = "The driver's phone account (/phone, the phone simulator)"
    table = Table("", Column("", overflow="fold"), title=title, show_header=False)
    table.add_row("account number", phone.number)
    table.add_row("password", phone.password)
    table.add_row("security code key (an authenticator app)", phone.code_key)
    table.add_row("vehicle", phone.vehicle)
    table.add_row("CCRNs to bind", " ".join(phone.ccrns))
    return table


@ais_app.callback()
def ais() -> None:
    """AIS feeds: NMEA from receivers, stored as ais-nmea messages."""


@ais_app.command("listen")
def listen(  # noqa: PLR0917 - one parameter per command-line option
    org: Annotated[str, typer.Option(help="id of the company the feed belongs to")],
    udp: Annotated[int | None, typer.Option(help="UDP port receivers send datagrams to")] = None,
    tcp_listen: Annotated[int | None, typer.Option(help="TCP port feeds connect to")] = None,
    tcp_connect: Annotated[list[str] | None, typer.Option(help="HOST:PORT of a feed to connect to; repeatable")] = None,
    bind: Annotated[str, typer.Option(help="address to listen on (0.0.0.0 for feeds on other hosts)")] = "127.0.0.1",
    batch_seconds: Annotated[float, typer.Option(help="longest wait before a batch is stored")] = 1.0,
    batch_lines: Annotated[int, typer.Option(help="most lines in one batch")] = 500,
) -> None:
    """Take AIS NMEA from UDP and TCP feeds and store it as the company's ais-nmea messages."""
    say = typer.echo
    try:
        endpoints = tuple(parse_endpoint(e) for e in tcp_connect or [])
    except ValueError as exc:
        say(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    if udp is None and tcp_listen is None and not endpoints:
        say("error: give at least one of --udp, --tcp-listen, --tcp-connect", err=True)
        raise typer.Exit(code=2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = ListenerConfig(
        org_id=org,
        udp_port=udp,
        tcp_listen_port=tcp_listen,
        tcp_connect=endpoints,
        bind=bind,
        batch_seconds=batch_seconds,
        batch_lines=batch_lines,
    )
    db = create_database(Settings().resolved_database_url())
    try:
        stats = run_listener(db, config)
    except (NotFound, ValidationFailed) as exc:
        say(f"error {exc.code}: {exc.message}", err=True)
        raise typer.Exit(code=2) from exc
    except OSError as exc:  # a port taken or not ours to bind
        say(f"error: cannot listen: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    finally:
        db.engine.dispose()
    typer.echo(
        f"stopped: {stats.lines} lines, {stats.batches} messages, {stats.accepted} accepted, "
        f"{stats.duplicates} duplicates, {stats.errors} errors"
    )


@elock_app.callback()
def elock_commands() -> None:
    """E-locks: the eSeal protocol over TCP."""


@elock_app.command("listen")
def elock_listen(
    tcp: Annotated[int, typer.Option(help="TCP port the locks connect to")],
    bind: Annotated[str, typer.Option(help="address to listen on (0.0.0.0 for locks on other hosts)")] = "127.0.0.1",
) -> None:
    """Take eSeal sentences from e-locks: store each, apply it to its trip and answer with its ACK."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = Settings()
    db = create_database(settings.resolved_database_url())
    try:
        stats = elock_listener.run_listener(
            db, port=tcp, bind=bind, sealer=identity.Sealer(settings.resolved_secret_key())
        )
    except OSError as exc:  # a port taken or not ours to bind
        typer.echo(f"error: cannot listen: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    finally:
        db.engine.dispose()
    typer.echo(
        f"stopped: {stats.connections} connections, {stats.frames} frames, {stats.accepted} accepted, "
        f"{stats.rejected} rejected, {stats.failed} failed"
    )


def _ledger(settings: Settings) -> ledger.Ledger:
    return ledger.Ledger.configure(
        origin=settings.resolved_ledger_origin(),
        seed=ledger.decode_seed(settings.resolved_ledger_seed()),
        witnesses=settings.ledger_witnesses,
    )


@ledger_app.command("key")
def ledger_key() -> None:
    """Print the ledger's origin and, on the last line, the verifier key banks pass to --key."""
    current = _ledger(Settings())
    console.print(f"origin {current.signer.name}")
    print(current.vkey)


@ledger_app.command("sequence")
def ledger_sequence() -> None:
    """Sequence every queued entry now, sign checkpoints and submit to the witnesses."""
    settings = Settings()
    database, current = create_database(settings.resolved_database_url()), _ledger(settings)
    size = None
    while True:
        with database.transaction() as session:
            signed = ledger.do_sequence(session, current, limit=settings.ledger_batch_size)
        if signed is None:
            break
        size = signed.size
    with httpx.Client(timeout=10) as client:
        cosigned = ledger.submit_all(database, current, client)
    console.print(f"tree size {size if size is not None else 'unchanged'}; {cosigned} witness(es) cosigned")


@ledger_app.command("verify")
def ledger_verify() -> None:
    """Recheck the whole stored log against its checkpoints; name the first inconsistency (exit 1)."""
    settings = Settings()
    database, current = create_database(settings.resolved_database_url()), _ledger(settings)
    with database.transaction() as session:
        problem, audit = ledger.verify_log(session, ledger.open_log(session, current))
    if problem is not None:
        errors.print(f"[red]INCONSISTENT[/red] {problem}")
        raise typer.Exit(code=1)
    console.print(f"consistent: {audit.entries} entries, {audit.events} events rechecked, every checkpoint matches")


@ledger_app.command("backfill")
def ledger_backfill(batch: Annotated[int, typer.Option(help="events and positions per transaction")] = 5000) -> None:
    """Queue for the ledger every event and AIS position stored before the ledger logged them."""
    database = create_database(Settings().resolved_database_url())
    events_queued = positions_queued = 0
    while True:
        with database.transaction() as session:
            found_events, found_positions = ledger.backfill(session, limit=batch)
        events_queued, positions_queued = events_queued + found_events, positions_queued + found_positions
        if found_events < batch and found_positions < batch:
            break
    console.print(
        f"queued {events_queued} events and {positions_queued} positions; "
        "`harbourlink ledger sequence` (or the running app) logs them"
    )


@ledger_app.command("erase")
def ledger_erase(
    event_id: Annotated[str, typer.Argument(help="event id")],
    reason: Annotated[str, typer.Option(help="why (kept in the audit log)")],
) -> None:
    """Erase an event's data on a lawful request; its ledger entry stays and every checkpoint still verifies."""
    database = create_database(Settings().resolved_database_url())
    try:
        with database.transaction() as session:
            ledger.do_erase(session, identity.SYSTEM_ACTOR, event_id=event_id, reason=reason)
    except HarbourLinkError as exc:
        raise _fail(exc) from exc
    console.print(f"erased event {event_id}; `harbourlink ledger verify` skips its entry's field check from now on")


@ledger_app.command("prove")
def ledger_prove(
    event_id: Annotated[str, typer.Argument(help="event id")],
    field: Annotated[list[str] | None, typer.Option(help="field to disclose; repeatable")] = None,
    out: Annotated[Path | None, typer.Option(help="file to write (default: stdout)")] = None,
) -> None:
    """Write a proof bundle of an event (operator use), for harbourlink-verify."""
    settings = Settings()
    database, current = create_database(settings.resolved_database_url()), _ledger(settings)
    try:
        with database.transaction() as session:
            data = ledger.get_owner_bundle(session, current, event_id=event_id, fields=field)
    except HarbourLinkError as exc:
        raise _fail(exc) from exc
    if out is None:
        sys.stdout.write(data.decode())
    else:
        out.write_bytes(data)


@witness_app.command("keygen")
def witness_keygen(
    name: Annotated[str, typer.Option(help="witness name, e.g. witness.bank.example")],
    key_file: Annotated[Path, typer.Option(help="where to keep the private seed")],
) -> None:
    """Create a witness key; its verifier key (to give to logs and verifiers) is the last line."""
    seed = secrets.token_bytes(32)
    key_file.write_text(base64.b64encode(seed).decode())
    key_file.chmod(0o600)
    print(ledger.NoteSigner.from_seed(name, seed, sig_type=SIG_COSIGNATURE).vkey)


@witness_app.command("serve")
def witness_serve(  # noqa: PLR0917 - one parameter per command-line option
    name: Annotated[str, typer.Option(help="witness name (as in its verifier key)")],
    key_file: Annotated[Path, typer.Option(help="private seed from 'witness keygen'", exists=True)],
    log: Annotated[list[str], typer.Option(help="verifier key of a log to witness; repeatable")],
    state: Annotated[Path, typer.Option(help="SQLite file holding the witness's state")],
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8100,
) -> None:
    """Serve the C2SP tlog-witness add-checkpoint endpoint."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    signer = ledger.NoteSigner.from_seed(name, ledger.decode_seed(key_file.read_text()), sig_type=SIG_COSIGNATURE)
    logs = {vkey.name: vkey for vkey in (Vkey.parse(text) for text in log)}
    server = witness.serve(witness.CheckpointWitness(signer, logs, state), host, port)
    typer.echo(f"witness {signer.vkey} on http://{host}:{server.server_port}/add-checkpoint", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()


def main() -> None:
    app()
