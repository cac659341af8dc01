"""Frozen records the analysis makes by the ten thousand (sentences, mentions, hits, temporal expressions).

A frozen dataclass's generated `__init__` sets each field through `object.__setattr__`, one call per field:
for a ten-field mention that is twice the time of building the instance's dict in one step, which is what
`quick_init` gives it. Everything else (fields, equality, hashing, immutability, repr) stays the dataclass's.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """Give a frozen dataclass (without slots, factories or __post_init__) an `__init__` with the same
    parameters that sets the instance's attribute dict at once."""
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or hasattr(cls, "__slots__") or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: quick_init needs a frozen dataclass without slots or __post_init__")
    defaults: dict[str, Any] = {}
    parameters, items = [], []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not f.init or f.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: quick_init takes plain fields with plain defaults only")
        if f.default is dataclasses.MISSING:
            parameters.append(f.name)
        else:
            defaults[f"_default_{f.name}"] = f.default
            parameters.append(f"{f.name}=_default_{f.name}")
        items.append(f"{f.name!r}: {f.name}")
    source = (f"def __init__(self, {', '.join(parameters)}):\n"
              f"    _set(self, '__dict__', {{{', '.join(items)}}})\n")  # fmt: skip
    namespace: dict[str, Any] = {"_set": object.__setattr__, **defaults}
    exec(source, namespace)  # noqa: S102 - built from the dataclass's own field names, as dataclasses does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
