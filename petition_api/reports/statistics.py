"""The conversion report's statistics: a rate's interval, and how likely one rate beats another.

Two questions, each answered the standard way:

- How precisely do `successes` out of `trials` tell the true rate? The Wilson
  score interval (Wilson 1927): unlike the textbook p ± 1.96·√(p(1-p)/n) it stays
  inside [0, 1] and keeps close to its 95% coverage for the small rates
  petitions convert at (1 to 5%) and at small samples.
- How likely is version B's true rate above version A's? Each rate's posterior
  from a uniform prior is Beta(1 + successes, 1 + failures); P(p_B > p_A) is
  computed exactly (Evan Miller's closed form, a sum of as many terms as the
  smaller of the two success counts; past tens of thousands, the normal limit),
  not simulated, so the report says the same every time it is read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile
# Success counts up to which P(B beats A) is summed exactly (see probability_beats).
EXACT_UP_TO = 20_000


@dataclass(frozen=True)
class Rate:
    """`successes` of `trials`, with its 95% Wilson interval."""

    successes: int
    trials: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.successes / self.trials

    def covers(self, rate: float) -> bool:
        return self.low <= rate <= self.high


def wilson(successes: int, trials: int, z: float = Z_95) -> Rate:
    """The rate `successes / trials` and its Wilson score interval (95% by default).

    >>> r = wilson(20, 1000); round(r.low, 4), round(r.high, 4)
    (0.013, 0.0307)
    """
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError(f"{successes} successes of {trials} trials is not a rate")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z / (1 + z2 / trials) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    # At 0 or all successes the interval touches the bound exactly (rounding aside).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Rate(successes, trials, low, high)


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def _p_b_beats_a(alpha_a: int, beta_a: int, alpha_b: int, beta_b: int) -> float:
    """P(X_B > X_A) for X_A ~ Beta(alpha_a, beta_a), X_B ~ Beta(alpha_b, beta_b), integer
    alpha_b: the sum over i < alpha_b of B(alpha_a + i, beta_a + beta_b) /
    ((beta_b + i) B(1 + i, beta_b) B(alpha_a, beta_a))."""
    base = _log_beta(alpha_a, beta_a)
    total = 0.0
    for i in range(alpha_b):
        total += math.exp(
            _log_beta(alpha_a + i, beta_a + beta_b)
            - math.log(beta_b + i)
            - _log_beta(1 + i, beta_b)
            - base
        )
    return min(1.0, max(0.0, total))


def _normal_b_beats_a(alpha_a: int, beta_a: int, alpha_b: int, beta_b: int) -> float:
    """P(X_B > X_A) with each Beta taken as the normal of its mean and variance."""

    def moments(alpha: int, beta: int) -> tuple[float, float]:
        n = alpha + beta
        return alpha / n, alpha * beta / (n * n * (n + 1))

    (mean_a, var_a), (mean_b, var_b) = moments(alpha_a, beta_a), moments(alpha_b, beta_b)
    return 0.5 * math.erfc(-(mean_b - mean_a) / math.sqrt(2 * (var_a + var_b)))


def probability_beats(successes_b: int, trials_b: int, successes_a: int, trials_a: int) -> float:
    """The posterior probability that B's true rate is above A's (uniform priors).

    Exact: the closed form's sum runs over the smaller success count (by
    symmetry, P(B > A) = 1 - P(A > B), ties having no probability), so a
    petition with a million confirmed signatures on one version costs as many
    terms as the other version's count.

    Beyond EXACT_UP_TO successes on both sides (tens of thousands of confirmed
    signatures per version) both posteriors are as good as normal, and the normal
    approximation of their difference is used: it agrees with the sum to within
    1e-4 there (tests/api/test_organiser_reads_the_conversion_report.py), at a
    thousandth of the cost.

    >>> round(probability_beats(30, 1000, 20, 1000), 3)
    0.922
    >>> round(probability_beats(5, 100, 5, 100), 6)
    0.5
    """
    alpha_a, beta_a = 1 + successes_a, 1 + trials_a - successes_a
    alpha_b, beta_b = 1 + successes_b, 1 + trials_b - successes_b
    if min(beta_a, beta_b) < 1:
        raise ValueError("more successes than trials")
    if min(alpha_a, alpha_b) > EXACT_UP_TO:
        return _normal_b_beats_a(alpha_a, beta_a, alpha_b, beta_b)
    if alpha_b <= alpha_a:
        return _p_b_beats_a(alpha_a, beta_a, alpha_b, beta_b)
    return 1.0 - _p_b_beats_a(alpha_b, beta_b, alpha_a, beta_a)
