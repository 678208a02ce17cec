"""The phone channel (R-ROAD-7, seed 004): drivers bind, cancel and enquire by keypad, in three languages.

::

    provider (TwiML: Twilio, SignalWire …) or the phone simulator
         │ the call's id, the keys pressed (signed by the provider)
         ▼
    answer ── CallState (kept in phone_calls under the call's id) ── domain.advance (pure)
         │                                                              │ log in, security code
         │                                                              ▼ bind / cancel / enquire
         ▼                                                     PhoneAccount    BindingDesk (road binding)
    Turn: clips to play (Voice: espeak-ng, cached), what to gather next, or hang up;
          each call's outcomes in its record — never the digits keyed

The binding itself is the road service's: ``BindingDesk`` is what the phone asks of it, ``RoadDesk`` the
road binding service answering it.
"""

from harbourlink.ivr.desk import (
    Binding,
    BindingDesk,
    Cancelled,
    DeskRefused,
)
from harbourlink.ivr.domain import Clip, Gather, Outcome, Turn
from harbourlink.ivr.errors import (
    CallNotFound,
    NotADriver,
    PhoneAccountExists,
    PhoneAccountNotFound,
    PhoneLineClosed,
    VoiceUnavailable,
)
from harbourlink.ivr.prompts import PROMPTS, Language, line
from harbourlink.ivr.road_desk import RoadDesk, road_desk
from harbourlink.ivr.schemas import PhoneAccountCreate, PhoneAccountIssued, PhoneAccountRead, PhoneCallRead
from harbourlink.ivr.service import (
    DeskFactory,
    NewPhoneAccount,
    PhoneLine,
    answer,
    create_phone_account,
    hang_up,
    list_calls,
    list_phone_accounts,
    unlock_phone_account,
)
from harbourlink.ivr.twiml import expected_signature, render, signature_matches
from harbourlink.ivr.voice import MISSING, Voice

__all__ = [
    "MISSING",
    "PROMPTS",
    "Binding",
    "BindingDesk",
    "CallNotFound",
    "Cancelled",
    "Clip",
    "DeskFactory",
    "DeskRefused",
    "Gather",
    "Language",
    "NewPhoneAccount",
    "NotADriver",
    "Outcome",
    "PhoneAccountCreate",
    "PhoneAccountExists",
    "PhoneAccountIssued",
    "PhoneAccountNotFound",
    "PhoneAccountRead",
    "PhoneCallRead",
    "PhoneLine",
    "PhoneLineClosed",
    "RoadDesk",
    "Turn",
    "Voice",
    "VoiceUnavailable",
    "answer",
    "create_phone_account",
    "expected_signature",
    "hang_up",
    "line",
    "list_calls",
    "list_phone_accounts",
    "render",
    "road_desk",
    "signature_matches",
    "unlock_phone_account",
]
