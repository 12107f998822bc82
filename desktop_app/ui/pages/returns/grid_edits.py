"""What the officer has typed into the returns grid and not saved yet: cell texts over the stored
figures, notes, the undo steps of pastes, and the version each edited row was typed over.

Plain data, no Qt: the grid's Qt model shows it and checks it; saving hands it to `save_grid`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from desktop_app.core.numbers import CountError, parse_count
from desktop_app.services.returns import GridRow

__all__ = ["Cell", "GridEdits"]

# (strand id, measure key)
Cell = tuple[int, str]


class GridEdits:
    def __init__(self) -> None:
        self._edits: dict[int, dict[str, str]] = {}
        self._notes: dict[int, dict[str, str]] = {}
        # One entry per paste or clear: each cell it touched and the edit it held before it.
        self._undo: list[dict[Cell, str | None]] = []
        # Each row's return version as it was when the officer started editing it (see `versions`).
        self._versions: dict[int, int] = {}

    def load(self, rows: Iterable[GridRow], *, keep: bool) -> None:
        """Start over on `rows`; with `keep` (the same quarter, refreshed) edits of rows that can
        still be saved stay, with the version they were typed over."""
        rows = tuple(rows)
        if keep:
            # A row that became locked meanwhile cannot keep edits it could never save.
            editable = {r.strand_id for r in rows if r.editable}
            self._edits = {s: e for s, e in self._edits.items() if s in editable}
            self._notes = {s: n for s, n in self._notes.items() if s in editable}
        else:
            self._edits, self._notes, self._undo = {}, {}, []
        # A refresh keeps an edited row's old version, so saving over a return someone else saved
        # meanwhile is refused instead of quietly taking their save as seen.
        kept = {s: v for s, v in self._versions.items() if self.is_edited(s)}
        self._versions = {r.strand_id: kept.get(r.strand_id, r.version) for r in rows}

    def reload(self, rows: Iterable[GridRow]) -> None:
        """Some rows read again (the rest unchanged): as `load` with `keep` for those rows, and
        typing that now says what is stored (it was just saved) is no longer an edit."""
        for row in rows:
            if not row.editable:
                self._edits.pop(row.strand_id, None)
                self._notes.pop(row.strand_id, None)
            edits = {k: t for k, t in self._edits.get(row.strand_id, {}).items() if not _same(t, row.values.get(k))}
            notes = {k: t for k, t in self._notes.get(row.strand_id, {}).items()
                     if t.strip() != row.notes.get(k, "").strip()}
            for held, kept in ((self._edits, edits), (self._notes, notes)):
                if kept:
                    held[row.strand_id] = kept
                else:
                    held.pop(row.strand_id, None)
            if not self.is_edited(row.strand_id):
                self._versions[row.strand_id] = row.version

    # ------------------------------------------------------------------ cells

    def text(self, strand_id: int, key: str) -> str | None:
        """What was typed in a cell, or None when it shows the stored figure."""
        return self._edits.get(strand_id, {}).get(key)

    def row_edits(self, strand_id: int) -> dict[str, str]:
        return dict(self._edits.get(strand_id, {}))

    def put(self, cells: Mapping[Cell, str | None], rows: Mapping[int, GridRow], *, undoable: bool = False) -> set[int]:
        """Set cells' texts (None: no edit), dropping edits equal to the stored figure; returns
        the strands touched."""
        if undoable:
            self._undo.append({cell: self.text(*cell) for cell in cells})
        for (strand_id, key), text in cells.items():
            edits = self._edits.setdefault(strand_id, {})
            if text is None or _same(text, rows[strand_id].values.get(key)):
                edits.pop(key, None)
            else:
                edits[key] = text
            if not edits:
                del self._edits[strand_id]
        return {s for s, _k in cells}

    def can_undo(self) -> bool:
        return bool(self._undo)

    def pop_undo(self) -> dict[Cell, str | None] | None:
        """The cells of the last paste (or clear) as they were before it, to put back."""
        return self._undo.pop() if self._undo else None

    # ------------------------------------------------------------------ notes

    def notes_of(self, row: GridRow) -> dict[str, str]:
        """The row's notes as they would be saved: stored, with the notes given here over them."""
        return {**row.notes, **self._notes.get(row.strand_id, {})}

    def set_note(self, row: GridRow, note_key: str, text: str) -> None:
        notes = self._notes.setdefault(row.strand_id, {})
        if text.strip() == row.notes.get(note_key, "").strip():
            notes.pop(note_key, None)
        else:
            notes[note_key] = text
        if not notes:
            del self._notes[row.strand_id]

    # ------------------------------------------------------------------ what is unsaved

    def edited_strands(self) -> set[int]:
        """The strands with typed figures or notes."""
        return set(self._edits) | set(self._notes)

    def is_edited(self, strand_id: int) -> bool:
        return strand_id in self._edits or strand_id in self._notes

    def has_edits(self, strand_id: int) -> bool:
        """Whether the row has typed figures (not only notes)."""
        return strand_id in self._edits

    def changed_cells(self) -> int:
        return sum(len(e) for e in self._edits.values())

    def has_changes(self) -> bool:
        return bool(self._edits or self._notes)

    def edits(self) -> dict[int, dict[str, str]]:
        """Strand id → {measure key: text}, as `save_grid` takes them."""
        return {s: dict(e) for s, e in self._edits.items()}

    def notes(self) -> dict[int, dict[str, str]]:
        """Strand id → {note key: note}, the return's own notes under `RETURN_NOTE`."""
        return {s: dict(n) for s, n in self._notes.items()}

    def versions(self) -> dict[int, int]:
        """Strand id → the return's version the edits were made over, for every edited row."""
        return {s: self._versions[s] for s in set(self._edits) | set(self._notes) if s in self._versions}

    def discard(self, rows: Iterable[GridRow], strand_id: int | None = None) -> None:
        """Forget unsaved edits and notes: one strand's, or all of them."""
        if strand_id is None:
            self._edits, self._notes, self._undo = {}, {}, []
        else:
            self._edits.pop(strand_id, None)
            self._notes.pop(strand_id, None)
        # What is shown now is what the row is edited over from here on.
        self._versions = {r.strand_id: self._versions.get(r.strand_id, r.version) if self.is_edited(r.strand_id)
                          else r.version for r in rows}


def _same(text: str, stored: int | None) -> bool:
    """Whether typed text says the same as the stored figure (so it is no change)."""
    try:
        return parse_count(text) == stored
    except CountError:
        return False
