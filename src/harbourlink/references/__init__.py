"""Identifiers of the trade: the kinds of reference by which cargo is shared and tracked."""

from harbourlink.references.kinds import ReferenceType, normalise_reference

__all__ = ["ReferenceType", "normalise_reference"]
