"""Alerts: rules over events, an alert lifecycle, subscriptions, and durable delivery.

::

    events stored ─► work item stored.alerts ─► engine.on_events ─► rule (rules/*) ─► lifecycle.reconcile
      (the seam)         evaluate_due (time)                       Verdict              │ alerts row (inbox)
                                                                          ▼
                                             outbox.enqueue ─► alert_notifications (same txn)
                                                                          │ after commit
                                             dispatch.deliver_notifications ─► webhook / e-mail / SMS
                                                                                 log, retry, dead-letter

A new alert type is one ``@register``ed class in ``alerts/rules/`` (docs/alerts.md).
"""

from harbourlink.alerts.channels.email import SmtpConfig
from harbourlink.alerts.channels.sms import SmsConfig
from harbourlink.alerts.dispatch import Channels, RoundReport, deliver_notifications
from harbourlink.alerts.domain import AlertStatus, AlertType, Change, Fact, Finding, Verdict
from harbourlink.alerts.engine import evaluate_due, on_events
from harbourlink.alerts.lifecycle import do_acknowledge, do_resolve, escalate_due, get_alert, list_alerts
from harbourlink.alerts.models import Alert, AlertNotification, AlertSubscription, DeliveryAttempt, WebhookEndpoint
from harbourlink.alerts.outbox import live_subject
from harbourlink.alerts.registry import alert_type, all_types, register
from harbourlink.alerts.service import (
    create_endpoint,
    delete_endpoint,
    do_replay,
    do_subscribe,
    do_unsubscribe,
    do_update_subscription,
    get_delivery,
    get_endpoint,
    get_subscription,
    list_attempts,
    list_deliveries,
    list_endpoints,
    list_subscriptions,
    rotate_secret,
)
from harbourlink.alerts.worker import delivery_job, run_round

__all__ = [
    "Alert",
    "AlertNotification",
    "AlertStatus",
    "AlertSubscription",
    "AlertType",
    "Change",
    "Channels",
    "DeliveryAttempt",
    "Fact",
    "Finding",
    "RoundReport",
    "SmsConfig",
    "SmtpConfig",
    "Verdict",
    "WebhookEndpoint",
    "alert_type",
    "all_types",
    "create_endpoint",
    "delete_endpoint",
    "deliver_notifications",
    "delivery_job",
    "do_acknowledge",
    "do_replay",
    "do_resolve",
    "do_subscribe",
    "do_unsubscribe",
    "do_update_subscription",
    "escalate_due",
    "evaluate_due",
    "get_alert",
    "get_delivery",
    "get_endpoint",
    "get_subscription",
    "list_alerts",
    "list_attempts",
    "list_deliveries",
    "list_endpoints",
    "list_subscriptions",
    "live_subject",
    "on_events",
    "register",
    "rotate_secret",
    "run_round",
]
