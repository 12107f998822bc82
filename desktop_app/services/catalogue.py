"""Reading the measure catalogue out of the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop_app.core.catalogue import (
    BreakdownCategoryDefinition,
    BreakdownDefinition,
    Catalogue,
    CatalogueRule,
    MeasureDefinition,
)
from desktop_app.core.rules import parse_rule
from desktop_app.store.models import Breakdown, Measure, MeasureRule


def load_catalogue(session: Session) -> Catalogue:
    """The whole catalogue, measures in their display order, rules parsed and checked."""
    measures = tuple(
        MeasureDefinition(
            key=m.key,
            label=m.label,
            short_label=m.short_label,
            group=m.group,
            unit=m.unit,
            help_text=m.help_text,
            valid_from=m.valid_from,
            valid_to=m.valid_to,
            order=m.sort_order,
            report_sentence=m.report_sentence,
            ceiling=m.ceiling,
            breakdowns=tuple(b.key for b in m.breakdowns),
            headline_order=m.headline_order,
            headline_title=m.headline_title or m.label,
            headline_detail=m.headline_detail or "",
            charted=m.charted,
            demo_of=m.demo_of,
            demo_ratio=m.demo_ratio,
        )
        for m in session.scalars(
            select(Measure).options(selectinload(Measure.breakdowns)).order_by(Measure.sort_order, Measure.key)
        )
    )
    breakdown_lists = tuple(
        BreakdownDefinition(
            key=b.key,
            label=b.label,
            categories=tuple(
                BreakdownCategoryDefinition(key=c.key, label=c.label, group=c.category_group) for c in b.categories
            ),
        )
        for b in session.scalars(
            select(Breakdown).options(selectinload(Breakdown.categories)).order_by(Breakdown.sort_order)
        )
    )
    keys = {m.key for m in measures}
    rules = tuple(
        CatalogueRule(key=r.key, rule=parse_rule(r.expression, known_keys=keys), description=r.description)
        for r in session.scalars(select(MeasureRule).order_by(MeasureRule.key))
    )
    return Catalogue(measures=measures, rules=rules, breakdown_lists=breakdown_lists)
