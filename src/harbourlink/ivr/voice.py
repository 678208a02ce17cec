"""The prompts as audio: each clip synthesised by espeak-ng at first use and kept under the data folder.

A clip's file name carries a digest of its words, so changed words are spoken afresh and an old
file is never served for them.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from harbourlink.ivr.errors import VoiceUnavailable
from harbourlink.ivr.prompts import PROMPTS, Language, line

MISSING = (
    "espeak-ng is not installed, so the phone's prompts cannot be spoken as audio "
    "(install the Debian package espeak-ng); calls fall back to the provider's own speech"
)


class Voice:
    """Speaks clips with ``command`` (espeak-ng) into ``directory``."""

    def __init__(self, directory: Path, command: str = "espeak-ng") -> None:
        self.directory = directory
        self.command = command

    def available(self) -> bool:
        return shutil.which(self.command) is not None

    def clip(self, language: Language, prompt: str) -> Path:
        """The WAV file of ``prompt`` in ``language``, synthesised now if it is not there yet.

        KeyError for an unknown prompt; ``VoiceUnavailable`` without espeak-ng.
        """
        if prompt not in PROMPTS:
            raise KeyError(prompt)
        words = line(prompt, language)
        digest = hashlib.sha256(words.encode()).hexdigest()[:12]
        target = self.directory / language.value / f"{prompt}-{digest}.wav"
        if target.exists():
            return target
        executable = shutil.which(self.command)
        if executable is None:
            raise VoiceUnavailable(MISSING)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a request racing this one never serves half a file.
        handle, scratch = tempfile.mkstemp(dir=target.parent, suffix=".wav")
        os.close(handle)
        try:
            subprocess.run(  # noqa: S603 - fixed arguments; the words are our own
                [executable, "-v", language.value, "-s", "150", "-w", scratch, words],
                check=True,
                capture_output=True,
                timeout=30,
            )
            os.replace(scratch, target)
        finally:
            Path(scratch).unlink(missing_ok=True)
        return target
