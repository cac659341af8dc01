"""quick_init: the faster constructor keeps what the frozen dataclass promised."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from newsmon.entities import Mention
from newsmon.records import quick_init
from newsmon.text import Sentence


@quick_init
@dataclass(frozen=True)
class _Point:
    x: int
    y: int
    label: str = "p"


def test_quick_init_keeps_fields_defaults_equality_and_immutability() -> None:
    p = _Point(1, y=2)
    assert (p.x, p.y, p.label) == (1, 2, "p")
    assert p == _Point(1, 2, "p") and hash(p) == hash(_Point(1, 2, "p"))
    assert p != _Point(1, 2, "q")
    assert repr(p) == "_Point(x=1, y=2, label='p')"
    assert dataclasses.astuple(p) == (1, 2, "p")
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        _Point(1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Point(1, 2, "p", 4)  # type: ignore[call-arg]


def test_quick_init_on_the_analysis_records() -> None:
    m = Mention("Q1", "Poetin", 0, 6, "body", 0, "name", "gazetteer")
    assert m.refers_to is None and m.role is None
    assert m == Mention("Q1", "Poetin", 0, 6, "body", 0, "name", "gazetteer", None, None)
    assert {m, Mention("Q1", "Poetin", 0, 6, "body", 0, "name", "gazetteer")} == {m}
    assert Sentence(0, 1, 3, "ab").text == "ab"


def test_quick_init_refuses_what_it_cannot_copy() -> None:
    @dataclass
    class Mutable:
        x: int

    @dataclass(frozen=True)
    class WithFactory:
        x: list[int] = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="frozen dataclass"):
        quick_init(Mutable)
    with pytest.raises(TypeError, match="plain fields"):
        quick_init(WithFactory)
