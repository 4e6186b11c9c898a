"""The package's own exception: a model that could not be estimated.

Bad input is a ``TypeError`` or ``ValueError`` naming the argument (see CONTRIBUTING);
the one failure that is neither is an estimation that stops without converging. It is
always :class:`ConvergenceError`, whichever model raised it (PLS, CFA/SEM, a logit
driver model, the one-factor loadings), so one ``except`` catches them all.

Examples
--------
>>> import cxresearch as cx
>>> issubclass(cx.ConvergenceError, RuntimeError)
True
"""

from __future__ import annotations

__all__ = ["ConvergenceError"]


class ConvergenceError(RuntimeError):
    """An estimation stopped without converging.

    The message says which model, after how many iterations, and what usually causes
    it (too few iterations, a misspecified or empirically unidentified model, perfect
    separation in a logit). It is a ``RuntimeError``: the input was valid, the
    estimation failed.
    """
