"""Field types shared by the scenario's pydantic models: numbers that refuse booleans, shares, names."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from planner.i18n.problems import KeyedValueError


def _not_a_bool(value: Any) -> Any:
    """YAML reads ``yes``/``true`` as booleans and pydantic would take them for 1.0; a number is meant."""
    if isinstance(value, bool):
        raise KeyedValueError("expected_number", got=str(value).lower())
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


def _annotation_text(name: str, value: Any) -> Any:
    """An annotation (``source``, ``note``, ``name_zh``) is text; a number typed into one becomes text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return str(value)
    raise KeyedValueError("annotation_not_text", column=name, kind=type(value).__name__)


class AnnotatedRow(BaseModel):
    """A table row that keeps columns it does not know (``source``, ``note``, …) as text annotations.

    Annotations are carried in the Scenario and written back by every writer; the model never reads them.
    A column whose name is a near miss of a known one is refused by the readers (see
    :mod:`planner.scenario.columns`), since it is more likely a typo than an annotation.
    """

    model_config = ConfigDict(extra="allow", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _annotations_as_text(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {
            key: value if key in cls.model_fields else _annotation_text(str(key), value)
            for key, value in data.items()
        }

    @property
    def annotations(self) -> dict[str, str]:
        """The extra columns of this row, in the order given (blank ones left out)."""
        return {k: v for k, v in (self.model_extra or {}).items() if v not in (None, "")}
