"""Shared test configuration.

Hypothesis runs derandomised, so every run of the suite draws the same examples:
a failure seen once is seen again.
"""
from hypothesis import settings

settings.register_profile("course", derandomize=True, deadline=None, max_examples=200)
settings.load_profile("course")

# Fixture notebooks are data for the grader and browser tests, not lessons:
# nbval must not try to run them.
collect_ignore_glob = ["*/fixtures/*"]
