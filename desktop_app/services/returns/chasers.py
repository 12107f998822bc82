"""Chasers: one standard e-mail (.eml) per provider whose returns are missing or overdue,
written to a folder for the officer to open and send from their own mail program (no mail
server needed). Each names every strand and quarter owed with its due date, and carries the
provider's return template for the quarter. Each chaser is recorded on the return's history.

What is owed comes from the completeness engine (`completeness_cells`), so a chaser never asks
for a return the matrix shows as received, or not yet due.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path

from sqlalchemy import select

from desktop_app.core.completeness import MISSING, OVERDUE, STATE_WORDS
from desktop_app.core.periods import Quarter
from desktop_app.core.wording import format_date, noun, plural
from desktop_app.core.vocabulary import AuditAction
from desktop_app.services.errors import ServiceError
from desktop_app.services.history import CHASER_ENTITY
from desktop_app.services.output_paths import check_output_file, check_output_folder
from desktop_app.services.returns.completeness import _stored_due_days, completeness_cells
from desktop_app.store.audit import current_user
from desktop_app.store.database import Database
from desktop_app.store.models import AuditEvent, Provider, Strand

__all__ = [
    "CHASER_ENTITY", "ChaserLine", "ChasersRefused", "ChasersWritten", "ProviderChaser", "chasers_due", "draft_chasers",
]

_OWED = (MISSING, OVERDUE)
XLSX = "application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ChasersRefused(ServiceError, ValueError):
    """No chaser was written (nothing owed, or the folder cannot take them)."""


@dataclass(frozen=True)
class ChaserLine:
    strand_id: int
    reference: str
    strand_name: str
    quarter: Quarter
    due_date: dt.date
    state: str  # "missing" (not yet due) or "overdue"

    @property
    def words(self) -> str:
        late = "overdue" if self.state == OVERDUE else "due"
        return f"{self.reference} {self.strand_name} — {self.quarter.label}, {late} {format_date(self.due_date)}"


@dataclass(frozen=True)
class ProviderChaser:
    provider_id: int
    provider_name: str
    contact_name: str
    contact_email: str  # "" when the provider has none: the file is written with no To
    lines: tuple[ChaserLine, ...]


@dataclass(frozen=True)
class ChasersWritten:
    folder: Path
    paths: tuple[Path, ...]
    chasers: tuple[ProviderChaser, ...]

    @property
    def without_email(self) -> tuple[str, ...]:
        """Providers with no contact e-mail (their chaser has no To: fill it in before sending)."""
        return tuple(c.provider_name for c in self.chasers if not c.contact_email)


def chasers_due(db: Database, quarter: Quarter, *, today: dt.date | None = None) -> list[ProviderChaser]:
    """Per provider (by name), the returns of `quarter`'s year up to `quarter` that are missing
    or overdue on `today`."""
    today = today or dt.date.today()
    year = quarter.year
    with db.reading() as session:
        days = _stored_due_days(db)
        rows = completeness_cells(session, year, days, today)
        owed = [
            (row, cell) for row in rows for cell in row.cells
            if cell.quarter <= quarter and cell.state in _OWED
        ]
        ids = {row.strand_id for row, _cell in owed}
        strands = {s.id: s for s in session.scalars(select(Strand).where(Strand.id.in_(ids)))}
        providers = {p.id: p for p in session.scalars(
            select(Provider).where(Provider.id.in_({s.provider_id for s in strands.values()})))}
        by_provider: dict[int, list[ChaserLine]] = {}
        for row, cell in owed:
            strand = strands[row.strand_id]
            by_provider.setdefault(strand.provider_id, []).append(ChaserLine(
                row.strand_id, row.reference, row.strand_name, cell.quarter, cell.quarter.due_date(days), cell.state))
        chasers = [
            ProviderChaser(
                pid, providers[pid].name, (providers[pid].contact_name or "").strip(),
                (providers[pid].contact_email or "").strip(),
                tuple(sorted(lines, key=lambda line: (line.quarter, line.reference))),
            )
            for pid, lines in by_provider.items()
        ]
    return sorted(chasers, key=lambda c: c.provider_name.casefold())


def chaser_message(chaser: ProviderChaser, quarter: Quarter, template: tuple[str, bytes] | None) -> EmailMessage:
    """The standard chaser e-mail to one provider (with its template attached when given)."""
    message = EmailMessage()
    if chaser.contact_email:
        message["To"] = Address(display_name=chaser.contact_name, addr_spec=chaser.contact_email)
    late = any(line.state == OVERDUE for line in chaser.lines)
    count = len(chaser.lines)
    what = "return" if count == 1 else plural(count, "return")
    message["Subject"] = f"{'Overdue' if late else 'Reminder'}: {chaser.provider_name} — {what} for " + ", ".join(
        sorted({line.quarter.label for line in chaser.lines}))
    message["Date"] = formatdate(localtime=True)
    message["X-Unsent"] = "1"  # Outlook and others open it as a draft to send, not a received mail
    greeting = f"Dear {chaser.contact_name}," if chaser.contact_name else "Hello,"
    lines = "\n".join(f"  • {line.words}" for line in chaser.lines)
    attached = (f"The return template for {quarter.label} is attached: please fill it in and send it back."
                if template else "")
    message.set_content(
        f"{greeting}\n\nWe have not yet received the following {noun(count, 'return')} "
        f"from {chaser.provider_name}:\n\n{lines}\n\n{attached}\n\n"
        "If you have already sent it, thank you, and please let us know when, so we can find it.\n\n"
        "Commissioning team, Office of the Police and Crime Commissioner\n"
    )
    if template is not None:
        name, data = template
        message.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename=name)
    return message


def _file_name(quarter: Quarter, provider: str) -> str:
    from desktop_app.excel.template_writer import template_file_name

    return template_file_name(quarter, provider).removesuffix(".xlsx") + " - chaser.eml"


def draft_chasers(
    db: Database, quarter: Quarter, out_dir: Path | str, *, today: dt.date | None = None, who: str | None = None,
) -> ChasersWritten:
    """Write one chaser (.eml) per provider with missing or overdue returns into `out_dir`
    (made if missing), each with the provider's template for `quarter` attached, and record
    each chaser in the audit trail (shown on the return's history). All or nothing: a file
    that cannot be written removes the ones this call wrote, and nothing is recorded."""
    from desktop_app.services.templates.making import TemplatesRefused, make_templates

    out_dir = Path(out_dir).expanduser()
    check_output_folder(db, out_dir, "the chasers")
    if out_dir.exists() and not out_dir.is_dir():
        raise ChasersRefused(f"{out_dir} is a file; give a folder for the chasers.")
    chasers = chasers_due(db, quarter, today=today)
    if not chasers:
        raise ChasersRefused(f"No return up to {quarter.label} is missing or overdue, so there is no one to chase.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ChasersRefused(f"Cannot make the folder {out_dir}: {error.strerror or error}.") from None
    written: list[Path] = []
    try:
        with tempfile.TemporaryDirectory(prefix="chaser-templates-") as scratch:
            for chaser in chasers:
                try:
                    made = make_templates(db, quarter, Path(scratch) / str(chaser.provider_id),
                                          provider=chaser.provider_id)
                    template = (made.paths[0].name, made.paths[0].read_bytes())
                except TemplatesRefused:
                    template = None  # nothing running in this quarter (a past quarter is owed)
                target = check_output_file(db, out_dir / _file_name(quarter, chaser.provider_name), "a chaser")
                staged = target.with_name(f".~{target.stem}.partial")
                staged.write_bytes(bytes(chaser_message(chaser, quarter, template)))
                os.replace(staged, target)
                written.append(target)
    except OSError as error:
        for path in written:
            path.unlink(missing_ok=True)
        raise ChasersRefused(f"Cannot write the chasers into {out_dir}: {error.strerror or error}. "
                             "No chaser was kept.") from None
    _record(db, chasers, written, who=who)
    return ChasersWritten(out_dir, tuple(written), tuple(chasers))


def _record(db: Database, chasers: list[ProviderChaser], paths: list[Path], *, who: str | None) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with db.transaction(who=who) as session:
        for chaser, path in zip(chasers, paths, strict=True):
            to = chaser.contact_email or "no e-mail address on record"
            for line in chaser.lines:
                session.add(AuditEvent(
                    at=now, who=who or current_user(), action=AuditAction.INSERT, entity=CHASER_ENTITY,
                    entity_id=line.strand_id, field=line.quarter.label, old_value=None,
                    new_value=f"Chaser drafted to {to} ({STATE_WORDS[line.state].lower()}): {path.name}", reason=None,
                ))
