"""The e-lock domain's consumer of the one work queue: supervision checks that come due at a time."""

from harbourlink.elock.service import WATCH_QUEUE, check_trip
from harbourlink.kernel import work

CONSUMERS = [work.Consumer(WATCH_QUEUE, check_trip)]
