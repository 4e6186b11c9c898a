"""Hostile input, class by class: property-based tests of the models and analyses.

Each test generates inputs of one class that has ended badly before (a raw library
traceback, a silent wrong answer, a hang) and checks the contract of CONTRIBUTING:

* the right result -- the same numbers as the same data in a harmless form (plain
  names, NumPy dtypes, a fresh index, ordinary units) -- or
* one named error (``TypeError``, ``ValueError``, ``cx.ConvergenceError``) whose
  message names what is wrong;
* never a raw library exception (``KeyError``, ``LinAlgError``, patsy's errors...),
  never a NumPy or statsmodels warning (overflow, singular matrix), never a modified
  input.

The classes: names in any script (Latin, Persian, Cyrillic, digits, punctuation,
integers, words a formula reserves); pandas' nullable dtypes; non-unique indexes and
repeated column names; extreme magnitudes; degenerate models (self-loops, models that
are not identified, collinear composite blocks, items constant within a group);
resample counts. Each test is fast; the ``slow`` variants run many more examples.
"""

from __future__ import annotations

import copy
import re
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import cxresearch as cx
from cxresearch import _design
from cxresearch import _validate as v

ALLOWED = (TypeError, ValueError, cx.ConvergenceError)
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- the contract


def _package_warning(w: warnings.WarningMessage) -> bool:
    """A warning the package issues on purpose (not NumPy's, pandas' or statsmodels')."""
    message = str(w.message)
    if issubclass(w.category, cx.CollinearityWarning | cx.ReverseKeyedWarning):
        return True
    if issubclass(w.category, RuntimeWarning) and message.startswith(("sem:", "cfa:")):
        return True  # an improper solution (Heywood case), worded by cbsem
    return w.category is UserWarning and message.startswith(("cluster:", "by:"))


def _note(text: str) -> None:
    """hypothesis' note inside a property test; nothing in a plain one."""
    from hypothesis.control import currently_in_test_context

    if currently_in_test_context():
        note(text)


def call(fn: Callable[[Any], Any], data: Any, *, names: Any = ()) -> tuple[Any, Exception | None]:
    """``fn(data)`` under the contract: (result, None) or (None, the named error).

    A raw library exception propagates (the test fails with its traceback); a warning
    that is not the package's fails; ``data`` must be unchanged; an error message must
    name one of ``names`` (columns, arguments).
    """
    before = copy.deepcopy(data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result, error = fn(data), None
        except ALLOWED as exc:
            result, error = None, exc
    if isinstance(data, pd.DataFrame):
        pd.testing.assert_frame_equal(data, before, check_exact=True)
    foreign = [f"{w.category.__name__}: {w.message}" for w in caught if not _package_warning(w)]
    assert foreign == [], foreign
    if error is not None:
        message = str(error)
        _note(f"{type(error).__name__}: {message}")
        assert message and len(message) > 20, message
        if names:
            shown = [str(n) for n in names] + [repr(n) for n in names]
            assert any(s in message for s in shown), (message, list(names))
    return result, error


def assert_same_table(ours: pd.DataFrame, reference: pd.DataFrame, columns, rtol=1e-9) -> None:
    for col in columns:
        np.testing.assert_allclose(
            ours[col].to_numpy(dtype=float),
            reference[col].to_numpy(dtype=float),
            rtol=rtol,
            atol=1e-12,
            err_msg=col,
        )


# --------------------------------------------------------------------------- data


def _drivers_data(n: int = 60, seed: int = 3) -> pd.DataFrame:
    """An outcome and two correlated drivers; plain names y, a, b."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = 0.5 * a + rng.normal(size=n)
    y = 1.0 + 0.6 * a - 0.3 * b + rng.normal(size=n)
    return pd.DataFrame({"y": y, "a": a, "b": b})


DRIVERS = _drivers_data()
SURVEY = cx.simulate_survey(240, constructs=["service", "loyalty"], seed=5).data.drop(
    columns="respondent_id"
)
ITEMS = list(SURVEY.columns)  # service_1..4, loyalty_1..4


def _ols_reference() -> np.ndarray:
    return cx.fit_drivers(DRIVERS, "y ~ a + b").table["estimate"].to_numpy()


OLS_REFERENCE = _ols_reference()

# --------------------------------------------------------------------------- names

LATIN = "abcxyzABCXYZ_"
PERSIAN = "رضایتپرسنلقیمتخدمات"
CYRILLIC = "персоналценаЖЩЁ"
DIGITS = "0123456789"
PUNCTUATION = "-.'/()&%$@!?,:~ \"+*^[]{}|=<>#;"
RESERVED = ["Intercept", "C", "Q", "I", "np", "center", "import", "class", "True", "None"]
TEXT_NAMES = st.one_of(
    st.text(
        st.sampled_from(LATIN + PERSIAN + CYRILLIC + DIGITS + PUNCTUATION), min_size=1, max_size=8
    ),
    st.sampled_from([*RESERVED, "1st", "a b", "x.y", "персонал", "رضایت", "a\\b", "a\nb"]),
)
COLUMN_NAMES = st.one_of(TEXT_NAMES, st.integers(-3, 40))


def _reads_as_expression(name: Any, others: list[Any]) -> bool:
    """A name that a formula reads as an expression of other columns (``a-b``): documented
    as the formula's reading, not the column's."""
    if not isinstance(name, str):
        return False
    words = re.findall(r"(?<![\w.])([^\W\d]\w*)", name)
    return bool(words) and all(w in others for w in words)


def check_formula_names(names: list[Any], quote: bool) -> None:
    """Column names of any script and shape: written as formula_name says (quoted where
    needed), the fit equals that of plain names; written raw, it equals it too or names
    the column; a name no formula can hold is refused, naming it."""
    y, a, b = names
    data = DRIVERS.set_axis(names, axis=1)
    quoted = [_design.formula_name(c) for c in names]
    written = [q or str(c) for q, c in zip(quoted, names, strict=True)] if quote else names
    formula = f"{written[0]} ~ {written[1]} + {written[2]}"
    note(formula)
    result, error = call(lambda d: cx.fit_drivers(d, formula), data, names=[*names, "formula"])
    expression = any(_reads_as_expression(c, names) for c in names)
    if error is None and not (expression and not quote):
        np.testing.assert_allclose(result.table["estimate"], OLS_REFERENCE, rtol=1e-9)
        assert result.variables == (y, a, b)
    elif error is not None:
        assert isinstance(error, ValueError)
        # a quoted formula fails only on a name no formula can hold, the name of
        # statsmodels' own intercept term, or a column that hides the function Q(...)
        assert not quote or None in quoted or {"Intercept", "Q"} & set(names), error


@FAST
@given(names=st.lists(COLUMN_NAMES, min_size=3, max_size=3, unique=True), quote=st.booleans())
def test_fit_drivers_names_in_any_script(names, quote):
    check_formula_names(names, quote)


@pytest.mark.slow
@SLOW
@given(names=st.lists(COLUMN_NAMES, min_size=3, max_size=3, unique=True), quote=st.booleans())
def test_fit_drivers_names_in_any_script_many(names, quote):
    check_formula_names(names, quote)


@FAST
@given(
    names=st.lists(TEXT_NAMES, min_size=3, max_size=3, unique=True),
    row=st.integers(0, len(DRIVERS) - 1),
)
def test_a_missing_value_is_named_in_any_script(names, row):
    """missing="raise" refuses a missing value naming its column (Cyrillic, Persian,
    punctuation) and the missing= values that get past it."""
    written = [_design.formula_name(c) for c in names]
    assume(all(w is not None for w in written) and not {"Intercept", "Q"} & set(names))
    data = DRIVERS.set_axis(names, axis=1)
    data.iloc[row, 2] = np.nan
    formula = f"{written[0]} ~ {written[1]} + {written[2]}"
    _, error = call(lambda d: cx.fit_drivers(d, formula), data, names=[names[2]])
    assert isinstance(error, ValueError) and "missing=" in str(error)


def test_unicode_formulas_of_the_issue():
    """The two cases of the issue: a Cyrillic formula with a gap, a Persian outcome."""
    d = DRIVERS.set_axis(["sat", "персонал", "цена"], axis=1)
    d.loc[3, "цена"] = np.nan
    with pytest.raises(ValueError, match=r"'цена' has 1 missing value.*missing='listwise'"):
        cx.fit_drivers(d, "sat ~ персонал + цена")
    persian = d.rename(columns={"sat": "رضایت"})
    res = cx.fit_drivers(persian, "رضایت ~ персонал + цена", missing="listwise")
    assert res.variables[0] == "رضایت" and res.fit["n_dropped"] == 1


@FAST
@given(names=st.lists(COLUMN_NAMES, min_size=3, max_size=3, unique=True))
def test_key_drivers_mediation_and_alpha_take_any_column_name(names):
    """Functions that take column names (not formulas) accept any hashable name and give
    the numbers of plain names."""
    y, a, b = names
    data = DRIVERS.set_axis(names, axis=1)
    dom, _ = call(lambda d: cx.dominance_analysis(d, y=y, x=[a, b]), data, names=names)
    plain = cx.dominance_analysis(DRIVERS, y="y", x=["a", "b"])
    assert list(dom.table["term"]) == [a, b]
    assert_same_table(dom.table, plain.table, ["estimate", "share"])
    med, _ = call(
        lambda d: cx.mediation_analysis(d, x=a, m=b, y=y, n_boot=100, seed=1), data, names=names
    )
    ref = cx.mediation_analysis(DRIVERS, x="a", m="b", y="y", n_boot=100, seed=1)
    assert_same_table(med.table, ref.table, ["estimate", "ci_low", "ci_high"])
    alpha, _ = call(lambda d: cx.cronbach_alpha(d, items=names), data, names=names)
    assert_same_table(alpha, cx.cronbach_alpha(DRIVERS, items=["y", "a", "b"]), ["alpha"])


# latent models: names the model syntax can hold (no spaces, no ~ = < > * + ; #)
SYNTAX_NAMES = st.text(
    st.sampled_from(LATIN + PERSIAN + CYRILLIC + DIGITS + "-.'/()&%$@!?,:^[]{}|\""),
    min_size=1,
    max_size=6,
)


def _latent_model(items: list[str], constructs: tuple[str, str]) -> str:
    first, second = constructs
    return (
        f"{first} =~ {' + '.join(items[:4])}\n{second} =~ {' + '.join(items[4:])}\n"
        f"{second} ~ {first}"
    )


PLAIN_MODEL = _latent_model(ITEMS, ("SERV", "LOY"))
PLS_REFERENCE = cx.pls(SURVEY, PLAIN_MODEL)


@FAST
@given(names=st.lists(SYNTAX_NAMES, min_size=10, max_size=10, unique=True))
def test_pls_takes_any_name_the_syntax_can_hold(names):
    items, constructs = names[:8], (names[8], names[9])
    data = SURVEY.set_axis(items, axis=1)
    fit, error = call(lambda d: cx.pls(d, _latent_model(items, constructs)), data, names=names)
    assert error is None
    assert_same_table(fit.table, PLS_REFERENCE.table, ["estimate"])
    assert_same_table(fit.loadings, PLS_REFERENCE.loadings, ["loading"])
    assert list(fit.loadings["rhs"]) == items and fit.table["term"].iat[0] == (
        f"{constructs[1]} ~ {constructs[0]}"
    )


@pytest.fixture(scope="module")
def sem_reference() -> cx.latent.SEMResult:
    return cx.sem(SURVEY, PLAIN_MODEL)


def _by_term(table: pd.DataFrame, plain: dict[str, str]) -> pd.DataFrame:
    """A latent-model table indexed by its terms in plain names (``~~`` unordered)."""
    keys = []
    for lhs, op, rhs in zip(table["lhs"], table["op"], table["rhs"], strict=True):
        a, b = plain.get(lhs, lhs), plain.get(rhs, rhs)
        keys.append(f"{min(a, b)} ~~ {max(a, b)}" if op == "~~" else f"{a} {op} {b}")
    return table.set_index(pd.Index(keys)).sort_index()


def check_sem_names(names: list[str], reference: Any) -> None:
    items, constructs = names[:8], (names[8], names[9])
    data = SURVEY.set_axis(items, axis=1)
    res, error = call(lambda d: cx.sem(d, _latent_model(items, constructs)), data, names=names)
    assert error is None
    plain = dict(zip([*items, *constructs], [*ITEMS, "SERV", "LOY"], strict=True))
    ours, ref = _by_term(res.table, plain), _by_term(reference.table, {})
    assert list(ours.index) == list(ref.index)
    assert_same_table(ours, ref, ["estimate", "std_error", "std_estimate"], rtol=1e-6)
    assert list(res.reliability["construct"]) == list(constructs)
    assert_same_table(res.reliability, reference.reliability, ["omega", "ave"], rtol=1e-6)


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(SYNTAX_NAMES, min_size=10, max_size=10, unique=True))
def test_sem_takes_names_semopy_cannot_read(names, sem_reference):
    """``q-1``, ``imag/2``, Persian or Cyrillic items: semopy reads few of them (a KeyError
    inside it before); the model is fitted under aliases and reported in the names, with
    the numbers of plain names."""
    check_sem_names(names, sem_reference)


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(SYNTAX_NAMES, min_size=10, max_size=10, unique=True))
def test_sem_takes_names_semopy_cannot_read_many(names, sem_reference):
    check_sem_names(names, sem_reference)


@FAST
@given(name=st.text(st.sampled_from("ab \t~=<>*+;#"), min_size=1, max_size=5))
def test_a_name_the_syntax_cannot_hold_is_named(name):
    assume(re.search(r"[\s~=<>*+;#]", name))
    data = SURVEY.rename(columns={"service_1": f"s{name}1"})
    model = PLAIN_MODEL.replace("service_1", f"s{name}1")
    for fit in (cx.pls, cx.cfa):
        _, error = call(lambda d, fit=fit: fit(d, model), data, names=["model"])
        assert isinstance(error, ValueError)


# --------------------------------------------------------------------------- nullable dtypes

KINDS = ["boolean", "Int64", "Float64", "string", "category"]


def _column(kind: str, n: int, seed: int) -> tuple[pd.Series, pd.Series]:
    """A column of ``kind`` (nullable or categorical) and its plain NumPy counterpart."""
    rng = np.random.default_rng(seed)
    if kind == "boolean":
        plain = pd.Series(rng.uniform(size=n) < 0.5)
    elif kind == "Int64":
        plain = pd.Series(rng.integers(0, 11, size=n))
    elif kind == "Float64":
        plain = pd.Series(rng.normal(size=n))
    else:
        plain = pd.Series(rng.choice(["x", "y", "z"], size=n), dtype=object)
    typed = plain.astype("category" if kind == "category" else kind)
    return typed, plain


def _with_gaps(frame: pd.DataFrame, column: str, rows: list[int]) -> pd.DataFrame:
    out = frame.copy()
    if rows:
        out[column] = out[column].astype(object).where(~out.index.isin(rows), None)
        out[column] = out[column].astype(frame[column].dtype)
    return out


def _driver_cases(kind: str) -> list[tuple[str, Callable, Callable]]:
    """(label, call on a frame with the column "g", the numbers to compare)."""
    est = lambda r: r.table[["estimate", "std_error"]]  # noqa: E731
    cases = [("driver", lambda d, m: cx.fit_drivers(d, "y ~ a + g", missing=m), est)]
    if kind in ("string", "category", "Int64", "boolean"):
        cases.append(("C(driver)", lambda d, m: cx.fit_drivers(d, "y ~ a + C(g)", missing=m), est))
    if kind in ("Int64", "Float64"):
        cases += [
            ("outcome", lambda d, m: cx.fit_drivers(d, "g ~ a + b", missing=m), est),
            (
                "dominance",
                lambda d, m: cx.dominance_analysis(d, y="y", x=["a", "g"], missing=m),
                lambda r: r.table[["estimate", "share"]],
            ),
            (
                "mediator",
                lambda d, m: cx.mediation_analysis(
                    d, x="a", m="g", y="y", n_boot=100, seed=2, missing=m, as_numeric="g"
                ),
                lambda r: r.table[["estimate", "ci_low", "ci_high"]],
            ),
            (
                "alpha",
                lambda d, m: cx.cronbach_alpha(d, items=["a", "b", "g"], missing=m),
                lambda r: r[["alpha", "ci_low", "ci_high"]],
            ),
        ]
    if kind == "boolean":
        cases.append(
            (
                "logit outcome",
                lambda d, m: cx.fit_drivers(d, "g ~ a + b", family="logit", missing=m),
                est,
            )
        )
    if kind in ("boolean", "string", "category", "Int64"):
        cases.append(
            (
                "nps by",
                lambda d, m: cx.nps(d, score="s", by="g", missing=m),
                lambda r: r.drop(columns=["g", "n_dropped"], errors="ignore").select_dtypes(
                    "number"
                ),
            )
        )
    return cases


def check_nullable(kind: str, case: int, gaps: list[int], missing: str, seed: int) -> None:
    """The result on a nullable (or categorical) column is the result on its plain NumPy
    counterpart without the incomplete rows; missing="raise" refuses a gap naming it."""
    cases = _driver_cases(kind)
    label, fn, numbers = cases[case % len(cases)]
    note(f"{kind} as {label}, gaps at {gaps}, missing={missing!r}")
    typed, plain = _column(kind, len(DRIVERS), seed)
    scores = pd.Series(np.random.default_rng(seed + 1).integers(0, 11, size=len(DRIVERS)))
    data = _with_gaps(DRIVERS.assign(g=typed, s=scores.astype("Int64")), "g", gaps)
    result, error = call(lambda d: fn(d, missing), data, names=["g", "s", "y", "formula"])
    if gaps and missing == "raise":
        assert isinstance(error, ValueError) and "missing=" in str(error), error
        return
    keep = ~DRIVERS.index.isin(gaps)
    reference_data = DRIVERS.assign(g=plain, s=scores)[keep]
    if kind == "category":
        reference_data["g"] = reference_data["g"].astype("category")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the contract is checked on the call above
            reference, ref_error = fn(reference_data, "raise"), None
    except ALLOWED as exc:
        reference, ref_error = None, exc
    if ref_error is not None:
        assert type(error) is type(ref_error), (error, ref_error)
        return
    assert error is None, error
    ours, ref = numbers(result), numbers(reference)
    assert list(ours.columns) == list(ref.columns)
    assert_same_table(ours, ref, ref.columns, rtol=1e-8)


NULLABLE_CASES = dict(
    kind=st.sampled_from(KINDS),
    case=st.integers(0, 20),
    gaps=st.lists(st.integers(0, len(DRIVERS) - 1), max_size=4, unique=True),
    missing=st.sampled_from(["raise", "listwise"]),
    seed=st.integers(0, 2**16),
)


@FAST
@given(**NULLABLE_CASES)
def test_nullable_dtypes_give_the_numbers_of_numpy_dtypes(kind, case, gaps, missing, seed):
    check_nullable(kind, case, gaps, missing, seed)


@pytest.mark.slow
@SLOW
@given(**NULLABLE_CASES)
def test_nullable_dtypes_give_the_numbers_of_numpy_dtypes_many(kind, case, gaps, missing, seed):
    check_nullable(kind, case, gaps, missing, seed)


@FAST
@given(kind=st.sampled_from(["Int64", "Float64"]), gap=st.booleans())
def test_nullable_items_in_latent_models(kind, gap):
    data = SURVEY.copy()
    data["service_2"] = data["service_2"].astype("Int64").astype(kind)
    if gap:
        data.loc[7, "service_2"] = pd.NA
    fit, error = call(lambda d: cx.pls(d, PLAIN_MODEL, missing="listwise"), data, names=["model"])
    reference = cx.pls(SURVEY.drop(index=[7] if gap else []), PLAIN_MODEL)
    assert error is None and fit.n_dropped == int(gap)
    assert_same_table(fit.table, reference.table, ["estimate"])
    assert_same_table(fit.weights, reference.weights, ["weight"])


# --------------------------------------------------------------------------- indexes


def _rich(seed: int = 11) -> pd.DataFrame:
    """DRIVERS with survey weights ``w``, a group ``g``, a 0-10 score ``s``, a 0/1 ``yb``."""
    rng = np.random.default_rng(seed)
    n = len(DRIVERS)
    out = DRIVERS.assign(
        w=rng.uniform(0.5, 2.0, size=n),
        g=rng.integers(0, 6, size=n),
        s=rng.integers(0, 11, size=n),
        yb=(rng.uniform(size=n) < 1 / (1 + np.exp(-DRIVERS["a"]))).astype(int),
    )
    out["m"] = 0.5 * out["a"] + rng.normal(size=n)
    out["c"] = 0.6 * out["b"] + rng.normal(size=n)
    out["y"] += rng.normal(size=6)[out["g"]]  # a group effect: the mixed model has one to find
    return out


RICH = _rich()


def _hostile_index(kind: str, n: int, seed: int) -> pd.Index:
    rng = np.random.default_rng(seed)
    if kind == "constant":
        return pd.Index([7] * n)
    if kind == "repeats":
        return pd.Index(rng.integers(0, max(2, n // 4), size=n))
    if kind == "strings":
        return pd.Index(rng.choice(["r", "s", "персонал", "رضایت"], size=n))
    if kind == "nan":
        return pd.Index(np.where(rng.uniform(size=n) < 0.5, np.nan, 1.0))
    if kind == "multi":
        return pd.MultiIndex.from_arrays([rng.integers(0, 3, size=n), rng.integers(0, 2, size=n)])
    if kind == "datetime":
        return pd.DatetimeIndex(rng.choice(pd.date_range("2024-01-01", periods=3), size=n))
    return pd.Index(rng.permutation(n) * 10)  # unique, shuffled


INDEX_KINDS = ["constant", "repeats", "strings", "nan", "multi", "datetime", "shuffled"]

#: (label, call with missing=, the numbers to compare): every function that takes rows
ROW_CASES: list[tuple[str, Callable, Callable]] = [
    (
        "ols weights",
        lambda d, m: cx.fit_drivers(d, "y ~ a + b", weights="w", missing=m),
        lambda r: r.table[["estimate", "std_error"]],
    ),
    (
        "logit weights",
        lambda d, m: cx.fit_drivers(d, "yb ~ a + b", family="logit", weights="w", missing=m),
        lambda r: r.marginal_effects[["estimate", "std_error"]],
    ),
    (
        "ols cluster",
        lambda d, m: cx.fit_drivers(d, "y ~ a + b", cluster="g", missing=m),
        lambda r: r.table[["estimate", "std_error"]],
    ),
    (
        "mixed",
        lambda d, m: cx.fit_drivers(d, "y ~ a + b", family="mixed", groups="g", missing=m),
        lambda r: r.table[["estimate", "std_error"]],
    ),
    (
        "dominance weights",
        lambda d, m: cx.dominance_analysis(
            d, y="y", x=["a", "b"], weights="w", n_boot=20, seed=3, missing=m
        ),
        lambda r: r.table[["estimate", "std_error", "ci_low"]],
    ),
    (
        "mediation weights",
        lambda d, m: cx.mediation_analysis(
            d, x="a", m="m", y="y", weights="w", n_boot=100, seed=3, missing=m
        ),
        lambda r: r.table[["estimate", "ci_low", "ci_high"]],
    ),
    (
        "penalty-reward weights",
        lambda d, m: cx.penalty_reward(
            d, y="y", x=["a", "b"], low=-0.5, high=0.5, weights="w", missing=m
        ),
        lambda r: r.table[["penalty", "reward", "penalty_std_error", "n_low"]],
    ),
    (
        "nps by weights",
        lambda d, m: cx.nps(d, score="s", by="g", weights="w", missing=m),
        lambda r: r.select_dtypes("number"),
    ),
    (
        "csat by",
        lambda d, m: cx.csat(d, score="s", scale=(0, 10), by="yb", missing=m),
        lambda r: r.select_dtypes("number"),
    ),
    (
        "mean test weights",
        lambda d, m: cx.mean_test(d, score="y", by="yb", weights="w", missing=m),
        lambda r: r.select_dtypes("number"),
    ),
    (
        "alpha weights",
        lambda d, m: cx.cronbach_alpha(d, items=["a", "b", "m"], weights="w", missing=m),
        lambda r: r.select_dtypes("number"),
    ),
    (
        "pls_mga",
        lambda d, m: cx.pls_mga(
            d, "A =~ a + m; B =~ b + c; B ~ A", by="yb", n_perm=30, seed=2, missing=m
        ),
        lambda r: r.table[["estimate_1", "estimate_2", "p_value"]],
    ),
    (
        "nps test weights",
        lambda d, m: cx.nps_test(d, score="s", by="yb", weights="w", missing=m),
        lambda r: r.select_dtypes("number"),
    ),
    (
        "likert table by",
        lambda d, m: cx.likert_table(
            d, items=["s"], scale=(0, 10), by="yb", weights="w", missing=m
        ),
        lambda r: r[["n", "pct"]],
    ),
    (
        "fornell-larcker",
        lambda d, m: cx.fornell_larcker(
            d, constructs={"A": ["a", "m"], "B": ["b", "c"]}, missing=m
        ),
        lambda r: r.select_dtypes("number"),
    ),
    (
        "importance-performance weights",
        lambda d, m: cx.importance_performance(d, y="y", x=["a", "b"], weights="w", missing=m),
        lambda r: r.table[["importance", "performance"]],
    ),
]


def check_index(kind: str, case: int, gaps: list[int], seed: int) -> None:
    """A non-unique (or NaN, MultiIndex, datetime) index gives the numbers of a fresh
    RangeIndex: rows are rows, whatever their labels."""
    label, fn, numbers = ROW_CASES[case % len(ROW_CASES)]
    note(f"{label} on a {kind} index, gaps at {gaps}")
    plain = RICH.copy()
    for j, row in enumerate(gaps):
        plain.iloc[row, j % 4] = np.nan  # y, a, b or w
    data = plain.set_axis(_hostile_index(kind, len(plain), seed), axis=0)
    missing = "listwise" if gaps else "raise"
    result, error = call(lambda d: fn(d, missing), data, names=["w", "y", "a", "b", "data"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reference, ref_error = fn(plain, missing), None
        except ALLOWED as exc:
            reference, ref_error = None, exc
    if ref_error is not None:
        assert type(error) is type(ref_error), (error, ref_error)
        return
    assert error is None, error
    ours, ref = numbers(result), numbers(reference)
    assert_same_table(ours, ref, ref.columns, rtol=1e-8)


INDEX_CASES = dict(
    kind=st.sampled_from(INDEX_KINDS),
    case=st.integers(0, len(ROW_CASES) - 1),
    gaps=st.lists(st.integers(0, len(DRIVERS) - 1), max_size=3, unique=True),
    seed=st.integers(0, 2**16),
)


@FAST
@given(**INDEX_CASES)
def test_rows_with_any_index_give_the_numbers_of_a_range_index(kind, case, gaps, seed):
    check_index(kind, case, gaps, seed)


@pytest.mark.slow
@SLOW
@given(**INDEX_CASES)
def test_rows_with_any_index_give_the_numbers_of_a_range_index_many(kind, case, gaps, seed):
    check_index(kind, case, gaps, seed)


@FAST
@given(kind=st.sampled_from(INDEX_KINDS), seed=st.integers(0, 2**16), gap=st.booleans())
def test_pls_scores_keep_any_index(kind, seed, gap):
    plain = SURVEY.copy()
    if gap:
        plain.iloc[5, 0] = np.nan
    index = _hostile_index(kind, len(plain), seed)
    fit, error = call(
        lambda d: cx.pls(d, PLAIN_MODEL, missing="listwise"), plain.set_axis(index, axis=0)
    )
    reference = cx.pls(plain, PLAIN_MODEL, missing="listwise")
    assert error is None
    assert_same_table(fit.table, reference.table, ["estimate"])
    keep = np.ones(len(plain), dtype=bool)
    keep[5] = not gap
    assert fit.scores.index.equals(index[keep])
    np.testing.assert_allclose(fit.scores.to_numpy(), reference.scores.to_numpy(), rtol=1e-10)


#: (label, call, the repeated column)
REPEATED: list[tuple[str, Callable, str]] = [
    ("fit_drivers weights", lambda d: cx.fit_drivers(d, "y ~ a + b", weights="w"), "w"),
    ("fit_drivers driver", lambda d: cx.fit_drivers(d, "y ~ a + b"), "a"),
    ("fit_drivers dot", lambda d: cx.fit_drivers(d[["y", "a", "b"]], "y ~ ."), "a"),
    ("dominance", lambda d: cx.dominance_analysis(d, y="y", x=["a", "b"]), "b"),
    (
        "dominance weights",
        lambda d: cx.dominance_analysis(d, y="y", x=["a", "b"], weights="w"),
        "w",
    ),
    ("mediation", lambda d: cx.mediation_analysis(d, x="a", m="m", y="y", n_boot=100), "m"),
    ("penalty-reward", lambda d: cx.penalty_reward(d, y="y", x=["a"], low=-1, high=1), "y"),
    ("nps", lambda d: cx.nps(d, score="s", by="g"), "s"),
    ("nps by", lambda d: cx.nps(d, score="s", by="g"), "g"),
    ("alpha", lambda d: cx.cronbach_alpha(d, items=["a", "b", "m"]), "m"),
    ("htmt", lambda d: cx.htmt(d, constructs={"A": ["a", "m"], "B": ["b", "y"]}), "b"),
]


@pytest.mark.parametrize(("label", "fn", "column"), REPEATED, ids=[r[0] for r in REPEATED])
def test_a_repeated_column_name_is_refused_naming_it(label, fn, column):
    """pandas.concat of overlapping frames repeats a column name; data[name] is then a
    DataFrame. Every entry point refuses it, naming the column."""
    data = pd.concat([RICH, RICH[[column]]], axis=1)
    _, error = call(fn, data, names=[column])
    assert isinstance(error, ValueError) and "appears 2 times" in str(error), error


@pytest.mark.parametrize("fit", [cx.pls, cx.cfa])
def test_a_repeated_item_column_is_refused_in_latent_models(fit):
    data = pd.concat([SURVEY, SURVEY[["service_3"]]], axis=1)
    _, error = call(lambda d: fit(d, PLAIN_MODEL.replace("\nLOY ~ SERV", "")), data)
    assert isinstance(error, ValueError) and "'service_3' appears 2 times" in str(error)


# --------------------------------------------------------------------------- magnitudes

#: (label, call, the numbers that do not depend on the units, the columns to rescale)
MAGNITUDE_CASES: list[tuple[str, Callable, Callable, list[str]]] = [
    (
        "ols",
        lambda d: cx.fit_drivers(d, "y ~ a + b"),
        lambda r: r.table[["statistic", "p_value"]],
        ["y", "a", "b"],
    ),
    (
        "ols weights",
        lambda d: cx.fit_drivers(d, "y ~ a + b", weights="w"),
        lambda r: r.table[["estimate", "statistic"]],
        ["w"],
    ),
    (
        "logit",
        lambda d: cx.fit_drivers(d, "yb ~ a + b", family="logit"),
        lambda r: r.table[["statistic", "p_value"]].iloc[1:],
        ["a", "b"],
    ),
    (
        "dominance",
        lambda d: cx.dominance_analysis(d, y="y", x=["a", "b", "m"]),
        lambda r: r.table[["estimate", "share"]],
        ["y", "a", "b", "m"],
    ),
    (
        "relative weights",
        lambda d: cx.relative_weights(d, y="y", x=["a", "b", "m"], weights="w"),
        lambda r: r.table[["estimate", "share"]],
        ["y", "a", "b", "m", "w"],
    ),
    (
        "mediation",
        lambda d: cx.mediation_analysis(d, x="a", m="m", y="y", n_boot=100, seed=4),
        lambda r: r.table[["statistic", "p_value"]].iloc[:4],  # the indirect effect: no z
        ["a", "m", "y"],
    ),
    (
        "penalty-reward",
        lambda d: cx.penalty_reward(d, y="y", x=["a", "b"], low=-0.5, high=0.5),
        lambda r: r.table[["penalty_p_value", "reward_p_value", "asymmetry"]],
        ["y"],
    ),
    (
        "alpha",
        lambda d: cx.cronbach_alpha(d, items=["a", "m", "b"], standardized=True),
        lambda r: r[["alpha"]],
        ["a", "m", "b"],
    ),
    (
        "mean test",
        lambda d: cx.mean_test(d, score="y", by="yb"),
        lambda r: r[["statistic", "p_value"]],
        ["y"],
    ),
    ("nps", lambda d: cx.nps(d, score="s"), lambda r: r[["nps"]], ["s"]),
    ("nps weights", lambda d: cx.nps(d, score="s", weights="w"), lambda r: r[["nps"]], ["w"]),
    (
        "likert table weights",
        lambda d: cx.likert_table(d, items=["s"], scale=(0, 10), weights="w"),
        lambda r: r[["pct"]],
        ["w"],
    ),
    (
        "item statistics",
        lambda d: cx.item_statistics(d, items=["a", "m", "b"]),
        lambda r: r[["corrected_item_total_r", "alpha_if_deleted"]],
        ["a", "m", "b"],
    ),
    (
        "reliability table",
        lambda d: cx.reliability_table(d, constructs={"A": ["a", "m"], "B": ["b", "c"]}),
        lambda r: r[["rho_c", "ave"]],
        ["a", "m", "b", "c"],
    ),
    (
        "htmt",
        lambda d: cx.htmt(d, constructs={"A": ["a", "m"], "B": ["b", "c"]}, absolute=True),
        lambda r: r[["htmt"]],
        ["a", "m", "b", "c"],
    ),
    (
        "conditional dominance",
        lambda d: cx.conditional_dominance(d, y="y", x=["a", "b"], weights="w"),
        lambda r: r[["estimate"]],
        ["y", "a", "b", "w"],
    ),
    (
        "importance-performance",
        lambda d: cx.importance_performance(d, y="y", x=["a", "b"], importance="correlation"),
        lambda r: r.table[["importance"]],
        ["y", "a", "b"],
    ),
    (
        "penalty-reward weights",
        lambda d: cx.penalty_reward(d, y="y", x=["a", "b"], low=-0.5, high=0.5, weights="w"),
        lambda r: r.table[["penalty", "reward"]],
        ["w"],
    ),
    (
        "mediation weights",
        lambda d: cx.mediation_analysis(d, x="a", m="m", y="y", n_boot=100, seed=4, weights="w"),
        lambda r: r.table[["estimate", "ci_low"]],
        ["w"],
    ),
    (
        "pls",
        lambda d: cx.pls(d.rename(columns={"m": "a2"}), "A =~ a + a2; Y =~ y + b; Y ~ A"),
        lambda r: r.table[["estimate"]],
        ["a", "m", "y", "b"],
    ),
]


#: Cases whose numbers depend on the units: a 0-10 score; item-total correlations of the
#: raw sum, which a rescaled item dominates.
IN_UNITS = {"nps", "item statistics"}


def check_magnitude(case: int, column: int, exponent: int, whole: bool, row: int) -> None:
    """A column in other units (times 10**e, e from -330 to 310), or one extreme cell:
    the numbers that do not depend on units stay the same, or a ValueError names the
    column (magnitude, infinite values, the scale); never an overflow warning, NaN or
    a raw error."""
    label, fn, numbers, columns = MAGNITUDE_CASES[case % len(MAGNITUDE_CASES)]
    col = columns[column % len(columns)]
    data = RICH.copy()
    factor = 10.0**exponent if exponent < 309 else np.inf
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        if whole:
            data[col] = data[col] * factor
        else:
            data[col] = data[col].astype(float)
            data.iloc[row, data.columns.get_loc(col)] = np.copysign(factor, RICH[col].iat[row] or 1)
    note(f"{label}: {col} {'times' if whole else 'one cell at'} 1e{exponent}")
    result, error = call(fn, data, names=[col, "formula", "model"])
    if error is not None:
        assert isinstance(error, ValueError), error
        return
    ours = numbers(result).to_numpy(dtype=float)
    assert np.isfinite(ours).all(), ours
    if whole and exponent != 0 and label not in IN_UNITS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = numbers(fn(RICH)).to_numpy(dtype=float)
        np.testing.assert_allclose(ours, reference, rtol=1e-6, atol=1e-9)


MAGNITUDES = dict(
    case=st.integers(0, len(MAGNITUDE_CASES) - 1),
    column=st.integers(0, 4),
    exponent=st.one_of(st.integers(-330, 310), st.sampled_from([-324, -308, -101, 101, 200, 308])),
    whole=st.booleans(),
    row=st.integers(0, len(DRIVERS) - 1),
)


@FAST
@given(**MAGNITUDES)
def test_extreme_magnitudes_are_handled_or_named(case, column, exponent, whole, row):
    check_magnitude(case, column, exponent, whole, row)


@pytest.mark.slow
@SLOW
@given(**MAGNITUDES)
def test_extreme_magnitudes_are_handled_or_named_many(case, column, exponent, whole, row):
    check_magnitude(case, column, exponent, whole, row)


@pytest.mark.parametrize("value", [1e308, -1e308, 1e-320, 1e200])
@pytest.mark.parametrize("fit", [cx.sem, cx.pls])
def test_one_extreme_item_value_in_latent_models_is_named(fit, value):
    """Overflow is not reported as non-convergence: the column and its magnitude are."""
    data = SURVEY.astype(float)
    data.iloc[3, 1] = value
    result, error = call(lambda d: fit(d, PLAIN_MODEL), data, names=["service_2"])
    if value == 1e-320:  # a value next to 0 among answers of 1 to 7: the fit is ordinary
        assert error is None and np.isfinite(result.table["estimate"]).all()
    else:
        assert isinstance(error, ValueError) and "magnitude" in str(error)


# --------------------------------------------------------------------------- degenerate models

THREE = cx.simulate_survey(300, constructs=["service", "value", "loyalty"], seed=8).data
BLOCKS = {
    "SERV": ["service_1", "service_2", "service_3"],
    "VAL": ["value_1", "value_2", "value_3"],
    "LOY": ["loyalty_1", "loyalty_2", "loyalty_3"],
}
PATHS = [(a, b) for a in BLOCKS for b in BLOCKS]  # (from, to), self-loops included


def _path_model(paths: list[tuple[str, str]]) -> str:
    lines = [f"{c} =~ {' + '.join(items)}" for c, items in BLOCKS.items()]
    return "\n".join([*lines, *(f"{b} ~ {a}" for a, b in paths)])


def check_sem_structure(paths: list[tuple[str, str]]) -> None:
    """Any set of paths among three factors, self-loops and feedback loops included: a
    self-loop is refused by the parser; otherwise an identified fit with sensible
    standard errors, or an error saying the model is not identified (or did not
    converge) -- never the absurd standard errors of a non-identified fit."""
    model = _path_model(paths)
    note(model)
    result, error = call(lambda d: cx.sem(d, model), THREE, names=["model", "sem"])
    if any(a == b for a, b in paths):
        assert isinstance(error, ValueError) and "self-loop" in str(error)
    elif error is not None:
        assert isinstance(error, ValueError | cx.ConvergenceError)
        assert isinstance(error, cx.ConvergenceError) or "not identified" in str(error), error
    else:
        se = result.table.loc[result.table["free"], "std_error"].to_numpy()
        assert np.isfinite(se).all() and se.max() < 100, result.table


@settings(max_examples=6, deadline=None)
@given(paths=st.lists(st.sampled_from(PATHS), max_size=4, unique=True))
def test_sem_refuses_self_loops_and_unidentified_structures(paths):
    check_sem_structure(paths)


@pytest.mark.slow
@settings(max_examples=80, deadline=None)
@given(paths=st.lists(st.sampled_from(PATHS), max_size=5, unique=True))
def test_sem_refuses_self_loops_and_unidentified_structures_many(paths):
    check_sem_structure(paths)


def test_sem_cases_of_the_issue():
    """The self-loop (estimate -0.58, p = 1e-7 before) and the reciprocal path (SE
    722,031 before) of the issue."""
    mobi = cx.load_dataset("mobi")
    base = "IMAG =~ IMAG1 + IMAG2 + IMAG3; SAT =~ CUSA1 + CUSA2 + CUSA3; SAT ~ IMAG"
    with pytest.raises(ValueError, match=r"model line 1: 'SAT ~ SAT' is a self-loop"):
        cx.sem(mobi, base + "; SAT ~ SAT")
    with pytest.raises(ValueError, match=r"not identified: the parameters \[.*'IMAG ~ SAT'"):
        cx.sem(mobi, base + "; IMAG ~ SAT")


@FAST
@given(paths=st.lists(st.sampled_from(PATHS), min_size=1, max_size=4, unique=True))
def test_pls_refuses_self_loops_and_cycles(paths):
    model = _path_model(paths)
    result, error = call(lambda d: cx.pls(d, model), THREE, names=["model"])
    linked = {c for p in paths for c in p}
    if any(a == b for a, b in paths):
        assert "self-loop" in str(error)
    elif error is not None:
        assert isinstance(error, ValueError)
        assert "cycle" in str(error) or linked != set(BLOCKS), error
    else:
        assert np.isfinite(result.table["estimate"]).all()


COLLINEAR = dict(
    block=st.sampled_from(list(BLOCKS)),
    coefficients=st.lists(st.integers(-3, 3).filter(bool), min_size=1, max_size=2),
    shift=st.integers(-5, 5),
    mode=st.sampled_from(["<~", "=~"]),
)


def check_collinear_block(block: str, coefficients: list[int], shift: int, mode: str) -> None:
    """A block whose last item is an exact linear combination of others: a composite
    ('<~') cannot be estimated and the error names the items; reflective ('=~') weights
    stay finite."""
    items = BLOCKS[block]
    used = items[: len(coefficients)]
    data = THREE.copy()
    data["combo"] = shift + sum(c * data[i] for c, i in zip(coefficients, used, strict=True))
    blocks = {**BLOCKS, block: [*items, "combo"]}
    lines = [f"{c} {mode if c == block else '=~'} {' + '.join(i)}" for c, i in blocks.items()]
    model = "\n".join([*lines, "VAL ~ SERV", "LOY ~ SERV + VAL"])
    note(model)
    result, error = call(lambda d: cx.pls(d, model), data, names=["combo"])
    if mode == "<~":
        assert isinstance(error, ValueError) and "exactly collinear" in str(error), error
        assert all(repr(i) in str(error) for i in [*used, "combo"]), error
    else:
        assert error is None and np.isfinite(result.weights["weight"]).all()


@FAST
@given(**COLLINEAR)
def test_collinear_composite_items_are_named(block, coefficients, shift, mode):
    check_collinear_block(block, coefficients, shift, mode)


@pytest.mark.slow
@SLOW
@given(**COLLINEAR)
def test_collinear_composite_items_are_named_many(block, coefficients, shift, mode):
    check_collinear_block(block, coefficients, shift, mode)


def test_perfectly_correlated_predictor_scores_are_named():
    data = THREE.assign(copy=3 * THREE["value_1"] - 2)
    model = "A =~ value_1; B =~ copy; L =~ loyalty_1 + loyalty_2; L ~ A + B"
    with pytest.raises(ValueError, match=r"scores of constructs \['A', 'B'\].*predict 'L'"):
        cx.pls(data, model)


MGA_MODEL = "SERV =~ service_1 + service_2 + service_3\nLOY =~ loyalty_1 + loyalty_2\nLOY ~ SERV"
GROUPED = THREE.assign(segment=np.where(np.arange(len(THREE)) % 3 == 0, "a", "b"))


def check_constant_in_group(item: str, group: str, value: float, noise: int) -> None:
    """An item constant within one group -- exactly, or up to rounding (``0.1 + 0.2``
    against ``0.3``, a variance of 1e-33 that passed a ``<= 0`` check) -- is named with
    its group; the permutation test does not run on noise."""
    data = GROUPED.astype({item: float})
    rows = np.flatnonzero(data["segment"].to_numpy() == group)
    tiny = value * np.finfo(float).eps * np.arange(len(rows)) % (noise + 1)
    data.iloc[rows, data.columns.get_loc(item)] = value + tiny
    _, error = call(
        lambda d: cx.pls_mga(d, MGA_MODEL, by="segment", n_perm=20, seed=1), data, names=[item]
    )
    assert isinstance(error, ValueError) and "by:" in str(error) and repr(group) in str(error)


CONSTANT_IN_GROUP = dict(
    item=st.sampled_from(["service_1", "service_2", "loyalty_1"]),
    group=st.sampled_from(["a", "b"]),
    value=st.sampled_from([0.1 + 0.2, 3.0, 1e-3, 7.0]),
    noise=st.integers(0, 3),
)


@FAST
@given(**CONSTANT_IN_GROUP)
def test_pls_mga_names_an_item_constant_within_a_group(item, group, value, noise):
    check_constant_in_group(item, group, value, noise)


def test_pls_mga_collinear_composite_within_a_group_is_named():
    data = GROUPED.copy()
    a = data["segment"] == "a"
    data["mix"] = np.where(a, data["service_1"], data["service_2"] + data["service_3"])
    model = "SERV <~ service_1 + mix + service_3\nLOY =~ loyalty_1 + loyalty_2\nLOY ~ SERV"
    with pytest.raises(ValueError, match=r"by: in group 'a': the items \['service_1', 'mix'\]"):
        cx.pls_mga(data, model, by="segment", n_perm=20, seed=1)


def test_pls_bootstrap_redraws_resamples_that_make_a_composite_singular():
    """A rare answer can make a composite's items collinear in a resample: it is redrawn
    (counted), not a LinAlgError."""
    data = THREE.copy()
    data["rare"] = data["service_1"] + 100.0 * (np.arange(len(data)) < 4)
    model = "SERV <~ service_1 + rare + service_2\nLOY =~ loyalty_1 + loyalty_2\nLOY ~ SERV"
    boot, error = call(lambda d: cx.pls(d, model).bootstrap(n_boot=200, seed=3), data)
    assert error is None and boot.n_redrawn > 0
    assert np.isfinite(boot.table["std_error"]).all()


# --------------------------------------------------------------------------- resample counts

#: (function, its count argument, the smallest count it accepts, a call with that count)
COUNTS: list[tuple[str, str, int, Callable[[Any], Any]]] = [
    ("mediation_analysis", "n_boot", 100,
     lambda k: cx.mediation_analysis(RICH, x="a", m="m", y="y", n_boot=k, seed=1)),
    ("dominance_analysis", "n_boot", 0,
     lambda k: cx.dominance_analysis(RICH, y="y", x=["a", "b"], n_boot=k, seed=1)),
    ("relative_weights", "n_boot", 0,
     lambda k: cx.relative_weights(RICH, y="y", x=["a", "b"], n_boot=k, seed=1)),
    ("nps", "n_boot", 100, lambda k: cx.nps(RICH, score="s", method="bootstrap", n_boot=k)),
    ("PLSResult.bootstrap", "n_boot", 2, lambda k: PLS_REFERENCE.bootstrap(n_boot=k, seed=1)),
    ("pls_mga", "n_perm", 1,
     lambda k: cx.pls_mga(GROUPED, MGA_MODEL, by="segment", n_perm=k, seed=1)),
    ("fit_drivers", "n_imputations", 2,
     lambda k: cx.fit_drivers(DRIVERS, "y ~ a + b", missing="mice", n_imputations=k, seed=1)),
]  # fmt: skip

BAD_COUNTS = st.one_of(
    st.integers(v.MAX_RESAMPLES + 1, 10**15),
    st.integers(-(10**9), -1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=4),
    st.just(None),
    st.just(np.float64(1000.0)),
)


@settings(max_examples=40, deadline=None)
@given(which=st.integers(0, len(COUNTS) - 1), count=BAD_COUNTS)
def test_resample_counts_are_bounded_and_typed(which, count):
    """Every count of resamples, permutations or imputations goes through one check:
    an integer from the function's minimum to MAX_RESAMPLES (10**6), refused at once
    (no hang) naming the argument and, above it, the limit."""
    name, argument, minimum, fn = COUNTS[which]
    start = time.perf_counter()
    _, error = call(lambda _: fn(count), None, names=[argument])
    assert time.perf_counter() - start < 5, name
    if isinstance(count, int) and not isinstance(count, bool) and count >= minimum:
        assert isinstance(error, ValueError) and "1000000" in str(error), (name, error)
    else:
        assert isinstance(error, TypeError | ValueError), (name, error)


def test_the_resample_count_check():
    assert v.check_resample_count(10**6, "n_boot") == 10**6
    assert v.check_resample_count(np.int64(500), "n_perm") == 500
    with pytest.raises(ValueError, match=r"n_boot must be at most 1000000 \(MAX_RESAMPLES"):
        v.check_resample_count(10**6 + 1, "n_boot")
    with pytest.raises(ValueError, match="n_boot must be at least 100"):
        v.check_resample_count(99, "n_boot", minimum=100)
    with pytest.raises(TypeError, match="n_perm must be an integer"):
        v.check_resample_count(True, "n_perm")


# ------------------------------------------------------------- runaway sizes elsewhere


@given(n=st.integers(1, 10**12), periods=st.integers(1, 120))
@settings(max_examples=30, deadline=None)
def test_a_runaway_panel_is_refused_before_it_is_made(n, periods):
    assume(n * periods > 30_000_000)
    with pytest.raises(ValueError, match=r"n_customers (x n_periods )?must be"):
        cx.simulate_panel(n, periods, seed=1)


@given(n_sims=st.integers(10**6 + 1, 10**15))
@settings(max_examples=20, deadline=None)
def test_power_refuses_a_runaway_number_of_simulations(n_sims):
    with pytest.raises(ValueError, match="n_sims must be at most 1000000"):
        cx.power_interaction([100], n_sims=n_sims, seed=1, progress=False)


def test_power_reads_a_quoted_tilde_as_a_name():
    from cxresearch.power import _split_formula

    assert _split_formula('y ~ Q("a~b") + c') == ("y", 'Q("a~b") + c')
    with pytest.raises(ValueError, match="exactly one '~'"):
        _split_formula("y ~ a ~ b")
