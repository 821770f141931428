"""Facts to JSON-able data and back, so the project index can be cached across runs.

JSON, not pickle: a cache folder can come from anywhere (a checked-in `.prodready_cache`),
and reading it must never run code. Rebuilding follows the dataclasses' own type hints.
"""

from __future__ import annotations

import dataclasses
import sys
import typing
from functools import lru_cache
from typing import Any


def to_data(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_data(v) for v in value]
    return value


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


def from_data(kind: Any, data: Any) -> Any:
    """Rebuild a value of type ``kind`` from `to_data` output; raises on malformed data."""
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        if not isinstance(data, dict):
            raise ValueError(f"expected an object for {kind.__name__}")
        hints = _hints(kind)
        return kind(**{name: from_data(hints[name], value) for name, value in data.items() if name in hints})
    if origin in (list, tuple, set):
        (item,) = typing.get_args(kind)[:1] or (Any,)
        if not isinstance(data, list):
            raise ValueError("expected a list")
        return [from_data(item, v) for v in data]
    if origin is dict:
        _key, item = typing.get_args(kind) or (str, Any)
        if not isinstance(data, dict):
            raise ValueError("expected an object")
        return {k: from_data(item, v) for k, v in data.items()}
    if origin is typing.Union or str(origin) == "types.UnionType":
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        if data is None:
            return None
        return from_data(args[0], data) if len(args) == 1 else data
    if kind in (int, str, float, bool):
        if not isinstance(data, kind) and not (kind is float and isinstance(data, int)):
            raise ValueError(f"expected {kind.__name__}")
    return data
