"""Serving the app to a planning team: who may do what (``access``), whether sign-in is set up
(``signin``), and the limits that keep one session from stalling the others (``limits``)."""
