"""Derive the bundled scenarios' needs, criteria scores, floors and capacities from editable data files.

Run from anywhere:  python data/derive/derive_needs.py

Inputs (all in this folder unless noted; every number used below lives in one of them):
  ../provinces.csv              area, 2020 census population, 2020 GDP (CNY bn), macro-region
  ../indicators/indicators.csv  yearbook indicators (electricity consumption 2020, rural floor space,
                                water resources per capita)
  assumptions.csv               modelled intensities, gap clips, criteria and capacity parameters
  criteria.csv                  the criteria: key, weight, label, unit, derivation (Chinese labels: ../names_zh.csv)
  scenarios.csv                 per scenario: budget, rates, tranches, objective, default floor
  region_assumptions.csv        per province: profile per scenario, energy_base, floor override
  profiles.csv                  profile weights and share bounds, with the policy rationale
  corridors.csv                 members, sector, shared_fraction of the members' summed need

Outputs, per scenario in ../<scenario>/: scenario.yaml, regions.csv, needs.csv; and in this folder
derivation_<scenario>.csv with every intermediate factor. Deterministic (sorted, rounded).

Method (CNY bn over the whole 2026-2030 horizon H = horizon_years):
  GDP       = 2020 GDP * gdp_uplift_2020_to_2024   (every province at the national nominal growth)
  power     = H * GDP * power_gdp_intensity * energy_base * power_gap  (gap: electricity per resident)
  power_gap = clip((national / provincial electricity consumption per resident) ** power_gap_elasticity,
                   power_gap_min, power_gap_max)  (2020 consumption / 2020 census population; the
                   national figure is the 31 provinces' sum over their population)
  transport = H * (GDP * transport_gdp_intensity + area/10^4 km2 * transport_area_cost)
  housing   = H * population * housing_per_capita * housing_gap  (gap: rural floor space)
  water     = H * population * water_per_capita * water_gap      (gap: water resources p.c.)
  criteria scores (criteria.csv: key, weight, label; the needs table holds one column per criterion):
  relief    = benefit_base[s] * income_factor * gap[s] ** benefit_gap_elasticity  (the former benefit)
  income_factor = (national / provincial GDP per resident) ** benefit_income_elasticity
  growth    = GDP per resident (CNY thousand) * growth_base[s]
  people    = population / need[s]  (residents per CNY million)
  ecology   = ecology_base[s] * (water_gap for water, else 1) * (ecology_role_multiplier if ecological)
  benefit   = sum_c weight[c] * score_c / max_c  (derived by the model; here only to price projects)
  max_per_period = min(capacity_share_of_need * total need, capacity_gdp_share * GDP)
  corridor shared_need[s] = shared_fraction * sum of members' need in s
Candidate projects (western_china): see derive_projects.py for values and the recalibration.
Funding pools and debt room (scenarios.csv's ``funding`` folder, western_china): see derive_funding.py.
"""

from __future__ import annotations

from pathlib import Path

import derive_funding as funding_module
import derive_projects as projects_module
import pandas as pd

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
SECTORS = ["power", "transport", "housing", "water"]
ECOLOGICAL_PROFILE = "ecological"  # the profile whose role is ecological protection (profiles.csv)


def read_assumptions() -> dict[str, float]:
    a = pd.read_csv(HERE / "assumptions.csv")
    return dict(zip(a["parameter"], a["value"].astype(float), strict=True))


def indicator(ind: pd.DataFrame, name: str) -> tuple[pd.Series, float]:
    rows = ind[ind["indicator"] == name].set_index("region")["value"]
    return rows.drop("china"), float(rows["china"])


def gap_index(
    national: float, provincial: pd.Series, elasticity: float, lo: float, hi: float
) -> pd.Series:
    """(national / provincial) ** elasticity, clipped to [lo, hi]; > 1 is a larger gap."""
    return ((national / provincial) ** elasticity).clip(lo, hi)


def electricity_gap(ind: pd.DataFrame, population: pd.Series, a: dict[str, float]) -> pd.Series:
    """power_gap = clip((national / provincial electricity consumption per resident) ** elasticity):
    > 1 where residents use less electricity than the national average (a supply gap)."""
    rows = ind[ind["indicator"] == "electricity_consumption"].set_index("region")["value"]
    consumption = rows.reindex(population.index).astype(float)
    per_resident = consumption / population
    national = consumption.sum() / population.sum()
    return gap_index(
        national, per_resident, a["power_gap_elasticity"], a["power_gap_min"], a["power_gap_max"]
    )


def planning_gdp(provinces: pd.DataFrame) -> pd.Series:
    """Provincial GDP at the planning base year: the 2020 yearbook figure times the national nominal
    growth to 2024 (one visible assumption instead of partly unverified provincial 2024 figures)."""
    return provinces["gdp"].astype(float) * read_assumptions()["gdp_uplift_2020_to_2024"]


def derive_table(prov: pd.DataFrame, a: dict[str, float]) -> pd.DataFrame:
    """One row per (province, sector) with every factor of the method, for all 31 provinces."""
    ind = pd.read_csv(DATA / "indicators" / "indicators.csv")
    floor_pc, floor_nat = indicator(ind, "rural_floor_space_per_capita")
    water_pc, water_nat = indicator(ind, "water_resources_per_capita")
    reg = pd.read_csv(HERE / "region_assumptions.csv").set_index("id")
    p = prov.set_index("id")
    h = a["horizon_years"]
    pop = p["population"].astype(float)
    gdp = planning_gdp(p)
    housing_gap = gap_index(
        floor_nat, floor_pc, a["housing_gap_elasticity"], a["housing_gap_min"], a["housing_gap_max"]
    )
    water_gap = gap_index(
        water_nat, water_pc, a["water_gap_elasticity"], a["water_gap_min"], a["water_gap_max"]
    )
    power_gap = electricity_gap(ind, pop, a)
    gdp_pc_nat = gdp.sum() / pop.sum()
    income = ((gdp_pc_nat / (gdp / pop)) ** a["benefit_income_elasticity"]).rename("income_factor")
    need = {
        "power": h * gdp * a["power_gdp_intensity"] * reg["energy_base"] * power_gap,
        "transport": h
        * (gdp * a["transport_gdp_intensity"] + p["area_km2"] / 1e4 * a["transport_area_cost"]),
        "housing": h * pop * a["housing_per_capita"] * housing_gap / 1e9,
        "water": h * pop * a["water_per_capita"] * water_gap / 1e9,
    }
    gap = {
        "power": power_gap,
        "transport": 1.0 + 0 * gdp,
        "housing": housing_gap,
        "water": water_gap,
    }
    ecological = reg["national_profile"].eq(ECOLOGICAL_PROFILE)
    rows = []
    for s in SECTORS:
        relief = a[f"benefit_base_{s}"] * income * gap[s] ** a["benefit_gap_elasticity"]
        growth = gdp / pop * 1e6 * a[f"growth_base_{s}"]  # CNY thousand per resident
        people = pop / (need[s] * 1e3)  # residents per CNY million of the five-year need
        scarcity = water_gap if s == "water" else 1.0 + 0 * gdp
        ecology = (
            a[f"ecology_base_{s}"]
            * scarcity
            * ecological.map({True: a["ecology_role_multiplier"], False: 1.0})
        )
        for rid in p.index:
            rows.append(
                {
                    "region": rid,
                    "sector": s,
                    "gdp_cny_bn": gdp[rid],
                    "population": int(pop[rid]),
                    "area_km2": p.at[rid, "area_km2"],
                    "energy_base": reg.at[rid, "energy_base"] if s == "power" else 1.0,
                    "gap_index": round(float(gap[s][rid]), 4),
                    "income_factor": round(float(income[rid]), 4),
                    "need": round(float(need[s][rid]), 1),
                    "relief": round(float(relief[rid]), 3),
                    "growth": round(float(growth[rid]), 1),
                    "people": round(float(people[rid]), 2),
                    "ecology": round(float(ecology[rid]), 3),
                }
            )
    return pd.DataFrame(rows)


def read_criteria() -> pd.DataFrame:
    """The criteria every pair is scored on: key, weight, label, unit, derivation."""
    return pd.read_csv(HERE / "criteria.csv")


def derived_benefit(scores: pd.DataFrame, criteria: pd.DataFrame) -> pd.Series:
    """benefit = sum over criteria of weight * score / (largest score over pairs with need > 0), as
    the model derives it (shared/spec/criteria.md): the value of projects is priced with it."""
    total = pd.Series(0.0, index=scores.index)
    for c in criteria.itertuples():
        largest = scores.loc[scores["need"] > 0, c.criterion].max()
        if largest > 0:
            total += c.weight * scores[c.criterion] / largest
    return total


def criteria_yaml(criteria: pd.DataFrame) -> list[str]:
    lines = ["criteria:"]
    for c in criteria.itertuples():
        lines.append(f'  {c.criterion}: {{weight: {c.weight:g}, label: "{c.label}"}}')
    return lines


def fmt_map(d: dict[str, float]) -> str:
    return "{" + ", ".join(f"{k}: {v:g}" for k, v in d.items()) + "}"


def profiles_yaml(prof: pd.DataFrame) -> list[str]:
    lines = ["profiles:"]
    for name, g in prof.groupby("profile", sort=False):
        lines.append(f"  {name}:")
        for col, key in (
            ("weight", "weight"),
            ("share_min", "share_min"),
            ("share_max", "share_max"),
        ):
            vals = {
                r.sector: float(getattr(r, col))
                for r in g.itertuples()
                if pd.notna(getattr(r, col))
            }
            if vals:
                lines.append(f"    {key}: {fmt_map(vals)}")
    return lines


def corridor_shared_needs(
    cor: pd.DataFrame, needs: pd.DataFrame
) -> tuple[dict[tuple[str, str], float], dict[str, list[str]]]:
    """shared_need[g,s] = shared_fraction * the members' summed need in s; and each g's members."""
    shared: dict[tuple[str, str], float] = {}
    members: dict[str, list[str]] = {}
    for name, g in cor.groupby("corridor", sort=False):
        members[name] = g["members"].iloc[0].split()
        for r in g.itertuples():
            inside = needs[(needs.region.isin(members[name])) & (needs.sector == r.sector)]
            shared[(name, r.sector)] = round(r.shared_fraction * inside["need"].sum())
    return shared, members


def corridors_yaml(
    shared: dict[tuple[str, str], float], members: dict[str, list[str]]
) -> list[str]:
    lines = ["corridors:"]
    for name, regions in members.items():
        lines.append(f"  {name}:")
        lines.append(f"    regions: [{', '.join(regions)}]")
        vals = {s: v for (g, s), v in shared.items() if g == name}
        lines.append(f"    shared_need: {fmt_map(vals)}")
    return lines


def check(
    scn: pd.Series, regions: pd.DataFrame, needs: pd.DataFrame, prof: pd.DataFrame
) -> list[str]:
    """Arithmetic feasibility checks; returns problems (empty when all pass)."""
    problems = []
    h = len(range(2026, 2031))
    tot = needs.groupby("region")["need"].sum()
    floors = regions.set_index("id")["min_share_of_need"] * tot
    if floors.sum() > scn["budget"]:
        problems.append(f"floors {floors.sum():.0f} exceed budget {scn['budget']}")
    cap = regions.set_index("id")["max_per_period"]
    for rid in regions["id"]:
        if floors[rid] > h * cap[rid] + 1e-9:
            problems.append(f"{rid}: floor {floors[rid]:.1f} > {h} x capacity {cap[rid]}")
    for name, g in prof.groupby("profile"):
        if g["share_min"].fillna(0).sum() > 1:
            problems.append(f"profile {name}: share_min sums above 1")
    # Largest total a region can receive under its share bounds (x_s <= need_s): T feasible iff
    # smin_s * T <= min(need_s, smax_s * T) for all s and sum_s min(need_s, smax_s * T) >= T.
    for r in regions.itertuples():
        g = prof[prof.profile == r.profile].set_index("sector")
        n = needs[needs.region == r.id].set_index("sector")["need"].reindex(SECTORS).fillna(0)
        smin = (
            g["share_min"].reindex(SECTORS).fillna(0) if len(g) else pd.Series(0.0, index=SECTORS)
        )
        smax = (
            g["share_max"].reindex(SECTORS).fillna(1) if len(g) else pd.Series(1.0, index=SECTORS)
        )
        t = floors[r.id]
        ok = all(smin[s] * t <= min(n[s], smax[s] * t) + 1e-9 for s in SECTORS)
        ok = ok and sum(min(n[s], smax[s] * t) for s in SECTORS) >= t - 1e-9
        if not ok:
            problems.append(
                f"{r.id}: floor {t:.1f} unreachable under profile {r.profile} share bounds"
            )
    return problems


def build(scn: pd.Series, table: pd.DataFrame, prov: pd.DataFrame, a: dict[str, float]) -> None:
    sid = scn["scenario"]
    out = DATA / sid
    out.mkdir(exist_ok=True)
    reg = pd.read_csv(HERE / "region_assumptions.csv")
    keep = prov[prov["macro_region"].isin(scn["macro_regions"].split())]
    ids = list(keep["id"])
    criteria = read_criteria()
    keys = list(criteria["criterion"])
    needs = table[table.region.isin(ids)][["region", "sector", "need", *keys]].copy()
    needs["region"] = pd.Categorical(needs["region"], ids)
    needs = needs.sort_values(["region", "sector"]).astype({"region": str}).reset_index(drop=True)
    tot = needs.groupby("region")["need"].sum()
    r = keep[["id", "name", "name_zh", "macro_region"]].merge(reg, on="id")
    r["profile"] = r[scn["profile_column"]].fillna(r["macro_region"])
    r["min_share_of_need"] = r["min_share_of_need"].fillna(scn["min_share_of_need_default"])
    gdp = planning_gdp(keep.set_index("id"))
    cap = pd.concat([a["capacity_share_of_need"] * tot, a["capacity_gdp_share"] * gdp], axis=1).min(
        axis=1
    )
    r["max_per_period"] = r["id"].map(cap).round(1)
    regions = r[
        ["id", "name", "profile", "min_share_of_need", "max_per_period", "name_zh", "macro_region"]
    ]
    # a variant (western_china_funded) takes the profiles and corridors of the scenario it varies
    tables_of = scn["tables_of"] if isinstance(scn.get("tables_of"), str) else sid
    prof = pd.read_csv(HERE / "profiles.csv")
    prof = prof[prof.scenario == tables_of]
    prof = prof[prof.profile.isin(set(regions.profile))]
    cor = pd.read_csv(HERE / "corridors.csv")
    cor = cor[cor.scenario == tables_of]

    problems = check(scn, regions, needs, prof)
    if problems:
        raise SystemExit(f"{sid}: infeasible by arithmetic:\n  " + "\n  ".join(problems))

    shared, members = corridor_shared_needs(cor, needs)
    budget, project_lines = scn["budget"], []
    if isinstance(scn.get("projects"), str) and scn["projects"]:
        candidates = projects_module.read_projects(ids)
        valued = needs.assign(benefit=derived_benefit(needs, criteria))
        candidates = projects_module.with_values(candidates, valued, a["project_value_factor"])
        budget = round(scn["budget"] + projects_module.committed(candidates)["cost"].sum())
        shared = projects_module.raise_corridor_caps(shared, members, candidates)
        regions = projects_module.raise_capacities(regions, candidates)
        projects_module.scenario_table(candidates).to_csv(out / scn["projects"], index=False)
        groups = projects_module.read_groups(candidates)
        project_lines = [f"projects: {scn['projects']}", *projects_module.groups_yaml(groups)]
        print(
            f"   projects: {len(candidates)}, committed {budget - scn['budget']} CNY bn, "
            f"optional {candidates[~candidates.mandatory.astype(bool)].cost.sum():.1f}"
        )

    funding_lines: list[str] = []
    if isinstance(scn.get("funding"), str) and scn["funding"]:
        folder = scn["funding"]
        funding_lines = [
            "funding:",
            f"  sources: {folder}/sources.csv",
            f"  rules: {folder}/rules.csv",
        ]
        regions = funding_module.build(
            regions, prov, planning_gdp(prov), budget, a["horizon_years"], out / scn["funding"]
        )
    regions.to_csv(out / "regions.csv", index=False)
    needs.to_csv(out / "needs.csv", index=False)
    if tables_of == sid:  # a variant's derivation is its base's, written once there
        derivation = table[table.region.isin(ids)].copy()
        derivation["benefit"] = derived_benefit(derivation, criteria).round(4)
        derivation.to_csv(HERE / f"derivation_{sid}.csv", index=False)

    tranches = [float(x) for x in str(scn["tranches"]).split()]
    lines = [
        "# GENERATED by data/derive/derive_needs.py from data/derive/*.csv -- do not edit by hand:",
        "# change an assumption there and rerun the script. Method and sources: data/README.md.",
        f"# Total need {needs.need.sum():.0f} CNY bn; programme budget {scn['budget']} = "
        f"{scn['budget'] / needs.need.sum():.0%} of need"
        + (
            f", plus {budget - scn['budget']} for committed projects."
            if budget != scn["budget"]
            else "."
        ),
        "version: 1",
        f"name: {scn['name']}",
        f"name_zh: {scn['name_zh']}",
        "unit: CNY bn",
        "periods: [2026, 2027, 2028, 2029, 2030]",
        f"budget: {budget}",
        f"carry_over: {str(scn['carry_over']).lower()}",
        f"discount_rate: {scn['discount_rate']}",
        f"sectors: [{', '.join(SECTORS)}]",
        f"tranches: [{', '.join(f'{t:g}' for t in tranches)}]",
        f"redundancy_tolerance: {scn['redundancy_tolerance']}",
        "objective:",
        f"  mode: {scn['objective_mode']}",
        f"  equity_weight: {scn['equity_weight']}",
        "regions: regions.csv",
        "needs: needs.csv",
        *criteria_yaml(criteria),
        *profiles_yaml(prof),
        *corridors_yaml(shared, members),
        *project_lines,
        *funding_lines,
    ]
    (out / "scenario.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    by_sector = needs.pivot(index="region", columns="sector", values="need")[SECTORS]
    by_sector["total"] = by_sector.sum(axis=1)
    print(
        f"== {sid}: total need {needs.need.sum():.0f}, budget {scn['budget']}, "
        f"ratio {scn['budget'] / needs.need.sum():.2f}, "
        f"floors {(regions.set_index('id').min_share_of_need * tot).sum():.0f}"
    )
    print(by_sector.round(0).to_string())
    for k, v in shared.items():
        print("  corridor", k, v)


def main() -> None:
    a = read_assumptions()
    prov = pd.read_csv(DATA / "provinces.csv")
    table = derive_table(prov, a)
    for _, scn in pd.read_csv(HERE / "scenarios.csv").iterrows():
        build(scn, table, prov, a)


if __name__ == "__main__":
    main()
