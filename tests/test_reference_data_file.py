"""The reference data file says what an officer expects: the 2021–24 plan, the published measures."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

REFERENCE_FILE = Path(__file__).resolve().parents[1] / "db" / "reference_data.toml"

UNITS = {"count", "percent", "days", "rate"}
DIRECTIONS = {"increase", "decrease", "maintain", "below_baseline", "monitor"}
FREQUENCIES = {"monthly", "quarterly"}

PRIORITY_TITLES = {
    1: "Supporting Victims and Witnesses and Improving Criminal Justice Outcomes",
    2: "Keeping People Safe and Building Resilience",
    3: "Safer Places and Thriving Communities",
    4: "Responding to Multiple and Complex Needs",
}

MEASURE_KEYS = [
    "victims_supported",
    "idva_da_supported",
    "isva_sa_supported",
    "reported_before",
    "reported_after",
    "referred_mental_health",
    "rj_supported",
]

RULE_EXPRESSIONS = {
    "idva_within_supported": "idva_da_supported <= victims_supported",
    "isva_within_supported": "isva_sa_supported <= victims_supported",
    "reporting_within_supported": "reported_before + reported_after <= victims_supported",
    "mental_health_within_supported": "referred_mental_health <= victims_supported",
}


@pytest.fixture(scope="module")
def data() -> dict:
    with open(REFERENCE_FILE, "rb") as handle:
        return tomllib.load(handle)


def test_schema_and_plan(data):
    assert data["schema"] == 1
    plan = data["plan"]
    assert plan["key"] == "pcp-2021-24"
    assert plan["start"] == dt.date(2021, 4, 1)
    assert plan["end"] == dt.date(2024, 3, 31)


def test_four_priorities_with_the_seed_titles(data):
    priorities = data["priorities"]
    assert [p["number"] for p in priorities] == [1, 2, 3, 4]
    assert {p["number"]: p["title"] for p in priorities} == PRIORITY_TITLES


def test_three_themes(data):
    keys = [t["key"] for t in data["themes"]]
    assert keys == ["women_girls", "edi", "early_intervention"]
    assert all(t["name"].strip() for t in data["themes"])


def test_29_indicators_split_7_7_9_6(data):
    indicators = data["indicators"]
    assert len(indicators) == 29
    assert Counter(i["priority"] for i in indicators) == {1: 7, 2: 7, 3: 9, 4: 6}


def test_indicator_codes_unique_in_order_and_match_priority(data):
    indicators = data["indicators"]
    codes = [i["code"] for i in indicators]
    assert len(set(codes)) == len(codes)
    position: Counter[int] = Counter()
    for indicator in indicators:
        position[indicator["priority"]] += 1
        assert indicator["code"] == f"{indicator['priority']}.{position[indicator['priority']]}"


def test_indicator_vocabularies(data):
    theme_keys = {t["key"] for t in data["themes"]}
    for indicator in data["indicators"]:
        code = indicator["code"]
        assert indicator["unit"] in UNITS, code
        assert indicator["direction"] in DIRECTIONS, code
        assert indicator["frequency"] in FREQUENCIES, code
        assert indicator["source"].strip(), code
        assert set(indicator.get("themes", [])) <= theme_keys, code
        assert indicator["title"].strip() and not indicator["title"].endswith("."), code
        assert indicator["description"].strip(), code


def test_directions_as_the_plan_words_them(data):
    directions = {i["code"]: i["direction"] for i in data["indicators"]}
    assert directions["1.7"] == "maintain"
    assert {c for c, d in directions.items() if d == "monitor"} == {"2.5", "2.6", "3.9"}
    assert {c for c, d in directions.items() if d == "below_baseline"} == {"3.5", "4.2", "4.3"}


def test_only_the_additional_officers_indicator_has_a_target(data):
    with_target = [i for i in data["indicators"] if "target" in i]
    assert len(with_target) == 1
    officers = with_target[0]
    assert officers["target"] == 750
    assert "officers" in officers["title"].lower()
    assert officers["priority"] == 3


def test_the_seven_published_measures_are_there_in_their_published_order(data):
    # The catalogue grows (that is its point); only the published seven are pinned.
    measures = data["measures"]
    keys = [m["key"] for m in measures]
    assert [k for k in keys if k in MEASURE_KEYS] == MEASURE_KEYS
    orders = [m["order"] for m in measures]
    assert len(set(orders)) == len(orders)
    assert orders == sorted(orders)
    for measure in measures:
        assert len(measure["short_label"]) <= 12, measure["key"]
        assert measure["label"].strip() and measure["help"].strip(), measure["key"]
        assert isinstance(measure["valid_from"], dt.date), measure["key"]
        if "valid_to" in measure:
            assert measure["valid_to"] > measure["valid_from"], measure["key"]


def test_every_measure_beyond_the_published_seven_tells_the_demo_how_to_make_it(data):
    keys = {m["key"] for m in data["measures"]}
    for measure in data["measures"]:
        if measure["key"] not in MEASURE_KEYS:
            assert measure["demo"]["of"] in keys and measure["demo"]["ratio"] > 0, measure["key"]


def test_every_breakdown_a_measure_names_exists_and_has_not_known(data):
    lists = {b["key"]: b for b in data["breakdowns"]}
    for measure in data["measures"]:
        for key in measure.get("breakdowns", []):
            assert "not_known" in {c["key"] for c in lists[key]["categories"]}, (measure["key"], key)
    ethnicity = lists["ethnicity"]["categories"]
    groups = {c["group"] for c in ethnicity if c.get("group")}
    assert len([c for c in ethnicity if c.get("group")]) == 19 and len(groups) == 5


def test_the_published_rules_are_kept(data):
    rules = {r["key"]: r["expression"] for r in data["rules"]}
    assert {k: rules.get(k) for k in RULE_EXPRESSIONS} == RULE_EXPRESSIONS


def test_rules_only_name_defined_measures(data):
    measure_keys = {m["key"] for m in data["measures"]}
    for rule in data["rules"]:
        names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rule["expression"]))
        assert names and names <= measure_keys, rule["key"]


def test_service_category_keys_are_unique_snake_case(data):
    keys = [c["key"] for c in data["service_categories"]]
    assert len(keys) >= 8
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", key) for key in keys)
    assert {"idva", "isva", "restorative_justice"} <= set(keys)


def test_five_districts(data):
    names = [d["name"] for d in data["districts"]]
    assert names == ["Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"]


def test_the_2024_28_plan_has_three_priorities_a_spotlight_and_five_themes(data):
    (later,) = data["plans"]
    assert (later["key"], later["start"], later["end"]) == ("pcp-2024-28", dt.date(2024, 4, 1), dt.date(2028, 3, 31))
    priorities = later["priorities"]
    assert [p.get("spotlight", False) for p in priorities] == [False, False, False, True]
    assert "Serious Violence" in priorities[-1]["title"]
    assert len(later["themes"]) == 5
    earlier = {i["code"]: i for i in data["indicators"]}
    carried = [i for i in later["indicators"] if "continues" in i]
    assert len(carried) == 20 and len(later["indicators"]) == 23
    for indicator in carried:
        plan_key, _, code = indicator["continues"].partition(":")
        assert plan_key == "pcp-2021-24" and code in earlier, indicator["code"]
        assert earlier[code]["unit"] == indicator["unit"], indicator["code"]
    # New indicators and titles not in the seed say they are illustrative.
    for indicator in later["indicators"]:
        if "continues" not in indicator:
            assert "(illustrative)" in indicator["title"]
