"""Reading an archived message, as its sender or as the platform operator.

A company's raw messages are its data: the operator may read any of them (to help with a
failed message), and each such read goes in the sender's access log, as any other company's
view of its data does.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from harbourlink import access
from harbourlink.inbound.models import InboundMessage
from harbourlink.inbound.service import get_message
from harbourlink.kernel import Actor

VIEWED_MESSAGE = "MESSAGE"
"""The access log's reference type for a read of an archived message (the reference is its id)."""


def read_message(session: Session, actor: Actor, *, message_id: str, channel: str) -> InboundMessage:
    """One message of the caller's company, or any company's for the operator, then in the sender's access log."""
    message = get_message(session, actor, message_id=message_id)
    if message.sender_org_id != actor.org_id:
        access.record_views(
            session,
            access.scope_for(actor),
            channel=channel,
            seen=[(message.sender_org_id, VIEWED_MESSAGE, message.id)],
        )
    return message
