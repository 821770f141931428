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
    return _decoder(kind)(data)


@lru_cache(maxsize=None)
def _decoder(kind: Any):
    """A function rebuilding values of type ``kind``, worked out once per type: a warm run
    rebuilds the facts of every file of the project from the cache (60,000 values on the
    benchmark corpus), and reading the type hints again for each value was most of it."""
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind):
        fields: dict = {}  # filled at first use: a dataclass may name itself in its hints

        def decode_object(data):
            if not isinstance(data, dict):
                raise ValueError(f"expected an object for {kind.__name__}")
            if not fields:
                fields.update({name: _decoder(hint) for name, hint in _hints(kind).items()})
            return kind(**{name: fields[name](value) for name, value in data.items() if name in fields})
        return decode_object
    if origin in (list, tuple, set):
        (item,) = typing.get_args(kind)[:1] or (Any,)

        def decode_list(data):
            if not isinstance(data, list):
                raise ValueError("expected a list")
            decode = _decoder(item)
            return [decode(v) for v in data]
        return decode_list
    if origin is dict:
        _key, item = typing.get_args(kind) or (str, Any)

        def decode_dict(data):
            if not isinstance(data, dict):
                raise ValueError("expected an object")
            decode = _decoder(item)
            return {k: decode(v) for k, v in data.items()}
        return decode_dict
    if origin is typing.Union or str(origin) == "types.UnionType":
        args = [a for a in typing.get_args(kind) if a is not type(None)]

        def decode_optional(data):
            if data is None:
                return None
            return _decoder(args[0])(data) if len(args) == 1 else data
        return decode_optional
    if kind in (int, str, float, bool):
        def decode_scalar(data):
            if not isinstance(data, kind) and not (kind is float and isinstance(data, int)):
                raise ValueError(f"expected {kind.__name__}")
            return data
        return decode_scalar
    return _as_is


def _as_is(data: Any) -> Any:
    return data
