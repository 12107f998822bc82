"""Reference data goes in once, updates by key, and never overwrites what officers set."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from desktop_app.paths import reference_data_file
from desktop_app.store.models import Indicator, Measure, MeasureRule, Plan, Priority, Theme
from desktop_app.store.reference import ReferenceDataError, load_reference_data, read_reference_data


def _counts(db):
    with db.reading() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Priority, Theme, Indicator, Measure, MeasureRule)
        }


def test_a_new_database_has_both_plans_as_the_reference_data_gives_them(db):
    # 2021–24: 4 priorities, 3 themes, 29 indicators; 2024–28: 3 priorities and a spotlight,
    # 5 themes, 23 indicators (20 carried on, 3 new).
    counts = _counts(db)
    # The measures and rules are whatever the file holds (the catalogue grows).
    data = read_reference_data(reference_data_file())
    assert counts == {
        "priority": 8, "theme": 8, "indicator": 52,
        "measure": len(data["measures"]), "measure_rule": len(data["rules"]),
    }
    with db.reading() as session:
        officers = session.scalars(select(Indicator).where(Indicator.target_value.is_not(None))).all()
        plans = sorted(i.plan.key for i in officers)
        spotlights = session.scalars(select(Priority.title).where(Priority.spotlight)).all()
    assert {(i.title, i.target_value) for i in officers} == {(officers[0].title, 750)}
    assert plans == ["pcp-2021-24", "pcp-2024-28"]
    assert "officers" in officers[0].title.lower()
    assert spotlights == ["Spotlight on Serious Violence"]


def test_an_indicator_that_carries_on_points_at_its_predecessor(db):
    with db.reading() as session:
        new = {i.code: i for i in session.scalars(select(Indicator).join(Plan).where(Plan.key == "pcp-2024-28"))}
        homicides = new["S.1"]
        assert (homicides.continues.code, homicides.continues.plan.key) == ("3.1", "pcp-2021-24")
        assert homicides.continues.title == homicides.title
        assert new["1.8"].continues is None  # new in 2024–28: starts empty
        assert sum(1 for i in new.values() if i.continues is not None) == 20


def test_a_mapping_that_joins_two_units_is_refused_naming_the_field(db, tmp_path):
    edited = tmp_path / "reference_data.toml"
    text = reference_data_file().read_text(encoding="utf-8")
    wrong = text.replace('code = "1.5"\npriority = 1\ncontinues = "pcp-2021-24:1.5"',
                         'code = "1.5"\npriority = 1\ncontinues = "pcp-2021-24:1.1"')
    assert wrong != text
    edited.write_text(wrong, encoding="utf-8")
    with pytest.raises(ReferenceDataError) as refused:
        with db.transaction() as session:
            load_reference_data(session, edited)
    message = str(refused.value)
    assert "'1.5'" in message and "continues 'pcp-2021-24:1.1'" in message
    assert "percent while this is count" in message


def test_loading_again_changes_nothing(db):
    before = _counts(db)
    with db.transaction() as session:
        load_reference_data(session, reference_data_file())
        load_reference_data(session, reference_data_file())
    assert _counts(db) == before


def test_an_edited_label_updates_but_an_officers_baseline_and_target_survive(db, tmp_path):
    with db.transaction() as session:
        officers = session.scalars(select(Indicator).where(Indicator.target_value == 750)).first()
        officers.baseline_value = 5_700
        officers.target_value = 800
        code, plan_id = officers.code, officers.plan_id
    edited = tmp_path / "reference_data.toml"
    text = reference_data_file().read_text(encoding="utf-8")
    assert 'label = "Victims supported"' in text
    edited.write_text(text.replace('label = "Victims supported"', 'label = "Victims supported (all)"'), encoding="utf-8")
    with db.transaction() as session:
        load_reference_data(session, edited)
    with db.reading() as session:
        assert session.scalar(select(Measure.label).where(Measure.key == "victims_supported")) == "Victims supported (all)"
        indicator = session.scalars(select(Indicator).filter_by(code=code, plan_id=plan_id)).one()
        assert (indicator.baseline_value, indicator.target_value) == (5_700, 800)


def test_a_rule_naming_an_unknown_measure_is_refused_by_name(db, tmp_path):
    edited = tmp_path / "reference_data.toml"
    text = reference_data_file().read_text(encoding="utf-8")
    edited.write_text(
        text.replace("referred_mental_health <= victims_supported", "referred_mental_heath <= victims_supported"),
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError) as refused:
        with db.transaction() as session:
            load_reference_data(session, edited)
    assert "mental_health_within_supported" in str(refused.value)
    assert "referred_mental_heath" in str(refused.value)
    with db.reading() as session:  # rolled back: the good rules are still there
        assert session.scalar(select(func.count()).select_from(MeasureRule)) == len(
            read_reference_data(reference_data_file())["rules"]
        )


def test_a_broken_file_is_named_in_the_message(db, tmp_path):
    broken = tmp_path / "reference_data.toml"
    shutil.copyfile(reference_data_file(), broken)
    broken.write_text(broken.read_text(encoding="utf-8") + "\n[[measures]\nkey = ", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="reference_data.toml"):
        with db.transaction() as session:
            load_reference_data(session, broken)


def test_every_measure_gets_its_ceiling_from_the_file_by_key(db, tmp_path):
    with db.reading() as session:
        assert session.scalar(select(Measure.ceiling).where(Measure.key == "rj_supported")) == 1_000_000
    edited = tmp_path / "reference_data.toml"
    text = reference_data_file().read_text(encoding="utf-8")
    marker = 'key = "rj_supported"'
    head, tail = text.split(marker)
    edited.write_text(head + marker + tail.replace("ceiling = 1_000_000", "ceiling = 5_000", 1), encoding="utf-8")
    with db.transaction() as session:
        load_reference_data(session, edited)
    with db.reading() as session:
        ceilings = dict(session.execute(select(Measure.key, Measure.ceiling)).all())
    assert ceilings["rj_supported"] == 5_000 and ceilings["victims_supported"] == 1_000_000


@pytest.mark.parametrize("bad", ["0", "-5", "true", '"lots"', "2_147_483_648", None])
def test_a_missing_or_impossible_ceiling_is_refused_naming_the_measure(db, tmp_path, bad):
    edited = tmp_path / "reference_data.toml"
    text = reference_data_file().read_text(encoding="utf-8")
    head, tail = text.split('key = "isva_sa_supported"')
    replacement = "" if bad is None else f"ceiling = {bad}"
    edited.write_text(
        head + 'key = "isva_sa_supported"' + tail.replace("ceiling = 1_000_000", replacement, 1), encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match=r"measure 'isva_sa_supported': 'ceiling' must be a whole number from 1 to 2,147,483,647"):
        with db.transaction() as session:
            load_reference_data(session, edited)


def test_a_measure_naming_a_breakdown_not_in_the_file_is_refused_by_name(db, tmp_path):
    edited = tmp_path / "reference_data.toml"
    text = reference_data_file().read_text(encoding="utf-8")
    edited.write_text(text.replace('"disability", "crime_type"]', '"disability", "crime_typ"]', 1), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"measure 'victims_supported': breakdown 'crime_typ' is not in"):
        with db.transaction() as session:
            load_reference_data(session, edited)


def test_a_breakdown_without_not_known_is_refused(db, tmp_path):
    edited = tmp_path / "reference_data.toml"
    text = reference_data_file().read_text(encoding="utf-8")
    head, tail = text.split('key = "sex"', 1)
    tail = tail.replace('  { key = "not_known", label = "Not known" },\n', "", 1)
    edited.write_text(head + 'key = "sex"' + tail, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"breakdown 'sex' has no \"not_known\" category"):
        with db.transaction() as session:
            load_reference_data(session, edited)
