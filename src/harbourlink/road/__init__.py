"""Road cargo to and from the mainland: advance cargo information (CCRN), batches, binding (UBR), customs
queries.

::

    shipper ── do_lodge / template / XML upload ──▶ RoadConsignment (CCRN, every version kept)
       │            or do_import: an older system's accounts, templates and consignments, once
       │            amend / cancel only while not bound
       ├── do_batch ──▶ RoadBatch (CCRNs for enquiry and binding)
       ▼
    driver or agent ── do_bind (vehicle, CCRNs or batch, control point, direction; web, api or phone)
       ──▶ RoadBinding (UBR, bound at, earliest crossing = bound at + 30 min)
       │        a CUSTOMS SUBM event through the seam; cancel (all or part) a SHIPMENT CANC
       │   do_signed_bind: signed with a PKCS#12 certificate or a token's security code ──▶ RoadBindingSignature
       ▼
    customs ── do_raise_query ──▶ RoadQuery ◀── do_reply (submitter or customs): the thread kept

A submitter sees its own consignments, customs sees all; a binding is seen by its maker (a driver only
their own), customs and the submitters of its consignments. Binding needs only the numbers.
"""

from harbourlink.road.archive import MAX_FILE_BYTES as EXPORT_MAX_FILE_BYTES
from harbourlink.road.archive import ExportRefused, export_from_files, export_from_zip
from harbourlink.road.binding import (
    Bound,
    describe_binding,
    do_bind,
    do_cancel_binding,
    earliest_crossing_of,
    get_binding,
    list_bindings,
    ubr_of,
)
from harbourlink.road.boundary import Approach, boundary, describe_approach, do_cross, do_decide
from harbourlink.road.domain import (
    CONTROL_POINT_NAMES,
    CONTROL_POINT_POSITIONS,
    CROSSING_AFTER_BINDING,
    DATA_SET_FIELDS,
    CargoData,
    Channel,
    ConsignmentStatus,
    ControlPoint,
    Decision,
    Direction,
    control_point_by_keypad,
    earliest_crossing,
    parse_ccrn,
    parse_ubr,
)
from harbourlink.road.errors import AlreadyBound, InvalidXml, NotChangeable, NotCustoms, ServiceNotActive
from harbourlink.road.migration import Reconciliation, do_import
from harbourlink.road.models import RoadBatch, RoadConsignment, RoadConsignmentVersion, RoadTemplate
from harbourlink.road.oldsystem import FILES as EXPORT_FILES
from harbourlink.road.printout import render_binding
from harbourlink.road.queries import (
    Thread,
    Upload,
    describe_thread,
    do_raise_query,
    do_reply,
    get_attachment,
    get_thread,
    list_threads,
)
from harbourlink.road.reminders import DriverView, Reminder, driver_view, live_subject, reminders_for
from harbourlink.road.repository import is_customs
from harbourlink.road.schemas import (
    ApproachRead,
    AttachmentIn,
    BatchCreate,
    BatchRead,
    BindingCancel,
    BindingCreate,
    BindingRead,
    ConsignmentCreate,
    ConsignmentFromTemplate,
    ConsignmentRead,
    ConsignmentUpdate,
    DecisionCreate,
    MigrationCreate,
    MigrationError,
    MigrationRead,
    MigrationTally,
    PlannedCrossing,
    QueryCreate,
    QueryRead,
    QueryReply,
    SecurityTokenCreate,
    SecurityTokenIssued,
    SignatureCheck,
    SignatureRead,
    TemplateCreate,
    TemplateRead,
    UploadItem,
    UploadRead,
    VersionRead,
)
from harbourlink.road.service import (
    data_from_json,
    do_amend,
    do_batch,
    do_cancel,
    do_lodge,
    do_lodge_from_template,
    do_save_template,
    get_consignment,
    get_template,
    list_consignments,
    list_templates,
    list_versions,
)
from harbourlink.road.signing import (
    Proof,
    SigningPolicy,
    do_signed_bind,
    enrol_security_token,
    get_signature,
)
from harbourlink.road.upload import Outcome, do_upload, schema_text

__all__ = [
    "CONTROL_POINT_NAMES",
    "CONTROL_POINT_POSITIONS",
    "CROSSING_AFTER_BINDING",
    "DATA_SET_FIELDS",
    "EXPORT_FILES",
    "EXPORT_MAX_FILE_BYTES",
    "AlreadyBound",
    "Approach",
    "ApproachRead",
    "AttachmentIn",
    "BatchCreate",
    "BatchRead",
    "BindingCancel",
    "BindingCreate",
    "BindingRead",
    "Bound",
    "CargoData",
    "Channel",
    "ConsignmentCreate",
    "ConsignmentFromTemplate",
    "ConsignmentRead",
    "ConsignmentStatus",
    "ConsignmentUpdate",
    "ControlPoint",
    "Decision",
    "DecisionCreate",
    "Direction",
    "DriverView",
    "ExportRefused",
    "InvalidXml",
    "MigrationCreate",
    "MigrationError",
    "MigrationRead",
    "MigrationTally",
    "NotChangeable",
    "NotCustoms",
    "Outcome",
    "PlannedCrossing",
    "Proof",
    "QueryCreate",
    "QueryRead",
    "QueryReply",
    "Reconciliation",
    "Reminder",
    "RoadBatch",
    "RoadConsignment",
    "RoadConsignmentVersion",
    "RoadTemplate",
    "SecurityTokenCreate",
    "SecurityTokenIssued",
    "ServiceNotActive",
    "SignatureCheck",
    "SignatureRead",
    "SigningPolicy",
    "TemplateCreate",
    "TemplateRead",
    "Thread",
    "Upload",
    "UploadItem",
    "UploadRead",
    "VersionRead",
    "boundary",
    "control_point_by_keypad",
    "data_from_json",
    "describe_approach",
    "describe_binding",
    "describe_thread",
    "do_amend",
    "do_batch",
    "do_bind",
    "do_cancel",
    "do_cancel_binding",
    "do_cross",
    "do_decide",
    "do_import",
    "do_lodge",
    "do_lodge_from_template",
    "do_raise_query",
    "do_reply",
    "do_save_template",
    "do_signed_bind",
    "do_upload",
    "driver_view",
    "earliest_crossing",
    "earliest_crossing_of",
    "enrol_security_token",
    "export_from_files",
    "export_from_zip",
    "get_attachment",
    "get_binding",
    "get_consignment",
    "get_signature",
    "get_template",
    "get_thread",
    "is_customs",
    "list_bindings",
    "list_consignments",
    "list_templates",
    "list_threads",
    "list_versions",
    "live_subject",
    "parse_ccrn",
    "parse_ubr",
    "reminders_for",
    "render_binding",
    "schema_text",
    "ubr_of",
]
