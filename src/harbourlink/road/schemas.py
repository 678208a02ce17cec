"""Data shapes road cargo accepts and returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from harbourlink.road.domain import (
    MAX_BATCH,
    MAX_PACKAGES,
    MAX_QUERY_TEXT,
    TEXT_LIMITS,
    Channel,
    ConsignmentStatus,
    ControlPoint,
    Decision,
    Direction,
)

CCRN_FIELD = Field(min_length=11, max_length=20, description="11 digits, the last a check digit (spaces allowed)")


class CargoFields(BaseModel):
    """The legal minimum data set (8 items), the direction and the submitter's own reference."""

    direction: Direction = Field(description="`import` into Hong Kong, or `export` out of it")
    packages: int = Field(ge=1, le=MAX_PACKAGES, description="1. the number of packages")
    package_description: str = Field(
        max_length=TEXT_LIMITS["package_description"], description="2. what the packages are (cartons, pallets …)"
    )
    goods_description: str = Field(max_length=TEXT_LIMITS["goods_description"], description="3. the goods")
    consignor_name: str = Field(max_length=TEXT_LIMITS["consignor_name"], description="4.")
    consignor_address: str = Field(max_length=TEXT_LIMITS["consignor_address"], description="5.")
    consignee_name: str = Field(max_length=TEXT_LIMITS["consignee_name"], description="6.")
    consignee_address: str = Field(max_length=TEXT_LIMITS["consignee_address"], description="7.")
    expected_at: AwareDatetime = Field(
        description="8. the expected date and time of arrival (import) or departure (export), with its UTC offset; "
        "between 30 minutes and 14 days ahead"
    )
    submitter_reference: str = Field(default="", max_length=TEXT_LIMITS["submitter_reference"])


class PlannedCrossing(BaseModel):
    """Not part of the legal data set: the vehicle expected to carry the consignment and its control point. A
    running trip of that vehicle under 45 minutes from the control point with the consignment unbound reminds
    its driver to bind (alert `road_bind_reminder`, and the driver's app)."""

    planned_vehicle: str | None = Field(default=None, max_length=10, description="registration mark, e.g. `FC117`")
    planned_control_point: ControlPoint | None = None


class ConsignmentCreate(CargoFields, PlannedCrossing):
    """A consignment by direct entry."""


class ConsignmentFromTemplate(BaseModel):
    """A consignment made from a saved template, with the fields that differ this time."""

    template_id: str = Field(max_length=36)
    expected_at: AwareDatetime
    packages: int | None = Field(default=None, ge=1, le=MAX_PACKAGES)
    submitter_reference: str = Field(default="", max_length=TEXT_LIMITS["submitter_reference"])


class ConsignmentUpdate(BaseModel):
    """An amendment: only the fields given change."""

    direction: Direction | None = None
    packages: int | None = Field(default=None, ge=1, le=MAX_PACKAGES)
    package_description: str | None = Field(default=None, max_length=TEXT_LIMITS["package_description"])
    goods_description: str | None = Field(default=None, max_length=TEXT_LIMITS["goods_description"])
    consignor_name: str | None = Field(default=None, max_length=TEXT_LIMITS["consignor_name"])
    consignor_address: str | None = Field(default=None, max_length=TEXT_LIMITS["consignor_address"])
    consignee_name: str | None = Field(default=None, max_length=TEXT_LIMITS["consignee_name"])
    consignee_address: str | None = Field(default=None, max_length=TEXT_LIMITS["consignee_address"])
    expected_at: AwareDatetime | None = None
    submitter_reference: str | None = Field(default=None, max_length=TEXT_LIMITS["submitter_reference"])


class VersionRead(BaseModel):
    version: int
    action: str = Field(description="`lodged`, `amended` or `cancelled`")
    made_at: datetime
    data: dict[str, object]


class ConsignmentRead(CargoFields, PlannedCrossing):
    ccrn: str
    status: ConsignmentStatus
    version: int
    created_at: datetime
    updated_at: datetime
    versions: list[VersionRead] | None = Field(default=None, description="every version, on a single read")


class UploadItem(BaseModel):
    position: int = Field(description="the consignment's place in the file, from 1")
    submitter_reference: str
    ccrn: str | None = None
    errors: list[dict[str, str]] = Field(
        default_factory=list, description="each with `element` (its path in the consignment) and `detail`"
    )


class UploadRead(BaseModel):
    accepted: int
    rejected: int
    items: list[UploadItem]


class TemplateCreate(CargoFields):
    name: str = Field(min_length=1, max_length=80)
    expected_at: AwareDatetime | None = None  # type: ignore[assignment]


class TemplateRead(BaseModel):
    id: str
    name: str
    data: dict[str, object]
    created_at: datetime


class BatchCreate(BaseModel):
    ccrns: list[str] = Field(min_length=1, max_length=MAX_BATCH)


class BatchRead(BaseModel):
    id: str
    ccrns: list[str]
    created_at: datetime


MAX_PKCS12_BASE64 = 64 * 1024
"""A PKCS#12 file of a certificate and its key is a few kilobytes; more is not one."""


class BindingCreate(BaseModel):
    """A vehicle bound to consignments, named by their CCRNs or by a batch, for one control point."""

    vehicle: str = Field(min_length=1, max_length=12, description="the Hong Kong registration mark")
    ccrns: list[str] | None = Field(default=None, min_length=1, max_length=MAX_BATCH)
    batch: str | None = Field(default=None, max_length=36, description="a batch's id instead of CCRNs")
    control_point: ControlPoint = Field(
        description="STK Sha Tau Kok, MKT Man Kam To, LMC Lok Ma Chau, SZB Shenzhen Bay, HZM HZMB Hong Kong Port "
        "(to/from the mainland), HZO HZMB Hong Kong Port (to/from Macao), HYW Heung Yuen Wai"
    )
    direction: Direction
    driver: str | None = Field(default=None, max_length=140, description="by default the person binding")
    security_code: str | None = Field(
        default=None,
        max_length=12,
        description="the 6-digit code of the person's security token (TOTP), each code good once; a logged-in "
        "person needs none under the Trade Single Window rule unless the installation says otherwise",
    )
    certificate: str | None = Field(
        default=None,
        max_length=MAX_PKCS12_BASE64,
        description="base64 of a PKCS#12 file (.p12/.pfx) holding the signer's certificate and key: HarbourLink "
        "signs the binding with it and keeps the signature and certificate, never the file or its PIN. An API key "
        "must sign this way unless the installation says otherwise",
    )
    pin: str | None = Field(default=None, max_length=128, description="the PKCS#12 file's PIN (password)")

    @model_validator(mode="after")
    def _one_way_to_name_them(self) -> BindingCreate:
        if (self.ccrns is None) == (self.batch is None):
            raise ValueError("give either ccrns or batch")
        if self.certificate is not None and self.security_code is not None:
            raise ValueError("sign with a certificate or a security code, not both")
        return self


class BindingCancel(BaseModel):
    ccrns: list[str] | None = Field(default=None, min_length=1, max_length=MAX_BATCH)


class BindingRead(BaseModel):
    ubr: str
    bound_at: datetime
    earliest_crossing_at: datetime
    vehicle: str
    driver: str
    control_point: ControlPoint
    control_point_name: str
    direction: Direction
    channel: Channel
    ccrns: list[str] = Field(description="the consignments bound now")
    cancelled_ccrns: list[str] = Field(description="those unbound from it")
    cancelled_at: datetime | None
    decision: Decision | None = Field(
        default=None, description="customs' instruction at the boundary: `go` or `inspect` (none yet: null)"
    )
    decided_at: datetime | None = None
    crossed_at: datetime | None = Field(default=None, description="when customs recorded the truck crossing")


class QueryCreate(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_QUERY_TEXT)


class AttachmentIn(BaseModel):
    filename: str = Field(min_length=1, max_length=255)
    content: str = Field(description="the file's bytes in base64: a PDF, JPEG or PNG of at most 2 MiB")


class QueryReply(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_QUERY_TEXT)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=10, description="at most 3 files")


class AttachmentRead(BaseModel):
    id: str
    filename: str
    content_type: str
    size: int
    url: str = Field(description="where the query's two sides download it")


class QueryMessageRead(BaseModel):
    position: int
    side: str = Field(description="`customs` or `submitter`")
    text: str
    written_at: datetime
    attachments: list[AttachmentRead] = Field(default_factory=list)


class QueryRead(BaseModel):
    id: str
    ccrn: str
    raised_at: datetime
    messages: list[QueryMessageRead]


class SignatureCheck(BaseModel):
    valid: bool
    reason: str | None = Field(
        default=None, description="why not: signature_mismatch, untrusted_issuer, revoked, expired, revocation_unknown"
    )


class SignatureRead(BaseModel):
    """How a binding was signed, and whether that still checks out against today's trusted issuers and CRLs
    (as of the signing time: a certificate revoked after it does not undo the signature)."""

    ubr: str
    method: str = Field(description="`certificate` or `security_code`")
    signed_at: datetime
    document: str = Field(description="the canonical JSON of the binding that was signed (UTF-8)")
    algorithm: str = Field(description="e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, or `totp`")
    signature: str | None = Field(default=None, description="base64 of the signature over the document")
    certificate: str | None = Field(default=None, description="the signer's certificate, PEM")
    subject: str | None = Field(default=None, description="the certificate's subject (RFC 4514)")
    check: SignatureCheck


class SecurityTokenCreate(BaseModel):
    user_id: str | None = Field(
        default=None,
        max_length=36,
        description="an administrator enrols (or replaces) a colleague's token; "
        "by default the caller's own, which can be enrolled only once",
    )


class SecurityTokenIssued(BaseModel):
    user_id: str
    uri: str = Field(description="otpauth:// URI for FortiToken Mobile or another TOTP app (RFC 6238, 6 digits, 30 s)")


class DecisionCreate(BaseModel):
    decision: Decision
    note: str = Field(default="", max_length=500, description="the officer's note, kept with the decision")


class PositionSeen(BaseModel):
    """The truck's newest shared position and the rough estimate of its arrival at the control point."""

    at: datetime
    lat: float
    lon: float
    distance_km: float = Field(description="straight line to the control point")
    eta: datetime | None = Field(
        description="the trucking estimate: the straight line times 1.3 over the truck's recent speed; "
        "null while it stands still"
    )


class ApproachRead(BaseModel):
    """A live binding at a control point, as customs' console shows it."""

    binding: BindingRead
    suggestion: Decision
    suggestion_reason: str = Field(description="`open_query`, `random_sample` or `no_rule`")
    open_queries: int
    decision_note: str
    position: PositionSeen | None = Field(description="none while no running trip of the vehicle shares its position")


class MigrationCreate(BaseModel):
    """An older system's export: each CSV file's text (docs/formats.md); a file left out holds nothing."""

    accounts: str = Field(default="", max_length=5_000_000, description="accounts.csv")
    templates: str = Field(default="", max_length=5_000_000, description="templates.csv")
    consignments: str = Field(default="", max_length=20_000_000, description="consignments.csv")


class MigrationTally(BaseModel):
    file: str
    read: int = Field(description="data rows read; always created + present + rejected")
    created: int
    present: int = Field(description="imported before (by its key in the old system), left as it is")
    rejected: int


class MigrationError(BaseModel):
    file: str
    line: int = Field(description="the file's line, the header being line 1")
    field: str
    code: str
    detail: str


class MigrationRead(BaseModel):
    """What an import did, file by file; the new people's temporary passwords are shown this once."""

    files: list[MigrationTally]
    errors: list[MigrationError]
    temporary_passwords: dict[str, str] = Field(description="by e-mail; each is changed at first login")
