"""Tables of road cargo: consignments (CCRN) with every version, templates, batches, bindings (UBR) and
customs queries with their threads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from harbourlink.kernel import Base
from harbourlink.kernel.clock import utcnow
from harbourlink.kernel.ids import new_id


class RoadConsignment(Base):
    """Advance cargo information as it stands now; ``version`` counts its lodging and amendments."""

    __tablename__ = "road_consignments"

    ccrn: Mapped[str] = mapped_column(String(11), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    """The submitter's company: it alone (and customs) sees the consignment."""
    created_by: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer, default=1)
    direction: Mapped[str] = mapped_column(String(6))
    expected_at: Mapped[datetime]
    submitter_reference: Mapped[str] = mapped_column(String(35), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    planned_vehicle: Mapped[str | None] = mapped_column(String(8), index=True)
    """The crossing the submitter plans (not part of the legal data set): the vehicle expected to carry the
    consignment and its control point. A running trip of that vehicle nearing the control point with the
    consignment still unbound reminds its driver to bind (``reminders``)."""
    planned_control_point: Mapped[str | None] = mapped_column(String(3))


class RoadConsignmentVersion(Base):
    """Each lodged, amended or cancelled state of a consignment, kept for good."""

    __tablename__ = "road_consignment_versions"

    ccrn: Mapped[str] = mapped_column(ForeignKey("road_consignments.ccrn"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(10))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)
    made_by: Mapped[str | None] = mapped_column(String(36))


class RoadTemplate(Base):
    """Cargo information saved for reuse; private to the person (the message signer) who saved it."""

    __tablename__ = "road_templates"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(80))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoadBatch(Base):
    """CCRNs consolidated for enquiry and binding."""

    __tablename__ = "road_batches"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ccrns: Mapped[list[str]] = mapped_column(JSON)


class RoadBinding(Base):
    """A vehicle bound to consignments for one crossing: the UBR."""

    __tablename__ = "road_bindings"

    ubr: Mapped[str] = mapped_column(String(11), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    """The company that bound (a trucking company, an agent, or a driver's own account)."""
    made_by: Mapped[str | None] = mapped_column(String(36))
    driver: Mapped[str] = mapped_column(String(140), default="")
    channel: Mapped[str] = mapped_column(String(5))
    vehicle: Mapped[str] = mapped_column(String(8))
    control_point: Mapped[str] = mapped_column(String(3))
    direction: Mapped[str] = mapped_column(String(6))
    bound_at: Mapped[datetime]
    earliest_crossing_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    """Set when the last of its consignments is unbound."""
    decision: Mapped[str | None] = mapped_column(String(7))
    """Customs' instruction at the boundary (``go``, ``inspect``), with who gave it, when, and the officer's note."""
    decided_by: Mapped[str | None] = mapped_column(String(36))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    crossed_at: Mapped[datetime | None]
    """When customs recorded the truck crossing; a crossed binding leaves the console."""
    crossed_by: Mapped[str | None] = mapped_column(String(36))


class RoadBindingItem(Base):
    """One consignment of a binding. ``live_ccrn`` repeats the CCRN while it is bound and is unique, so two
    bindings racing for the same consignment cannot both be stored."""

    __tablename__ = "road_binding_items"

    ubr: Mapped[str] = mapped_column(ForeignKey("road_bindings.ubr"), primary_key=True)
    ccrn: Mapped[str] = mapped_column(ForeignKey("road_consignments.ccrn"), primary_key=True)
    live_ccrn: Mapped[str | None] = mapped_column(String(11), unique=True)
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[str | None] = mapped_column(String(36))


class RoadQuery(Base):
    """A customs officer's query on a consignment; its thread is the query and the replies after it."""

    __tablename__ = "road_queries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    ccrn: Mapped[str] = mapped_column(ForeignKey("road_consignments.ccrn"), index=True)
    customs_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoadQueryMessage(Base):
    """One message of a query's thread: the question, or a reply from either side."""

    __tablename__ = "road_query_messages"
    __table_args__ = (Index("ix_road_query_messages_query", "query_id", "position"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    query_id: Mapped[str] = mapped_column(ForeignKey("road_queries.id"))
    position: Mapped[int] = mapped_column(Integer)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[str | None] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoadQueryAttachment(Base):
    """A file attached to a message of a query's thread, kept with the content type its bytes showed."""

    __tablename__ = "road_query_attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    query_id: Mapped[str] = mapped_column(ForeignKey("road_queries.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    """The message of the thread it came with."""
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class RoadReminder(Base):
    """A reminder to bind sent to a trip's driver for one consignment: once per trip and consignment."""

    __tablename__ = "road_reminders"

    trip_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ccrn: Mapped[str] = mapped_column(ForeignKey("road_consignments.ccrn"), primary_key=True)
    driver_user_id: Mapped[str] = mapped_column(String(36), index=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    """The trip's company."""
    vehicle: Mapped[str] = mapped_column(String(8))
    control_point: Mapped[str] = mapped_column(String(3))
    eta: Mapped[datetime]
    reminded_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoadBindingSignature(Base):
    """How a binding was signed, kept so it can be checked again later: with a digital certificate, the
    canonical document, the signature and the certificate (never the PKCS#12 file or its PIN); with a
    security code, the document and the token's time step that was used."""

    __tablename__ = "road_binding_signatures"

    ubr: Mapped[str] = mapped_column(ForeignKey("road_bindings.ubr"), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    signed_by: Mapped[str | None] = mapped_column(String(36))
    method: Mapped[str] = mapped_column(String(13))
    document: Mapped[str] = mapped_column(Text)
    signature: Mapped[str | None] = mapped_column(Text)
    """Base64 of the signature over the document's UTF-8 bytes."""
    certificate: Mapped[str | None] = mapped_column(Text)
    """The signer's certificate, PEM."""
    algorithm: Mapped[str] = mapped_column(String(40))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoadSecurityToken(Base):
    """A person's security token (TOTP: a hardware token or FortiToken Mobile), its seed sealed."""

    __tablename__ = "road_security_tokens"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    seed_sealed: Mapped[str] = mapped_column(Text)
    last_step: Mapped[int | None] = mapped_column(Integer)
    """The time step of the last code accepted: a code is good once, and none before it either."""
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoadImported(Base):
    """A record an older system's export brought in, by its key there: a second import of it changes nothing."""

    __tablename__ = "road_imported"

    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    """``account``, ``template`` or ``consignment``."""
    old_key: Mapped[str] = mapped_column(String(35), primary_key=True)
    target: Mapped[str] = mapped_column(String(36))
    """What it became: a user's id, a template's id, a CCRN."""
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
