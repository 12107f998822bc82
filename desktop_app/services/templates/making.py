"""Making the quarter's return templates: one workbook per provider, for the provider to fill."""

from __future__ import annotations

import difflib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from desktop_app.core.outcomes import outcome_pairs
from desktop_app.core.periods import Quarter
from desktop_app.core.return_checks import ReturnChecker
from desktop_app.core.vocabulary import ReturnStatus
from desktop_app.core.wording import plural
from desktop_app.services.errors import ServiceError
from desktop_app.services.progress import CancelCheck, Progress, stop_if_cancelled, tell
from desktop_app.services.file_digest import sha256_of
from desktop_app.services.output_paths import check_output_file, check_output_folder
from desktop_app.services.returns.completeness import due_days
from desktop_app.services.returns.figures import stored_breakdowns, stored_values
from desktop_app.services.finance.claims import read_categories
from desktop_app.services.returns.lookups import checker_for, past_figures, running, stored_returns
from desktop_app.services.templates.claims_import import held_claims
from desktop_app.services.templates.run_record import TemplateRunRecord
from desktop_app.services.temporary_files import remove_stale_temporaries
from desktop_app.store.database import Database
from desktop_app.store.models import Provider, Strand

if TYPE_CHECKING:
    from desktop_app.excel.template_writer import ProviderTemplate, TemplateMeasure

__all__ = ["TemplatesMade", "TemplatesRefused", "make_templates", "template_measures"]

# How a return's status reads to the provider on the Instructions sheet ("Missing" is an
# officer's word; to a provider it is simply not received yet).
_PROVIDER_WORDS = {
    None: "Not received yet",
    ReturnStatus.DRAFT: "Draft held: please check and confirm",
    ReturnStatus.SUBMITTED: "Received: correct it if needed",
    ReturnStatus.VERIFIED: "Received and checked: correct it if needed",
    ReturnStatus.LOCKED: "Locked: already sent to the MoJ, cannot be changed here",
}


class TemplatesRefused(ServiceError, ValueError):
    """The templates were not made (no such provider, nothing running, a file in the way...);
    no file was written."""


# The old name, kept importable for ui/pages/returns/ until it catches `Cancelled` (same class).


@dataclass(frozen=True)
class TemplatesMade:
    """The workbooks written, one per provider, and what they hold."""

    quarter: Quarter
    paths: tuple[Path, ...]
    providers: int
    strands: int


def _provider_ids(session, provider: str | int | None) -> list[int] | None:
    """The chosen provider's id (by id, or by name ignoring case), or None for every provider."""
    if provider is None:
        return None
    if isinstance(provider, int):
        found = session.get(Provider, provider)
        if found is None:
            raise TemplatesRefused(f"Provider {provider} is not in the database.")
        return [found.id]
    names = dict(session.execute(select(Provider.name, Provider.id)).all())
    wanted = provider.strip().casefold()
    for name, provider_id in names.items():
        if name.casefold() == wanted:
            return [provider_id]
    close = difflib.get_close_matches(provider, list(names), n=3)
    hint = f" Did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
    raise TemplatesRefused(f"No provider is called {provider!r}.{hint}")


def template_measures(checker: ReturnChecker) -> tuple[TemplateMeasure, ...]:
    """What a template for the checker's quarter asks for: each measure with its breakdowns'
    categories (a grouped one shown as "group: label") and, for an outcome's improved count,
    the measured count its rate is of. The import compares its checksum with the file's."""
    from desktop_app.excel.template_writer import TemplateBreakdown, TemplateMeasure

    # An outcome's rate is shown beside its improved count, of the measured count it pairs with.
    measured_of = {pair.improved.key: pair.measured.key for pair in outcome_pairs(checker.measures)}
    found = []
    for measure in checker.measures:
        breakdowns = tuple(
            TemplateBreakdown(
                b.key, b.label, tuple((c.key, f"{c.group}: {c.label}" if c.group else c.label) for c in b.categories)
            )
            for b in checker.breakdowns_of(measure.key)
        )
        found.append(
            TemplateMeasure(measure.key, measure.label, measure.help_text, breakdowns, measured_of.get(measure.key))
        )
    return tuple(found)


def gather_templates(db: Database, quarter: Quarter, provider: str | int | None = None) -> list[ProviderTemplate]:
    """The plain data for each provider's workbook: strands running in `quarter` (by reference),
    the measures it asks for, the figures held (to prefill) and the last four quarters."""
    from desktop_app.excel.template_spend import TemplateCategory
    from desktop_app.excel.template_writer import ProviderTemplate, TemplateStrand

    due = quarter.due_date(due_days(db))
    with db.reading() as session:
        ids = _provider_ids(session, provider)
        checker = checker_for(session, quarter)
        query = (
            select(Strand, Provider.name)
            .join(Provider, Provider.id == Strand.provider_id)
            .where(running(quarter.start, quarter.end))
            .order_by(Provider.name, Strand.reference)
        )
        if ids is not None:
            query = query.where(Strand.provider_id.in_(ids))
        rows = session.execute(query).all()
        strand_ids = [strand.id for strand, _ in rows]
        returns = stored_returns(session, quarter, strand_ids)
        past = past_figures(session, quarter, strand_ids)
        measures = template_measures(checker)
        categories = tuple(TemplateCategory(key, name) for key, (_id, name) in read_categories(session).items())
        claims = held_claims(session, quarter, strand_ids)
        by_provider: dict[int, tuple[str, list[TemplateStrand]]] = {}
        for strand, provider_name in rows:
            return_ = returns.get(strand.id)
            figures = past[strand.id]
            status = return_.status if return_ is not None else None
            by_provider.setdefault(strand.provider_id, (provider_name, []))[1].append(
                TemplateStrand(
                    strand_id=strand.id,
                    reference=strand.reference,
                    name=strand.name,
                    values=stored_values(return_, checker.keys),
                    breakdowns=stored_breakdowns(return_, checker.keys),
                    history=tuple((q.label, figures.figures.get(q, {})) for q in figures.quarters),
                    status=_PROVIDER_WORDS[status],
                    locked=status == ReturnStatus.LOCKED,
                    spend={line.category.key: line.amount_pence for line in claims[strand.id].lines}
                    if strand.id in claims else {},
                    forecast_pence=claims[strand.id].forecast_remaining_pence if strand.id in claims else None,
                )
            )
    if not by_provider:
        if provider is not None:
            raise TemplatesRefused(f"{provider} has no strands running in {quarter.label}, so there is no template to make.")
        raise TemplatesRefused(f"No provider has a strand running in {quarter.label}, so there is no template to make.")
    return [
        ProviderTemplate(provider_id, name, quarter, due, measures, tuple(strands), categories)
        for provider_id, (name, strands) in by_provider.items()
    ]


def _targets(
    out_dir: Path, templates: list[ProviderTemplate], replace: bool, run: TemplateRunRecord
) -> list[Path]:
    from desktop_app.excel.template_writer import template_file_name

    taken: set[str] = set()
    targets = []
    for template in templates:
        name = template_file_name(template.quarter, template.provider_name)
        stem, number = name[: -len(".xlsx")], 2
        # Two names can clean to the same file name ("A/B", "A-B"); Windows and macOS ignore case.
        while name.casefold() in taken:
            name, number = f"{stem} ({number}).xlsx", number + 1
        taken.add(name.casefold())
        targets.append(out_dir / name)
    # A file an interrupted run of this quarter wrote, unchanged since, is finished, not refused.
    existing = [t for t in targets if t.exists() and not run.is_ours(t)]
    if existing and not replace:
        shown = ", ".join(t.name for t in existing[:3]) + (f" and {len(existing) - 3} more" if len(existing) > 3 else "")
        raise TemplatesRefused(
            f"{out_dir} already holds {shown}; they may be filled returns, so nothing was written. "
            "Choose an empty folder, or move those files first."
        )
    return targets


def _remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass


def _write_staged(template: ProviderTemplate, target: Path, run: TemplateRunRecord) -> Path:
    """Write under a hidden name, note it in the run's record, then rename it into place: a
    kill at any moment leaves a file a rerun will finish, never one it must refuse."""
    from desktop_app.excel.template_writer import write_template
    from desktop_app.excel.writer import WorkbookWriteError

    staged = target.with_name(f".~{target.stem}.partial-{secrets.token_hex(4)}.xlsx")
    try:
        write_template(template, staged)
        run.note(target, sha256_of(staged))
        os.replace(staged, target)
    except WorkbookWriteError as error:
        _remove([staged])
        # Name the file the officer will look for, not the hidden one beside it.
        raise WorkbookWriteError(str(error).replace(str(staged), str(target))) from None
    except OSError as error:
        _remove([staged])
        raise WorkbookWriteError(f"Cannot save {target}: {error.strerror or error}. Nothing was changed.") from error
    except BaseException:
        _remove([staged])
        raise
    return target


def make_templates(
    db: Database,
    quarter: Quarter,
    out_dir: Path | str,
    *,
    provider: str | int | None = None,
    replace: bool = False,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> TemplatesMade:
    """Write a return template for `quarter` for every provider with a strand running in it
    (or only `provider`, by name or id) into `out_dir` (made if missing), named like
    `2023-24 Q1 - <provider>.xlsx`.

    All or nothing: nothing is written if a file is in the way (unless `replace`), and if a file
    cannot be written or `cancelled()` turns True, the new files this call wrote are removed
    (files it replaced stay replaced). Refusals:
    `TemplatesRefused`, `Cancelled`, `excel.writer.WorkbookWriteError`, `OutputRefused`.

    Restartable: a rerun after a killed run of the same quarter into the same folder writes
    over the templates the killed run wrote (while unchanged since) and finishes the rest.
    """
    out_dir = Path(out_dir).expanduser()
    check_output_folder(db, out_dir, "the templates")
    if out_dir.exists() and not out_dir.is_dir():
        raise TemplatesRefused(f"{out_dir} is a file; give a folder for the templates.")
    if progress is not None:
        progress(0.0, f"Reading the strands running in {quarter.label}")
    templates = gather_templates(db, quarter, provider)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TemplatesRefused(f"Cannot make the folder {out_dir}: {error.strerror or error}.") from None
    remove_stale_temporaries(out_dir)  # what a killed run was still writing
    run = TemplateRunRecord(out_dir, quarter)
    targets = _targets(out_dir, templates, replace, run)
    for target in targets:
        check_output_file(db, target, "a template")
    replaced = {t.absolute() for t in targets if t.exists()}
    written: list[Path] = []
    try:
        for index, (template, target) in enumerate(zip(templates, targets, strict=True)):
            stop_if_cancelled(cancelled, "Making the templates was cancelled; no template was kept.")
            tell(progress, index / len(templates), f"Writing {target.name}")
            written.append(_write_staged(template, target, run))
    except BaseException:
        new = [path for path in written if path.absolute() not in replaced]
        _remove(new)
        run.forget(new)
        raise
    run.finish()
    if progress is not None:
        progress(1.0, f"{plural(len(written), 'template')} written")
    return TemplatesMade(
        quarter=quarter,
        paths=tuple(written),
        providers=len(templates),
        strands=sum(len(t.strands) for t in templates),
    )
