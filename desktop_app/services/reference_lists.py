"""The short lists forms choose from: districts, service categories, priorities, themes,
funding streams and providers, each as plain `Choice(key, label)` in the order officers expect.

Priorities and themes are the plan in force's (the newest plan); a new mayoral term brings a
new plan, and new strands are tagged against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop_app.store.database import Database
from desktop_app.store.models import District, FundingStream, Plan, Priority, Provider, ServiceCategory, Theme

__all__ = [
    "Choice",
    "current_plan_id",
    "districts",
    "funding_stream_choices",
    "priorities",
    "priority_label",
    "provider_choices",
    "service_categories",
    "themes",
]


@dataclass(frozen=True)
class Choice:
    """One entry of a list: `key` is what a draft holds, `label` what the officer reads."""

    key: str
    label: str


def priority_label(number: int, title: str) -> str:
    """A priority as the plan numbers it: `1. Supporting Victims and Witnesses ...`."""
    return f"{number}. {title}"


def current_plan_id(session: Session) -> int | None:
    """The plan in force: the one that started last."""
    return session.scalar(select(Plan.id).order_by(Plan.start.desc(), Plan.id.desc()).limit(1))


def districts(db: Database) -> list[Choice]:
    """Districts by name; keys are the reference keys (`leeds`)."""
    with db.reading() as session:
        rows = session.execute(select(District.key, District.name).order_by(District.name))
        return [Choice(key, name) for key, name in rows]


def service_categories(db: Database) -> list[Choice]:
    """Service categories by name; keys are the reference keys (`idva`)."""
    with db.reading() as session:
        rows = session.execute(select(ServiceCategory.key, ServiceCategory.name).order_by(ServiceCategory.name))
        return [Choice(key, name) for key, name in rows]


def priorities(db: Database) -> list[Choice]:
    """The plan in force's priorities in the plan's order; the key is the priority's number
    (`"1"`), as `StrandDraft.priority_number` holds it."""
    with db.reading() as session:
        rows = session.execute(
            select(Priority.number, Priority.title)
            .where(Priority.plan_id == current_plan_id(session))
            .order_by(Priority.number)
        )
        return [Choice(str(number), priority_label(number, title)) for number, title in rows]


def themes(db: Database) -> list[Choice]:
    """The plan in force's cross-cutting themes in the plan's order; keys are reference keys."""
    with db.reading() as session:
        rows = session.execute(
            select(Theme.key, Theme.name).where(Theme.plan_id == current_plan_id(session)).order_by(Theme.id)
        )
        return [Choice(key, name) for key, name in rows]


def funding_stream_choices(db: Database) -> list[Choice]:
    """Funding streams, the newest first (the likeliest choice for a new strand); key is str(id)."""
    with db.reading() as session:
        rows = session.execute(
            select(FundingStream.id, FundingStream.name).order_by(
                FundingStream.start_date.desc(), FundingStream.name
            )
        )
        return [Choice(str(stream_id), name) for stream_id, name in rows]


def provider_choices(db: Database, active_only: bool = True, *, include: int | None = None) -> list[Choice]:
    """Providers by name; key is str(id). `include` keeps one provider even when inactive, so
    the form of a strand whose provider was deactivated still shows that provider."""
    with db.reading() as session:
        query = select(Provider.id, Provider.name).order_by(func.lower(Provider.name), Provider.id)
        if active_only:
            query = query.where(or_(Provider.active.is_(True), Provider.id == include))
        return [Choice(str(provider_id), name) for provider_id, name in session.execute(query)]
