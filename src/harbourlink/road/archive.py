"""An older system's export as uploaded: its CSV files one by one, or a ZIP archive of them, as the text of
each file by name (what ``read_export`` takes).

Pure: bytes in, text out. An archive is never unpacked to disk; only its entries named like the export's
files (at its top or in one folder, as zipping a folder makes them) are read. Since an entry's stated
size can lie, each is read at most one byte past the limit, so a ZIP bomb costs that much and no more; an
archive naming a path outside itself (``..``, an absolute path) or holding a file twice is refused whole.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import PurePosixPath

from harbourlink.road.oldsystem import FILES

MAX_FILE_BYTES = 4 * 1024 * 1024
"""One file of the export, as text: tens of thousands of rows, which one request imports in good time."""
MAX_ENTRIES = 64
"""An export archive holds three files (and perhaps a folder or a read-me); more is not an export."""


class ExportRefused(ValueError):
    """An upload that cannot be read as an export, with a stable code (and the file, when it is one file's fault)."""

    def __init__(self, message: str, *, code: str, file: str = "") -> None:
        super().__init__(message)
        self.code, self.file = code, file


def _text(file: str, raw: bytes) -> str:
    if len(raw) > MAX_FILE_BYTES:
        raise ExportRefused(f"{file} is larger than allowed", code="export_too_large", file=file)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportRefused(f"{file} is not UTF-8 text", code="export_not_text", file=file) from None


def export_from_files(uploads: Mapping[str, bytes]) -> dict[str, str]:
    """The export's files uploaded one by one (by the export's file names; a file left out holds nothing)."""
    return {file: _text(file, raw) for file, raw in uploads.items() if file in FILES and raw}


def _file_of(name: str) -> str | None:
    """Which export file an archive entry is, if any; a path that leaves the archive refuses it."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or ":" in name:
        raise ExportRefused("the archive names a path outside itself", code="export_archive_unsafe")
    return path.name if path.name in FILES and len(path.parts) <= 2 else None


def export_from_zip(data: bytes) -> dict[str, str]:
    """The export's files in a ZIP archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise ExportRefused("not a ZIP archive", code="export_not_zip") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise ExportRefused("the archive holds too many files", code="export_archive_unsafe")
        files: dict[str, str] = {}
        for entry in entries:
            file = None if entry.is_dir() else _file_of(entry.filename)
            if file is None:
                continue
            if file in files or entry.flag_bits & 0x1:  # twice (which one?), or encrypted
                raise ExportRefused(f"{file} cannot be read from the archive", code="export_archive_unsafe")
            try:
                with archive.open(entry) as opened:
                    files[file] = _text(file, opened.read(MAX_FILE_BYTES + 1))
            except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError):
                raise ExportRefused(f"{file} cannot be read from the archive", code="export_not_zip") from None
    return files
