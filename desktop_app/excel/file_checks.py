"""Cheap checks on a workbook file before any spreadsheet parser touches it.

Only the standard library's `zipfile` and `struct`: the file's size, its first bytes, the zip's
directory (how many parts, their declared sizes and compression ratios) and the first bytes of
each XML part. So a zip bomb, an XML bomb, an old `.xls`, a password-protected or macro-enabled
workbook, a LibreOffice `.ods`, a CSV renamed to `.xlsx` or an empty file is refused in
milliseconds, whatever its name says.

Declared sizes are enough to trust: Python's zip reader stops at an entry's declared size (and
checks its CRC), and openpyxl reads through it, so a part can never inflate past what its
directory entry declares. openpyxl also parses with defusedxml when it is installed (it is a
dependency); the DTD scan here refuses entity declarations before that, as a second wall.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "ODS_REFUSAL",
    "FileRefused",
    "WorkbookLimits",
    "check_workbook_file",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
# A provider's template has a dozen parts plus two per strand.
MAX_ENTRIES = 1000
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
# Spreadsheet XML compresses well (10-30x, up to ~100x for very repetitive sheets); a zip bomb
# is in the thousands. Parts smaller than `_RATIO_FLOOR` are not judged by their ratio.
MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024
# An XML part's prolog (declaration, comments) comes before its root element; one longer than
# this is not something Excel writes.
_PROLOG_LIMIT = 64 * 1024
_CHUNK = 4096

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_ROOT_START = re.compile(rb"<[A-Za-z_:]")
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# An OpenDocument file's first part names its type.
_ODF_MIMETYPE = "mimetype"
_ODS_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Not read: the import reads one format, .xlsx, with every check above, and saving as .xlsx
# from LibreOffice takes the provider a moment (the template's instructions say how).
ODS_REFUSAL = (
    "is a LibreOffice (OpenDocument .ods) spreadsheet, not an Excel workbook: ask the provider to "
    'open it in LibreOffice Calc, choose File › Save As…, set the file type to "Excel 2007-365 '
    '(.xlsx)", click Save, then "Use Excel 2007-365!", and send that .xlsx file'
)


class FileRefused(ValueError):
    """The file is not a workbook the import will open; the message says why, without the file
    name (the caller names the file)."""


@dataclass(frozen=True)
class WorkbookLimits:
    """The limits a file is checked against (tests and a team with bigger files can change them)."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_entries: int = MAX_ENTRIES
    max_part_bytes: int = MAX_PART_BYTES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_ratio: int = MAX_RATIO


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f} MB"


def _ole2_refusal(path: Path, size: int, limits: WorkbookLimits) -> FileRefused:
    """An OLE2 compound file: an old .xls, or an encrypted (password-protected) .xlsx."""
    with open(path, "rb") as handle:
        header = handle.read(512)
        # Byte order mark 0xFFFE at offset 28; sector shift at 30 (9 or 12 in a real file).
        byte_order, sector_shift = struct.unpack_from("<HH", header, 28) if len(header) >= 32 else (0, 0)
        body = handle.read(limits.max_file_bytes) if size <= limits.max_file_bytes else b""
    # Excel encrypts a password-protected .xlsx into an OLE2 file with an "EncryptedPackage"
    # stream; its directory holds the name in UTF-16.
    if _ENCRYPTED_PACKAGE in header + body:
        return FileRefused(
            "is protected by a password, so it cannot be read: open it in Excel, remove the password "
            "(File › Info › Protect Workbook › Encrypt with Password) and save it again"
        )
    if byte_order != 0xFFFE or sector_shift not in (9, 12):
        return FileRefused("is not an Excel workbook (it looks like a damaged old Office file)")
    return FileRefused("is an old .xls workbook: open it in Excel and save it as .xlsx (Excel Workbook)")


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut off at the end of the sample is still text.
        if error.start < len(head) - 3:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def _not_a_zip(head: bytes, path: Path) -> FileRefused:
    if _looks_like_text(head):
        named = f" renamed to {path.suffix}" if path.suffix.lower() in (".xlsx", ".xlsm", ".xls") else ""
        return FileRefused(
            f"is a text file (a CSV?){named}, not an Excel workbook: fill in the template in Excel "
            "and save it as .xlsx"
        )
    return FileRefused("is not an Excel workbook (.xlsx)")


def _is_ods(archive: zipfile.ZipFile) -> bool:
    with archive.open(_ODF_MIMETYPE) as stream:
        return stream.read(len(_ODS_TYPE) + 8).strip().startswith(_ODS_TYPE)


def _check_entries(archive: zipfile.ZipFile, limits: WorkbookLimits) -> list[zipfile.ZipInfo]:
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise FileRefused(
            f"holds {len(entries):,} parts; a workbook from a template has far fewer (limit {limits.max_entries:,})"
        )
    names: set[str] = set()
    total = 0
    for entry in entries:
        lowered = entry.filename.lower()
        if lowered in names:
            # Two parts of one name: two readers could see two different workbooks.
            raise FileRefused(f"holds two parts named {entry.filename}, so it is damaged or tampered with")
        names.add(lowered)
        if entry.flag_bits & 0x1:
            raise FileRefused("has encrypted parts: save it again from Excel without a password")
        if lowered.endswith("vbaproject.bin"):
            raise FileRefused(
                "contains macros (a macro-enabled .xlsm workbook): save it as an Excel Workbook (.xlsx)"
            )
        if entry.file_size > limits.max_part_bytes:
            raise FileRefused(
                f"has a part ({entry.filename}) that unpacks to {_megabytes(entry.file_size)}, over the "
                f"{_megabytes(limits.max_part_bytes)} limit (a zip bomb?)"
            )
        if entry.file_size > _RATIO_FLOOR and entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
            ratio = entry.file_size / max(entry.compress_size, 1)
            raise FileRefused(
                f"has a part ({entry.filename}) compressed {ratio:,.0f} times, far beyond any real "
                f"workbook (limit {limits.max_ratio}×): it looks like a zip bomb"
            )
        total += entry.file_size
    if total > limits.max_total_bytes:
        raise FileRefused(
            f"unpacks to {_megabytes(total)}, over the {_megabytes(limits.max_total_bytes)} limit (a zip bomb?)"
        )
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        if _ODF_MIMETYPE in names and _is_ods(archive):
            raise FileRefused(ODS_REFUSAL)
        raise FileRefused("is a zip file but not an Excel workbook (.xlsx)")
    return entries


def _prolog(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """The part's bytes up to its root element (or the first `_PROLOG_LIMIT` bytes)."""
    found = b""
    with archive.open(entry) as stream:
        while len(found) < _PROLOG_LIMIT:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            found += chunk
            # The root element is the first "<" followed by a name; a DTD can only come before it.
            if _ROOT_START.search(found):
                break
    return found


def _check_xml_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    head = _prolog(archive, entry)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:4]:
        # Excel always writes UTF-8; a UTF-16 part would hide the markup from the scan below.
        raise FileRefused(f"has a part ({entry.filename}) that is not UTF-8 XML, which Excel never writes")
    root = _ROOT_START.search(head)
    prolog = head[: root.start()] if root else head
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in head.upper():
        raise FileRefused(
            f"declares XML entities in {entry.filename} (an 'XML bomb'); Excel never writes these, "
            "so the file was made or changed by something else"
        )
    if root is None and len(head) >= _PROLOG_LIMIT:
        raise FileRefused(f"has a part ({entry.filename}) whose XML does not start like a workbook's")


def _check_content_types(archive: zipfile.ZipFile) -> None:
    with archive.open("[Content_Types].xml") as stream:
        types = stream.read(MAX_PART_BYTES)
    if b"macroenabled" in types.lower():
        raise FileRefused("is a macro-enabled workbook (.xlsm): save it as an Excel Workbook (.xlsx)")


def check_workbook_file(path: Path | str, limits: WorkbookLimits | None = None) -> None:
    """Refuse (`FileRefused`) a file that is not a safe .xlsx workbook, judged by its content:
    empty, too big, an old .xls, password-protected, not a zip (e.g. a CSV), a zip that is not
    a workbook, too many parts, a zip bomb (declared sizes or ratio), macros, or an XML part
    declaring entities. Returns None when the file may be handed to openpyxl."""
    path = Path(path)
    limits = limits or WorkbookLimits()
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise FileRefused("is a folder, not a workbook")
        with open(path, "rb") as handle:
            head = handle.read(_CHUNK)
    except FileNotFoundError:
        raise FileRefused("does not exist") from None
    except PermissionError:
        raise FileRefused("cannot be read (permission denied, or it is open in another program)") from None
    except OSError as error:
        raise FileRefused(f"cannot be read ({error.strerror or error})") from None
    if size == 0 or not head.strip(b"\x00 \t\r\n"):
        raise FileRefused("is empty")
    if head.startswith(OLE2_MAGIC):
        raise _ole2_refusal(path, size, limits)
    if size > limits.max_file_bytes:
        raise FileRefused(
            f"is {_megabytes(size)}, over the {_megabytes(limits.max_file_bytes)} limit for a return workbook"
        )
    if head.startswith(EMPTY_ZIP_MAGIC):
        raise FileRefused("is an empty zip file, not an Excel workbook")
    if not head.startswith(ZIP_MAGIC):
        raise _not_a_zip(head, path)
    try:
        with zipfile.ZipFile(path) as archive:
            entries = _check_entries(archive, limits)
            _check_content_types(archive)
            for entry in entries:
                if entry.filename.lower().endswith(_XML_SUFFIXES):
                    _check_xml_part(archive, entry)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as error:
        # NotImplementedError: a compression method Excel never uses.
        raise FileRefused(f"is damaged: it cannot be read as a workbook ({error})") from None
