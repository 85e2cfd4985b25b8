"""Distribution maths of a regional benchmark (domain.md §6), in plain Python.

* Percentiles: linear interpolation between closest ranks — numpy's default and PostgreSQL's
  ``percentile_cont``.
* Percent rank: (rank − 1) ÷ (n − 1), where rank = 1 + the number of practices with a strictly
  lower value.
* Funnel limits around the pooled regional value θ at a practice's denominator n, by the normal
  approximation (Spiegelhalter 2005):
  proportions (binomial): θ ± z·√(θ(1 − θ)/n), clipped to [0, 1];
  rates (Poisson, n = exposure, e.g. patient-years or worked days): θ ± z·√(θ/n), clipped at 0;
  with z = 1.959964 (95%) and z = 3.090232 (99.8%), then multiplied by the KPI's scale.
  A practice is *above* when its value exceeds the upper limit, *below* when under the lower
  limit, else *within*.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Z95 = 1.959964
Z998 = 3.090232
MIN_PRACTICES = 5

FUNNEL_METHOD = (
    "Normal approximation around the pooled regional value θ at each practice's denominator n: "
    "proportions θ ± z·√(θ(1−θ)/n) (binomial), rates θ ± z·√(θ/n) (Poisson, n = exposure); "
    "z = 1.96 (95%) and 3.09 (99.8%); limits clipped to the possible range."
)


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    """Linear interpolation (numpy default). ``sorted_values`` must be sorted ascending."""
    n = len(sorted_values)
    if n == 0:
        return None
    h = (n - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, n - 1)
    return float(sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo]))


@dataclass(frozen=True, slots=True)
class Distribution:
    n: int
    p10: float | None
    p25: float | None
    median: float | None
    p75: float | None
    p90: float | None
    mean: float | None


def distribution(values: Sequence[float]) -> Distribution:
    xs = sorted(values)
    return Distribution(
        n=len(xs),
        p10=percentile(xs, 0.10),
        p25=percentile(xs, 0.25),
        median=percentile(xs, 0.50),
        p75=percentile(xs, 0.75),
        p90=percentile(xs, 0.90),
        mean=(math.fsum(xs) / len(xs)) if xs else None,
    )


def percent_ranks(values: Mapping[int, float]) -> dict[int, tuple[int, float | None]]:
    """{key: (rank, percent rank)}; rank = 1 + number of strictly lower values."""
    xs = sorted(values.values())
    n = len(xs)
    out: dict[int, tuple[int, float | None]] = {}
    for k, v in values.items():
        rank = bisect.bisect_left(xs, v) + 1
        out[k] = (rank, (rank - 1) / (n - 1) if n > 1 else None)
    return out


@dataclass(frozen=True, slots=True)
class Funnel:
    target: float
    lower95: float
    upper95: float
    lower998: float
    upper998: float


def funnel_limits(
    kind: Literal["proportion", "rate"], theta: float, n: float, scale: float
) -> Funnel | None:
    """Control limits at denominator ``n`` around the unscaled regional value ``theta``."""
    if n <= 0 or theta is None or theta < 0:
        return None
    if kind == "proportion":
        sd = math.sqrt(max(theta * (1.0 - theta), 0.0) / n)
        hi_cap = 1.0
    else:
        sd = math.sqrt(theta / n)
        hi_cap = math.inf

    def lim(z: float, sign: int) -> float:
        x = theta + sign * z * sd
        return min(max(x, 0.0), hi_cap) * scale

    return Funnel(
        target=theta * scale,
        lower95=lim(Z95, -1),
        upper95=lim(Z95, 1),
        lower998=lim(Z998, -1),
        upper998=lim(Z998, 1),
    )


def classify(value: float, lower: float, upper: float) -> Literal["within", "above", "below"]:
    # a tiny tolerance so that float noise never flips a practice lying exactly on a limit
    eps = 1e-9 * max(1.0, abs(upper), abs(lower))
    if value > upper + eps:
        return "above"
    if value < lower - eps:
        return "below"
    return "within"
