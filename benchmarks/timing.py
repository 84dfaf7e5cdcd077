"""Interleaved timing: variants take turns batch by batch so machine drift hits all alike."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Samples:
    """Per-operation seconds, one sample per batch."""

    per_op: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.per_op)


def interleave(
    variants: dict[str, Callable[[], object]], *, batches: int, batch_size: int, warmup: int = 20
) -> dict[str, Samples]:
    """Run each variant ``batch_size`` times per batch, rotating the order every batch."""
    names = list(variants)
    for name in names:
        for _ in range(warmup):
            variants[name]()
    results = {name: Samples() for name in names}
    for batch in range(batches):
        shift = batch % len(names)
        for name in names[shift:] + names[:shift]:
            operation = variants[name]
            started = time.perf_counter()
            for _ in range(batch_size):
                operation()
            results[name].per_op.append((time.perf_counter() - started) / batch_size)
    return results


@dataclass
class Row:
    figure: str
    value: str
    target: str
    ratio: str
    raw: dict[str, float] = field(default_factory=dict)


def markdown(rows: list[Row]) -> str:
    lines = ["| figure | value | target | ratio / result |", "|---|---|---|---|"]
    lines += [f"| {r.figure} | {r.value} | {r.target} | {r.ratio} |" for r in rows]
    return "\n".join(lines)


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} us"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.3f} ms"
