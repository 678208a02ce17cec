"""The HTTP API: routers per domain under ``/api/v1``, one service call per endpoint."""
