"""``planner schema``: the scenario file's JSON Schema, generated from the pydantic models."""

from __future__ import annotations

import argparse
import json
from typing import Any

from planner.scenario.model import Scenario


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("schema", help="print the scenario file's JSON Schema")
    parser.set_defaults(func=run)


def scenario_file_schema() -> dict[str, Any]:
    """The Scenario schema, where a table may also be a CSV path relative to the scenario's folder."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "planner scenario (version 1)"
    for table in ("regions", "needs"):
        _or_csv_path(schema["properties"], table)
    funding = schema["$defs"]["Funding"]["properties"]
    for table in ("sources", "rules"):
        _or_csv_path(funding, table)
    actuals = schema["$defs"]["Actuals"]["properties"]  # actuals.md: both tables may be CSV paths
    for table in ("spending", "projects"):
        _or_csv_path(actuals, table)
    # funding.md: the budget may be omitted when the sources give it
    schema["anyOf"] = [{"required": ["budget"]}, {"required": ["funding"]}]
    return schema


def _or_csv_path(properties: dict[str, Any], table: str) -> None:
    inline = properties[table]
    properties[table] = {
        "description": inline.get("description", ""),
        "anyOf": [
            {k: v for k, v in inline.items() if k != "description"},
            {
                "type": "string",
                "description": "path of a CSV file, relative to the scenario's folder",
            },
        ],
    }


def run(args: argparse.Namespace) -> int:
    print(json.dumps(scenario_file_schema(), indent=2))
    return 0
