"""Benchmarks: planner against raw highspy and linopy on the same seeded LP (see bench/run.py)."""
