"""Scenarios: the pydantic models, the checks between tables, reading and writing files, bundled data.

The edge of the program: everything past this package trusts a :class:`~planner.scenario.model.Scenario`.
Imports nothing of planner but :mod:`planner.errors`.
"""
