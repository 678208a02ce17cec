"""Metering: how much each company used of each value-added service, and the monthly statement of a charged one.

A plug-in calls ``record_use`` in the transaction of the use (the same key is counted once);
``statement`` gives a company's administrators the month's uses and amount, ``statement_csv`` the file.
"""

from harbourlink.metering.domain import CURRENCY, MONTH_PATTERN, Month, Statement, Use, statement_csv
from harbourlink.metering.models import ServiceUse
from harbourlink.metering.service import record_use, statement, uses_this_month

__all__ = [
    "CURRENCY",
    "MONTH_PATTERN",
    "Month",
    "ServiceUse",
    "Statement",
    "Use",
    "record_use",
    "statement",
    "statement_csv",
    "uses_this_month",
]
