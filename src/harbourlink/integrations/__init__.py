"""Integrations: one module per external format or system, each a pure parser (and renderer)."""
