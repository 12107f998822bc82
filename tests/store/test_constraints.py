"""The schema itself refuses negative counts, negative money and duplicates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from desktop_app.core.vocabulary import (
    AgreementType,
    OrganisationType,
    ReturnStatus,
    Scope,
)
from desktop_app.store.models import (
    Allocation,
    Budget,
    FundingStream,
    Indicator,
    IndicatorReading,
    Measure,
    Provider,
    Return,
    ReturnPeriod,
    ReturnValue,
    ServiceCategory,
    Strand,
)


@pytest.fixture
def strand_return(db):
    """A provider, a strand, a period and a draft return; returns their ids."""
    with db.transaction() as session:
        stream = FundingStream(
            name="MoJ grant",
            funder="Ministry of Justice",
            start_date=dt.date(2022, 4, 1),
            end_date=dt.date(2025, 3, 31),
            total_pence=1_400_000_000,
        )
        provider = Provider(name="Calder Women's Aid", organisation_type=OrganisationType.CVSE, scope=Scope.LOCAL)
        category = session.scalars(select(ServiceCategory).limit(1)).one()
        strand = Strand(
            reference="WY-001",
            provider=provider,
            funding_stream=stream,
            name="IDVA service",
            service_category=category,
            agreement_type=AgreementType.GRANT,
            start_date=dt.date(2022, 4, 1),
        )
        period = ReturnPeriod(financial_year=2022, quarter=1)
        ret = Return(strand=strand, period=period, status=ReturnStatus.DRAFT)
        session.add_all([stream, provider, strand, period, ret])
        session.flush()
        measure_id = session.scalar(select(Measure.id).where(Measure.key == "victims_supported"))
        return {"strand": strand.id, "period": period.id, "return": ret.id, "measure": measure_id, "stream": stream.id}


def _insert(db, *objects):
    with db.transaction() as session:
        session.add_all(objects)


def test_a_negative_count_is_refused(db, strand_return):
    with pytest.raises(IntegrityError, match="value_not_negative"):
        _insert(db, ReturnValue(return_id=strand_return["return"], measure_id=strand_return["measure"], value=-1))


def test_a_measure_twice_on_one_return_is_refused(db, strand_return):
    ok = ReturnValue(return_id=strand_return["return"], measure_id=strand_return["measure"], value=5)
    _insert(db, ok)
    with pytest.raises(IntegrityError, match="UNIQUE"):
        _insert(db, ReturnValue(return_id=strand_return["return"], measure_id=strand_return["measure"], value=6))


def test_a_second_return_for_the_same_strand_and_quarter_is_refused(db, strand_return):
    with pytest.raises(IntegrityError, match="UNIQUE"):
        _insert(db, Return(strand_id=strand_return["strand"], period_id=strand_return["period"]))


def test_negative_money_is_refused(db, strand_return):
    with pytest.raises(IntegrityError, match="amount_pence_not_negative"):
        _insert(db, Allocation(strand_id=strand_return["strand"], financial_year=2022, amount_pence=-100))
    with pytest.raises(IntegrityError, match="amount_pence_not_negative"):
        _insert(db, Budget(funding_stream_id=strand_return["stream"], financial_year=2022, amount_pence=-1))


def test_two_allocations_for_one_strand_and_year_are_refused(db, strand_return):
    _insert(db, Allocation(strand_id=strand_return["strand"], financial_year=2022, amount_pence=100))
    with pytest.raises(IntegrityError, match="UNIQUE"):
        _insert(db, Allocation(strand_id=strand_return["strand"], financial_year=2022, amount_pence=200))


def test_a_status_outside_the_workflow_is_refused(db, strand_return):
    from sqlalchemy import text

    with pytest.raises(IntegrityError, match="return_status"):
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE \"return\" SET status = 'approved'"))


def test_a_second_reading_for_the_same_indicator_and_period_is_refused(db):
    with db.reading() as session:
        indicator_id = session.scalar(select(Indicator.id).limit(1))
    reading = dict(indicator_id=indicator_id, period_start=dt.date(2023, 4, 1), period_end=dt.date(2023, 4, 30))
    _insert(db, IndicatorReading(value=50.0, **reading))
    with pytest.raises(IntegrityError, match="UNIQUE"):
        _insert(db, IndicatorReading(value=51.0, **reading))


def test_a_return_for_a_missing_strand_is_refused(db, strand_return):
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        _insert(db, Return(strand_id=9999, period_id=strand_return["period"]))
