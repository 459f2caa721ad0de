"""Solving: the live :class:`~planner.solve.plan_model.PlanModel`, the HiGHS bridge and the Plan.

- :mod:`.compile`: a Pyomo model's linear rows and objectives to arrays (knows nothing of planning);
- :mod:`.columns`: the column index and the row reader the compiler and the bridge share;
- :mod:`.bridge`: the live HiGHS copy and its refresh after parameters change;
- :mod:`.plan_model`: build from :mod:`models`, re-solve, read back a :mod:`.plan`.
"""
