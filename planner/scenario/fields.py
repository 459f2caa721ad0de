"""Field types shared by the scenario's pydantic models: numbers that refuse booleans, shares, names."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _not_a_bool(value: Any) -> Any:
    """YAML reads ``yes``/``true`` as booleans and pydantic would take them for 1.0; a number is meant."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


NoBool = BeforeValidator(_not_a_bool)
NonNegative = Annotated[float, NoBool, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, NoBool, Field(ge=0, le=1, allow_inf_nan=False)]
Name = Annotated[str, Field(min_length=1)]
PeriodLabel = int | str

Mode = Literal["efficiency", "equity", "balanced"]


class Strict(BaseModel):
    """A table row or mapping that refuses unknown keys and is immutable once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
