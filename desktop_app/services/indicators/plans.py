"""The Police and Crime Plans a database holds, and which one is in force on a day.

A plan lasts a mayoral term; its priorities, themes and indicators belong to it. The page, the
CLI and the pack show one plan at a time, the one in force today unless the officer picks another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.services.errors import ServiceError
from desktop_app.store.database import Database
from desktop_app.store.models import Plan

__all__ = ["PlanRef", "UnknownPlanError", "choose_plan", "list_plans", "plan_in_force"]


class UnknownPlanError(ServiceError, LookupError):
    """No plan has the key asked for."""


@dataclass(frozen=True)
class PlanRef:
    key: str
    name: str
    start: dt.date
    end: dt.date

    @property
    def short_name(self) -> str:
        """The plan's years, e.g. `2024–28`, where space is short (its name ends with them)."""
        return self.name.rsplit(" ", 1)[-1]

    def ended_by(self, day: dt.date) -> bool:
        return day > self.end

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _plans(session: Session) -> list[PlanRef]:
    rows = session.execute(select(Plan.key, Plan.name, Plan.start, Plan.end).order_by(Plan.start, Plan.id))
    return [PlanRef(*row) for row in rows]


def plan_in_force(plans: list[PlanRef], today: dt.date) -> PlanRef | None:
    """The plan covering `today`; between or after plans the last one begun; else the first."""
    if not plans:
        return None
    covering = [plan for plan in plans if plan.covers(today)]
    if covering:
        return covering[-1]
    begun = [plan for plan in plans if plan.start <= today]
    return begun[-1] if begun else plans[0]


def list_plans(db: Database) -> list[PlanRef]:
    """Every plan, oldest first."""
    with db.reading() as session:
        return _plans(session)


def choose_plan(plans: list[PlanRef], plan_key: str | None, today: dt.date) -> PlanRef | None:
    """The plan `plan_key` names (`UnknownPlanError` if none), or the one in force `today`."""
    if plan_key is None:
        return plan_in_force(plans, today)
    for plan in plans:
        if plan.key == plan_key:
            return plan
    known = ", ".join(plan.key for plan in plans) or "none"
    raise UnknownPlanError(f"There is no plan called '{plan_key}' in this database (plans: {known}).")
