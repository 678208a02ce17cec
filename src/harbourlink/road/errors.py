"""Errors of road cargo, with stable codes."""

from __future__ import annotations

from harbourlink.kernel.errors import Conflict, Forbidden, NotFound, ValidationFailed
from harbourlink.kernel.phrases import N_, Phrase

TOO_MANY_ATTACHMENTS = Phrase("too_many_attachments", N_("At most %(limit)s files per reply, not %(count)s."))
ATTACHMENT_TOO_LARGE = Phrase(
    "attachment_too_large", N_("File %(number)s (%(name)s) is %(size)s MiB; a file may be at most %(limit)s MiB.")
)
PLANNED_CROSSING_INCOMPLETE = Phrase(
    "planned_crossing_incomplete",
    N_("Give both the vehicle and the control point of the planned crossing, or neither."),
)
ATTACHMENT_TYPE_REFUSED = Phrase(
    "attachment_type_refused", N_("File %(number)s (%(name)s) is not a PDF, JPEG or PNG file.")
)


class InvalidNumber(ValidationFailed):
    """A CCRN or UBR of the wrong form or with a wrong check digit: most likely a typing slip."""

    code = "invalid_ccrn"


class ConsignmentNotFound(NotFound):
    code = "consignment_not_found"


class BindingNotFound(NotFound):
    code = "binding_not_found"


class NotChangeable(Conflict):
    """Amending or cancelling a bound (or cancelled) consignment; ``data["reason"]`` says why."""

    code = "consignment_not_changeable"


class AlreadyBound(Conflict):
    code = "ccrn_already_bound"


class MixedDirections(ValidationFailed):
    """Consignments bound together without a direction (by phone) whose advance cargo information disagrees."""

    code = "mixed_directions"


class NotCustoms(Forbidden):
    code = "not_customs"


class ServiceNotActive(Forbidden):
    """The company has not opted in to the road service it uses (or its opt-in awaits approval)."""

    code = "service_not_active"


class InvalidXml(ValidationFailed):
    code = "invalid_xml"


class SignatureRequired(Forbidden):
    """The binding needs a digital certificate's signature or a security code, and came with neither."""

    code = "binding_signature_required"


class SignatureRefused(ValidationFailed):
    """The certificate could not sign: ``data["reason"]`` is one of wrong_pin, not_pkcs12, untrusted_issuer,
    revoked, expired, revocation_unknown, unsupported_key, no_trusted_issuers."""

    code = "signature_refused"


class SecurityCodeRefused(ValidationFailed):
    """``data["reason"]``: no_token (none enrolled), wrong, or used (that code, or a later one, was used)."""

    code = "security_code_refused"


class TokenExists(Conflict):
    code = "security_token_exists"


class SignatureNotFound(NotFound):
    code = "binding_signature_not_found"


class InvalidAttachment(ValidationFailed):
    """A reply's file refused: too many, too large, or not a PDF, JPEG or PNG by its content."""

    code = "invalid_attachment"
