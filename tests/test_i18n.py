"""The catalogs (planner/i18n): complete in both languages, same placeholders, names and units."""

from __future__ import annotations

import pytest

from planner.errors import Problem
from planner.i18n.catalog import (
    LANGUAGES,
    catalog,
    language,
    language_from_environment,
    language_from_header,
    normalize,
    placeholders,
    t,
    use_language,
)
from planner.i18n.names import name_table, region_names, sector_name, short_zh
from planner.i18n.problems import problem_line
from planner.i18n.units import money, shown, use_money_unit


def test_every_key_is_in_every_language_with_the_same_placeholders():
    """A key only one language has would show a raw key (or English) to the other's readers; a
    placeholder only one has would raise or drop a figure."""
    keys = {code: set(catalog(code)) for code in LANGUAGES}
    assert keys["en"] == keys["zh"], keys["en"] ^ keys["zh"]
    differing = {
        key: (catalog("en")[key], catalog("zh")[key])
        for key in keys["en"]
        if placeholders(catalog("en")[key]) != placeholders(catalog("zh")[key])
    }
    assert not differing, differing
    assert len(keys["en"]) > 50  # the catalogs were read, not silently empty


def test_keys_used_in_code_exist():
    """Every literal ``t("key"`` in planner/ and ui/ is a key of the catalog."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    used = set()
    for folder in ("planner", "ui"):
        for path in (root / folder).rglob("*.py"):
            used |= set(
                re.findall(r"\bt\(\s*\"([a-z_]+\.[A-Za-z0-9_.]+)\"", path.read_text("utf-8"))
            )
    assert used, "no t(...) call found: the scan is broken"
    assert not used - set(catalog("en")), sorted(used - set(catalog("en")))


def test_language_codes_and_locales():
    assert normalize("zh_CN.UTF-8") == "zh" and normalize("zh-Hans") == "zh"
    assert normalize("en_US") == "en" and normalize("C") is None and normalize("fr") is None
    assert language_from_environment({"PLANNER_LANG": "zh", "LANG": "en_US.UTF-8"}) == "zh"
    assert language_from_environment({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert language_from_environment({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) == "en"
    assert language_from_environment({}) == "en"
    assert language_from_header("fr-FR,zh-CN;q=0.8,en;q=0.5") == "zh"
    assert language_from_header("en-US,en;q=0.9,zh;q=0.8") == "en"
    assert language_from_header("de") is None


def test_active_language_is_scoped():
    assert language() == "en"
    with use_language("zh"):
        assert t("status.optimal") == "最优"
    assert t("status.optimal") == "optimal"


def test_money_in_yi_yuan_names_the_unit():
    """1 CNY bn = 10 亿元: 2,510 CNY bn is 25,100 亿元; other units are never converted."""
    assert money(2510, "CNY bn", lang="zh") == "25,100.0 亿元"
    assert money(2510, "CNY bn", lang="en") == "2,510.0 CNY bn"
    assert money(3, "EUR m", lang="zh") == "3.0 EUR m"
    with use_money_unit("scenario"):
        assert shown("CNY bn", lang="zh").factor == 1.0
    with use_money_unit("yi"):
        assert money(1.25, "CNY bn", lang="en") == "12.5 CNY 100m"


def test_bundled_keys_have_chinese_names(western):
    """Every sector, profile, corridor and group of the bundled scenario has a Chinese name, and
    the provinces read as planners say them."""
    table = name_table()
    s = western
    missing = [("sector", k) for k in s.sectors if ("sector", k) not in table]
    missing += [("profile", k) for k in s.profiles if ("profile", k) not in table]
    missing += [("corridor", k) for k in s.corridors if ("corridor", k) not in table]
    missing += [("group", k) for k in s.project_groups if ("group", k) not in table]
    assert not missing
    assert region_names(s, "zh")["sichuan"] == "四川"
    assert region_names(s, "en")["sichuan"] == "Sichuan"
    assert sector_name("water", "zh") == "水利" and sector_name("water", "en") == "water"
    assert short_zh("广西壮族自治区") == "广西" and short_zh("内蒙古自治区") == "内蒙古"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_problems_keep_file_row_and_field(lang):
    line = problem_line(Problem("must be >= 0", file="needs.csv", row=4, field="need"), lang)
    assert "needs.csv" in line and "4" in line and "need" in line
    if lang == "en":
        assert line == "needs.csv, row 4, field 'need': must be >= 0"
    else:
        assert "第 4 行" in line and "字段" in line


@pytest.fixture
def western():
    from planner import load_scenario

    return load_scenario("western_china")
