"""Reading the measure catalogue out of the database."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.catalogue import Catalogue, CatalogueRule, MeasureDefinition
from desktop_app.core.rules import parse_rule
from desktop_app.store.models import Measure, MeasureRule


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
        )
        for m in session.scalars(select(Measure).order_by(Measure.sort_order, Measure.key))
    )
    keys = {m.key for m in measures}
    rules = tuple(
        CatalogueRule(key=r.key, rule=parse_rule(r.expression, known_keys=keys), description=r.description)
        for r in session.scalars(select(MeasureRule).order_by(MeasureRule.key))
    )
    return Catalogue(measures=measures, rules=rules)
