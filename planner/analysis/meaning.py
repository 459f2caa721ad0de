"""What a binding constraint means, in a planner's words: the one place that words them.

Two sentences per constraint kind of the spec (budget, corridor, floor, capacity, share_min,
share_max, and funding.md's funding_source, funding_share, funding_debt): what binds, naming the regions and sectors involved, and what one more unit of the limit
is worth in the mode's objective. The sign of the shadow price follows
:attr:`planner.plan.Plan.constraints`: the change of the solve's objective per unit added to the
constraint's right-hand side. Used by ``planner.explain``, the reports and the UI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from planner.i18n.catalog import t
from planner.i18n.names import key_name, region_name, sector_name, source_names
from planner.i18n.units import shown


def meaning(
    row: Mapping[str, Any], unit: str, scenario: Any = None, mode: str | None = None
) -> str:
    """A plain-language sentence for one row of ``plan.constraints``.

    Parameters
    ----------
    row:
        ``name`` (``corridor[northwest,transport]``), ``kind``, ``lhs``, ``rhs`` (unit) and ``dual``
        (objective per unit of ``rhs``).
    unit:
        The scenario's unit of money, e.g. ``CNY bn``.
    scenario:
        The :class:`~planner.scenario.Scenario`, for display names and share bounds (optional).
    mode:
        The objective mode that produced the dual (``efficiency``, ``equity``, ``balanced``), so the
        worth is said in the right units; the scenario's own mode when omitted.
    """
    kind = str(row.get("kind", ""))
    index = constraint_index(str(row.get("name", "")))
    sentence = _SENTENCES.get(kind)
    try:
        text = sentence(index, row, unit, scenario) if sentence else ""
    except (IndexError, KeyError, StopIteration):  # a name that does not read back: say less
        text = ""
    text = text or t(
        "meaning.fallback", kind=kind or t("meaning.constraint"), name=row.get("name", "")
    )
    if mode is None and scenario is not None:
        mode = scenario.objective.mode
    return t(
        "meaning.sentence",
        what=text,
        worth=_worth(kind, index, row, unit, objective_words(mode)),
    )


def constraint_index(name: str) -> list[str]:
    """The index of a constraint name, ``share_min[ningxia,transport]`` → ``["ningxia", "transport"]``.

    Pyomo quotes an index that holds a comma or a space (``floor['x,y']``); quotes are honoured.
    """
    opened, closed = name.find("["), name.rfind("]")
    if opened < 0 or closed < opened:
        return []
    inside = name[opened + 1 : closed]
    parts: list[str] = []
    i = 0
    while i <= len(inside):
        if i < len(inside) and inside[i] in "'\"":
            end = inside.find(inside[i] + ",", i + 1)
            end = len(inside) - 1 if end < 0 else end
            parts.append(inside[i + 1 : end])
            i = end + 2
        else:
            end = inside.find(",", i)
            end = len(inside) if end < 0 else end
            parts.append(inside[i:end])
            i = end + 1
    return parts


def objective_words(mode: str | None) -> str:
    """What the duals of a mode's final solve are measured in."""
    known = ("efficiency", "equity", "balanced")
    return t(f"meaning.objective.{mode}" if mode in known else "meaning.objective.other")


def _worth(kind: str, index: list[str], row: Mapping[str, Any], unit: str, objective: str) -> str:
    how = shown(unit)
    dual = float(row.get("dual", 0.0) or 0.0) / how.factor  # objective per shown unit
    words = {"value": f"{abs(dual):.4g}", "objective": objective, "unit": how.unit}
    if abs(dual) < 1e-9:
        return t("meaning.worth.none", objective=objective)
    if kind == "budget" and index:
        return t("meaning.worth.budget", period=index[0], **words)
    if kind == "funding_source" and len(index) > 1:
        return t("meaning.worth.funding_source", period=index[1], **words)
    if kind in ("corridor", "floor"):
        return t(f"meaning.worth.{kind}", **words)
    if kind in ("share_min", "share_max"):
        return t("meaning.worth.share", **words)
    return t("meaning.worth.add" if dual > 0 else "meaning.worth.take", **words)


def _name(scenario: Any, region_id: str) -> str:
    if scenario is None:
        return region_id
    region = next((r for r in scenario.regions if r.id == region_id), None)
    return region_id if region is None else region_name(region)


def _money(value: Any, unit: str) -> str:
    how = shown(unit)
    return f"{float(value) * how.factor:,.1f} {how.unit}"


def _budget(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
    return t("meaning.budget", period=index[0], amount=_money(row["rhs"], unit))


def _corridor(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
    corridor, sector = index[0], index[1]
    members = ""
    if scenario is not None and corridor in scenario.corridors:
        names = [_name(scenario, r) for r in scenario.corridors[corridor].regions]
        members = t("meaning.members", names=t("list.separator").join(names))
    return t(
        "meaning.corridor",
        corridor=key_name("corridor", corridor),
        sector=sector_name(sector),
        amount=_money(row["rhs"], unit),
        members=members,
    )


def _floor(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
    return t("meaning.floor", region=_name(scenario, index[0]), amount=_money(row["rhs"], unit))


def _capacity(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
    return t(
        "meaning.capacity",
        region=_name(scenario, index[0]),
        amount=_money(row["rhs"], unit),
        period=index[1],
    )


def _share(bound: str) -> Callable[[list[str], Mapping[str, Any], str, Any], str]:
    def sentence(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
        region, sector = index[0], index[1]
        share = t("meaning.profile_share")
        if scenario is not None:
            value = getattr(scenario.profile_of(scenario.region(region)), bound).get(sector)
            share = f"{100 * value:.0f}%" if value is not None else share
        return t(
            f"meaning.{bound}",
            region=_name(scenario, region),
            share=share,
            sector=sector_name(sector),
        )

    return sentence


def _source(scenario: Any, source_id: str) -> str:
    return source_names(scenario).get(source_id, source_id) if scenario is not None else source_id


def _funding_source(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
    return t(
        "meaning.funding_source",
        source=_source(scenario, index[0]),
        period=index[1],
        amount=_money(row["rhs"], unit),
    )


def _funding_share(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
    """ "central investment already pays its 50% cap of Sichuan's transport" (funding.md)."""
    source, region, sector = index[0], index[1], index[2]
    share = t("meaning.profile_share")
    if scenario is not None:
        share = f"{100 * scenario.funding_shares()[source, region, sector]:.0f}%"
    return t(
        "meaning.funding_share",
        source=_source(scenario, source),
        share=share,
        region=_name(scenario, region),
        sector=sector_name(sector),
    )


def _funding_debt(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
    return t(
        "meaning.funding_debt", region=_name(scenario, index[0]), amount=_money(row["rhs"], unit)
    )


_SENTENCES: dict[str, Callable[[list[str], Mapping[str, Any], str, Any], str]] = {
    "budget": _budget,
    "corridor": _corridor,
    "floor": _floor,
    "capacity": _capacity,
    "share_min": _share("share_min"),
    "share_max": _share("share_max"),
    "funding_source": _funding_source,
    "funding_share": _funding_share,
    "funding_debt": _funding_debt,
}
