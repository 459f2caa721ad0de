"""Languages: the message catalogs (English, Simplified Chinese), display names and units.

``catalog`` looks a message up by key in the active language (:func:`~planner.i18n.catalog.t`),
``names`` gives regions, sectors, profiles, corridors and projects their names in that language, and
``units`` shows money in the scenario's unit or in 亿元.
"""
