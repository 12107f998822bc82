"""Splitting a whole-number total over cells by weight so the parts add up exactly."""

from __future__ import annotations

from collections.abc import Sequence

# Weights are turned into integers so the arithmetic is exact (no float remainder drift).
_WEIGHT_SCALE = 1_000_000


def apportion(total: int, weights: Sequence[float], caps: Sequence[int] | None = None) -> list[int]:
    """Split `total` over the cells in proportion to `weights` (largest-remainder method).

    A cell never gets more than its cap; what a capped cell cannot take goes to the others by
    their weights. Cells with weight 0 get 0. Raises ValueError when the caps of the weighted
    cells cannot hold the total.
    """
    if total < 0:
        raise ValueError(f"cannot share out a negative total ({total})")
    scaled = [max(0, round(w * _WEIGHT_SCALE)) for w in weights]
    limits = list(caps) if caps is not None else [total] * len(scaled)
    if len(limits) != len(scaled):
        raise ValueError("one cap per weight is needed")
    result = [0] * len(scaled)
    open_cells = [i for i, w in enumerate(scaled) if w > 0 and limits[i] > 0]
    if sum(limits[i] for i in open_cells) < total:
        raise ValueError(f"the cells can hold {sum(limits[i] for i in open_cells)}, not {total}")
    remaining = total
    while True:
        weight_sum = sum(scaled[i] for i in open_cells)
        if weight_sum == 0:
            break
        over = [i for i in open_cells if remaining * scaled[i] > limits[i] * weight_sum]
        if not over:
            break
        for i in over:
            result[i] = limits[i]
            remaining -= limits[i]
        open_cells = [i for i in open_cells if i not in set(over)]
    if not open_cells:
        if remaining:
            raise ValueError(f"{remaining} left over with every cell full")
        return result
    weight_sum = sum(scaled[i] for i in open_cells)
    remainders = []
    for i in open_cells:
        share, remainder = divmod(remaining * scaled[i], weight_sum)
        result[i] = share
        remainders.append((remainder, -i))
    leftover = remaining - sum(result[i] for i in open_cells)
    # Largest remainders first; ties go to the earlier cell, so the split is reproducible.
    for _, negative_index in sorted(remainders, reverse=True)[:leftover]:
        result[-negative_index] += 1
    return result
