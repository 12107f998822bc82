"""Broken and hostile files: each is built here, refused in one line that names the file (and
the sheet and cell where there is one) and the problem, and the database is left untouched."""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from desktop_app.core.periods import Quarter
from desktop_app.excel.file_checks import (
    OLE2_MAGIC,
    FileRefused,
    WorkbookLimits,
    check_workbook_file,
)
from desktop_app.services.templates import (
    ImportRefused,
    commit_import,
    make_templates,
    preview_import,
)
from desktop_app.store.models import Base
from tests.excel.test_templates import fill_template

Q4 = Quarter.parse("2024/25 Q4")
PROVIDER = "Aire Valley Victim Support"  # strands WY-001 to WY-004
OTHER_PROVIDER = "Aire and Calder Hospitals NHS Foundation Trust"  # WY-071, WY-072

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b"]>\n"
)


def _rezip(source: Path, target: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> Path:
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in add.items():
            new.writestr(name, data)
    return target


def _with_doctype(source: Path, target: Path, part: str) -> Path:
    with zipfile.ZipFile(source) as archive:
        body = archive.read(part)
    # The XML declaration (if any) replaced by one followed by a billion-laughs DTD.
    body = BILLION_LAUGHS + (body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body)
    return _rezip(source, target, {part: body})


def _declared_huge(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    data = bytearray(target.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the first central directory entry
    struct.pack_into("<I", data, entry + 24, 3_000_000_000)  # its declared uncompressed size
    target.write_bytes(bytes(data))
    return target


def _ole2(target: Path, *, encrypted: bool) -> Path:
    data = bytearray(2048)
    data[:8] = OLE2_MAGIC
    struct.pack_into("<HHHH", data, 24, 0x3E, 3, 0xFFFE, 9)  # versions, byte order, 512-byte sectors
    name = ("EncryptedPackage" if encrypted else "Workbook").encode("utf-16-le")
    data[1024 : 1024 + len(name)] = name  # a directory entry's name
    target.write_bytes(bytes(data))
    return target


def _edit(source: Path, target: Path, change: Callable[[Workbook], None]) -> Path:
    workbook = load_workbook(source)
    change(workbook)
    workbook.save(target)
    return target


def _other_version(workbook: Workbook) -> None:
    workbook["Template"]["B2"] = 99


def _edited_label(workbook: Workbook) -> None:
    workbook["WY-001"]["A11"] = "Victims helped"


def _edited_record(workbook: Workbook) -> None:
    record = workbook["Template"]
    row = next(r for r in range(9, record.max_row + 1) if record.cell(r, 4).value == "victims_supported")
    record.cell(row, 7).value = "C11"  # point the import at another cell


def _typed(value: object) -> Callable[[Path, Path], Path]:
    return lambda good, target: fill_template(good, {"WY-002": {"Victims supported": value}}, save_as=target)


# name → (how to build the bad file from a good template, words the refusal must contain)
CASES: dict[str, tuple[Callable[[Path, Path], Path], tuple[str, ...]]] = {
    "empty file": (lambda good, t: (t.write_bytes(b""), t)[1], ("is empty",)),
    "csv renamed": (lambda good, t: (t.write_text("provider,strand,victims\nAire,WY-001,12\n"), t)[1], ("is a text file (a CSV?) renamed to .xlsx",)),
    "old xls": (lambda good, t: _ole2(t, encrypted=False), ("an old .xls workbook", "save it as .xlsx")),
    "password protected": (lambda good, t: _ole2(t, encrypted=True), ("protected by a password",)),
    "xlsm with macros": (lambda good, t: _rezip(good, t, add={"xl/vbaProject.bin": b"\x00" * 64}), ("contains macros",)),
    "macro-enabled content type": (
        lambda good, t: _rezip(good, t, {"[Content_Types].xml": zipfile.ZipFile(good).read("[Content_Types].xml").replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")}),
        ("macro-enabled workbook (.xlsm)",),
    ),
    "too big": (lambda good, t: (t.write_bytes(b"PK\x03\x04" + b"\x00" * (21 * 1024 * 1024)), t)[1], ("over the 20.0 MB limit",)),
    "zip bomb by declared size": (_declared_huge, ("unpacks to 2,861.0 MB", "zip bomb")),
    "zip bomb by ratio": (lambda good, t: _rezip(good, t, add={"xl/media/filler.bin": b"\x00" * (8 * 1024 * 1024)}), ("compressed", "zip bomb")),
    "too many parts": (lambda good, t: _rezip(good, t, add={f"xl/extra/{i}.bin": b"x" for i in range(1001)}), ("parts", "limit 1,000")),
    "xml bomb in a sheet": (lambda good, t: _with_doctype(good, t, "xl/worksheets/sheet2.xml"), ("declares XML entities", "XML bomb")),
    "xml bomb in the workbook part": (lambda good, t: _with_doctype(good, t, "xl/workbook.xml"), ("declares XML entities",)),
    "damaged zip": (lambda good, t: (t.write_bytes(good.read_bytes()[:3000]), t)[1], ("is damaged",)),
    "zip that is not a workbook": (lambda good, t: _zip_of_text(t), ("is a zip file but not an Excel workbook",)),
    "not one of our templates": (lambda good, t: (Workbook().save(t), t)[1], ("is not a Commissioning Desk return template",)),
    "another template version": (lambda good, t: _edit(good, t, _other_version), ("another version of the template",)),
    "edited label": (lambda good, t: _edit(good, t, _edited_label), ("sheet WY-001, cell A11: the layout was edited",)),
    "edited hidden record": (lambda good, t: _edit(good, t, _edited_record), ("checksum does not match",)),
    "deleted sheet": (lambda good, t: _edit(good, t, lambda wb: wb.remove(wb["WY-003"])), ("sheet WY-003 is missing",)),
    "formula": (_typed("=SUM(C11:F11)"), ("sheet WY-002, cell B11: holds a formula; type the number itself",)),
    "date": (_typed(dt.date(2025, 4, 5)), ("sheet WY-002, cell B11: holds a date (5 Apr 2025), not a count",)),
    "libreoffice ods": (lambda good, t: make_ods(t), ("LibreOffice (OpenDocument .ods) spreadsheet", "File › Save As…", '"Excel 2007-365 (.xlsx)"')),
    "text": (_typed("twelve"), ("sheet WY-002, cell B11: Victims supported: 'twelve' is not a whole number",)),
    "negative": (_typed(-5), ("sheet WY-002, cell B11: Victims supported: -5 cannot be negative",)),
    "fraction": (_typed(2.5), ("sheet WY-002, cell B11: Victims supported: '2.5' is not a whole number", "fraction")),
}


def make_ods(target: Path) -> Path:
    """An OpenDocument spreadsheet as LibreOffice lays one out: `mimetype` first, stored."""
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content/>')
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest/>')
    return target


def _zip_of_text(target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return target


@pytest.fixture
def good(demo_db, tmp_path) -> Path:
    (path,) = make_templates(demo_db, Q4, tmp_path / "out", provider=PROVIDER).paths
    return path


@pytest.fixture
def other(demo_db, tmp_path) -> Path:
    """Another provider's template, untouched: the good file in a batch with a bad one."""
    (path,) = make_templates(demo_db, Q4, tmp_path / "other", provider=OTHER_PROVIDER).paths
    return path


def _fingerprint(db) -> dict[str, int | None]:
    with db.reading() as session:
        found = {t.name: session.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar() for t in Base.metadata.sorted_tables}
        found["max audit id"] = session.execute(text("SELECT max(id) FROM audit_event")).scalar()
        found["statuses"] = hash(tuple(session.execute(text('SELECT id, status, received_date FROM "return" ORDER BY id'))))
    return found


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_file_is_refused_by_name_and_nothing_is_written(case, good, other, demo_db, tmp_path):
    build, words = CASES[case]
    bad = build(good, tmp_path / "Bad return.xlsx")
    before = _fingerprint(demo_db)

    preview = preview_import(demo_db, [other, bad])

    assert not preview.ok
    ready, refused = preview.files
    assert not ready.refused  # the good file is shown as importable...
    assert refused.refused and ready.name not in refused.refusal_line()
    line = refused.refusal_line()
    assert line.startswith("Bad return.xlsx") and "\n" not in line
    for word in words:
        assert word in line, line
    with pytest.raises(ImportRefused) as error:  # ...but nothing commits until the bad one goes
        commit_import(demo_db, preview)
    assert "1 of 2 files refused" in str(error.value) and "Bad return.xlsx" in str(error.value)
    assert _fingerprint(demo_db) == before


def test_a_template_for_another_quarter_is_refused_when_a_quarter_is_chosen(good, demo_db, tmp_path):
    (q3,) = make_templates(demo_db, Q4.previous(), tmp_path / "q3", provider=PROVIDER).paths
    before = _fingerprint(demo_db)
    preview = preview_import(demo_db, [good, q3], period=Q4)
    assert [f.refused for f in preview.files] == [False, True]
    assert preview.files[1].refusal_line() == (
        f"{q3.name}: is the template for 2024/25 Q3, not 2024/25 Q4: import it with 2024/25 Q3's returns"
    )
    with pytest.raises(ImportRefused):
        commit_import(demo_db, preview)
    assert _fingerprint(demo_db) == before


def test_every_formula_cell_is_listed(good, demo_db):
    fill_template(good, {"WY-001": {"Victims supported": "=1+1"}, "WY-004": {"Referred to mental health support": "=B11"}})
    problems = preview_import(demo_db, [good]).files[0].refusals
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"{good.name}, sheet WY-001, cell B11",
        f"{good.name}, sheet WY-004, cell B16",
    ]


def test_openpyxl_itself_refuses_entity_declarations_through_defusedxml(good, tmp_path):
    # The second wall, behind the cheap scan: openpyxl parses with defusedxml.
    assert openpyxl.DEFUSEDXML is True
    bomb = _with_doctype(good, tmp_path / "bomb.xlsx", "xl/workbook.xml")
    with pytest.raises(ValueError) as error:
        load_workbook(bomb, read_only=True)
    causes = []
    cause: BaseException | None = error.value
    while cause is not None:
        causes.append(type(cause).__name__)
        cause = cause.__cause__ or cause.__context__
    assert "EntitiesForbidden" in causes


def test_the_checks_need_no_parser_and_limits_can_be_set(good, tmp_path):
    check_workbook_file(good)  # a real template passes
    with pytest.raises(FileRefused, match="over the 0.0 MB limit"):
        check_workbook_file(good, WorkbookLimits(max_file_bytes=1000))
    with pytest.raises(FileRefused, match="does not exist"):
        check_workbook_file(tmp_path / "missing.xlsx")
    with pytest.raises(FileRefused, match="is a folder"):
        check_workbook_file(tmp_path)
