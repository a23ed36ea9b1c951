"""One cache for the analysis modules' steps, shared by the notebook's run and the multiverse.

A notebook's specifications differ in one or two parameters from each other, and each step of
`evaluate` reads only a few of them, so most specifications repeat most steps. `cached_step`
runs a step once per inputs object and arguments. The inputs must be hashable by identity
(a dataclass with eq=False) and never changed after `load_inputs`; a step's result is shared by
every caller, so treat it as read-only. The multiverse evaluates each notebook's default in its
parent process before forking, so the workers inherit the filled cache.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable
from typing import Any

#: Most step results kept (a multiverse needs a few hundred per notebook).
CACHE_SIZE = 8192


@functools.lru_cache(maxsize=CACHE_SIZE, typed=True)
def cached_step(step: Callable[..., Any], inputs: Hashable, *args: Hashable) -> Any:
    """`step(inputs, *args)`, computed once per step, inputs object and arguments (typed: 2 and
    2.0 are different arguments). The result is shared: do not change it."""
    return step(inputs, *args)
