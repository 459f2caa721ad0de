"""Checks on western_china_funded's funding pools (data/western_china_funded/funding/, shared/spec/funding.md): what a
reviewer of the figures relies on. Read with pandas alone: the scenario does not wire `funding` yet."""

from __future__ import annotations

import math
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "data"
SCENARIO = DATA / "western_china_funded"
DERIVE = DATA / "derive"
SOURCE_COLUMNS = ["id", "name", "amount", "debt", "region"]
RULE_COLUMNS = ["source", "region", "sector", "max_share"]
# Original publishers only: the allowlist that every link in data/ is held to (data/publishers.csv).
ORIGINAL_PUBLISHERS = tuple(pd.read_csv(DATA / "publishers.csv")["domain"])


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def scenario() -> dict:
    return yaml.safe_load((SCENARIO / "scenario.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    return read(SCENARIO / "funding" / "sources.csv")


@pytest.fixture(scope="module")
def rules() -> pd.DataFrame:
    return read(SCENARIO / "funding" / "rules.csv")


@pytest.fixture(scope="module")
def regions() -> pd.DataFrame:
    return pd.read_csv(SCENARIO / "regions.csv")


def unsourced(table: pd.DataFrame, status: str = "status") -> list[str]:
    """Rows that are neither read from a named document with its year and link, nor estimated with
    a method. A row's description for the failure message."""
    bad = []
    for i, row in table.iterrows():
        if row[status] == "read from source":
            ok = bool(row["document"] and row["url"] and row.get("source_year", "x"))
        else:
            ok = row[status] in ("estimated", "secondary report") and bool(row["method"])
        if not ok:
            bad.append(f"row {i + 2}: {row.iloc[0]}")
    return bad


def test_sources_follow_the_spec_columns(sources: pd.DataFrame) -> None:
    assert list(sources.columns[: len(SOURCE_COLUMNS)]) == SOURCE_COLUMNS
    assert sources["id"].is_unique
    assert set(sources["debt"]) <= {"true", "false"}


def test_every_source_is_sourced_or_estimated_with_a_method(sources: pd.DataFrame) -> None:
    assert unsourced(sources) == []
    # the national figure behind each amount: read from its document, or estimated with a method
    assert unsourced(sources, "figure_status") == []
    assert (sources["source_year"].str.fullmatch(r"20\d\d")).all()


def test_every_rule_is_sourced_or_estimated_with_a_method(rules: pd.DataFrame) -> None:
    assert list(rules.columns[: len(RULE_COLUMNS)]) == RULE_COLUMNS
    assert unsourced(rules) == []


def test_every_debt_room_and_debt_limit_has_its_method(regions: pd.DataFrame) -> None:
    rooms = read(DERIVE / "derivation_funding_western_china_funded.csv")
    assert set(rooms["region"]) == set(regions["id"])
    assert unsourced(rooms) == []
    assert unsourced(read(DERIVE / "debt_limits.csv")) == []


def test_links_are_original_publishers(sources: pd.DataFrame, rules: pd.DataFrame) -> None:
    figures = read(DERIVE / "funding_figures.csv")
    urls = {u for u in [*sources["url"], *rules["url"], *figures["url"]] if u}
    assert urls, "no link at all"
    for url in urls:
        host = urlparse(url).hostname or ""
        assert any(host == d or host.endswith("." + d) for d in ORIGINAL_PUBLISHERS), url


def test_amounts_and_shares_in_range(
    sources: pd.DataFrame, rules: pd.DataFrame, regions: pd.DataFrame
) -> None:
    amounts = sources["amount"].astype(float)
    assert all(math.isfinite(a) and a >= 0 for a in amounts)
    shares = rules["max_share"].astype(float)
    assert ((shares >= 0) & (shares <= 1)).all()
    assert regions["debt_room"].notna().all() and (regions["debt_room"] >= 0).all()


def test_references_exist(
    sources: pd.DataFrame, rules: pd.DataFrame, regions: pd.DataFrame, scenario: dict
) -> None:
    known = set(regions["id"])
    assert set(sources["region"]) - {""} <= known
    assert set(rules["source"]) <= set(sources["id"])
    assert set(rules["region"]) - {""} <= known
    assert set(rules["sector"]) - {""} <= set(scenario["sectors"])
    assert not rules.duplicated(["source", "region", "sector"]).any()
    # every province has its own bond quotas and its own fiscal money
    for pool in ("special_bonds", "general_bonds", "own_fiscal"):
        assert set(sources.loc[sources["pool"] == pool, "region"]) == known, pool


def test_pools_total_the_budget_the_scenario_keeps(sources: pd.DataFrame, scenario: dict) -> None:
    """funding.md: with `funding`, a given budget must equal the sources' total in every period (amounts
    are horizon totals split evenly), so the scenario's budget can stay as it is."""
    budget = scenario["budget"]
    periods = len(scenario["periods"])
    per_period = [budget / periods] * periods if not isinstance(budget, list) else budget
    sources_per_period = math.fsum(sources["amount"].astype(float)) / periods
    for b in per_period:
        assert abs(sources_per_period - b) <= 1e-9 * abs(b), (sources_per_period, b)


def test_amount_is_the_programme_share_of_the_real_pool(
    sources: pd.DataFrame, scenario: dict
) -> None:
    """Each amount is one and the same share of its western pool; the pools hold more than the budget
    (the programme is part of the west's infrastructure money), and they are 2-10 % of the west's GDP
    per year (about 6 % at 2024 GDP: real pools, not the programme scaled up)."""
    pools = sources["pool_cny_bn"].astype(float)
    share = sources["programme_share"].astype(float)
    assert share.nunique() == 1 and 0 < share.iloc[0] < 1
    expected = pools * share.iloc[0]
    assert ((sources["amount"].astype(float) - expected).abs() <= 0.06 + 1e-4 * expected).all()
    assert pools.sum() > scenario["budget"]
    provinces = pd.read_csv(DATA / "provinces.csv")
    uplift = pd.read_csv(DERIVE / "assumptions.csv").set_index("parameter")["value"][
        "gdp_uplift_2020_to_2024"
    ]
    west_gdp = provinces.loc[provinces["macro_region"] == "west", "gdp"].sum() * uplift
    per_year = pools.sum() / len(scenario["periods"]) / west_gdp
    assert 0.02 <= per_year <= 0.10, per_year


def test_debt_room_leaves_the_provinces_bond_quotas_usable(
    sources: pd.DataFrame, regions: pd.DataFrame
) -> None:
    """The room is the new debt quota plus the published headroom, so a province can draw all of its
    own bonds at the default amounts: the room binds only when a planner raises a debt source."""
    debt = sources[sources["debt"] == "true"]
    drawn = debt.groupby("region")["amount"].apply(lambda a: a.astype(float).sum())
    room = regions.set_index("id")["debt_room"]
    assert (drawn.reindex(room.index).fillna(0) <= room + 1e-9).all()


def test_housing_excluded_from_ultra_long_bonds_only_by_a_rule(rules: pd.DataFrame) -> None:
    row = rules[(rules["source"] == "ultra_long_bonds") & (rules["sector"] == "housing")]
    assert len(row) == 1 and float(row["max_share"].iloc[0]) == 0


def test_floors_and_committed_projects_can_be_financed(
    sources: pd.DataFrame, regions: pd.DataFrame
) -> None:
    """By arithmetic: what each province must spend (its floor, or its committed projects if more)
    beyond the pools only it may use fits in the pools every province may use."""
    needs = pd.read_csv(SCENARIO / "needs.csv").groupby("region")["need"].sum()
    projects = pd.read_csv(SCENARIO / "projects.csv")
    committed = projects[projects["mandatory"]].groupby("region")["cost"].sum()
    r = regions.set_index("id")
    must = pd.concat(
        [r["min_share_of_need"] * needs, committed.reindex(r.index).fillna(0)], axis=1
    ).max(axis=1)
    amounts = sources.assign(amount=sources["amount"].astype(float))
    own = (
        amounts[amounts["region"] != ""]
        .groupby("region")["amount"]
        .sum()
        .reindex(r.index)
        .fillna(0)
    )
    shared = amounts.loc[amounts["region"] == "", "amount"].sum()
    assert (must - own).clip(lower=0).sum() <= shared
