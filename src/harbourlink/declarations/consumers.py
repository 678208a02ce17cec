"""The declarations service's consumer of the one work queue: submitted declarations reach their authority."""

from harbourlink.declarations.service import QUEUE, deliver
from harbourlink.kernel import work

CONSUMERS = [work.Consumer(QUEUE, deliver, max_attempts=5)]
