"""Templates out and back in through the services, on the demo database, without a window."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from desktop_app.core.periods import Quarter
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.excel.template_spend import SPEND_SHEET
from desktop_app.services.changes import RETURNS
from desktop_app.services.progress import Cancelled
from desktop_app.services.returns import ReturnRefused, save_return, set_status
from desktop_app.services.templates import (
    WARNINGS_POLICY,
    ImportRefused,
    TemplatesRefused,
    commit_import,
    make_templates,
    preview_import,
)
from desktop_app.store.models import Provider, Strand
from tests.excel.test_hostile_files import _fingerprint
from tests.excel.test_templates import HOSTILE_NAME, fill_template, input_cells

Q4 = Quarter.parse("2024/25 Q4")  # 40 submitted, 14 draft, 18 missing
Q3 = Quarter.parse("2024/25 Q3")  # verified and submitted
LOCKED_Q = Quarter.parse("2023/24 Q4")  # every return locked
AIRE = "Aire Valley Victim Support"  # WY-001 (draft), WY-002 (missing), WY-003 (draft), WY-004 (submitted)
RECEIVED = dt.date(2025, 4, 20)


def _as_a_provider_would(path):
    """Figures for every input cell: what is shown (or last quarter's when blank), victims + 3."""
    workbook = load_workbook(path)
    figures = {}
    for sheet, cells in input_cells(path).items():
        if sheet == SPEND_SHEET:
            continue  # the claims: their own tests (test_template_claims)
        rows = {}
        for label, address in cells.items():
            row = workbook[sheet][address].row
            value = workbook[sheet].cell(row, 2).value
            if value is None:
                value = workbook[sheet].cell(row, 6).value  # the latest quarter shown for reference
            if label == "Victims supported":
                value = (value or 0) + 3  # a bigger total keeps every "within supported" rule
            rows[label] = value
        figures[sheet] = rows
    fill_template(path, figures)
    return figures


def _stored(db, quarter):
    with db.reading() as session:
        rows = session.execute(
            text(
                """SELECT s.reference, m.label, v.value FROM return_value v
                   JOIN "return" r ON r.id = v.return_id JOIN strand s ON s.id = r.strand_id
                   JOIN measure m ON m.id = v.measure_id JOIN return_period p ON p.id = r.period_id
                   WHERE p.financial_year = :year AND p.quarter = :number"""
            ),
            {"year": quarter.year.start_year, "number": quarter.number},
        )
        found: dict[str, dict[str, int]] = {}
        for reference, label, value in rows:
            found.setdefault(reference, {})[label] = value
        return found


def _statuses(db, quarter):
    with db.reading() as session:
        return dict(
            session.execute(
                text(
                    """SELECT s.reference, r.status || ' ' || coalesce(r.received_date, '') FROM "return" r
                       JOIN strand s ON s.id = r.strand_id JOIN return_period p ON p.id = r.period_id
                       WHERE p.financial_year = :year AND p.quarter = :number"""
                ),
                {"year": quarter.year.start_year, "number": quarter.number},
            ).all()
        )


def test_round_trip_every_filled_template_is_stored_as_typed_and_submitted(demo_db, tmp_path):
    made = make_templates(demo_db, Q4, tmp_path / "out")
    assert (len(made.paths), made.providers, made.strands) == (34, 34, 72)
    typed = {}
    for path in made.paths:
        typed.update(_as_a_provider_would(path))

    preview = preview_import(demo_db, made.paths)
    assert preview.ok, preview.lines()
    counts = preview.counts()
    assert counts["new"] == 18 and len(preview.to_write) == 72

    changed = commit_import(demo_db, preview, received_date=RECEIVED, who="tester")

    assert changed.touches(RETURNS)
    expected = {sheet: {label: v for label, v in rows.items() if v is not None} for sheet, rows in typed.items()}
    assert _stored(demo_db, Q4) == expected
    assert set(_statuses(demo_db, Q4).values()) == {f"submitted {RECEIVED.isoformat()}"}


def test_preview_shows_new_and_changed_figures_with_cells_and_writes_nothing(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    held = _stored(demo_db, Q4)["WY-004"]["Victims supported"]
    fill_template(path, {"WY-004": {"Victims supported": held + 2}, "WY-002": {"Victims supported": 40}})
    before = _fingerprint(demo_db)

    preview = preview_import(demo_db, [path])

    strands = {s.reference: s for s in preview.strands}
    assert strands["WY-004"].summary() == "1 figure changed → submitted"
    assert [c.describe() for c in strands["WY-004"].changed_values] == [
        f"Victims supported: {held:,} → {held + 2:,} (cell B11)"
    ]
    assert strands["WY-002"].action == "new"
    assert [c.describe() for c in strands["WY-002"].new_values] == ["Victims supported: 40 (cell B11)"]
    assert strands["WY-001"].summary() == "figures unchanged; draft → submitted"
    text_lines = "\n".join(preview.lines())
    assert "  WY-002 Bradford community IDVA service: new return, 1 figure → submitted" in text_lines
    assert _fingerprint(demo_db) == before


def test_a_blank_cell_clears_a_figure_as_not_collected(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    fill_template(path, {"WY-004": {"Referred to mental health support": None}})
    preview = preview_import(demo_db, [path])
    (change,) = next(s for s in preview.strands if s.reference == "WY-004").changed_values
    assert change.new is None and change.describe().endswith("→ blank (cell B16)")
    commit_import(demo_db, preview, received_date=RECEIVED)
    assert "Referred to mental health support" not in _stored(demo_db, Q4)["WY-004"]


def test_a_broken_rule_blocks_the_batch_naming_the_cell(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    fill_template(path, {"WY-002": {"Victims supported": 5, "Domestic abuse victims supported by IDVAs": 9}})
    before = _fingerprint(demo_db)
    preview = preview_import(demo_db, [path])
    (error,) = next(s for s in preview.strands if s.reference == "WY-002").errors
    assert error.startswith(f"{path.name}, sheet WY-002, cell B12: ")
    assert "victims supported" in error
    with pytest.raises(ImportRefused, match="1 of 1 files refused"):
        commit_import(demo_db, preview)
    assert _fingerprint(demo_db) == before


def test_warnings_do_not_block_but_the_return_cannot_be_verified_until_explained(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    fill_template(path, {"WY-004": {"Victims supported": 100_000}})
    preview = preview_import(demo_db, [path])
    (warning,) = next(s for s in preview.strands if s.reference == "WY-004").warnings
    assert warning.startswith(f"{path.name}, sheet WY-004, cell B11: Victims supported (100,000) is more than three times")
    assert preview.ok and WARNINGS_POLICY in preview.lines()
    commit_import(demo_db, preview, received_date=RECEIVED)
    assert _statuses(demo_db, Q4)["WY-004"] == f"submitted {RECEIVED.isoformat()}"
    with demo_db.reading() as session:
        strand_id = session.execute(text("SELECT id FROM strand WHERE reference = 'WY-004'")).scalar()
    with pytest.raises(ReturnRefused, match="add a note"):
        set_status(demo_db, (strand_id, Q4), ReturnStatus.VERIFIED)


def test_locked_returns_are_listed_and_never_changed(demo_db, tmp_path):
    (path,) = make_templates(demo_db, LOCKED_Q, tmp_path, provider=AIRE).paths
    # No return figure to type into; only the Spend sheet's claims, which the MoJ return does not lock.
    assert set(input_cells(path)) == {SPEND_SHEET}
    fill_template(path, {"WY-001": {"Victims supported": 1}}, force=True)  # protection lifted anyway
    before = _fingerprint(demo_db)
    preview = preview_import(demo_db, [path])
    assert preview.ok
    summaries = {s.reference: s.summary() for s in preview.strands}
    assert summaries["WY-001"] == "locked: not changed (the file's figures differ from those sent)"
    assert summaries["WY-003"] == "locked: not changed"
    assert not preview.to_write
    assert not commit_import(demo_db, preview)  # nothing to write, nothing changed
    assert _fingerprint(demo_db) == before


def test_a_verified_return_stays_verified_unless_its_figures_change(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q3, tmp_path, provider=AIRE).paths
    held = _stored(demo_db, Q3)["WY-001"]["Victims supported"]
    fill_template(path, {"WY-001": {"Victims supported": held + 1}})
    preview = preview_import(demo_db, [path])
    before = _statuses(demo_db, Q3)
    commit_import(demo_db, preview, received_date=RECEIVED)
    after = _statuses(demo_db, Q3)
    assert after["WY-001"] == f"submitted {RECEIVED.isoformat()}"
    assert {k: v for k, v in after.items() if k != "WY-001"} == {k: v for k, v in before.items() if k != "WY-001"}


def test_the_same_strand_in_two_files_is_refused(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path / "a", provider=AIRE).paths
    copy = shutil.copyfile(path, tmp_path / "copy.xlsx")
    preview = preview_import(demo_db, [path, copy, path])  # the same path twice is read once
    assert [f.refused for f in preview.files] == [False, True]
    assert "WY-001's 2024/25 Q4 return is also in 2024-25 Q4 - Aire Valley Victim Support.xlsx" in (
        preview.files[1].refusal_line()
    )


def test_a_return_changed_since_the_preview_refuses_the_commit(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    held = _stored(demo_db, Q4)["WY-004"]["Victims supported"]
    fill_template(path, {"WY-004": {"Victims supported": held + 2}})
    preview = preview_import(demo_db, [path])
    with demo_db.reading() as session:
        strand_id = session.execute(text("SELECT id FROM strand WHERE reference = 'WY-004'")).scalar()
    save_return(demo_db, strand_id, Q4, {"victims_supported": held + 1})  # an officer's edit meanwhile
    before = _fingerprint(demo_db)
    with pytest.raises(ImportRefused, match=r"the figures changed since your preview: preview again \(WY-004 2024/25 Q4 was saved by someone else\)"):
        commit_import(demo_db, preview)
    assert _fingerprint(demo_db) == before


def test_the_audit_trail_names_the_file_and_who_imported(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    commit_import(demo_db, preview_import(demo_db, [path]), who="officer.a")
    with demo_db.reading() as session:
        reasons = session.execute(
            text("SELECT DISTINCT who, reason FROM audit_event WHERE entity = 'return' ORDER BY id DESC LIMIT 1")
        ).all()
    assert reasons == [("officer.a", f"Imported from {path.name}")]
    assert any((demo_db.path.parent / f"{demo_db.path.stem}-backups").glob("*before-import.sqlite"))


def test_progress_is_reported_and_cancelling_stops_cleanly(demo_db, tmp_path):
    seen = []
    made = make_templates(demo_db, Q4, tmp_path / "out", progress=lambda f, t: seen.append((f, t)))
    assert seen[-1] == (1.0, "34 templates written") and all(0 <= f <= 1 for f, _ in seen)
    seen.clear()
    preview_import(demo_db, made.paths[:3], progress=lambda f, t: seen.append((f, t)))
    assert seen[0][1] == f"Reading {made.paths[0].name}" and seen[-1] == (1.0, "Preview ready")
    with pytest.raises(Cancelled, match="nothing was imported"):
        preview_import(demo_db, made.paths, cancelled=lambda: True)
    calls = iter([False, False, True])
    with pytest.raises(Cancelled, match="no template was kept"):
        make_templates(demo_db, Q4, tmp_path / "cancelled", cancelled=lambda: next(calls))
    assert list((tmp_path / "cancelled").iterdir()) == []  # the files written before are removed


def test_templates_refuse_to_overwrite_a_folder_of_returns_or_an_unknown_provider(demo_db, tmp_path):
    make_templates(demo_db, Q4, tmp_path, provider=AIRE)
    with pytest.raises(TemplatesRefused, match="already holds 2024-25 Q4 - Aire Valley Victim Support.xlsx"):
        make_templates(demo_db, Q4, tmp_path, provider=AIRE)
    assert make_templates(demo_db, Q4, tmp_path, provider=AIRE, replace=True).paths
    with pytest.raises(TemplatesRefused, match="Did you mean 'Aire Valley Victim Support'"):
        make_templates(demo_db, Q4, tmp_path, provider="Aire Valley Victim Suport")
    with pytest.raises(TemplatesRefused, match="No provider has a strand running in 2021/22 Q1"):
        make_templates(demo_db, Quarter.parse("2021/22 Q1"), tmp_path / "old")


def test_a_provider_named_like_a_formula_round_trips_safely(demo_db, tmp_path):
    with demo_db.transaction() as session:
        provider = session.get(Provider, session.get(Strand, 1).provider_id)
        provider.name = HOSTILE_NAME
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=HOSTILE_NAME).paths
    fill_template(path, {"WY-002": {"Victims supported": 12}})
    preview = preview_import(demo_db, [path])
    assert preview.ok and preview.files[0].provider_name == HOSTILE_NAME
    commit_import(demo_db, preview)
    assert _stored(demo_db, Q4)["WY-002"] == {"Victims supported": 12}


def test_a_folder_stands_for_the_workbooks_in_it(demo_db, tmp_path):
    folder = tmp_path / "returns"
    (path,) = make_templates(demo_db, Q4, folder, provider=AIRE).paths
    (folder / "~$2024-25 Q4 - Aire Valley Victim Support.xlsx").write_bytes(b"lock")  # Excel's lock file
    (folder / "covering email.txt").write_text("Figures attached.")
    (folder / "last year.csv").write_text("strand,victims\nWY-001,3\n")
    preview = preview_import(demo_db, [folder])
    assert [f.name for f in preview.files] == ["2024-25 Q4 - Aire Valley Victim Support.xlsx", "last year.csv"]
    assert [f.refused for f in preview.files] == [False, True]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImportRefused, match="no workbooks were chosen"):
        commit_import(demo_db, preview_import(demo_db, [empty]))


def test_a_huge_text_in_a_cell_gives_a_short_line(demo_db, tmp_path):
    (path,) = make_templates(demo_db, Q4, tmp_path, provider=AIRE).paths
    fill_template(path, {"WY-002": {"Victims supported": "x" * 30_000}})
    (line,) = preview_import(demo_db, [path]).files[0].refusals
    assert line.startswith(f"{path.name}, sheet WY-002, cell B11: Victims supported: 'xxx") and len(line) < 400
