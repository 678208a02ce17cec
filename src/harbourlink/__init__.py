"""HarbourLink: an open-source Port Community System.

One trusted platform where a port's community shares the live status of the same cargo,
each company seeing only what the data's owner allowed. ``create_app`` in :mod:`harbourlink.app`
is the composition root; domains live in their own packages (identity, access, ...).
"""

__version__ = "0.1.0"
