"""The platform's background duties, built from settings: the jobs every worker loop may run.

One place composes them, for the embedded process (``create_app`` starts a worker thread) and
for ``harbourlink worker`` processes alike, so both run the same duties with the same settings.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from harbourlink import alerts, ledger, operations, tracking
from harbourlink.identity import Sealer
from harbourlink.integrations.webhooks import CallbackPolicy
from harbourlink.kernel import Database, utcnow, work
from harbourlink.kernel.workqueue import Job
from harbourlink.settings import Settings


def alert_channels(settings: Settings, sealer: Sealer) -> alerts.Channels:
    """Where alert messages go (an empty SMTP host or SMS URL leaves that channel off)."""
    s = settings
    smtp = (
        alerts.SmtpConfig(
            s.smtp_host,
            s.smtp_port,
            s.smtp_from,
            starttls=s.smtp_starttls,
            username=s.smtp_username,
            password=s.smtp_password,
        )
        if s.smtp_host
        else None
    )
    sms = alerts.SmsConfig(s.sms_provider_url, s.sms_account, s.sms_token, s.sms_sender) if s.sms_provider_url else None
    policy = CallbackPolicy(allow_private_networks=s.webhook_allow_private_networks)
    return alerts.Channels(
        base_url=s.base_url,
        sealer=sealer,
        policy=policy,
        smtp=smtp,
        sms=sms,
        max_attempts=s.alert_max_attempts,
        lease=timedelta(seconds=s.work_lease_seconds),
    )


def configured_ledger(settings: Settings) -> ledger.Ledger:
    """The deployment's ledger: origin, signing key and witnesses from settings."""
    return ledger.Ledger.configure(
        origin=settings.resolved_ledger_origin(),
        seed=ledger.decode_seed(settings.resolved_ledger_seed()),
        witnesses=settings.ledger_witnesses,
    )


PURGE_EVERY = 600.0


def purge_job(db: Database, keep: timedelta) -> Job:
    """Deletes finished work items past ``keep`` (it finishes its backlog in one run, so it never asks to rerun)."""

    def run(_client: httpx.Client) -> bool:
        work.purge_done(db, keep=keep)
        return False

    return Job("work-purge", "sequencer", run, every=PURGE_EVERY, rung=False)


PARTITIONS_EVERY = 3600.0
"""Months are created two ahead, so an hourly run (and one at each worker's start) is early enough."""


def partitions_job(db: Database, *, ahead: int, keep_months: int | None) -> Job:
    """Keeps the position tables' monthly partitions ahead and drops expired ones (PostgreSQL only)."""

    def run(_client: httpx.Client) -> bool:
        with db.transaction() as session:
            operations.position_upkeep(session, now=utcnow(), ahead=ahead, keep_months=keep_months)
        return False

    return Job("position-partitions", "sequencer", run, every=PARTITIONS_EVERY, rung=False)


def jobs(settings: Settings, db: Database, sealer: Sealer) -> list[Job]:
    """Alert delivery and DCSA callbacks (role ``dispatch``); the ledger sequencer, the purge of finished
    work items and the upkeep of position partitions (role ``sequencer``, one per installation)."""
    dcsa_policy = CallbackPolicy(allow_private_networks=settings.dcsa_callback_allow_private_networks)
    return [
        alerts.delivery_job(db, alert_channels(settings, sealer)),
        tracking.callback_job(db, sealer, policy=dcsa_policy, lease=timedelta(seconds=settings.work_lease_seconds)),
        ledger.sequencer_job(
            db,
            configured_ledger(settings),
            every=settings.ledger_sequence_seconds,
            heartbeat=settings.ledger_heartbeat_seconds,
            batch=settings.ledger_batch_size,
        ),
        purge_job(db, timedelta(hours=settings.work_keep_done_hours)),
        partitions_job(db, ahead=settings.position_partitions_ahead, keep_months=settings.position_keep_months),
    ]
