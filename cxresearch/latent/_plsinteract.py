"""Interaction terms of PLS path models: ``SAT ~ IMAG + CUEX + IMAG:CUEX`` (private).

An interaction ``A:B`` (``A:A`` a quadratic term) becomes a construct measured by
generated items, rebuilt from the rows of every fit (so a bootstrap resample gets its
own, as seminr does):

* ``product_indicator`` (Chin, Marcolin & Newsted 2003; Henseler & Chin 2010): every
  product of an A item and a B item, each standardized in the rows at hand; items
  ``a_1*b_1``, A's item varying slowest;
* ``orthogonal`` (Little, Bovaird & Widaman 2006): those products, each replaced by
  its residual from an OLS regression (with intercept) on the raw items of A and B;
* ``two_stage`` (Chin et al. 2003; Henseler & Chin 2010): the model without its
  interaction terms is fitted first (standardized items, the same inner scheme) and
  the product of the two construct scores is the single item ``A:B_score``.

:class:`Augmenter` takes a stack of row sets (B, n, p) of the model's items to
(B, n, p + q) with the generated items appended.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from . import _algorithm as pls_
from .syntax import Construct, ModelSpec

METHODS = ("two_stage", "product_indicator", "orthogonal")

__all__ = ["METHODS", "Augmenter", "Interaction", "split_spec"]


@dataclasses.dataclass(frozen=True)
class Interaction:
    """One interaction term: its name ``A:B``, the two constructs, generated items."""

    name: str
    iv: str
    moderator: str
    items: tuple[str, ...]


def split_spec(spec: ModelSpec, method: str) -> tuple[ModelSpec, ModelSpec, list[Interaction]]:
    """The model without its interaction terms, the model with them as constructs,
    and the interactions. Raises ``ValueError`` for a malformed term."""
    names = spec.construct_names
    found: dict[str, Interaction] = {}
    for a, b in spec.paths:
        if ":" in b and b not in names:
            raise ValueError(f"model: the interaction {b!r} cannot be predicted ('~' target).")
        if ":" not in a or a in names:  # a construct may have ':' in its name
            continue
        parts = a.split(":")
        bad = [p for p in parts if p not in names]
        if len(parts) != 2 or bad:
            raise ValueError(
                f"model: {a!r} in '{b} ~ {a}' is not an interaction of two constructs "
                f"(write 'A:B' with A and B constructs of the model; a quadratic term is "
                f"'A:A'). Constructs: {list(names)}."
            )
        iv, mod = parts
        if a not in found:
            blocks = {c.name: c.items for c in spec.constructs}
            items = (
                (f"{a}_score",)
                if method == "two_stage"
                else tuple(f"{i}*{j}" for i in blocks[iv] for j in blocks[mod])
            )
            found[a] = Interaction(a, iv, mod, items)
    main_paths = tuple(p for p in spec.paths if p[0] not in found)
    main = ModelSpec(spec.constructs, main_paths, spec.covariances)
    extra = tuple(Construct(i.name, i.items, "A") for i in found.values())
    full = ModelSpec(spec.constructs + extra, spec.paths, spec.covariances)
    return main, full, list(found.values())


def _z(x: np.ndarray) -> np.ndarray:
    """Standardize each column within each row set of the stack (ddof 1)."""
    xc = x - x.mean(axis=1, keepdims=True)
    return xc / np.sqrt((xc**2).sum(axis=1, keepdims=True) / (x.shape[1] - 1))


@dataclasses.dataclass(frozen=True)
class Augmenter:
    """Appends the generated items of the interactions to stacks of rows."""

    main: pls_.Structure  # the model without its interactions, on the original items
    interactions: tuple[Interaction, ...]
    method: str
    scheme: str
    max_iter: int = 300
    tol: float = 1e-7

    @property
    def n_items(self) -> int:
        return len(self.main.items)

    @property
    def n_generated(self) -> int:
        return sum(len(i.items) for i in self.interactions)

    @property
    def label(self) -> str:
        return f"interaction terms ({self.interactions[0].name})"

    @property
    def names(self) -> list[str]:
        return [item for inter in self.interactions for item in inter.items]

    def _products(self, x: np.ndarray, inter: Interaction) -> np.ndarray:
        st = self.main
        a = st.block(st.constructs.index(inter.iv))
        b = st.block(st.constructs.index(inter.moderator))
        z = _z(x)
        prod = (z[:, :, a][:, :, :, None] * z[:, :, b][:, :, None, :]).reshape(
            x.shape[0], x.shape[1], a.size * b.size
        )
        if self.method == "product_indicator":
            return prod
        design = np.concatenate([np.ones((*x.shape[:2], 1)), x[:, :, a], x[:, :, b]], axis=2)
        if inter.iv == inter.moderator:  # A:A -- A's items once
            design = design[:, :, : 1 + a.size]
        dt = np.swapaxes(design, 1, 2)
        return prod - design @ np.linalg.solve(dt @ design, dt @ prod)

    def _scores(self, x: np.ndarray) -> np.ndarray:
        """First-stage construct scores of each row set (NaN where it fails)."""
        st = self.main
        z = _z(x)
        s = np.swapaxes(z, 1, 2) @ z / (x.shape[1] - 1)
        with np.errstate(invalid="ignore"):
            w, _, _, conv = pls_.iterate(s, st, self.scheme, self.max_iter, self.tol)
            w = pls_.unit_variance(s, w)
        w[~conv] = np.nan
        return z @ w

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """``x`` (B, n, p) -> (B, n, p + q): the items and the generated items."""
        cols = [x]
        scores = self._scores(x) if self.method == "two_stage" else None
        for inter in self.interactions:
            if scores is None:
                cols.append(self._products(x, inter))
                continue
            i, j = (self.main.constructs.index(c) for c in (inter.iv, inter.moderator))
            cols.append((scores[:, :, i] * scores[:, :, j])[:, :, None])
        return np.concatenate(cols, axis=2)
