"""The shared lavaan-style model syntax (cxresearch/latent/syntax.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxresearch.latent.syntax import Construct, ModelSpec, check_model_data, parse_model

ECSI = """
# measurement
IMAG =~ IMAG1 + IMAG2 + IMAG3   # image
EXPE =~ CUEX1 + CUEX2
      # a blank line follows

SAT  <~ CUSA1 + CUSA2
# structure
EXPE ~ IMAG
SAT ~ IMAG + EXPE
"""


@pytest.fixture
def data():
    rng = np.random.default_rng(1)
    cols = ["IMAG1", "IMAG2", "IMAG3", "CUEX1", "CUEX2", "CUSA1", "CUSA2"]
    return pd.DataFrame(rng.normal(size=(20, len(cols))), columns=cols)


def test_parse_constructs_paths_and_modes():
    spec = parse_model(ECSI)
    assert spec.constructs == (
        Construct("IMAG", ("IMAG1", "IMAG2", "IMAG3"), "A"),
        Construct("EXPE", ("CUEX1", "CUEX2"), "A"),
        Construct("SAT", ("CUSA1", "CUSA2"), "B"),
    )
    assert spec.paths == (("IMAG", "EXPE"), ("IMAG", "SAT"), ("EXPE", "SAT"))
    assert spec.covariances == ()
    assert spec.items == ("IMAG1", "IMAG2", "IMAG3", "CUEX1", "CUEX2", "CUSA1", "CUSA2")
    assert spec.endogenous == ("EXPE", "SAT")
    assert spec.exogenous == ("IMAG",)
    assert spec.construct("SAT").operator == "<~"


def test_semicolons_covariances_and_repeated_block():
    spec = parse_model("F =~ a + b; F =~ c\nG =~ d + e\nG ~ F\na ~~ b")
    assert spec.construct("F").items == ("a", "b", "c")
    assert spec.covariances == (("a", "b"),)


def test_to_lavaan_round_trips():
    spec = parse_model(ECSI)
    assert parse_model(spec.to_lavaan()) == spec
    assert spec.to_lavaan().splitlines()[-1] == "SAT ~ IMAG + EXPE"


def test_spec_is_frozen():
    spec = parse_model(ECSI)
    with pytest.raises(dataclasses_error()):
        spec.paths = ()


def dataclasses_error():
    import dataclasses

    return dataclasses.FrozenInstanceError


def test_unknown_construct_lookup():
    with pytest.raises(KeyError, match="no construct 'X'"):
        parse_model(ECSI).construct("X")


@pytest.mark.parametrize(
    ("model", "match"),
    [
        ("IMAG =~ a\nSAT ~", "model line 2: nothing on one side"),
        ("IMAG =~ a\n\nSAT = IMAG", "model line 3: no operator"),
        ("IMAG =~ 0.5*a", "model line 1: '0.5\\*a' uses a lavaan modifier"),
        ("IMAG =~ a + + b", "model line 1: an empty name"),
        ("IMAG =~ a\nIMAG <~ b", "model line 2: construct 'IMAG' is given with both"),
        ("IMAG =~ a + a", "item 'a' is listed twice for 'IMAG'"),
        (
            "A =~ a; B =~ b\nB ~ A\nB ~ A",
            "model line 3: the path A -> B is already given on line 2",
        ),
        ("B ~ A", "model has no construct"),
        ("A =~ a =~ b", "model line 1"),
    ],
)
def test_parse_errors_name_the_line(model, match):
    with pytest.raises(ValueError, match=match):
        parse_model(model)


def test_parse_needs_a_string():
    with pytest.raises(TypeError, match="model must be a string"):
        parse_model(["IMAG =~ a"])


def test_check_model_data_accepts_a_good_model(data):
    check_model_data(parse_model(ECSI), data, family="pls")


def test_unknown_item_lists_available_columns(data):
    spec = parse_model(ECSI.replace("IMAG3", "IMAG9"))
    with pytest.raises(ValueError, match=r"model: column \['IMAG9'\] not found.*Available columns"):
        check_model_data(spec, data, family="pls")


def test_construct_without_items(data):
    spec = ModelSpec(
        (Construct("IMAG", (), "A"), Construct("SAT", ("CUSA1",), "A")), (("IMAG", "SAT"),)
    )
    with pytest.raises(ValueError, match="construct 'IMAG' has no items"):
        check_model_data(spec, data, family="pls")


def test_item_in_two_blocks(data):
    spec = parse_model("IMAG =~ IMAG1 + IMAG2\nSAT =~ IMAG2 + CUSA1\nSAT ~ IMAG")
    with pytest.raises(ValueError, match="item 'IMAG2' is in two blocks \\('IMAG' and 'SAT'\\)"):
        check_model_data(spec, data, family="pls")
    check_model_data(spec, data, family="cbsem")  # a CFA may cross-load (issue 23)


def test_non_numeric_item(data):
    bad = data.assign(IMAG2=["x"] * len(data))
    with pytest.raises(TypeError, match="column 'IMAG2' must be numeric"):
        check_model_data(parse_model(ECSI), bad, family="pls")


def test_path_to_unknown_construct(data):
    spec = parse_model(ECSI + "\nLOY ~ SAT")
    with pytest.raises(ValueError, match="path SAT -> LOY names 'LOY', which is not a construct"):
        check_model_data(spec, data, family="pls")


def test_cbsem_path_may_name_an_observed_column(data):
    spec = parse_model("IMAG =~ IMAG1 + IMAG2 + IMAG3\nCUSA1 ~ IMAG")
    check_model_data(spec, data, family="cbsem")
    with pytest.raises(ValueError, match="not a construct or an observed column"):
        check_model_data(parse_model("IMAG =~ IMAG1 + IMAG2\nZZ ~ IMAG"), data, family="cbsem")


def test_pls_cycle_is_named(data):
    spec = parse_model(ECSI + "\nIMAG ~ SAT")
    with pytest.raises(ValueError, match=r"cycle \(IMAG -> EXPE -> SAT -> IMAG\)"):
        check_model_data(spec, data, family="pls")


@pytest.mark.parametrize(
    "model",
    ["A =~ IMAG1; B =~ CUSA1; B ~ A + B", "A =~ IMAG1; B =~ CUSA1; B ~ A\nB ~ B", "A =~ A + x"],
)
def test_self_loops_are_refused_by_the_parser_for_both_families(model):
    """A path from a variable to itself (or a construct measured by itself) is never
    identified: the parser refuses it, naming the line, before any family sees it."""
    with pytest.raises(ValueError, match=r"model line \d+: .*(self-loop|lists itself)"):
        parse_model(model)


def test_cbsem_allows_a_cycle(data):
    spec = parse_model("A =~ IMAG1 + IMAG2 + IMAG3; B =~ CUSA1 + CUSA2 + CUEX1; B ~ A; A ~ B")
    check_model_data(spec, data, family="cbsem")


def test_composite_not_allowed_for_cbsem(data):
    with pytest.raises(ValueError, match="construct 'SAT' is a composite.*use cx.pls"):
        check_model_data(parse_model(ECSI), data, family="cbsem")


def test_pls_rejects_covariances_and_lonely_constructs(data):
    with pytest.raises(ValueError, match="covariances \\('~~'\\) are for cx.cfa"):
        check_model_data(parse_model(ECSI + "\nIMAG1 ~~ IMAG2"), data, family="pls")
    with pytest.raises(ValueError, match=r"construct \['EXPE'\] has no path"):
        check_model_data(
            parse_model("IMAG =~ IMAG1; EXPE =~ CUEX1; SAT =~ CUSA1; SAT ~ IMAG"),
            data,
            family="pls",
        )


def test_higher_order_only_for_cbsem(data):
    spec = parse_model(
        "F1 =~ IMAG1 + IMAG2; F2 =~ CUEX1 + CUEX2; G =~ F1 + F2; S =~ CUSA1 + CUSA2; S ~ G"
    )
    assert spec.items == ("IMAG1", "IMAG2", "CUEX1", "CUEX2", "CUSA1", "CUSA2")
    check_model_data(spec, data, family="cbsem")
    with pytest.raises(ValueError, match="higher-order constructs are not supported by cx.pls"):
        check_model_data(spec, data, family="pls")


def test_construct_named_like_a_column(data):
    spec = parse_model("IMAG1 =~ IMAG2 + IMAG3; SAT =~ CUSA1; SAT ~ IMAG1")
    with pytest.raises(ValueError, match=r"construct name \['IMAG1'\] is also a column"):
        check_model_data(spec, data, family="pls")


def test_covariance_names_must_exist(data):
    spec = parse_model("IMAG =~ IMAG1 + IMAG2 + IMAG3\nIMAG1 ~~ nope")
    with pytest.raises(ValueError, match="covariance IMAG1 ~~ nope names 'nope'"):
        check_model_data(spec, data, family="cbsem")


def test_bad_family_and_types(data):
    spec = parse_model(ECSI)
    with pytest.raises(ValueError, match="family must be one of"):
        check_model_data(spec, data, family="lavaan")
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        check_model_data(spec, data.to_numpy(), family="pls")
    with pytest.raises(TypeError, match="spec must be a ModelSpec"):
        check_model_data(ECSI, data, family="pls")
