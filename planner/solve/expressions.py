"""Linear expressions read as parts (factor, coefficients, variables), and which parameters they hold.

Shared by the compiler and the bridge's refresh: both need a row's coefficients as numbers, and the
refresh also needs which mutable parameters move them.
"""

from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
from pyomo.common.numeric_types import native_numeric_types
from pyomo.core.base.param import ParamData
from pyomo.core.expr.numeric_expr import (
    LinearExpression,
    MonomialTermExpression,
    NPV_ProductExpression,
    ProductExpression,
    SumExpression,
)
from pyomo.environ import value
from pyomo.repn import generate_standard_repn


def is_parametric(expr: Any) -> bool:
    """An expression whose value can move with mutable parameters (not a plain number)."""
    if expr.__class__ is tuple:  # (outer, inner) of a scaled term
        return is_parametric(expr[0]) or is_parametric(expr[1])
    return (
        expr is not None and expr.__class__ not in native_numeric_types and not expr.is_constant()
    )


def mutable_param_components(expressions: Iterable[Any]) -> set[int]:
    """ids of the Param components whose mutable parameters appear in any of ``expressions``.

    The leaves are Pyomo's (``identify_mutable_parameters``: fixed, not constant, not a variable),
    but each distinct node is walked once over all the expressions: the rows of a family share
    their coefficient nodes (a share row's 1 − share, the objective's w·benefit per pair), which
    Pyomo's walker visits again under every row (the first re-solve of a funded small model spent
    most of its time there).
    """
    found: set[int] = set()
    seen: set[int] = set()
    leaves: set[type] = set()  # classes met as leaves that are variables (skipped at once)
    stack = [e for e in expressions if e is not None and e.__class__ not in native_numeric_types]
    while stack:
        node = stack.pop()
        cls = node.__class__
        if cls in leaves or cls in native_numeric_types:
            continue
        key = id(node)
        if key in seen:
            continue
        seen.add(key)
        if cls is LinearExpression:
            # a monomial's coefficient can hold a parameter, its variable not: the coefficients
            # are taken straight, each distinct node once (a family's rows share a few)
            args = {id(a): a for a in map(_coefficient_of, node.args)}
            stack.extend(a for k, a in args.items() if k not in seen)
        elif node.is_expression_type():
            stack.extend(node.args)
        elif node.is_variable_type():
            leaves.add(cls)
        elif node.is_fixed() and not node.is_constant():
            found.add(id(node.parent_component()))
    return found


def _coefficient_of(arg: Any) -> Any:
    """A monomial's coefficient; any other argument of a linear expression as it is."""
    return arg._args_[0] if arg.__class__ is MonomialTermExpression else arg


class LinearPart(NamedTuple):
    """``factor · Σ coefficients[i] · variables[i]``; ``factor`` None means 1."""

    factor: Any
    coefficients: Sequence[Any]
    variables: Sequence[Any]


def linear_parts(expr: Any) -> list[LinearPart]:
    """A linear expression as parts read straight off its tree, without a term object per entry.

    A ``LinearExpression`` is one part (its arguments are variables and monomials), and so is each
    ``LinearExpression`` of a sum, scaled by its constant factor where it has one (how the planning
    model writes E). Anything else goes through its standard repn.
    """
    if expr.__class__ is LinearExpression:
        return [_plain_part(expr)]
    if expr.__class__ is SumExpression:
        parts = list(map(_scaled_part, expr.args))
        if all(part is not None for part in parts):
            return [part for part in parts if part is not None]
    if hasattr(expr, "is_variable_type") and expr.is_variable_type():
        return [LinearPart(None, [1], [expr])]
    repn = generate_standard_repn(expr, compute_values=False)
    return [LinearPart(None, list(repn.linear_coefs), list(repn.linear_vars))]


def _plain_part(expr: LinearExpression) -> LinearPart:
    args = expr.args
    if all(arg.__class__ is MonomialTermExpression for arg in args):
        pairs = [arg._args_ for arg in args]
        coefficients, variables = zip(*pairs, strict=True) if pairs else ((), ())
        return LinearPart(None, coefficients, variables)
    terms = []
    for arg in args:
        if arg.__class__ is MonomialTermExpression:
            terms.append(arg._args_)
        elif arg.__class__ not in native_numeric_types and arg.is_variable_type():
            terms.append((1, arg))
    return LinearPart(None, [c for c, _v in terms], [v for _c, v in terms])


def _scaled_part(expr: Any) -> LinearPart | None:
    """A ``LinearExpression``, or a constant times one, as a part; None for anything else."""
    if expr.__class__ is LinearExpression:
        return _plain_part(expr)
    if expr.__class__ in PRODUCTS:
        factor, inner = expr.args
        if inner.__class__ is LinearExpression and not _potentially_variable(factor):
            return _plain_part(inner)._replace(factor=factor)
    return None


def linear_terms(expr: Any) -> list[tuple[Any, Any]]:
    """(coefficient, variable) of a linear expression (see :func:`linear_parts`); the coefficient
    of a term of a scaled part is the plain tuple ``(factor, coefficient)``, meaning their product."""
    terms: list[tuple[Any, Any]] = []
    for factor, coefficients, variables in linear_parts(expr):
        if factor is None:
            terms.extend(zip(coefficients, variables, strict=True))
        else:
            terms.extend(((factor, c), v) for c, v in zip(coefficients, variables, strict=True))
    return terms


def parts_variables(parts: list[LinearPart]) -> list[Any]:
    """The variables of parts, one after the other (the order of :func:`parts_values`)."""
    return list(chain.from_iterable(part.variables for part in parts))


def parts_values(parts: list[LinearPart], memo: dict[int, float]) -> np.ndarray:
    """The coefficient values of parts, one after the other, each part's factor applied. All
    coefficients are evaluated in one list, so nodes shared across parts are evaluated once."""
    values = values_of(list(chain.from_iterable(part.coefficients for part in parts)), memo)
    factors = [1.0 if part.factor is None else shared_value(part.factor, memo) for part in parts]
    return values * np.repeat(factors, [len(part.coefficients) for part in parts])


def _potentially_variable(expr: Any) -> bool:
    return expr.__class__ not in native_numeric_types and expr.is_potentially_variable()


PRODUCTS = frozenset({ProductExpression, NPV_ProductExpression})


def values_of(coefficients: list[Any], memo: dict[int, float]) -> np.ndarray:
    """:func:`shared_value` of many coefficients, as a float array, with one Python call per
    distinct expression node rather than per entry.

    The distinct nodes are found first (the objective's coefficients are the w·benefit node of
    each pair, 24,000 nodes for 960,000 columns at the large size) and only they are evaluated.
    When they are all products (a list with one product node per column), they are evaluated
    factor list by factor list, each factor node once, and the two multiplied at once; any other
    list evaluates each distinct node through the memo. The entries then take their node's value
    at C speed.
    """
    ids = list(map(id, coefficients))
    distinct = dict(zip(ids, coefficients, strict=True))
    nodes = list(distinct.values())
    if len(nodes) > 1 and set(map(type, nodes)) <= PRODUCTS:
        pairs = [c._args_ for c in nodes]
        first = _values_by_node([a for a, _b in pairs], memo)
        values = first * _values_by_node([b for _a, b in pairs], memo)
    else:
        values = np.fromiter((shared_value(c, memo) for c in nodes), dtype=float, count=len(nodes))
    if len(nodes) == len(ids):
        return values  # every entry its own node, in order
    position = dict(zip(distinct, range(len(nodes)), strict=True))
    return values[np.fromiter(map(position.__getitem__, ids), dtype=np.int64, count=len(ids))]


def _values_by_node(coefficients: list[Any], memo: dict[int, float]) -> np.ndarray:
    ids = list(map(id, coefficients))
    distinct = dict(zip(ids, coefficients, strict=True))
    evaluated = {key: shared_value(c, memo) for key, c in distinct.items()}
    return np.fromiter(map(evaluated.__getitem__, ids), dtype=float, count=len(ids))


def shared_value(expr: Any, memo: dict[int, float]) -> float:
    """``value(expr)``, evaluating each sub-expression node once per ``memo``.

    The objective's coefficients share their factors (one discount node per period, one
    weight × benefit node per pair), so evaluating through the memo costs one multiplication per
    column instead of a walk of the whole product.
    """
    if expr.__class__ in native_numeric_types:
        return expr
    if expr.__class__ is tuple:  # (outer, inner) of a scaled term: their product
        return shared_value(expr[0], memo) * shared_value(expr[1], memo)
    key = id(expr)
    found = memo.get(key)
    if found is None:
        if expr.is_expression_type():
            values = []
            for arg in expr.args:  # children looked up here, saving a call per shared child
                if arg.__class__ in native_numeric_types:
                    values.append(arg)
                else:
                    known = memo.get(id(arg))
                    values.append(known if known is not None else shared_value(arg, memo))
            # _apply_operation is how Pyomo's own evaluator combines a node's argument values
            found = expr._apply_operation(values)
        elif expr.__class__ is ParamData and expr.value is not None:
            found = expr.value  # a mutable parameter's number, without value()'s checks
        else:
            found = value(expr)
        memo[key] = found
    return found


def objective_type() -> Any:
    from pyomo.environ import Objective

    return Objective
