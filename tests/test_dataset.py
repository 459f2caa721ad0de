"""Checks on the bundled dataset (data/): shares, references, feasibility by arithmetic, tiles."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "data"
SCENARIOS = ["western_china", "china_national"]
SECTORS = {"power", "transport", "housing", "water"}
WEST = {
    "inner_mongolia",
    "guangxi",
    "chongqing",
    "sichuan",
    "guizhou",
    "yunnan",
    "xizang",
    "shaanxi",
    "gansu",
    "qinghai",
    "ningxia",
    "xinjiang",
}


@pytest.fixture(scope="module")
def provinces() -> pd.DataFrame:
    return pd.read_csv(DATA / "provinces.csv")


def load(name: str) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    folder = DATA / name
    scn = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    return scn, pd.read_csv(folder / scn["regions"]), pd.read_csv(folder / scn["needs"])


def test_provinces_complete(provinces: pd.DataFrame) -> None:
    assert len(provinces) == 31
    assert provinces["id"].is_unique
    assert provinces["id"].str.fullmatch(r"[a-z_]+").all()
    assert provinces.groupby("macro_region").size().to_dict() == {
        "east": 10,
        "central": 6,
        "west": 12,
        "northeast": 3,
    }
    assert set(provinces.loc[provinces.macro_region == "west", "id"]) == WEST
    assert provinces["population_year"].nunique() == 1
    assert provinces["gdp_year"].nunique() == 1
    # the issue asks for population and GDP of one and the same year
    assert (provinces["population_year"] == provinces["gdp_year"]).all()
    assert (provinces["gdp_status"] == "read from source").all()
    assert (provinces[["area_km2", "population", "gdp"]] > 0).all().all()
    assert provinces["gdp_status"].notna().all()


def test_west_share_of_land_and_population(provinces: pd.DataFrame) -> None:
    west = provinces[provinces.macro_region == "west"]
    land = west.area_km2.sum() / provinces.area_km2.sum()
    people = west.population.sum() / provinces.population.sum()
    assert 0.71 <= land <= 0.72, land
    assert 0.265 <= people <= 0.275, people


def test_tile_grid(provinces: pd.DataFrame) -> None:
    tiles = pd.read_csv(DATA / "tile_grid.csv")
    assert set(tiles["id"]) == set(provinces["id"])
    assert len(tiles) == 31
    assert not tiles.duplicated(["row", "col"]).any()


@pytest.mark.parametrize("name", SCENARIOS)
def test_references_exist(name: str, provinces: pd.DataFrame) -> None:
    scn, regions, needs = load(name)
    assert set(scn["sectors"]) == SECTORS
    assert regions["id"].is_unique
    assert set(regions["id"]) <= set(provinces["id"])
    assert set(needs["region"]) <= set(regions["id"])
    assert set(needs["sector"]) <= set(scn["sectors"])
    assert not needs.duplicated(["region", "sector"]).any()
    profiles = scn["profiles"]
    assert set(regions["profile"].dropna()) <= set(profiles)
    for p in profiles.values():
        for key in ("weight", "share_min", "share_max"):
            assert set(p.get(key, {})) <= set(scn["sectors"])
    for c in scn["corridors"].values():
        assert set(c["regions"]) <= set(regions["id"])
        assert set(c["shared_need"]) <= set(scn["sectors"])


def test_scenario_region_sets(provinces: pd.DataFrame) -> None:
    _, west, _ = load("western_china")
    _, national, _ = load("china_national")
    assert set(west["id"]) == WEST
    assert set(national["id"]) == set(provinces["id"])


def committed_projects(name: str) -> pd.DataFrame:
    """The scenario's mandatory projects (none when it has no projects table)."""
    path = DATA / name / "projects.csv"
    if not path.exists():
        return pd.DataFrame(columns=["region", "sector", "cost", "mandatory"])
    table = pd.read_csv(path)
    return table[table["mandatory"]]


@pytest.mark.parametrize("name", SCENARIOS)
def test_feasible_by_arithmetic(name: str) -> None:
    scn, regions, needs = load(name)
    horizon = len(scn["periods"])
    total_need = needs.groupby("region")["need"].sum()
    r = regions.set_index("id")
    floors = r["min_share_of_need"].fillna(0) * total_need.reindex(r.index).fillna(0)
    budget = scn["budget"] if not isinstance(scn["budget"], list) else sum(scn["budget"])
    committed = committed_projects(name)
    # The programme budget (without committed projects) binds (real choices); floors fit inside.
    assert 0.55 <= (budget - committed["cost"].sum()) / total_need.sum() <= 0.75
    assert floors.sum() <= budget
    assert ((r["min_share_of_need"] >= 0.1) & (r["min_share_of_need"] <= 0.3)).all()
    # Absorptive capacity over the horizon allows each floor.
    assert (floors <= horizon * r["max_per_period"] + 1e-9).all(), (
        floors - horizon * r["max_per_period"]
    )
    # Profile share bounds: share_min sums <= 1, and each region's floor is reachable.
    for pname, p in scn["profiles"].items():
        assert sum(p.get("share_min", {}).values()) <= 1, pname
    for rid, row in r.iterrows():
        p = scn["profiles"].get(row["profile"], {})
        smin, smax = p.get("share_min", {}), p.get("share_max", {})
        n = needs[needs.region == rid].set_index("sector")["need"]
        t = floors[rid]
        for s in scn["sectors"]:
            cap_s = min(n.get(s, 0.0), smax.get(s, 1.0) * t)
            assert smin.get(s, 0.0) * t <= cap_s + 1e-9, (rid, s)
        assert sum(min(n.get(s, 0.0), smax.get(s, 1.0) * t) for s in scn["sectors"]) >= t - 1e-9, (
            rid
        )
    # Corridors: the shared need beyond the committed projects in it is below the members' summed
    # need, so the cap can bind, and it leaves room for the members' share_min at their floors.
    for cname, c in scn["corridors"].items():
        for s, shared in c["shared_need"].items():
            member_need = needs[needs.region.isin(c["regions"]) & (needs.sector == s)]["need"].sum()
            inside = committed[committed.region.isin(c["regions"]) & (committed.sector == s)]
            assert 0 < shared - inside["cost"].sum() < member_need, (cname, s)
            required = sum(
                scn["profiles"].get(r.at[m, "profile"], {}).get("share_min", {}).get(s, 0.0)
                * floors[m]
                for m in c["regions"]
            )
            assert required <= shared, (cname, s)


CRITERIA = ["relief", "growth", "people", "ecology"]


@pytest.mark.parametrize("name", SCENARIOS)
def test_needs_plausible(name: str) -> None:
    """Every pair is scored on the four criteria (no given benefit); each criterion tells pairs apart
    (its largest score is at least 1.5 times its smallest), so none is a constant that only rescales
    E; and the derived benefit of every pair with a need lies in (0, 1] (the weights add up to 1)."""
    import planner

    scn, regions, needs = load(name)
    assert (needs["need"] >= 0).all()
    assert list(scn["criteria"]) == CRITERIA
    assert "benefit" not in needs.columns
    assert (needs[CRITERIA] >= 0).all().all() and needs[CRITERIA].notna().all().all()
    for criterion in CRITERIA:
        assert needs[criterion].max() >= 1.5 * needs[criterion].min() > 0, criterion
    assert sum(c["weight"] for c in scn["criteria"].values()) == pytest.approx(1.0)
    benefits = planner.load_scenario(name).derived_benefits()
    assert all(0 < b <= 1 + 1e-12 for b in benefits.values())
    assert (needs.groupby("region")["need"].sum() > 0).all()
    assert len(needs) == 4 * len(regions)


def test_every_criterion_has_a_label_and_a_chinese_name() -> None:
    from planner.i18n.names import key_name

    scenario = __import__("planner").load_scenario("western_china")
    assert scenario.criteria is not None
    for key in CRITERIA:
        assert scenario.criterion_label(key) != key
        assert key_name("criterion", key, "zh") != key


@pytest.mark.parametrize("name", SCENARIOS)
def test_relief_is_the_former_benefit_formula(name: str, provinces: pd.DataFrame) -> None:
    """relief[r,s] = benefit_base[s] · income_factor[r] · gap[r,s] ^ benefit_gap_elasticity, recomputed
    here from the indicators (data/README.md), where income_factor = (national / provincial GDP per
    resident) ^ benefit_income_elasticity over all 31 provinces and gap = clip((national / provincial
    indicator) ^ elasticity, min, max) for power (electricity consumption per resident, the national
    figure the 31 provinces' sum), housing and water, 1 for transport."""
    a = pd.read_csv(DATA / "derive" / "assumptions.csv").set_index("parameter")["value"]
    ind = pd.read_csv(DATA / "indicators" / "indicators.csv")
    p = provinces.set_index("id")
    per_resident = p["gdp"] / p["population"]  # the uplift to 2024 cancels in the ratio
    income = (p["gdp"].sum() / p["population"].sum() / per_resident) ** a[
        "benefit_income_elasticity"
    ]

    def gap(indicator: str, prefix: str) -> pd.Series:
        rows = ind[ind.indicator == indicator].set_index("region")["value"]
        ratio = (rows["china"] / rows.drop("china")) ** a[f"{prefix}_gap_elasticity"]
        return ratio.clip(a[f"{prefix}_gap_min"], a[f"{prefix}_gap_max"])

    electricity = ind[ind.indicator == "electricity_consumption"].set_index("region")["value"]
    per_resident = electricity / p["population"]
    national = electricity.sum() / p["population"].sum()
    gaps = {
        "power": ((national / per_resident) ** a["power_gap_elasticity"]).clip(
            a["power_gap_min"], a["power_gap_max"]
        ),
        "housing": gap("rural_floor_space_per_capita", "housing"),
        "water": gap("water_resources_per_capita", "water"),
    }
    _, _, needs = load(name)
    for row in needs.itertuples():
        g = gaps[row.sector][row.region] if row.sector in gaps else 1.0
        expected = a[f"benefit_base_{row.sector}"] * income[row.region]
        expected *= g ** a["benefit_gap_elasticity"]
        assert row.relief == pytest.approx(expected, abs=6e-4), (row.region, row.sector)


def test_relief_alone_gives_the_plan_of_the_former_single_benefit() -> None:
    """With growth, people and ecology at weight 0, benefit = relief / max relief: the same LP as the
    scenario whose given benefit is the relief column, its E divided by the largest relief score."""
    import planner

    scored = planner.load_scenario("china_national")
    document = scored.model_dump(mode="json")
    del document["criteria"]
    document["needs"] = [
        {"region": n["region"], "sector": n["sector"], "need": n["need"], "benefit": n["relief"]}
        for n in document["needs"]
    ]
    former = planner.validate_scenario(document)
    alone = planner.solve(scored, criteria={"relief": 1, "growth": 0, "people": 0, "ecology": 0})
    largest = max(n.scores["relief"] for n in scored.needs if n.need > 0)
    assert alone.E * largest == pytest.approx(planner.solve(former).E, rel=1e-7)


@pytest.mark.parametrize("name", SCENARIOS)
def test_bundled_scenario_solves(name: str) -> None:
    import planner

    scn = planner.load_scenario(name)
    plan = planner.solve(scn)
    assert plan.status == "optimal"


# ---- candidate projects of western_china (shared/spec/projects.md) ----

PROJECT_STATUSES = {"read from source", "read from a copy", "estimated"}
READ = {"read from source", "read from a copy"}


@pytest.fixture(scope="module")
def projects() -> pd.DataFrame:
    return pd.read_csv(DATA / "western_china" / "projects.csv")


def test_at_least_twenty_real_projects_each_with_its_source(projects: pd.DataFrame) -> None:
    """Every row names its source and year; a row read from source links the publisher's page; a row
    read from a copy keeps no link and says that the publisher's page was not found; an estimated
    row says its method (issue 29: never a guess presented as read, never a mirror's link)."""
    assert len(projects) >= 20
    assert set(projects["status"]) <= PROJECT_STATUSES
    assert projects["status"].isin(READ).sum() >= 20
    for row in projects.itertuples():
        assert isinstance(row.source, str) and row.source.strip(), row.id
        assert 2015 <= int(row.source_year) <= 2026, row.id
        if row.status == "read from source":
            assert isinstance(row.url, str) and row.url.startswith("http"), row.id
        if row.status == "read from a copy":
            assert not isinstance(row.url, str), row.id
            assert "not found" in row.source or "no publisher" in row.source, row.id
        # every cost says how it was read from the source figure (remaining share, split rule)
        assert isinstance(row.method, str) and len(row.method) > 20, row.id
        share = 1.0 if pd.isna(row.section_share) else row.section_share
        assert 0 < row.cost <= row.total_investment_cny_bn * share + 1e-9, row.id
    assert set(projects["sector"]) == SECTORS
    assert set(projects["region"]) <= WEST


def test_project_values_follow_the_one_formula(projects: pd.DataFrame) -> None:
    """value = cost × benefit[r,s] × project_value_factor (data/derive/derive_projects.py), with
    benefit[r,s] derived from the criteria at the scenario's weights (criteria.md)."""
    import planner

    benefits = planner.load_scenario("western_china").derived_benefits()
    factors = pd.read_csv(DATA / "derive" / "assumptions.csv").set_index("parameter")["value"]
    for row in projects.itertuples():
        expected = row.cost * benefits[(row.region, row.sector)]
        expected *= factors["project_value_factor"]
        assert row.value == pytest.approx(expected, abs=0.006), row.id


def test_groups_are_real_alternatives_with_a_reason(projects: pd.DataFrame) -> None:
    reasons = pd.read_csv(DATA / "derive" / "project_groups.csv").set_index("group")["reason"]
    for group, members in projects.dropna(subset=["group"]).groupby("group"):
        assert len(members) >= 2, group
        assert len(reasons[group]) > 100, group  # the reason names the competing proposals


def test_every_optional_project_can_be_funded() -> None:
    """A project that can never fit is an error of the data (projects.md): forced in alone, every
    optional project leaves a feasible plan."""
    import planner

    scenario = planner.load_scenario("western_china")
    live = planner.PlanModel(scenario)
    for i, project in enumerate(scenario.projects):
        if project.mandatory:
            continue
        forced = [*scenario.projects]
        forced[i] = project.model_copy(update={"mandatory": True})
        live.update(scenario.model_copy(update={"projects": forced}))
        assert live.solve().status == "optimal", project.id


# ---- links go to the publisher (issue 29): data/publishers.csv is the allowlist ----

LINK = re.compile(r"https?://([^/\s,\"')|>]+)")


def publisher_domains() -> dict[str, str]:
    table = pd.read_csv(DATA / "publishers.csv")
    return dict(zip(table["domain"], table["publisher"], strict=True))


def test_every_allowlisted_publisher_says_whose_site_it_is() -> None:
    for domain, publisher in publisher_domains().items():
        assert re.fullmatch(r"[a-z0-9.-]+\.[a-z]+", domain), domain
        assert isinstance(publisher, str) and len(publisher) > 10, domain


def test_every_link_in_data_goes_to_an_allowlisted_publisher() -> None:
    """A link in any CSV or Markdown file under data/ must be on a publisher's own domain (or a
    subdomain of one) listed in data/publishers.csv: a copy on an unrelated site cannot be cited."""
    allowed = set(publisher_domains())
    offending = []
    for path in sorted([*DATA.rglob("*.csv"), *DATA.rglob("*.md"), *DATA.rglob("*.geojson")]):
        for host in LINK.findall(path.read_text(encoding="utf-8")):
            host = host.lower().split(":")[0]
            if not any(host == d or host.endswith("." + d) for d in allowed):
                offending.append(f"{path.relative_to(DATA)}: {host}")
    assert not offending, offending


# ---- costs of projects under construction from dated progress (issue 29 item 2) ----

HORIZON = (date(2026, 1, 1), date(2031, 1, 1))


@pytest.fixture(scope="module")
def research() -> pd.DataFrame:
    """data/derive/projects.csv: every researched project, also those left out of the scenario."""
    return pd.read_csv(DATA / "derive" / "projects.csv")


def test_every_project_under_construction_has_dated_start_completion_and_sources(
    research: pd.DataFrame,
) -> None:
    """A committed project records its construction start and scheduled completion, each with its
    source, and its latest investment-completed figure with date and source where one was found;
    the one exception must say in its method that no dates were found (its share stays visible).
    Projects left out of the scenario (excluded_reason) are not held to this."""
    in_scenario = research["excluded_reason"].isna()
    for row in research[research["mandatory"] & in_scenario].itertuples():
        if pd.isna(row.construction_start):
            assert "no start date" in row.method, row.id
            continue
        start = date.fromisoformat(row.construction_start)
        completion = date.fromisoformat(row.scheduled_completion)
        assert start < completion, row.id
        assert isinstance(row.start_source, str) and len(row.start_source) > 15, row.id
        assert isinstance(row.completion_source, str) and len(row.completion_source) > 15, row.id
        assert isinstance(row.split_source, str) and row.split_source, row.id
        if pd.notna(row.progress_date):
            assert start < date.fromisoformat(row.progress_date) < HORIZON[0], row.id
            assert 0 < row.invested_cny_bn < row.total_investment_cny_bn, row.id
            assert isinstance(row.progress_source, str) and len(row.progress_source) > 15, row.id
        else:
            assert "linear schedule" in row.method, row.id


def test_scheduled_costs_follow_the_dates(projects: pd.DataFrame) -> None:
    """cost = what is left at the latest dated figure (or at the start) x the share of the time to
    the scheduled completion that falls in 2026-2030, recomputed here from the dates alone; the
    duration covers that part of the window in whole years."""

    def years(a: date, b: date) -> float:
        return (b - a).days / 365.25

    dated = projects[projects["construction_start"].notna()]
    assert len(dated) >= 15
    for row in dated.itertuples():
        completion = date.fromisoformat(row.scheduled_completion)
        invested = 0.0 if pd.isna(row.progress_date) else row.invested_cny_bn
        since = date.fromisoformat(
            row.construction_start if pd.isna(row.progress_date) else row.progress_date
        )
        left = (row.total_investment_cny_bn - invested) * row.section_share
        inside = years(max(since, HORIZON[0]), min(completion, HORIZON[1]))
        assert row.cost == pytest.approx(left * inside / years(since, completion), abs=0.006)
        assert row.duration - 1 < inside <= row.duration, row.id


def test_committed_cash_fits_each_province_absorptive_capacity(projects: pd.DataFrame) -> None:
    """The committed projects' cash per period (cost / duration) never exceeds the province's
    absorptive capacity, so no plan is infeasible for the projects alone."""
    _, regions, _ = load("western_china")
    capacity = regions.set_index("id")["max_per_period"]
    committed = projects[projects["mandatory"]]
    cash = (committed["cost"] / committed["duration"]).groupby(committed["region"]).sum()
    for region, amount in cash.items():
        assert amount <= capacity[region] + 1e-9, region


def test_every_indicator_used_is_from_2019_or_later_or_marked_outdated() -> None:
    """Needs rest on current figures (issue 29): an indicator the derivation uses is from 2019 or
    later, with its table and a link in sources.csv; one still older says so in its status row by
    row (no newer provincial table was found) and data/README.md names it, so no stale figure is
    used silently."""
    ind = pd.read_csv(DATA / "indicators" / "indicators.csv")
    sources = pd.read_csv(DATA / "indicators" / "sources.csv").set_index("source_id")
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    used = ind[ind["used_in_derivation"] == "yes"]
    assert (used["year"] >= 2019).any()
    for row in used.itertuples():
        source = sources.loc[row.source_id]
        assert source["url"].startswith("http") and len(source["title"]) > 20, row.source_id
        assert source["data_year"] == row.year, row.source_id
        if row.year < 2019:
            assert "outdated" in row.status, (row.region, row.indicator)
            assert f"`{row.indicator}`" in readme and "outdated" in readme, row.indicator
