"""Errors of receiving, with stable codes."""

from __future__ import annotations

from harbourlink.kernel.errors import Forbidden, NotFound, ValidationFailed
from harbourlink.kernel.phrases import N_, Phrase

TOO_MANY_PHOTOS = Phrase("too_many_photos", N_("At most %(limit)s photos per receipt, not %(count)s."))
PHOTO_TOO_LARGE = Phrase(
    "photo_too_large", N_("Photo %(number)s (%(name)s) is %(size)s MiB; a photo may be at most %(limit)s MiB.")
)
NOT_AN_IMAGE = Phrase("photo_not_an_image", N_("Photo %(number)s (%(name)s) is not a JPEG, PNG or WebP image."))


class NotAWarehouse(Forbidden):
    code = "not_warehouse"


class TokenNotValid(NotFound):
    """Forged, unknown, expired or revoked: one answer, so a guesser learns nothing from it."""

    code = "token_not_valid"


class InvalidPhoto(ValidationFailed):
    code = "invalid_photo"
