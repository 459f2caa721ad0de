"""The funding side of a diagnosis (funding.md "Results"): an infeasible scenario may be fixed by more
of a source in a period, a larger share under a rule, or more debt room, and the diagnosis names which.

One slack per F2 row (a source's amount in a period), per F3 row (a source's share of a pair) and per
F4 row (a region's debt room); :mod:`planner.analysis.diagnosis` turns the used ones into scenario
numbers and words through the functions here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from pyomo.environ import value as pyomo_value

from planner.i18n.catalog import language, t
from planner.i18n.names import region_name, sector_name, source_names
from planner.i18n.units import money, shown
from planner.scenario.actuals import locked_periods, recorded_amounts

FAMILIES = ("funding_source", "funding_share", "funding_debt")
WEIGHTS = {"funding_share": 1.0, "funding_source": 1.002, "funding_debt": 1.002}
"""A rule's share is policy (offered with the floors and shares); a source's amount and a debt room
are fiscal envelopes set from outside the plan, offered last with the budget."""
PAST_PREMIUM = 0.0005
"""Added to a locked period's source amount (actuals.md A3: the past's sources are not relaxed by
the model, only by the diagnosis). Raising a past amount to carry it into the next unlocked period
frees no more than raising that period's own amount, so the premium leaves a past amount raised
only where the record's own money needs it, and the words can say so."""


def funding_slacks(m: Any, rows_of: Any, slack: Any) -> Iterator[Any]:
    """The funding rows' slacks (``slack`` is :class:`planner.analysis.elastic.Slack`)."""
    if not m.with_funding:
        return
    past = set(m.locked_periods)
    for family in FAMILIES:
        for index, i in rows_of(getattr(m, family)):
            locked = family == "funding_source" and index[1] in past
            yield slack(family, index, (i,), 1, premium=PAST_PREMIUM if locked else 0.0)


def change_of(
    live: Any, family: str, key: Any, amount: float, x: np.ndarray
) -> tuple[float, float]:
    """(current, proposed) value of the scenario number a used slack changes."""
    scenario = live.scenario
    if family == "funding_source":
        f, t_ = key
        current = scenario.source_amounts()[f][list(scenario.periods).index(t_)]
        return current, current + amount
    if family == "funding_debt":
        current = float(scenario.region(key).debt_room or 0.0)
        return current, current + amount
    f, r, s = key
    current = scenario.funding_shares()[f, r, s]
    money = pair_money(live, r, s, x)
    proposed = min(1.0, current + amount / money) if money > 0 else 1.0
    return current, proposed


def pair_money(live: Any, r: str, s: str, x: np.ndarray) -> float:
    """Σ_t m[r,s,t] in the elastic plan: programme money and the cost of each project started."""
    m, values = live.model, live.bridge.column_values
    money = float(values(m.pair_terms.get((r, s), []), x).sum())
    projects = m.project_pair_terms.get((r, s), [])
    if projects:
        starts = values([u for _cost, u in projects], x)
        money += float(starts @ np.array([float(pyomo_value(c)) for c, _u in projects]))
    return money


def subject(scenario: Any, family: str, key: Any, lang: str | None = None) -> str:
    """The number in ``lang``: English by ids and field names, Chinese by names."""
    english = (lang or language()) == "en"

    def region(region_id: str) -> str:
        return region_id if english else region_name(scenario.region(region_id), lang)

    def source(source_id: str) -> str:
        return source_id if english else source_names(scenario, lang).get(source_id, source_id)

    if family == "funding_source":
        return t(
            "diagnosis.subject.funding_source", lang=lang, source=source(key[0]), period=key[1]
        )
    if family == "funding_debt":
        return t("diagnosis.subject.funding_debt", lang=lang, region=region(key))
    f, r, s = key
    return t(
        "diagnosis.subject.funding_share",
        lang=lang,
        source=source(f),
        region=region(r),
        sector=sector_name(s, lang),
    )


def detail(scenario: Any, family: str, key: Any, row: Any, words: dict[str, Any]) -> str:
    """The line that explains one funding fix, in the active language. A locked period's source
    is short of the record's own money (the premium of :data:`PAST_PREMIUM` sees to that), and a
    share of a pair the record gave money is said with that money (actuals.md A3)."""
    names = source_names(scenario)
    current = f"{row.current * shown(scenario.unit).factor:,.1f}"  # in the unit ``words`` say
    if family == "funding_source":
        f, period = key
        past = period in locked_periods(scenario)
        return t(
            "diagnosis.actuals.funding_source" if past else "diagnosis.funding_source",
            source=names.get(f, f),
            period=period,
            current=current,
            **words,
        )
    if family == "funding_debt":
        return t(
            "diagnosis.funding_debt",
            region=region_name(scenario.region(key)),
            current=current,
            **words,
        )
    f, r, s = key
    shares = {
        "source": names.get(f, f),
        "region": region_name(scenario.region(r)),
        "sector": sector_name(s),
        "share": f"{100 * row.current:.1f}%",
        "needed": f"{100 * row.proposed:.1f}%",
    }
    recorded = {
        period: amount
        for (rr, ss, period), amount in recorded_amounts(scenario).items()
        if (rr, ss) == (r, s) and amount > 0 and period in locked_periods(scenario)
    }
    if not recorded:
        return t("diagnosis.funding_share", **shares)
    return t(
        "diagnosis.actuals.funding_share",
        recorded=money(sum(recorded.values()), scenario.unit),
        periods=", ".join(str(period) for period in recorded),
        **shares,
    )


def apply_change(data: dict[str, Any], scenario: Any, family: str, key: Any, value: float) -> None:
    """Make one funding change in a scenario's plain data (``model_dump()``)."""
    if family == "funding_source":
        f, period = key
        source = next(x for x in data["funding"]["sources"] if x["id"] == f)
        amounts = list(scenario.source_amounts()[f])
        amounts[list(scenario.periods).index(period)] = value
        source["amount"] = amounts
    elif family == "funding_debt":
        next(x for x in data["regions"] if x["id"] == key)["debt_room"] = value
    else:
        f, r, s = key
        rules = [
            x for x in data["funding"]["rules"] if (x["source"], x["region"], x["sector"]) != key
        ]
        data["funding"]["rules"] = [
            *rules,
            {"source": f, "region": r, "sector": s, "max_share": value},
        ]
