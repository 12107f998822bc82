"""Load `db/reference_data.toml` into a database, idempotently.

Rows are matched by their stable keys: a new key inserts, a changed label updates, nothing is
deleted (returns and readings may point at it) except measure rules, where the file is the whole
truth. Indicator baselines, targets and tolerances belong to the officers once loaded, so the
file sets a target only on an indicator's first load.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.core.ceilings import LARGEST_STORED
from desktop_app.core.rules import parse_rule
from desktop_app.core.vocabulary import Direction, Frequency, IndicatorUnit
from desktop_app.store.audit import AUDIT_INFO_OFF
from desktop_app.store.models import (
    Breakdown,
    BreakdownCategory,
    District,
    ExpenditureCategory,
    Indicator,
    Measure,
    MeasureRule,
    Plan,
    Priority,
    ServiceCategory,
    Theme,
)


class ReferenceDataError(ValueError):
    """The reference data file is malformed; the message names the entry and the field."""


def read_reference_data(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ReferenceDataError(f"{path} is not valid TOML: {error}") from error
    if data.get("schema") != 1:
        raise ReferenceDataError(f"{path}: 'schema = 1' expected, found {data.get('schema')!r}")
    return data


def _upsert(session: Session, model: type, match: dict[str, Any], values: dict[str, Any]) -> Any:
    row = session.scalars(select(model).filter_by(**match)).one_or_none()
    if row is None:
        row = model(**match, **values)
        session.add(row)
    else:
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
    return row


def _ceiling(entry: dict[str, Any], where: str) -> int:
    ceiling = entry.get("ceiling")
    # bool is an int subclass; `ceiling = true` is a slip, not a number.
    if isinstance(ceiling, bool) or not isinstance(ceiling, int) or not 0 < ceiling <= LARGEST_STORED:
        raise ReferenceDataError(
            f"{where}: 'ceiling' must be a whole number from 1 to {LARGEST_STORED:,} "
            f"(the largest figure one return can hold), found {ceiling!r}"
        )
    return ceiling


def load_reference_data(session: Session, path: Path) -> None:
    """Apply the reference data file to the database in the caller's transaction."""
    data = read_reference_data(path)
    session.info[AUDIT_INFO_OFF] = True
    try:
        _load(session, data, path)
        session.flush()
    finally:
        session.info.pop(AUDIT_INFO_OFF, None)


def _load(session: Session, data: dict[str, Any], path: Path) -> None:
    for entry in data["districts"]:
        _upsert(session, District, {"key": entry["key"]}, {"name": entry["name"]})
    for entry in data["service_categories"]:
        _upsert(session, ServiceCategory, {"key": entry["key"]}, {"name": entry["name"]})
    for order, entry in enumerate(data.get("expenditure_categories", []), start=1):
        _upsert(session, ExpenditureCategory, {"key": entry["key"]}, {"name": entry["name"], "sort_order": order})
    # The first plan's parts sit at the top of the file; later plans carry theirs inside.
    _load_plan(session, data["plan"], data, path)
    for plan_data in data.get("plans", []):
        _load_plan(session, plan_data, plan_data, path)
    session.flush()
    _load_measures(session, data, path)


def _load_plan(session: Session, plan_data: dict[str, Any], parts: dict[str, Any], path: Path) -> None:
    plan = _upsert(
        session,
        Plan,
        {"key": plan_data["key"]},
        {"name": plan_data["name"], "start": plan_data["start"], "end": plan_data["end"]},
    )
    session.flush()

    priorities = {}
    for entry in parts["priorities"]:
        priorities[entry["number"]] = _upsert(
            session,
            Priority,
            {"plan_id": plan.id, "number": entry["number"]},
            {"title": entry["title"], "spotlight": bool(entry.get("spotlight", False))},
        )
    themes = {}
    for entry in parts["themes"]:
        themes[entry["key"]] = _upsert(
            session, Theme, {"plan_id": plan.id, "key": entry["key"]}, {"name": entry["name"]}
        )
    session.flush()

    for entry in parts["indicators"]:
        where = f"{path.name}: plan {plan.key!r}, indicator {entry.get('code')!r}"
        try:
            values = {
                "priority_id": priorities[entry["priority"]].id,
                "title": entry["title"],
                "description": entry.get("description", ""),
                "unit": IndicatorUnit(entry["unit"]),
                "direction": Direction(entry["direction"]),
                "source": entry["source"],
                "frequency": Frequency(entry["frequency"]),
            }
            wanted_themes = [themes[key] for key in entry.get("themes", [])]
        except (KeyError, ValueError) as error:
            raise ReferenceDataError(f"{where}: bad or missing {error}") from error
        predecessor = None
        if "continues" in entry:
            predecessor = _predecessor(session, entry["continues"], values["unit"], plan, where)
            values["continues_id"] = predecessor.id
        match = {"plan_id": plan.id, "code": entry["code"]}
        existing = session.scalars(select(Indicator).filter_by(**match)).one_or_none()
        if existing is None:
            # One series keeps the officers' baseline and tolerance it was judged by.
            indicator = Indicator(
                **match,
                target_value=entry.get("target"),
                target_note=entry.get("target_note"),
                tolerance_pct=predecessor.tolerance_pct if predecessor else 2.0,
                baseline_value=predecessor.baseline_value if predecessor else None,
                baseline_period=predecessor.baseline_period if predecessor else None,
                **values,
            )
            session.add(indicator)
        else:
            indicator = _upsert(session, Indicator, match, values)
        if {t.key for t in indicator.themes} != {t.key for t in wanted_themes}:
            indicator.themes = wanted_themes
    session.flush()


def _predecessor(session: Session, reference: object, unit: IndicatorUnit, plan: Plan, where: str) -> Indicator:
    """The indicator `continues = "plan-key:code"` names; one series must keep one unit."""
    plan_key, _, code = str(reference).partition(":")
    found = session.scalars(
        select(Indicator).join(Plan, Plan.id == Indicator.plan_id).where(Plan.key == plan_key, Indicator.code == code)
    ).one_or_none()
    if found is None or not code:
        raise ReferenceDataError(
            f"{where}: continues {reference!r} names no indicator; write it as \"plan-key:code\" of an earlier plan"
        )
    if found.plan_id == plan.id:
        raise ReferenceDataError(f"{where}: continues {reference!r} is in the same plan; it must be an earlier plan's")
    if found.unit is not unit:
        raise ReferenceDataError(
            f"{where}: continues {reference!r}, which is {found.unit.value} while this is {unit.value}: "
            "a series cannot join two units"
        )
    return found


def _load_breakdowns(session: Session, data: dict[str, Any], path: Path) -> dict[str, Breakdown]:
    breakdowns = {}
    for order, entry in enumerate(data.get("breakdowns", []), start=1):
        breakdown = _upsert(
            session, Breakdown, {"key": entry["key"]}, {"label": entry["label"], "sort_order": order}
        )
        session.flush()
        categories = entry.get("categories", [])
        if "not_known" not in {c.get("key") for c in categories}:
            raise ReferenceDataError(
                f"{path.name}: breakdown {entry['key']!r} has no \"not_known\" category; every "
                "breakdown needs one so its categories can add up to the total"
            )
        for position, category in enumerate(categories, start=1):
            _upsert(
                session,
                BreakdownCategory,
                {"breakdown_id": breakdown.id, "key": category["key"]},
                {"label": category["label"], "category_group": category.get("group", ""), "sort_order": position},
            )
        breakdowns[entry["key"]] = breakdown
    return breakdowns


def _headline(entry: dict[str, Any]) -> dict[str, Any]:
    headline = entry.get("headline") or {}
    return {
        "headline_order": headline.get("order"),
        "headline_title": headline.get("title"),
        "headline_detail": headline.get("detail"),
    }


def _demo(entry: dict[str, Any]) -> dict[str, Any]:
    demo = entry.get("demo") or {}
    ratio = demo.get("ratio")
    return {"demo_of": demo.get("of"), "demo_ratio": float(ratio) if ratio is not None else None}


def _load_measures(session: Session, data: dict[str, Any], path: Path) -> None:
    breakdowns = _load_breakdowns(session, data, path)
    measure_keys = set()
    for entry in data["measures"]:
        measure_keys.add(entry["key"])
        where = f"{path.name}: measure {entry.get('key')!r}"
        ceiling = _ceiling(entry, where)
        try:
            wanted_breakdowns = [breakdowns[key] for key in entry.get("breakdowns", [])]
        except KeyError as error:
            raise ReferenceDataError(f"{where}: breakdown {error} is not in the file's [[breakdowns]]") from error
        measure = _upsert(
            session,
            Measure,
            {"key": entry["key"]},
            {
                "label": entry["label"],
                "short_label": entry.get("short_label", entry["label"]),
                "group": entry["group"],
                "unit": entry["unit"],
                "help_text": entry.get("help", ""),
                "valid_from": entry["valid_from"],
                "valid_to": entry.get("valid_to"),
                "sort_order": entry["order"],
                "report_sentence": entry.get("report_sentence", ""),
                "ceiling": ceiling,
                "charted": bool(entry.get("chart", False)),
                **_headline(entry),
                **_demo(entry),
            },
        )
        if [b.key for b in measure.breakdowns] != [b.key for b in wanted_breakdowns]:
            measure.breakdowns = wanted_breakdowns
    # Rules may also name measures already in the database from earlier catalogues.
    measure_keys |= set(session.scalars(select(Measure.key)))
    for entry in data["measures"]:
        of = (entry.get("demo") or {}).get("of")
        if of is not None and of not in measure_keys:
            raise ReferenceDataError(
                f"{path.name}: measure {entry['key']!r}: demo 'of = {of!r}' names no measure; use a measure's key"
            )

    rule_keys = set()
    for entry in data["rules"]:
        try:
            parse_rule(entry["expression"], known_keys=measure_keys)
        except ValueError as error:
            raise ReferenceDataError(f"{path.name}: rule {entry['key']!r}: {error}") from error
        rule_keys.add(entry["key"])
        _upsert(
            session,
            MeasureRule,
            {"key": entry["key"]},
            {"expression": entry["expression"], "description": entry.get("description", "")},
        )
    for stale in session.scalars(select(MeasureRule).where(MeasureRule.key.not_in(rule_keys))):
        session.delete(stale)
