"""The providers' own protocol: request signatures (``X-Twilio-Signature``) and TwiML answers.

Twilio, SignalWire and others POST form fields and sign each request: base64 HMAC-SHA1, keyed by
the account's auth token, over the full URL followed by every parameter sorted by name, each name
immediately followed by its value. A turn of the call is answered as::

    <Response><Gather action="…/ivr/gather" …><Play>…</Play>…</Gather><Redirect>…/ivr/gather</Redirect></Response>

The ``Redirect`` is reached only when the caller keyed nothing: it posts without ``Digits``,
which the call takes as silence.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from xml.etree.ElementTree import Element, SubElement, tostring

from harbourlink.ivr.domain import Clip, Turn
from harbourlink.ivr.prompts import Language, line

SAY_LANGUAGE = {Language.CANTONESE: "zh-HK", Language.ENGLISH: "en-GB", Language.PUTONGHUA: "cmn-CN"}
"""The provider's own speech, when this installation cannot synthesise its clips."""


def expected_signature(auth_token: str, url: str, params: Mapping[str, Sequence[str]]) -> str:
    """The signature the provider sends for a POST of ``params`` to ``url``."""
    signed = url + "".join(name + value for name in sorted(params) for value in sorted(params[name]))
    mac = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def signature_matches(auth_token: str, url: str, params: Mapping[str, Sequence[str]], signature: str) -> bool:
    """Whether ``signature`` is the provider's for this request (always false without a token)."""
    if not auth_token or not signature:
        return False
    return hmac.compare_digest(expected_signature(auth_token, url, params), signature)


def render(turn: Turn, *, gather_url: str, audio_url: Callable[[Clip], str] | None) -> str:
    """The TwiML answer of ``turn``: clips as ``<Play>`` (``<Say>`` when ``audio_url`` is ``None``)."""
    response = Element("Response")
    holder = response
    if turn.gather is not None:
        attributes = {"input": "dtmf", "action": gather_url, "method": "POST", "timeout": str(turn.gather.timeout)}
        attributes["finishOnKey"] = "#" if turn.gather.until_hash else ""
        if turn.gather.num_digits is not None:
            attributes["numDigits"] = str(turn.gather.num_digits)
        holder = SubElement(response, "Gather", attributes)
    for clip in turn.clips:
        if audio_url is not None:
            SubElement(holder, "Play").text = audio_url(clip)
        else:
            SubElement(holder, "Say", {"language": SAY_LANGUAGE[clip.language]}).text = line(clip.prompt, clip.language)
    if turn.gather is not None:
        SubElement(response, "Redirect", {"method": "POST"}).text = gather_url
    else:
        SubElement(response, "Hangup")
    return '<?xml version="1.0" encoding="UTF-8"?>' + tostring(response, encoding="unicode")
