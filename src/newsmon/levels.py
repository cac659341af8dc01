"""Fitting a topic's level weights and thresholds on labelled news (`newsmon eval DIR --fit`).

The level model is the one topics.py applies: a weighted sum of evidence features (a log-odds score) and
three increasing thresholds (mention, secondary, primary). Fitting it is an ordinal logistic regression
(proportional odds): P(level >= k) = sigmoid(score - threshold_k). Only articles with at least one relation
sentence take part; without one an article is `none` by rule. The weights are L2-regularised, so a feature
the data cannot support stays near zero instead of fitting a few texts.

A prior model (fitted first on other texts, e.g. the written topic gold) can take the place of zero: weights
and thresholds are then pulled toward it (a Gaussian prior centred on it, the same L2 strength), so what the
data cannot inform stays where the prior put it. A batch with no `mention` text has nothing to say about the
mention threshold; fitted without a prior the threshold drifts wherever the other levels push it.

Cross-validation is by batch (fit on one, score the other, both ways) and by folds over everything, so the
figures say how the weights do on news they were not fitted on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from newsmon.topics import FEATURES, decide_level

LEVEL_ORDER = ("none", "mention", "secondary", "primary")


@dataclass(frozen=True)
class LevelModel:
    weights: dict[str, float]
    intercept: float
    thresholds: dict[str, float]  # mention, secondary, primary

    def level(self, features: dict[str, float], related: bool, listed: bool = False) -> str:
        return decide_level(self.weights, self.intercept, self.thresholds, features, related, listed)[1]

    def yaml_lines(self, indent: str = "    ") -> list[str]:
        lines = [f"{indent}weights:"]
        lines += [f"{indent}  {k}: {self.weights[k]:.2f}" for k in FEATURES]
        lines += [f"{indent}  intercept: {self.intercept:.2f}", f"{indent}thresholds:"]
        lines += [f"{indent}  {k}: {self.thresholds[k]:.2f}" for k in ("primary", "secondary", "mention")]
        return lines


@dataclass(frozen=True)
class Example:
    features: dict[str, float]
    related: bool  # at least one relation sentence (enumerations of states not counted)
    gold: str
    listed: bool = False  # at least one relation sentence that is an enumeration of states


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x, -50, 50))))


def fit(
    examples: Sequence[Example], l2: float = 0.3, steps: int = 4000, rate: float = 0.05, prior: LevelModel | None = None
) -> LevelModel:
    """Ordinal logistic regression by gradient descent (Adam) on the examples with a relation sentence; with a
    `prior`, the weights and thresholds are pulled toward the prior's instead of the weights toward zero."""
    used = [e for e in examples if e.related]
    if not used:
        raise ValueError("no labelled text has a relation sentence: nothing to fit")
    x = np.array([[e.features[k] for k in FEATURES] for e in used])
    y = np.array([LEVEL_ORDER.index(e.gold) for e in used])
    n, d = x.shape
    if prior is None:
        w0, theta0 = np.zeros(d), np.array([-1.0, 0.5, 2.0])  # P(level >= mention / secondary / primary)
    else:
        w0 = np.array([prior.weights[k] for k in FEATURES])
        theta0 = np.array([prior.thresholds[k] - prior.intercept for k in ("mention", "secondary", "primary")])
    params = np.concatenate([w0, theta0])
    m, v = np.zeros_like(params), np.zeros_like(params)
    rows = np.arange(n)
    for step in range(1, steps + 1):
        w, theta = params[:d], params[d:]
        s = x @ w
        # cumulative P(level >= k) for k = 0..4 (0: certain, 4: impossible)
        upper = np.column_stack([np.ones(n), _sigmoid(s[:, None] - theta[None, :]), np.zeros(n)])
        dens = upper * (1 - upper)  # sigmoid' at each threshold (0 at the two ends)
        p = np.maximum(upper[rows, y] - upper[rows, y + 1], 1e-12)
        ds = (dens[rows, y] - dens[rows, y + 1]) / p  # d log p / d s
        grad_w = -(x.T @ ds) + l2 * (w - w0)
        grad_theta = np.zeros(3)
        for k in range(3):  # theta_k sits at column k + 1 of `upper`
            at_low = (y == k + 1).astype(float)  # it is the sample's lower bound
            at_high = (y == k).astype(float)  # it is the sample's upper bound
            grad_theta[k] = -np.sum((-dens[:, k + 1] * at_low + dens[:, k + 1] * at_high) / p)
        if prior is not None:
            grad_theta += l2 * (theta - theta0)
        grad = np.concatenate([grad_w, grad_theta]) / n
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        params = params - rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
        params[d:] = np.sort(params[d:])
    w, theta = params[:d], params[d:]
    return LevelModel(
        weights={k: float(round(w[i], 2)) for i, k in enumerate(FEATURES)},
        intercept=0.0,
        thresholds={"mention": float(round(theta[0], 2)), "secondary": float(round(theta[1], 2)),
                    "primary": float(round(theta[2], 2))},
    )


def accuracy(model: LevelModel, examples: Sequence[Example]) -> tuple[float, float]:
    """(level accuracy, primary+secondary F1) of the model on the examples."""
    got = [model.level(e.features, e.related, e.listed) for e in examples]
    right = sum(g == e.gold for g, e in zip(got, examples, strict=True))
    relevant = {"primary", "secondary"}
    tp = sum(g in relevant and e.gold in relevant for g, e in zip(got, examples, strict=True))
    fp = sum(g in relevant and e.gold not in relevant for g, e in zip(got, examples, strict=True))
    fn = sum(g not in relevant and e.gold in relevant for g, e in zip(got, examples, strict=True))
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return right / len(examples) if examples else 0.0, f1


def folds(examples: Sequence[Example], k: int = 5) -> list[tuple[list[Example], list[Example]]]:
    """k (train, test) splits, every k-th example in a test part (deterministic)."""
    return [([e for i, e in enumerate(examples) if i % k != f], [e for i, e in enumerate(examples) if i % k == f])
            for f in range(k)]  # fmt: skip
