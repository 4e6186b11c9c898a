"""Higher-order constructs of PLS path models: ``REP =~ COMP + LIKE`` (private).

A construct whose "items" are constructs of the model is a higher-order construct
(HOC) over those lower-order dimensions. Three approaches (Becker, Klein & Wetzels
2012; Sarstedt et al. 2019):

* ``repeated`` -- repeated indicators: the HOC is measured by every item of its
  dimensions, and is linked to them by paths (``=~``: HOC -> dimension, reflective;
  ``<~``: dimension -> HOC, formative); one fit;
* ``embedded`` -- embedded two-stage: stage 1 is the repeated-indicators model; in
  stage 2 the HOC is measured by the stage-1 scores of its dimensions, which leave the
  model;
* ``disjoint`` -- disjoint two-stage (seminr's ``higher_composite``): stage 1 is the
  model without the HOC, its dimensions taking its place (linked to every antecedent
  and outcome of the HOC); stage 2 as in the embedded approach.

The stage-1 scores are rebuilt from the rows of every fit (so a bootstrap resample
gets its own, as seminr does) by :class:`HocAugmenter`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from . import _algorithm as pls_
from .syntax import Construct, ModelSpec

METHODS = ("disjoint", "embedded", "repeated")

__all__ = ["METHODS", "HocAugmenter", "split_hoc"]


def _hocs(spec: ModelSpec) -> list[Construct]:
    names = set(spec.construct_names)
    return [c for c in spec.constructs if any(i in names for i in c.items)]


def _check(spec: ModelSpec, hocs: list[Construct]) -> None:
    names = set(spec.construct_names)
    seen: dict[str, str] = {}
    for h in hocs:
        mixed = [i for i in h.items if i not in names]
        if mixed:
            raise ValueError(
                f"model: higher-order construct {h.name!r} mixes constructs and items "
                f"({mixed}); its right side must name constructs only."
            )
        for d in h.items:
            if d in seen:
                raise ValueError(
                    f"model: construct {d!r} is a dimension of two higher-order constructs "
                    f"({seen[d]!r} and {h.name!r})."
                )
            if d in {c.name for c in hocs}:
                raise ValueError(f"model: {h.name!r} over {d!r}: only two levels are supported.")
            seen[d] = h.name
    for a, b in spec.paths:
        for name in (a, b):
            if name in seen:
                raise ValueError(
                    f"model: {name!r} is a dimension of the higher-order construct "
                    f"{seen[name]!r} and cannot be in a path too ('{b} ~ {a}'); link "
                    f"{seen[name]!r} instead."
                )


def split_hoc(spec: ModelSpec, method: str):
    """The stage-1 model (all items, no higher-order construct as such), the final
    model, and the dimensions whose stage-1 scores are the final model's items (empty
    for ``repeated``). Returns None when the model has no higher-order construct."""
    hocs = _hocs(spec)
    if not hocs:
        return None
    _check(spec, hocs)
    blocks = {c.name: c.items for c in spec.constructs}
    dims = [d for h in hocs for d in h.items]
    hoc_names = {h.name for h in hocs}
    lower = tuple(c for c in spec.constructs if c.name not in hoc_names)
    if method == "disjoint":
        paths: list[tuple[str, str]] = []
        for a, b in spec.paths:
            froms = blocks[a] if a in hoc_names else (a,)
            tos = blocks[b] if b in hoc_names else (b,)
            paths += [(f, t) for f in froms for t in tos if (f, t) not in paths]
        first = ModelSpec(lower, tuple(paths))
    else:
        repeated = tuple(
            Construct(h.name, tuple(i for d in h.items for i in blocks[d]), h.mode) for h in hocs
        )
        links = tuple((h.name, d) if h.mode == "A" else (d, h.name) for h in hocs for d in h.items)
        first = ModelSpec(lower + repeated, spec.paths + links)
    if method == "repeated":
        return first, first, []
    final = tuple(c for c in spec.constructs if c.name not in dims)
    return first, ModelSpec(final, spec.paths), dims


@dataclasses.dataclass(frozen=True)
class HocAugmenter:
    """Appends the stage-1 scores of the dimensions to stacks of rows (B, n, p)."""

    first: pls_.Structure
    dims: tuple[str, ...]
    scheme: str
    max_iter: int = 300
    tol: float = 1e-7
    first_spec: ModelSpec | None = dataclasses.field(default=None, compare=False)

    @property
    def n_items(self) -> int:
        return len(set(self.first.items))

    @property
    def n_generated(self) -> int:
        return len(self.dims)

    @property
    def label(self) -> str:
        return "higher-order constructs"

    @property
    def names(self) -> list[str]:
        return list(self.dims)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        xc = x - x.mean(axis=1, keepdims=True)
        z = xc / np.sqrt((xc**2).sum(axis=1, keepdims=True) / (x.shape[1] - 1))
        s = np.swapaxes(z, 1, 2) @ z / (x.shape[1] - 1)
        with np.errstate(invalid="ignore"):
            w, _, _, conv = pls_.iterate(s, self.first, self.scheme, self.max_iter, self.tol)
            w = pls_.unit_variance(s, w)
        w[~conv] = np.nan
        cols = [self.first.constructs.index(d) for d in self.dims]
        return np.concatenate([x, z @ w[:, :, cols]], axis=2)
