"""Measurement and structural models with latent variables: one subpackage.

Both families read the same lavaan-style model syntax and report the same measures:

- :mod:`cxresearch.latent.syntax` -- the model syntax (``IMAG =~ imag_1 + imag_2``,
  ``QUAL <~ ...``, ``SAT ~ IMAG``, ``a ~~ b``), parsed once into a :class:`ModelSpec`;
- :mod:`cxresearch.latent.plspm` -- PLS path models (:func:`pls`), their bootstrap and
  multi-group permutation tests (:func:`pls_mga`), in NumPy;
- :mod:`cxresearch.latent.cbsem` -- covariance-based CFA and SEM (:func:`cfa`,
  :func:`sem`) on semopy;
- :mod:`cxresearch.latent.multigroup` -- measurement invariance across groups
  (:func:`invariance`: the configural, metric, scalar, strict ladder).

Private parts: ``_algorithm`` (the PLS iterations on stacks of covariance matrices) and
``cxresearch._measures`` (alpha, rho_A, rho_c, AVE and HTMT: the one home of each formula, used
here and by :mod:`cxresearch.reliability`).

Every estimate table has the same layout, lavaan's: ``term`` (``"SAT ~ IMAG"``,
``"IMAG =~ imag_1"``, ``"IMAG ~~ SAT"``), ``lhs``, ``op``, ``rhs``, then ``estimate`` and
the columns that apply (``std_error``, ``statistic``, ``p_value``, ``ci_low``,
``ci_high``), and every model's fit statistics are a Series named ``fit``.

Examples
--------
>>> import cxresearch as cx
>>> model = "IMAG =~ IMAG1 + IMAG2 + IMAG3; SAT =~ CUSA1 + CUSA2 + CUSA3; SAT ~ IMAG"
>>> data = cx.load_dataset("mobi")
>>> pls_fit, sem_fit = cx.pls(data, model), cx.sem(data, model)
>>> pls_fit.table["term"].tolist() == sem_fit.table.query("op == '~'")["term"].tolist()
True
>>> list(pls_fit.table.columns[:4]) == list(sem_fit.table.columns[:4]) == [
...     "term",
...     "lhs",
...     "op",
...     "rhs",
... ]
True
"""

from __future__ import annotations

from .cbsem import SEMResult, cfa, sem
from .multigroup import InvarianceResult, invariance
from .plspm import PLSBootstrap, PLSMGAResult, PLSResult, pls, pls_mga
from .syntax import ModelSpec, parse_model

__all__ = [
    "InvarianceResult",
    "ModelSpec",
    "PLSBootstrap",
    "PLSMGAResult",
    "PLSResult",
    "SEMResult",
    "cfa",
    "invariance",
    "parse_model",
    "pls",
    "pls_mga",
    "sem",
]

# PLS-SEM extensions (issue 22): consistent PLS, the model fit test, PLSpredict, IPMA,
# MICOM
from .plspm import MICOMResult, PLScWarning, PLSFitTest, PLSIPMAResult, PLSPredictResult, micom

__all__ += [
    "MICOMResult",
    "PLSFitTest",
    "PLSIPMAResult",
    "PLSPredictResult",
    "PLScWarning",
    "micom",
]

# covariance-based SEM (issue 23): bootstrap of the free and defined parameters
from .cbsem import SEMBootstrap  # noqa: E402

__all__ += ["SEMBootstrap"]
