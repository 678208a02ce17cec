"""The ``edifact`` inbound format: a file of interchanges in, events and located errors out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import ClassVar

from harbourlink.integrations.edifact.common import Context, MessageResult, describe_place
from harbourlink.integrations.edifact.container_reports import read_coarri, read_codeco
from harbourlink.integrations.edifact.envelope import Interchange, open_interchange
from harbourlink.integrations.edifact.fields import HONG_KONG, NONE_GIVEN
from harbourlink.integrations.edifact.iftsta import read_iftsta
from harbourlink.integrations.edifact.syntax import Problem, SegmentError, frame_file, read_segments
from harbourlink.integrations.parsing import ItemError, Parsed
from harbourlink.kernel.phrases import N_, Phrase

READERS: dict[str, Callable[[Context], MessageResult]] = {
    "CODECO": read_codeco,
    "COARRI": read_coarri,
    "IFTSTA": read_iftsta,
}
NOT_READ = Phrase("edifact_type_not_read", N_("message type %(type)s is not read here; HarbourLink reads %(types)s"))
REFUSED = Phrase("message_refused", N_("%(problem)s; the message is refused"))


class EdifactAdapter:
    """UN/EDIFACT CODECO, COARRI and IFTSTA, one or more interchanges per file.

    Times without a zone of their own (DTM formats 102, 203, 204) are local time at the
    place of the event; ``local_zone`` is that zone, Hong Kong time unless told otherwise.
    """

    name: ClassVar[str] = "edifact"
    title: ClassVar[str] = "UN/EDIFACT CODECO, COARRI and IFTSTA (SMDG guides)"
    media_type: ClassVar[str] = "application/EDIFACT"

    def __init__(self, local_zone: tzinfo = HONG_KONG):
        self.local_zone = local_zone

    def parse(self, raw: bytes) -> Parsed:
        parsed = Parsed()
        frames, problems = frame_file(raw)
        many = len(frames) > 1
        for frame in frames:
            interchange, envelope_problems = open_interchange(frame, read_segments(frame))
            problems.extend(envelope_problems)
            if interchange is not None:
                problems.extend(self._read_messages(interchange, parsed, show_interchange=many))
        problems.sort(key=lambda p: (p.interchange, p.number or 0))
        parsed.errors = [
            ItemError(
                describe_place(
                    p.number, p.tag, interchange=p.interchange, message_ref=p.message_ref, show_interchange=many
                ),
                p.problem,
            )
            for p in problems
        ]
        return parsed

    def _read_messages(self, interchange: Interchange, parsed: Parsed, *, show_interchange: bool) -> list[Problem]:
        problems: list[Problem] = []
        for message in interchange.messages:
            context = Context(
                interchange.sender,
                interchange.control_ref,
                interchange.number,
                message,
                self.local_zone,
                show_interchange,
            )
            reader = READERS.get(message.type)
            if reader is None:
                problems.append(
                    Problem(
                        message.header.number,
                        message.header.tag,
                        NOT_READ(type=message.type or NONE_GIVEN(), types=", ".join(READERS)),
                        interchange.number,
                        message.reference,
                    )
                )
                continue
            try:
                result = reader(context)
            except SegmentError as error:
                problem = context.problem(error)
                problems.append(
                    Problem(
                        problem.number,
                        problem.tag,
                        REFUSED(problem=problem.problem),
                        problem.interchange,
                        problem.message_ref,
                    )
                )
                continue
            parsed.events.extend(result.events)
            problems.extend(result.problems)
        return problems
