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
        schema["properties"][table] = _inline_or_csv(schema["properties"][table])
    funding = schema["$defs"]["Funding"]["properties"]
    for table in ("sources", "rules"):
        funding[table] = _inline_or_csv(funding[table])
    # funding.md: the budget may be omitted when the sources give it
    schema["anyOf"] = [{"required": ["budget"]}, {"required": ["funding"]}]
    return schema


def _inline_or_csv(inline: dict[str, Any]) -> dict[str, Any]:
    """A table's schema that also takes a CSV path."""
    return {
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
