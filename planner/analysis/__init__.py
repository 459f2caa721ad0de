"""Analysis over solved plans: diagnosis, explain, frontier, Pareto, compare.

Each module builds on :mod:`planner.solve` and nothing in :mod:`planner.solve` imports from here but
:mod:`.diagnosis` (an infeasible plan carries its diagnosis), which needs the live model only as a type.
"""
