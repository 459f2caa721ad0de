"""Benefits derived from scored criteria (criteria.md): the criteria mapping, its checks and the formula.

With ``criteria``, the needs table scores every pair on each criterion (one column per key) and gives
no ``benefit``; the benefit the model reads is

    benefit[r,s] = Σ_c weight[c] · score_c[r,s] / max_c

where max_c is the largest score of criterion c over the pairs with need > 0 (a criterion whose max_c
is 0 contributes 0). Weights are used as given, not rescaled. A project's value is not derived.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import Field

from planner.errors import Problem, ScenarioError
from planner.i18n.problems import problem
from planner.scenario.fields import NonNegative, Strict

if TYPE_CHECKING:  # annotations only: the scenario model imports this module
    from planner.scenario.model import Need, Scenario

NEEDS_COLUMNS = ("region", "sector", "need", "benefit")
"""The needs table's own columns, which a criterion key may not name."""


class Criterion(Strict):
    """One criterion: how much it weighs in the benefit, and what the planner calls it."""

    weight: NonNegative = Field(description="Weight of the criterion's normalised score (≥ 0).")
    label: str = Field("", description="Display name; the key when blank.")


def scores_apart(data: Any) -> Any:
    """Before validation: with criteria, each needs row's criterion columns move into its ``scores``
    (a blank score is 0), so they are read as numbers, not as text annotations."""
    if not isinstance(data, dict):
        return data
    criteria, needs = data.get("criteria"), data.get("needs")
    if not isinstance(criteria, dict) or not isinstance(needs, list):
        return data
    keys = [str(k) for k in criteria]
    return {**data, "needs": [_row_with_scores(row, keys) for row in needs]}


def _row_with_scores(row: Any, keys: Sequence[str]) -> Any:
    if not isinstance(row, dict):
        return row  # a validated Need (``with_changes``) already holds its scores
    # a key named like a needs column keeps that column (check_criteria_given refuses the key)
    scores = {k: _blank_is_zero(row[k]) for k in keys if k in row and k not in NEEDS_COLUMNS}
    rest = {k: v for k, v in row.items() if k not in scores}
    return {**rest, "scores": {**rest.get("scores", {}), **scores}}


def _blank_is_zero(value: Any) -> Any:
    return 0.0 if value is None or value == "" else value


def benefit_parts(
    needs: Sequence[Need], criteria: dict[str, Criterion]
) -> dict[tuple[str, str], dict[str, float]]:
    """weight[c] · score_c[r,s] / max_c per pair and criterion (max_c over the pairs with need > 0)."""
    largest = {
        c: max((n.scores.get(c, 0.0) for n in needs if n.need > 0), default=0.0) for c in criteria
    }
    return {
        (n.region, n.sector): {
            c: criterion.weight * n.scores.get(c, 0.0) / largest[c] if largest[c] > 0 else 0.0
            for c, criterion in criteria.items()
        }
        for n in needs
    }


def apply_weight_changes(data: dict[str, Any], weights: Any) -> None:
    """``with_changes(criteria={"ecology": 3.0})``: new weights for named criteria, labels kept."""
    criteria = data.get("criteria")
    if not isinstance(weights, dict):
        raise ScenarioError([problem("criteria_changes_mapping", field="criteria")])
    if criteria is None:
        raise ScenarioError(
            [problem("no_criteria_to_weigh", field=f"criteria.{k}") for k in weights]
        )
    unknown = [k for k in weights if k not in criteria]
    if unknown:
        known = ", ".join(criteria)
        raise ScenarioError(
            [problem("unknown_criterion", field=f"criteria.{k}", known=known) for k in unknown]
        )
    data["criteria"] = {
        key: {"weight": weights.get(key, c.weight), "label": c.label} for key, c in criteria.items()
    }


# ---- checks between the criteria and the needs table ----


def check_criteria_given(s: Scenario) -> Iterator[Problem]:
    if s.criteria is not None and not s.criteria:
        yield problem(
            "criteria_empty",
            loc=("criteria",),
            field="criteria",
        )
    for key in s.criteria or {}:
        if key in NEEDS_COLUMNS:
            yield problem(
                "criterion_named_like_column",
                name=key,
                loc=("criteria", key),
                field=f"criteria.{key}",
            )


def check_benefit_or_scores(s: Scenario) -> Iterator[Problem]:
    """Each needs row gives its benefit, or (with criteria) its scores: never both, never neither."""
    for i, need in enumerate(s.needs):
        if s.criteria is not None and need.benefit is not None:
            yield problem(
                "benefit_with_criteria",
                loc=("needs", i, "benefit"),
                field="benefit",
            )
        elif s.criteria is None and need.benefit is None:
            yield problem("missing_benefit", loc=("needs", i, "benefit"), field="benefit")
        if s.criteria is None and need.scores:
            yield problem(
                "scores_without_criteria",
                loc=("needs", i, "scores"),
                field="scores",
            )


def check_score_columns(s: Scenario) -> Iterator[Problem]:
    """A criterion must have its column: a key no needs row scores is almost surely a misspelling."""
    if not s.criteria or not s.needs:
        return
    scored = {c for n in s.needs for c in n.scores}
    for key in s.criteria:
        if key not in scored and key not in NEEDS_COLUMNS:
            yield problem(
                "criterion_without_scores",
                name=key,
                loc=("criteria", key),
                field=f"criteria.{key}",
            )


CRITERIA_CHECKS = (check_criteria_given, check_benefit_or_scores, check_score_columns)
