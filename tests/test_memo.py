"""memo.cached_step: a step runs once per inputs object and arguments."""

from __future__ import annotations

from dataclasses import dataclass

from euclaims.memo import cached_step


@dataclass(frozen=True, eq=False)
class Inputs:
    name: str


def test_a_step_runs_once_per_inputs_object_and_arguments():
    calls = []

    def step(inputs: Inputs, threshold: float) -> tuple[str, float]:
        calls.append((inputs.name, threshold))
        return inputs.name, threshold

    first, second = Inputs("a"), Inputs("a")  # equal content, distinct objects
    assert cached_step(step, first, 5.0) == ("a", 5.0)
    assert cached_step(step, first, 5.0) is cached_step(step, first, 5.0)
    assert cached_step(step, second, 5.0) == ("a", 5.0)
    assert calls == [("a", 5.0), ("a", 5.0)]


def test_arguments_of_another_type_are_another_call():
    calls = []

    def step(inputs: Inputs, value: float) -> str:
        calls.append(value)
        return type(value).__name__

    inputs = Inputs("b")
    assert cached_step(step, inputs, 2) == "int"
    assert cached_step(step, inputs, 2.0) == "float"  # 2 == 2.0, but the result may differ
    assert calls == [2, 2.0]


def test_a_failing_step_is_not_cached():
    calls = []

    def step(inputs: Inputs) -> None:
        calls.append(1)
        raise ValueError("parameter 'x': bad")

    inputs = Inputs("c")
    for _ in range(2):
        try:
            cached_step(step, inputs)
        except ValueError:
            pass
    assert len(calls) == 2
