"""An uploaded export read as text: CSV files one by one, or a ZIP archive that cannot bomb or trick its reader."""

from __future__ import annotations

import io
import zipfile

import pytest

from harbourlink import road

ACCOUNTS = "account_id,email,name,role\nU1,chan@kowloon-books.example.hk,Chan Siu Ming,user\n"


def _zip(*entries: tuple[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def _refused(data: bytes) -> str:
    with pytest.raises(road.ExportRefused) as refused:
        road.export_from_zip(data)
    return refused.value.code


def test_files_are_read_by_name_with_or_without_a_byte_order_mark() -> None:
    files = road.export_from_files(
        {"accounts.csv": b"\xef\xbb\xbf" + ACCOUNTS.encode(), "templates.csv": b"", "notes.txt": b"hello"}
    )
    assert files == {"accounts.csv": ACCOUNTS}
    with pytest.raises(road.ExportRefused) as not_text:
        road.export_from_files({"consignments.csv": "貨物".encode("big5")})
    assert (not_text.value.code, not_text.value.file) == ("export_not_text", "consignments.csv")


def test_an_archive_is_read_at_its_top_or_in_one_folder_and_other_entries_are_ignored() -> None:
    flat = _zip(("accounts.csv", ACCOUNTS.encode()), ("README.txt", b"export of 2026-12-01"))
    assert road.export_from_zip(flat) == {"accounts.csv": ACCOUNTS}
    foldered = _zip(("export/", b""), ("export/accounts.csv", ACCOUNTS.encode()), ("a/b/templates.csv", b"x"))
    assert road.export_from_zip(foldered) == {"accounts.csv": ACCOUNTS}


@pytest.mark.parametrize(
    "name", ["../accounts.csv", "/etc/accounts.csv", "export/../../accounts.csv", "C:accounts.csv"]
)
def test_an_archive_naming_a_path_outside_itself_is_refused(name: str) -> None:
    assert _refused(_zip((name, ACCOUNTS.encode()))) == "export_archive_unsafe"


def test_an_archive_holding_a_file_twice_or_too_many_entries_is_refused() -> None:
    assert _refused(_zip(("accounts.csv", b"a"), ("export/accounts.csv", b"b"))) == "export_archive_unsafe"
    many = [(f"extra-{n}.txt", b"") for n in range(road.archive.MAX_ENTRIES)]
    assert _refused(_zip(("accounts.csv", ACCOUNTS.encode()), *many)) == "export_archive_unsafe"


def test_a_zip_bomb_is_refused_after_reading_one_byte_past_the_limit() -> None:
    bomb = _zip(("accounts.csv", b"0" * (road.EXPORT_MAX_FILE_BYTES * 4)))
    assert len(bomb) < road.EXPORT_MAX_FILE_BYTES // 100, "a small upload that would unpack to 16 MB"
    assert _refused(bomb) == "export_too_large"


def test_what_is_not_a_zip_is_refused() -> None:
    assert _refused(ACCOUNTS.encode()) == "export_not_zip"
