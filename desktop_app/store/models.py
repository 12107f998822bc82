"""The database schema as SQLAlchemy 2 typed models.

Money is integer pence and counts are whole numbers; CHECK and UNIQUE constraints back up the
validation done in `core` so that no path into the database can store a negative count or a
second return for the same strand and quarter. Fixed lists are stored as their text values.

`__audited__` marks user data: every insert, update and delete of those rows is written to
the audit trail (see `store.audit`). Reference data loaded from `db/` is not audited on load,
but the indicator fields officers edit (baseline, target, tolerance) are.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum as PyEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from desktop_app.core.ceilings import COUNT_CEILING, LARGEST_STORED
from desktop_app.core.vocabulary import (
    AgreementType,
    AuditAction,
    ClaimStatus,
    Direction,
    Frequency,
    IndicatorUnit,
    OrganisationType,
    ReturnStatus,
    Scope,
)

# Named constraints are what let Alembic's batch mode rebuild SQLite tables reliably.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _text_enum(enum_type: type[PyEnum], name: str) -> Enum:
    """An enum stored as its text value, checked by a named CHECK constraint."""
    return Enum(
        enum_type,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_type),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def _non_negative(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} >= 0", name=f"{column}_not_negative")


def _version() -> Mapped[int]:
    """The row's edit counter (`version_id_col`): a save that loaded an older one is stale."""
    return mapped_column(Integer, nullable=False, default=1, server_default="1")


# ---------------------------------------------------------------- reference data (from db/)


class Plan(Base):
    """A Police and Crime Plan: priorities, themes and indicators belong to one."""

    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)


class Priority(Base):
    __tablename__ = "priority"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    # A plan's "spotlight" (2024–28: serious violence) groups indicators like a priority.
    spotlight: Mapped[bool] = mapped_column(Boolean, default=False)

    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="priority", order_by="Indicator.code"
    )


class Theme(Base):
    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))


class District(Base):
    __tablename__ = "district"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class ServiceCategory(Base):
    __tablename__ = "service_category"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Measure(Base):
    """One entry of the measure catalogue: what a return asks for, valid for a span of time."""

    __tablename__ = "measure"
    __table_args__ = (
        CheckConstraint(f"ceiling > 0 AND ceiling <= {LARGEST_STORED}", name="ceiling_in_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    short_label: Mapped[str] = mapped_column(String(40))
    group: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(40))
    help_text: Mapped[str] = mapped_column(Text, default="")
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer)
    # How the yearly report says the total, e.g. "{value} victims were referred to ...".
    report_sentence: Mapped[str] = mapped_column(Text, default="")
    # The largest figure one return can hold for it (revision 0003); above it is an error.
    ceiling: Mapped[int] = mapped_column(Integer, default=COUNT_CEILING)
    # Revision 0007: where the dashboard shows it (a figure card, the victims charts) and how
    # the demo makes plausible figures for it (`demo_ratio` of measure `demo_of`'s figure).
    headline_order: Mapped[int | None] = mapped_column(Integer)
    headline_title: Mapped[str | None] = mapped_column(String(40))
    headline_detail: Mapped[str | None] = mapped_column(String(60))
    charted: Mapped[bool] = mapped_column(Boolean, default=False)
    demo_of: Mapped[str | None] = mapped_column(String(60))
    demo_ratio: Mapped[float | None] = mapped_column(Float)
    breakdowns: Mapped[list[Breakdown]] = relationship(
        secondary=lambda: measure_breakdown, order_by=lambda: Breakdown.sort_order
    )


class Breakdown(Base):
    """A list of categories a measure's total is broken down by (sex, age band, ethnicity...)."""

    __tablename__ = "breakdown"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer)

    categories: Mapped[list[BreakdownCategory]] = relationship(
        back_populates="breakdown", order_by=lambda: BreakdownCategory.sort_order
    )


class BreakdownCategory(Base):
    """One category of a breakdown; `category_group` rolls categories up (ethnicity's 5 groups)."""

    __tablename__ = "breakdown_category"
    __table_args__ = (UniqueConstraint("breakdown_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    breakdown_id: Mapped[int] = mapped_column(ForeignKey("breakdown.id"))
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(200))
    category_group: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(Integer)

    breakdown: Mapped[Breakdown] = relationship(back_populates="categories")


measure_breakdown = Table(
    "measure_breakdown",
    Base.metadata,
    Column("measure_id", ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True),
    Column("breakdown_id", ForeignKey("breakdown.id", ondelete="CASCADE"), primary_key=True),
)


class MeasureRule(Base):
    """A rule every return must satisfy, in the safe expression syntax of `core.rules`."""

    __tablename__ = "measure_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    expression: Mapped[str] = mapped_column(String(400))
    description: Mapped[str] = mapped_column(Text, default="")


indicator_theme = Table(
    "indicator_theme",
    Base.metadata,
    Column("indicator_id", ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class Indicator(Base):
    __tablename__ = "indicator"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("tolerance_pct >= 0", name="tolerance_not_negative"),
        UniqueConstraint("plan_id", "code"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = _version()
    __mapper_args__ = {"version_id_col": version}
    # Codes are the plan's own numbering, so each plan may have its "1.1".
    code: Mapped[str] = mapped_column(String(10))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    # The indicator of the previous plan whose series this one carries on (one series).
    continues_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id"))
    priority_id: Mapped[int] = mapped_column(ForeignKey("priority.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[IndicatorUnit] = mapped_column(_text_enum(IndicatorUnit, "indicator_unit"))
    direction: Mapped[Direction] = mapped_column(_text_enum(Direction, "direction"))
    source: Mapped[str] = mapped_column(String(200))
    frequency: Mapped[Frequency] = mapped_column(_text_enum(Frequency, "frequency"))
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_period: Mapped[str | None] = mapped_column(String(40))
    target_value: Mapped[float | None] = mapped_column(Float)
    target_note: Mapped[str | None] = mapped_column(Text)
    tolerance_pct: Mapped[float] = mapped_column(Float, default=2.0)

    priority: Mapped[Priority] = relationship(back_populates="indicators")
    plan: Mapped[Plan] = relationship()
    continues: Mapped[Indicator | None] = relationship(remote_side=[id])
    themes: Mapped[list[Theme]] = relationship(secondary=indicator_theme)
    readings: Mapped[list[IndicatorReading]] = relationship(
        back_populates="indicator", order_by="IndicatorReading.period_start"
    )


# ---------------------------------------------------------------- the register


class FundingStream(Base):
    """A grant the office holds, e.g. the MoJ victims grant 2022–25."""

    __tablename__ = "funding_stream"
    __audited__ = True
    __table_args__ = (
        _non_negative("total_pence"),
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = _version()
    __mapper_args__ = {"version_id_col": version}
    name: Mapped[str] = mapped_column(String(200), unique=True)
    funder: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    total_pence: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The short name reports and scripts use, e.g. "core" or "general".
    key: Mapped[str | None] = mapped_column(String(40), unique=True)

    budgets: Mapped[list[Budget]] = relationship(
        back_populates="funding_stream", order_by="Budget.financial_year"
    )
    strands: Mapped[list[Strand]] = relationship(back_populates="funding_stream")


class Budget(Base):
    """A funding stream's budget for one financial year."""

    __tablename__ = "budget"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("funding_stream_id", "financial_year"),
        _non_negative("amount_pence"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = _version()
    __mapper_args__ = {"version_id_col": version}
    funding_stream_id: Mapped[int] = mapped_column(ForeignKey("funding_stream.id"))
    # The calendar year the financial year starts in: 2022 for 2022/23.
    financial_year: Mapped[int] = mapped_column(Integer)
    amount_pence: Mapped[int] = mapped_column(Integer)

    funding_stream: Mapped[FundingStream] = relationship(back_populates="budgets")


provider_district = Table(
    "provider_district",
    Base.metadata,
    Column("provider_id", ForeignKey("provider.id", ondelete="CASCADE"), primary_key=True),
    Column("district_id", ForeignKey("district.id"), primary_key=True),
)


class Provider(Base):
    __tablename__ = "provider"
    __audited__ = True
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = _version()
    __mapper_args__ = {"version_id_col": version}
    name: Mapped[str] = mapped_column(String(200), unique=True)
    organisation_type: Mapped[OrganisationType] = mapped_column(
        _text_enum(OrganisationType, "organisation_type")
    )
    scope: Mapped[Scope] = mapped_column(_text_enum(Scope, "scope"))
    charity_number: Mapped[str | None] = mapped_column(String(20))
    company_number: Mapped[str | None] = mapped_column(String(20))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")

    districts: Mapped[list[District]] = relationship(secondary=provider_district)
    strands: Mapped[list[Strand]] = relationship(back_populates="provider")


strand_theme = Table(
    "strand_theme",
    Base.metadata,
    Column("strand_id", ForeignKey("strand.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id"), primary_key=True),
)

strand_district = Table(
    "strand_district",
    Base.metadata,
    Column("strand_id", ForeignKey("strand.id", ondelete="CASCADE"), primary_key=True),
    Column("district_id", ForeignKey("district.id"), primary_key=True),
)


class Strand(Base):
    """A provider's strand of provision under one funding stream, by contract or grant."""

    __tablename__ = "strand"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = _version()
    __mapper_args__ = {"version_id_col": version}
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    funding_stream_id: Mapped[int] = mapped_column(ForeignKey("funding_stream.id"))
    name: Mapped[str] = mapped_column(String(200))
    service_category_id: Mapped[int] = mapped_column(ForeignKey("service_category.id"))
    agreement_type: Mapped[AgreementType] = mapped_column(
        _text_enum(AgreementType, "agreement_type")
    )
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    priority_id: Mapped[int | None] = mapped_column(ForeignKey("priority.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The ring-fenced line of the stream the strand is paid from; None: the stream's general money.
    funding_line_id: Mapped[int | None] = mapped_column(ForeignKey("funding_line.id"))

    provider: Mapped[Provider] = relationship(back_populates="strands")
    funding_stream: Mapped[FundingStream] = relationship(back_populates="strands")
    service_category: Mapped[ServiceCategory] = relationship()
    priority: Mapped[Priority | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=strand_theme)
    districts: Mapped[list[District]] = relationship(secondary=strand_district)
    allocations: Mapped[list[Allocation]] = relationship(
        back_populates="strand", order_by="Allocation.financial_year"
    )
    returns: Mapped[list[Return]] = relationship(back_populates="strand")


class Allocation(Base):
    """What one strand gets in one financial year, in pence."""

    __tablename__ = "allocation"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("strand_id", "financial_year"),
        _non_negative("amount_pence"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = _version()
    __mapper_args__ = {"version_id_col": version}
    strand_id: Mapped[int] = mapped_column(ForeignKey("strand.id"))
    financial_year: Mapped[int] = mapped_column(Integer)
    amount_pence: Mapped[int] = mapped_column(Integer)

    strand: Mapped[Strand] = relationship(back_populates="allocations")


# ---------------------------------------------------------------- returns


class ReturnPeriod(Base):
    """A financial year and quarter that returns are collected for."""

    __tablename__ = "return_period"
    __table_args__ = (
        UniqueConstraint("financial_year", "quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_1_to_4"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    financial_year: Mapped[int] = mapped_column(Integer)
    quarter: Mapped[int] = mapped_column(Integer)


class Return(Base):
    """One strand's return for one quarter."""

    __tablename__ = "return"
    __audited__ = True
    __table_args__ = (UniqueConstraint("strand_id", "period_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = _version()
    __mapper_args__ = {"version_id_col": version}
    strand_id: Mapped[int] = mapped_column(ForeignKey("strand.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("return_period.id"))
    status: Mapped[ReturnStatus] = mapped_column(
        _text_enum(ReturnStatus, "return_status"), default=ReturnStatus.DRAFT
    )
    received_date: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    # A draft started by copying last quarter, until the officer changes it.
    copied_from_previous: Mapped[bool] = mapped_column(Boolean, default=False)

    strand: Mapped[Strand] = relationship(back_populates="returns")
    period: Mapped[ReturnPeriod] = relationship()
    values: Mapped[list[ReturnValue]] = relationship(
        back_populates="return_", cascade="all, delete-orphan"
    )
    breakdown_values: Mapped[list[ReturnBreakdownValue]] = relationship(cascade="all, delete-orphan")


class ReturnValue(Base):
    """One measure's count on one return. No row means "not collected", which is not 0."""

    __tablename__ = "return_value"
    __audited__ = True
    __table_args__ = (UniqueConstraint("return_id", "measure_id"), _non_negative("value"))
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = _version()
    __mapper_args__ = {"version_id_col": version}
    return_id: Mapped[int] = mapped_column(ForeignKey("return.id", ondelete="CASCADE"))
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id"))
    value: Mapped[int] = mapped_column(Integer)
    # The officer's explanation when the value raised a warning.
    note: Mapped[str | None] = mapped_column(Text)

    return_: Mapped[Return] = relationship(back_populates="values")
    measure: Mapped[Measure] = relationship()


class ReturnBreakdownValue(Base):
    """One category's count of a measure on one return (the category names its breakdown)."""

    __tablename__ = "return_breakdown_value"
    __audited__ = True
    __table_args__ = (UniqueConstraint("return_id", "measure_id", "category_id"), _non_negative("value"))
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = _version()
    __mapper_args__ = {"version_id_col": version}
    return_id: Mapped[int] = mapped_column(ForeignKey("return.id", ondelete="CASCADE"))
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("breakdown_category.id"))
    value: Mapped[int] = mapped_column(Integer)

    measure: Mapped[Measure] = relationship()
    category: Mapped[BreakdownCategory] = relationship()


# ---------------------------------------------------------------- indicators


class IndicatorReading(Base):
    """One reading of an indicator for a month or a quarter (by its first and last day)."""

    __tablename__ = "indicator_reading"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("indicator_id", "period_start"),
        CheckConstraint("period_end >= period_start", name="ends_after_start"),
        CheckConstraint(
            "numerator IS NULL OR numerator >= 0", name="numerator_not_negative"
        ),
        CheckConstraint(
            "denominator IS NULL OR denominator > 0", name="denominator_positive"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = _version()
    __mapper_args__ = {"version_id_col": version}
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    numerator: Mapped[int | None] = mapped_column(Integer)
    denominator: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")

    indicator: Mapped[Indicator] = relationship(back_populates="readings")


# ---------------------------------------------------------------- submissions and audit


class Submission(Base):
    """An MoJ return as it was sent: the frozen figures and the file's hash."""

    __tablename__ = "submission"
    __audited__ = True
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    financial_year: Mapped[int] = mapped_column(Integer)
    # "year", "H1", "H2", "Q1" .. "Q4"
    period_part: Mapped[str] = mapped_column(String(10))
    include_unverified: Mapped[bool] = mapped_column(Boolean, default=False)
    file_name: Mapped[str] = mapped_column(String(400))
    sha256: Mapped[str] = mapped_column(String(64))
    totals_json: Mapped[str] = mapped_column(Text)
    values_json: Mapped[str] = mapped_column(Text)
    # A six-monthly monitoring return is signed off by the office's Chief Finance Officer.
    signed_off_by: Mapped[str | None] = mapped_column(String(200))
    signed_off_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditEvent(Base):
    """Append-only: who changed which field of which record, when, from what to what."""

    __tablename__ = "audit_event"
    # AUTOINCREMENT: sqlite_sequence keeps the highest id ever used, so `check` sees deleted rows.
    __table_args__ = (
        # By record and field, newest last: `check` reads each field's newest line from it (0010).
        Index("ix_audit_event_entity", "entity", "entity_id", "field", "id"),
        {"sqlite_autoincrement": True},
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    who: Mapped[str] = mapped_column(String(100))
    action: Mapped[AuditAction] = mapped_column(_text_enum(AuditAction, "audit_action"))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)


class Setting(Base):
    """Facts about this database: whether it is the demo, the return due-days setting..."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# ---------------------------------------------------------------- the money: lines, claims, payments


class FundingLine(Base):
    """A ring-fenced line of a funding stream with budgets of its own, e.g. the ISVA/IDVA fund."""

    __tablename__ = "funding_line"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("funding_stream_id", "key"),
        UniqueConstraint("funding_stream_id", "name"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    funding_stream_id: Mapped[int] = mapped_column(ForeignKey("funding_stream.id"))
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")

    funding_stream: Mapped[FundingStream] = relationship()
    budgets: Mapped[list[LineBudget]] = relationship(
        back_populates="funding_line", order_by="LineBudget.financial_year"
    )


class LineBudget(Base):
    """A ring-fenced line's budget for one financial year (part of its stream's budget)."""

    __tablename__ = "line_budget"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("funding_line_id", "financial_year"),
        _non_negative("amount_pence"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    funding_line_id: Mapped[int] = mapped_column(ForeignKey("funding_line.id"))
    financial_year: Mapped[int] = mapped_column(Integer)
    amount_pence: Mapped[int] = mapped_column(Integer)

    funding_line: Mapped[FundingLine] = relationship(back_populates="budgets")


class ExpenditureCategory(Base):
    """How a claim's spend is broken down (staff, overheads...); reference data from db/."""

    __tablename__ = "expenditure_category"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Claim(Base):
    """What a provider claims a strand spent in one quarter; paid in arrears once approved."""

    __tablename__ = "claim"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("strand_id", "period_id"),
        _non_negative("amount_pence"),
        _non_negative("forecast_remaining_pence"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    strand_id: Mapped[int] = mapped_column(ForeignKey("strand.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("return_period.id"))
    claim_date: Mapped[dt.date] = mapped_column(Date)
    # The sum of the lines, kept so reports add up claims without reading every line.
    amount_pence: Mapped[int] = mapped_column(Integer)
    # The provider's forecast of what the strand will spend in the rest of the year.
    forecast_remaining_pence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[ClaimStatus] = mapped_column(
        _text_enum(ClaimStatus, "claim_status"), default=ClaimStatus.SUBMITTED
    )
    # Why a claim beyond the strand's remaining allocation was accepted.
    over_allocation_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = _version()
    __mapper_args__ = {"version_id_col": version}

    strand: Mapped[Strand] = relationship()
    period: Mapped[ReturnPeriod] = relationship()
    lines: Mapped[list[ClaimLine]] = relationship(back_populates="claim", cascade="all, delete-orphan")
    payments: Mapped[list[Payment]] = relationship(back_populates="claim", order_by="Payment.paid_on")


class ClaimLine(Base):
    """One expenditure category's pence on a claim."""

    __tablename__ = "claim_line"
    __audited__ = True
    __table_args__ = (UniqueConstraint("claim_id", "category_id"), _non_negative("amount_pence"))
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("expenditure_category.id"))
    amount_pence: Mapped[int] = mapped_column(Integer)

    claim: Mapped[Claim] = relationship(back_populates="lines")
    category: Mapped[ExpenditureCategory] = relationship()


class Payment(Base):
    """Money paid to a provider against an approved claim."""

    __tablename__ = "payment"
    __audited__ = True
    __table_args__ = (CheckConstraint("amount_pence > 0", name="amount_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"))
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount_pence: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(100), default="")
    version: Mapped[int] = _version()
    __mapper_args__ = {"version_id_col": version}

    claim: Mapped[Claim] = relationship(back_populates="payments")


# SQLite would otherwise hand a new row the id of the last deleted one, and the audit trail,
# which names records by id, would mix two records' histories. AUTOINCREMENT never reuses ids.
AUDITED_TABLES = sorted(
    mapper.class_.__tablename__
    for mapper in Base.registry.mappers
    if getattr(mapper.class_, "__audited__", False)
)
for _name in AUDITED_TABLES:
    Base.metadata.tables[_name].dialect_options["sqlite"]["autoincrement"] = True
