"""What a binding constraint means, in a planner's words: the one place that words them.

Two sentences per constraint kind of the spec (budget, corridor, floor, capacity, share_min,
share_max): what binds, naming the regions and sectors involved, and what one more unit of the limit
is worth in the mode's objective. The sign of the shadow price follows
:attr:`planner.plan.Plan.constraints`: the change of the solve's objective per unit added to the
constraint's right-hand side. Used by ``planner.explain``, the reports and the UI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


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
    text = text or f"The {kind or 'constraint'} limit {row.get('name', '')} is reached."
    if mode is None and scenario is not None:
        mode = scenario.objective.mode
    return f"{text} {_worth(kind, index, row, unit, objective_words(mode))}"


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
    return {
        "efficiency": "the benefit E",
        "equity": "the benefit E (least coverage held at its optimum)",
        "balanced": "the balanced score",
    }.get(mode or "", "the objective")


def _worth(kind: str, index: list[str], row: Mapping[str, Any], unit: str, objective: str) -> str:
    dual = float(row.get("dual", 0.0) or 0.0)
    value = f"{abs(dual):.4g}"
    if abs(dual) < 1e-9:
        return f"Loosening it would not change {objective}."
    if kind == "budget" and index:
        return f"One more {unit} of budget in {index[0]} would add {value} to {objective}."
    if kind == "corridor":
        return (
            f"The no-redundancy rule costs {value} of {objective} per {unit} of funding it forbids."
        )
    if kind == "floor":
        return f"The floor costs {value} of {objective} per {unit} it forces into the region."
    if kind in ("share_min", "share_max"):
        return f"The bound costs {value} of {objective} per {unit} it moves between sectors."
    direction = "add" if dual > 0 else "take"
    return f"One more {unit} of room on this limit would {direction} {value} {'to' if dual > 0 else 'from'} {objective}."


def _name(scenario: Any, region_id: str) -> str:
    if scenario is None:
        return region_id
    return next((r.label for r in scenario.regions if r.id == region_id), region_id)


def _money(value: Any, unit: str) -> str:
    return f"{float(value):,.1f} {unit}"


def _budget(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
    return (
        f"The {index[0]} budget of {_money(row['rhs'], unit)} is fully used (spent or carried on)."
    )


def _corridor(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
    corridor, sector = index[0], index[1]
    members = ""
    if scenario is not None and corridor in scenario.corridors:
        members = (
            " (" + ", ".join(_name(scenario, r) for r in scenario.corridors[corridor].regions) + ")"
        )
    return (
        f"The {corridor} corridor's shared {sector} need of {_money(row['rhs'], unit)} is funded once "
        f"across its members{members}; more would duplicate it."
    )


def _floor(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
    return (
        f"{_name(scenario, index[0])} gets only its equity floor: {_money(row['rhs'], unit)} of its "
        "need is guaranteed, and the plan gives no more."
    )


def _capacity(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
    return (
        f"{_name(scenario, index[0])} can absorb at most {_money(row['rhs'], unit)} in {index[1]}, and "
        "the plan uses all of it."
    )


def _share(bound: str) -> Callable[[list[str], Mapping[str, Any], str, Any], str]:
    def sentence(index: list[str], row: Mapping[str, Any], unit: str, scenario: Any) -> str:
        region, sector = index[0], index[1]
        share = "its profile's"
        if scenario is not None:
            value = getattr(scenario.profile_of(scenario.region(region)), bound).get(sector)
            share = f"{100 * value:.0f}%" if value is not None else share
        if bound == "share_min":
            return (
                f"{_name(scenario, region)} must spend at least {share} of its allocation on "
                f"{sector}, and the plan sits at that minimum."
            )
        return (
            f"{_name(scenario, region)} may spend at most {share} of its allocation on {sector}, "
            "and the plan sits at that maximum."
        )

    return sentence


_SENTENCES: dict[str, Callable[[list[str], Mapping[str, Any], str, Any], str]] = {
    "budget": _budget,
    "corridor": _corridor,
    "floor": _floor,
    "capacity": _capacity,
    "share_min": _share("share_min"),
    "share_max": _share("share_max"),
}
