"""Tests for cxresearch.metrics: NPS, CSAT, CES, top-box and Likert tables.

Reference numbers come from the closed forms written out in each test, from peer
libraries run here (statsmodels' Wilson interval, SciPy's t interval) and from a
Monte Carlo check of the NPS interval's coverage.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxresearch import metrics

Z95 = stats.norm.ppf(0.975)


def answers(promoters: int, passives: int, detractors: int, **extra) -> pd.DataFrame:
    """A survey with the given number of 10s, 8s and 3s."""
    scores = [10] * promoters + [8] * passives + [3] * detractors
    return pd.DataFrame({"likelihood_to_recommend": scores, **extra})


@pytest.fixture
def two_stores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "store": ["A"] * 10 + ["B"] * 10,
            "likelihood_to_recommend": [
                10,
                9,
                9,
                8,
                7,
                6,
                10,
                9,
                3,
                10,
                5,
                6,
                7,
                8,
                9,
                10,
                2,
                8,
                9,
                6,
            ],
        }
    )


# ------------------------------------------------------------------------------ NPS


def test_nps_shares_and_score_by_hand():
    res = metrics.nps(answers(6, 2, 2))
    row = res.iloc[0]
    assert row["n"] == 10
    assert row["pct_promoters"] == pytest.approx(60)
    assert row["pct_passives"] == pytest.approx(20)
    assert row["pct_detractors"] == pytest.approx(20)
    assert row["nps"] == pytest.approx(40)


def test_nps_classes_cut_at_6_and_9():
    data = pd.DataFrame({"likelihood_to_recommend": list(range(11))})
    row = metrics.nps(data).iloc[0]
    assert row["pct_detractors"] == pytest.approx(100 * 7 / 11)  # 0..6
    assert row["pct_passives"] == pytest.approx(100 * 2 / 11)  # 7, 8
    assert row["pct_promoters"] == pytest.approx(100 * 2 / 11)  # 9, 10


def test_nps_standard_error_equals_closed_form():
    # p_P = 0.6, p_D = 0.2: variance of the +1/0/-1 score = 0.6 + 0.2 - 0.4^2 = 0.64
    row = metrics.nps(answers(6, 2, 2)).iloc[0]
    assert row["std_error"] == pytest.approx(100 * math.sqrt(0.64 / 10), rel=1e-12)
    # the same number as the standard error of the mean of the +1/0/-1 scores (ddof=0)
    s = np.array([1] * 6 + [0] * 2 + [-1] * 2)
    assert row["std_error"] == pytest.approx(100 * s.std() / math.sqrt(10), rel=1e-12)


def test_nps_wald_interval_is_estimate_plus_minus_z_se():
    row = metrics.nps(answers(50, 30, 20), ci=0.9).iloc[0]
    z = stats.norm.ppf(0.95)
    assert row["ci_low"] == pytest.approx(row["nps"] - z * row["std_error"])
    assert row["ci_high"] == pytest.approx(row["nps"] + z * row["std_error"])


def test_nps_interval_is_clipped_to_the_scale():
    row = metrics.nps(answers(9, 0, 1)).iloc[0]
    assert row["ci_high"] == 100
    assert row["ci_low"] < row["nps"]


def test_nps_by_group_equals_each_subset(two_stores):
    res = metrics.nps(two_stores, by="store")
    assert list(res["store"]) == ["A", "B"]
    for store, row in res.set_index("store").iterrows():
        alone = metrics.nps(two_stores[two_stores["store"] == store]).iloc[0]
        assert row["nps"] == pytest.approx(alone["nps"])
        assert row["std_error"] == pytest.approx(alone["std_error"])
    assert list(res["nps"]) == pytest.approx([40, -10])


def test_nps_by_two_columns():
    data = answers(4, 4, 4, wave=[1, 2] * 6, store=["A"] * 6 + ["B"] * 6)
    res = metrics.nps(data, by=["store", "wave"])
    assert list(res.columns[:3]) == ["store", "wave", "n"]
    assert res["n"].sum() == 12
    assert len(res) == 4


def test_nps_equal_weights_change_nothing():
    data = answers(30, 20, 10, w=2.0)
    plain = metrics.nps(data).iloc[0]
    weighted = metrics.nps(data, weights="w").iloc[0]
    assert weighted["n_eff"] == pytest.approx(60)
    for col in ("nps", "std_error", "ci_low", "ci_high"):
        assert weighted[col] == pytest.approx(plain[col])


def test_nps_weighted_shares_and_kish_effective_n():
    data = answers(1, 1, 2, w=[3.0, 1.0, 1.0, 1.0])
    row = metrics.nps(data, weights="w").iloc[0]
    p_pro, p_det = 3 / 6, 2 / 6
    n_eff = 6**2 / (9 + 1 + 1 + 1)
    assert row["nps"] == pytest.approx(100 * (p_pro - p_det))
    assert row["n_eff"] == pytest.approx(n_eff)
    var = p_pro + p_det - (p_pro - p_det) ** 2
    assert row["std_error"] == pytest.approx(100 * math.sqrt(var / n_eff))


@pytest.mark.parametrize("shares", [(0.45, 0.30, 0.25), (0.70, 0.20, 0.10)])
def test_nps_wald_interval_covers_truth_95_percent_at_n_200(shares):
    """20,000 simulated surveys of n = 200; the interval should cover the truth ~95%."""
    rng = np.random.default_rng(20260301)
    n, reps = 200, 20_000
    counts = rng.multinomial(n, shares, size=reps)  # promoters, passives, detractors
    true_nps = 100 * (shares[0] - shares[2])
    # Every survey with the same counts gets the same interval: run cx.nps once per
    # distinct count vector (all in one call, one group each) and map back.
    unique, inverse = np.unique(counts, axis=0, return_inverse=True)
    scores = np.concatenate([np.repeat([10, 8, 3], row) for row in unique])
    survey = np.repeat(np.arange(len(unique)), n)
    res = metrics.nps(
        pd.DataFrame({"survey": survey, "likelihood_to_recommend": scores}), by="survey"
    )
    low = res["ci_low"].to_numpy()[inverse.ravel()]
    high = res["ci_high"].to_numpy()[inverse.ravel()]
    coverage = np.mean((low <= true_nps) & (true_nps <= high))
    assert 0.935 <= coverage <= 0.965


def test_nps_bootstrap_is_reproducible_and_close_to_wald():
    data = answers(160, 120, 120)
    a = metrics.nps(data, method="bootstrap", seed=1)
    b = metrics.nps(data, method="bootstrap", seed=1)
    pd.testing.assert_frame_equal(a, b)
    wald = metrics.nps(data).iloc[0]
    assert a["std_error"].iloc[0] == pytest.approx(wald["std_error"], rel=0.1)
    assert a["ci_low"].iloc[0] == pytest.approx(wald["ci_low"], abs=2.0)
    assert a["ci_high"].iloc[0] == pytest.approx(wald["ci_high"], abs=2.0)


def test_nps_bootstrap_weighted_and_generator_seed():
    data = answers(60, 40, 40, w=np.tile([1.0, 2.0], 70))
    rng = np.random.default_rng(5)
    res = metrics.nps(data, weights="w", method="bootstrap", seed=rng, n_boot=500)
    wald = metrics.nps(data, weights="w").iloc[0]
    assert res["std_error"].iloc[0] == pytest.approx(wald["std_error"], rel=0.15)


def test_nps_listwise_drops_and_reports():
    data = answers(5, 3, 2)
    data.loc[[1, 7], "likelihood_to_recommend"] = np.nan
    res = metrics.nps(data, missing="listwise")
    assert res["n"].iloc[0] == 8
    assert res["n_dropped"].iloc[0] == 2
    assert "n_dropped" not in metrics.nps(answers(5, 3, 2)).columns


def test_nps_listwise_counts_per_group(two_stores):
    data = two_stores.astype({"likelihood_to_recommend": float})
    data.loc[[0, 1, 15], "likelihood_to_recommend"] = np.nan
    res = metrics.nps(data, by="store", missing="listwise").set_index("store")
    assert res.loc["A", "n_dropped"] == 2
    assert res.loc["B", "n_dropped"] == 1
    assert res["n_dropped"].sum() == 3


def test_no_result_is_kept_in_attrs(two_stores):
    # issue 9: n_dropped used to live in DataFrame.attrs, which a CSV round trip loses
    data = pd.concat([two_stores] * 2, ignore_index=True)
    data = data.astype({"likelihood_to_recommend": float})
    data.loc[[0], "likelihood_to_recommend"] = np.nan
    results = [
        metrics.nps(data, by="store", missing="listwise"),
        metrics.nps_test(data, by="store", missing="listwise"),
        metrics.top_box(data, score="likelihood_to_recommend", scale=(0, 10), missing="listwise"),
        metrics.likert_table(
            data, items=["likelihood_to_recommend"], scale=(0, 10), missing="listwise"
        ),
    ]
    assert all(res.attrs == {} for res in results)
    assert results[1]["n_dropped"].item() == 1


def test_rows_without_group_label_warn_with_their_count(two_stores):
    data = two_stores.astype({"store": object})
    data.loc[[0, 12], "store"] = None
    with pytest.warns(UserWarning, match=r"2 row\(s\) with a missing value in \['store'\]"):
        res = metrics.nps(data, by="store", missing="listwise")
    assert res["n"].tolist() == [9, 9]
    assert res["n_dropped"].tolist() == [0, 0]


def test_nps_does_not_modify_input(two_stores):
    before = two_stores.copy()
    metrics.nps(two_stores, by="store", method="bootstrap", seed=3)
    metrics.nps_test(two_stores, by="store")
    pd.testing.assert_frame_equal(two_stores, before)


# ------------------------------------------------------------------------- nps_test


def test_nps_test_by_hand(two_stores):
    # A: 6 promoters, 2 passives, 2 detractors; B: 3, 3, 4. Adjusted Wald with 1.5
    # pseudo-answers per group (3/8 promoter, 3/4 passive, 3/8 detractor).
    res = metrics.nps_test(two_stores, by="store").iloc[0]
    m = 10 + 1.5
    pro_a, det_a = (6 + 0.375) / m, (2 + 0.375) / m
    pro_b, det_b = (3 + 0.375) / m, (4 + 0.375) / m
    var_a = (pro_a + det_a - (pro_a - det_a) ** 2) / m
    var_b = (pro_b + det_b - (pro_b - det_b) ** 2) / m
    centre = 100 * ((pro_b - det_b) - (pro_a - det_a))
    se = 100 * math.sqrt(var_a + var_b)
    assert res["term"] == "B - A"
    assert res["estimate"] == pytest.approx(-10 - 40)  # the observed difference
    assert res["std_error"] == pytest.approx(se)
    assert res["statistic"] == pytest.approx(centre / se)
    assert res["p_value"] == pytest.approx(2 * stats.norm.sf(abs(centre / se)))
    assert res["ci_low"] == pytest.approx(centre - Z95 * se)
    assert res["ci_high"] == pytest.approx(centre + Z95 * se)


def test_nps_test_respects_group_order(two_stores):
    ab = metrics.nps_test(two_stores, by="store", levels=("A", "B")).iloc[0]
    ba = metrics.nps_test(two_stores, by="store", levels=("B", "A")).iloc[0]
    assert ab["estimate"] == pytest.approx(-ba["estimate"])
    assert ab["p_value"] == pytest.approx(ba["p_value"])


def test_nps_test_needs_exactly_two_groups(two_stores):
    three = pd.concat([two_stores, two_stores.assign(store="C")])
    with pytest.raises(ValueError, match=r"3 distinct value.*levels="):
        metrics.nps_test(three, by="store")
    res = metrics.nps_test(three, by="store", levels=("A", "C"))
    # C repeats both stores' answers: NPS 15 against A's 40
    assert res["estimate"].iloc[0] == pytest.approx(15 - 40)
    with pytest.raises(ValueError, match="'D'"):
        metrics.nps_test(three, by="store", levels=("A", "D"))


def test_nps_test_missing_group_label_raises_unless_listwise(two_stores):
    data = pd.concat([two_stores] * 2, ignore_index=True).astype({"store": object})
    data.loc[[0, 12], "store"] = None
    with pytest.raises(ValueError, match=r"by: column 'store' has 2 missing.*missing='listwise'"):
        metrics.nps_test(data, by="store")
    res = metrics.nps_test(data, by="store", missing="listwise")
    assert (res["n_1"].item(), res["n_2"].item()) == (19, 19)
    assert res["n_dropped"].item() == 2


def test_nps_test_groups_argument_is_now_levels(two_stores):
    # issue 9: "groups" is the random-effect column elsewhere in the package
    with pytest.raises(TypeError, match="groups"):
        metrics.nps_test(two_stores, by="store", groups=("A", "B"))
    with pytest.raises(TypeError, match=r"levels must be a pair"):
        metrics.nps_test(two_stores, by="store", levels="A")


def test_nps_test_refuses_a_tiny_group_naming_it():
    # issue 9, defect 6: one answer in group b gave z = -3.81, p = 0.0001 (SE 0)
    data = pd.DataFrame(
        {"store": ["a"] * 20 + ["b"], "likelihood_to_recommend": [*range(11), *range(9), 10]}
    )
    with pytest.raises(
        ValueError, match=r"group 'b' of column 'store' has only 1 answer\(s\).*at least 10"
    ):
        metrics.nps_test(data, by="store")
    weighted = pd.DataFrame(
        {
            "store": ["a"] * 12 + ["b"] * 12,
            "likelihood_to_recommend": [10, 3, 8] * 8,
            "w": [1.0] * 12 + [100.0] + [1.0] * 11,
        }
    )
    with pytest.raises(ValueError, match=r"group 'b'.*effective n of 1\.2 \(12 weighted"):
        metrics.nps_test(weighted, by="store", weights="w")


def test_nps_test_interval_never_collapses():
    # every answer a promoter in both groups: the plain Wald SE is 0 (z = NaN); the
    # adjusted interval still has width and p = 1
    data = pd.DataFrame({"store": ["a"] * 10 + ["b"] * 10, "likelihood_to_recommend": 10})
    res = metrics.nps_test(data, by="store").iloc[0]
    assert res["estimate"] == 0
    assert res["std_error"] > 5
    assert res["p_value"] == pytest.approx(1.0)
    assert res["ci_low"] < 0 < res["ci_high"]


def _interval_coverage(n: int, reps: int, grid, seed: int) -> np.ndarray:
    """Coverage of nps_test's interval (its arithmetic, vectorised) per pair of groups."""
    rng = np.random.default_rng(seed)
    z = Z95
    out = []
    for a in grid:
        for b in grid:
            c1 = rng.multinomial(n, [a[0], 1 - a[0] - a[1], a[1]], size=reps) / n
            c2 = rng.multinomial(n, [b[0], 1 - b[0] - b[1], b[1]], size=reps) / n
            _, _, low, high = metrics._adjusted_difference(
                c1[:, 0], c1[:, 2], n, c2[:, 0], c2[:, 2], n, z
            )
            truth = 100 * ((b[0] - b[1]) - (a[0] - a[1]))
            out.append(np.mean((low <= truth + 1e-9) & (truth <= high + 1e-9)))
    return np.array(out)


def test_nps_test_arithmetic_is_what_nps_test_reports(two_stores):
    res = metrics.nps_test(two_stores, by="store").iloc[0]
    centre, se, low, high = metrics._adjusted_difference(0.6, 0.2, 10, 0.3, 0.4, 10, Z95)
    assert (res["std_error"], res["ci_low"], res["ci_high"]) == pytest.approx((se, low, high))


NPS_GRID = [
    (p_pro, p_det)
    for p_pro, p_det in [
        (0.3, 0.3), (0.5, 0.2), (0.7, 0.1), (0.85, 0.05), (0.2, 0.6),
        (0.1, 0.1), (0.45, 0.45), (0.9, 0.02), (0.6, 0.3),
    ]
]  # fmt: skip


@pytest.mark.parametrize("n", [10, 20, 50])
def test_nps_test_coverage_is_nominal_at_small_n(n):
    # 81 pairs of trinomial groups x 3000 samples (the slow test below uses 20000)
    cov = _interval_coverage(n, 3000, NPS_GRID, seed=60 + n)
    assert 0.94 <= cov.mean() <= 0.96
    assert cov.min() >= 0.92


@pytest.mark.slow
@pytest.mark.parametrize("n", [10, 20, 50])
def test_nps_test_coverage_by_monte_carlo(n):
    # 81 pairs x 20000 samples. Measured: mean coverage 95.0% at n = 10, 20 and 50
    # (worst pair 93.3%, 94.0%, 94.5%); the plain Wald interval the package used
    # before issue 9 gave 91.0%, 93.2%, 94.4% (worst 85.9%, 91.6%, 93.8%).
    cov = _interval_coverage(n, 20000, NPS_GRID, seed=n)
    assert 0.945 <= cov.mean() <= 0.955
    assert cov.min() >= 0.93
    # and end to end through nps_test itself, for two pairs of groups
    rng = np.random.default_rng(100 + n)
    for a, b in [((0.3, 0.3), (0.6, 0.1)), ((0.85, 0.05), (0.7, 0.1))]:
        truth = 100 * ((b[0] - b[1]) - (a[0] - a[1]))
        hits = 0
        for _ in range(1000):
            cls_a = rng.choice([10, 8, 3], size=n, p=[a[0], 1 - a[0] - a[1], a[1]])
            cls_b = rng.choice([10, 8, 3], size=n, p=[b[0], 1 - b[0] - b[1], b[1]])
            data = pd.DataFrame(
                {"g": ["a"] * n + ["b"] * n, "likelihood_to_recommend": [*cls_a, *cls_b]}
            )
            res = metrics.nps_test(data, by="g").iloc[0]
            hits += res["ci_low"] <= truth <= res["ci_high"]
        assert 0.92 <= hits / 1000 <= 0.98


# ------------------------------------------------------------------ nps_sample_size


def test_nps_sample_size_worst_case():
    # z^2 * 1 / 0.05^2 = 1536.6 -> 1537
    assert metrics.nps_sample_size(5) == math.ceil(Z95**2 / 0.05**2) == 1537


def test_nps_sample_size_gives_the_margin():
    n = metrics.nps_sample_size(4, p_promoters=0.5, p_detractors=0.2)
    var = 0.5 + 0.2 - 0.3**2
    assert 100 * Z95 * math.sqrt(var / n) <= 4
    assert 100 * Z95 * math.sqrt(var / (n - 1)) > 4


def test_nps_sample_size_bad_input():
    with pytest.raises(ValueError, match=r"margin_of_error must satisfy 0 < margin_of_error"):
        metrics.nps_sample_size(0)
    assert metrics.nps_sample_size(margin_of_error=5) == 1537
    with pytest.raises(TypeError, match="margin"):
        metrics.nps_sample_size(margin=5)  # renamed in issue 9: a profit margin is clv's
    with pytest.raises(ValueError, match="p_promoters"):
        metrics.nps_sample_size(5, p_promoters=0.5)
    with pytest.raises(ValueError, match="exceed 1"):
        metrics.nps_sample_size(5, p_promoters=0.7, p_detractors=0.4)


# -------------------------------------------------------------- CSAT, CES, top box


def test_csat_wilson_interval_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    data = pd.DataFrame({"satisfaction": [5, 4, 4, 3, 5, 2, 4, 5, 1, 4, 3, 3]})
    row = metrics.csat(data).iloc[0]
    low, high = proportion_confint(7, 12, alpha=0.05, method="wilson")
    assert row["csat"] == pytest.approx(100 * 7 / 12)
    assert row["ci_low"] == pytest.approx(100 * low, rel=1e-10)
    assert row["ci_high"] == pytest.approx(100 * high, rel=1e-10)
    assert row["mean"] == pytest.approx(data["satisfaction"].mean())
    assert row["mean_std_error"] == pytest.approx(data["satisfaction"].sem())


def test_top_box_counts_the_top_categories():
    data = pd.DataFrame({"r": [1, 2, 3, 4, 5, 5, 4, 7]})
    assert metrics.top_box(data, score="r", scale=(1, 7), top=1)["top_box"].iloc[0] == 12.5
    assert metrics.top_box(data, score="r", scale=(1, 7), top=3)["top_box"].iloc[0] == 37.5


def test_ces_mean_and_t_interval_match_scipy():
    x = np.array([7, 6, 5, 5, 3, 7, 2, 6, 4, 6])
    row = metrics.ces(pd.DataFrame({"customer_effort": x}), ci=0.9).iloc[0]
    low, high = stats.t.interval(0.9, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert row["ces"] == pytest.approx(x.mean())
    assert row["std_error"] == pytest.approx(stats.sem(x))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert row["pct_easy"] == pytest.approx(70)


def test_ces_weighted_mean():
    data = pd.DataFrame({"customer_effort": [7, 1], "w": [3.0, 1.0]})
    row = metrics.ces(data, weights="w").iloc[0]
    assert row["ces"] == pytest.approx(5.5)
    assert row["n_eff"] == pytest.approx(16 / 10)


# ----------------------------------------------------------------------- Likert


def test_likert_table_counts_and_shares():
    data = pd.DataFrame({"q1": [1, 2, 2, 3], "q2": [3, 3, 2, 3], "g": ["x", "x", "y", "y"]})
    tab = metrics.likert_table(
        data, items=["q1", "q2"], scale=(1, 3), labels=["no", "maybe", "yes"]
    )
    assert list(tab.columns) == ["item", "answer", "label", "n", "pct"]
    assert tab.groupby("item")["pct"].sum().tolist() == pytest.approx([100, 100])
    q2 = tab[tab["item"] == "q2"]
    assert q2["n"].tolist() == [0, 1, 3]  # an answer nobody gave still has its row
    assert q2["label"].tolist() == ["no", "maybe", "yes"]
    by = metrics.likert_table(data, items=["q1"], scale=(1, 3), by="g")
    assert len(by) == 6
    assert by.loc[(by["g"] == "y") & (by["answer"] == 2), "pct"].item() == 50


def test_likert_table_listwise_is_per_item():
    data = pd.DataFrame({"q1": [1, 2, np.nan, 3], "q2": [3, 3, 2, 3]})
    tab = metrics.likert_table(data, items=["q1", "q2"], scale=(1, 3), missing="listwise")
    assert tab.groupby("item")["n"].sum().to_dict() == {"q1": 3, "q2": 4}
    assert tab.drop_duplicates("item").set_index("item")["n_dropped"].to_dict() == {
        "q1": 1,
        "q2": 0,
    }


# ------------------------------------------------------------------- bad input


def test_score_outside_scale_raises_naming_column_and_value():
    data = pd.DataFrame({"likelihood_to_recommend": [3, 11, 9]})
    with pytest.raises(ValueError, match=r"'likelihood_to_recommend'.*\[11\].*0 to 10"):
        metrics.nps(data)
    with pytest.raises(ValueError, match=r"'satisfaction'.*\[0\].*1 to 5"):
        metrics.csat(pd.DataFrame({"satisfaction": [0, 5]}))
    with pytest.raises(ValueError, match=r"'q'.*\[6\]"):
        metrics.likert_table(pd.DataFrame({"q": [1, 6]}), items=["q"])


def test_non_integer_score_raises():
    with pytest.raises(ValueError, match=r"whole numbers.*\[7.5\]"):
        metrics.nps(pd.DataFrame({"likelihood_to_recommend": [7.5, 9.0]}))
    # whole numbers stored as floats are fine
    assert metrics.nps(pd.DataFrame({"likelihood_to_recommend": [7.0, 9.0]}))["n"].item() == 2


def test_missing_value_raises_unless_listwise():
    data = pd.DataFrame({"likelihood_to_recommend": [9, np.nan, 3]})
    with pytest.raises(
        ValueError, match=r"'likelihood_to_recommend' has 1 missing.*missing='listwise'"
    ):
        metrics.nps(data)
    with pytest.raises(ValueError, match="missing"):
        metrics.ces(pd.DataFrame({"customer_effort": [5, None]}))
    with pytest.raises(ValueError, match="missing"):
        metrics.nps(answers(2, 2, 2, store=["a", None, "b", "a", "b", "a"]), by="store")


def test_empty_groups_raise():
    with pytest.raises(ValueError, match="no rows"):
        metrics.nps(pd.DataFrame({"likelihood_to_recommend": pd.Series([], dtype=int)}))
    data = answers(2, 2, 2, store=pd.Categorical(["a"] * 6, categories=["a", "b"]))
    with pytest.raises(ValueError, match=r"group\(s\) \['b'\].*'store'"):
        metrics.nps(data, by="store")
    all_missing = pd.DataFrame({"likelihood_to_recommend": [np.nan, np.nan]})
    with pytest.raises(ValueError, match="no complete rows"):
        metrics.nps(all_missing, missing="listwise")


def test_missing_column_raises_listing_available_columns():
    with pytest.raises(
        ValueError,
        match=r"score: column \['nps_answer'\] not found.*"
        r"likelihood_to_recommend",
    ):
        metrics.nps(answers(1, 1, 1), score="nps_answer")
    with pytest.raises(ValueError, match=r"by: column \['region'\] not found"):
        metrics.nps(answers(1, 1, 1), by="region")
    with pytest.raises(ValueError, match="weights"):
        metrics.nps(answers(1, 1, 1), weights="w")


def test_wrong_types_raise_type_error():
    with pytest.raises(TypeError, match="data must be a pandas DataFrame, got list"):
        metrics.nps([9, 10, 3])
    with pytest.raises(TypeError, match=r"'likelihood_to_recommend' must be numeric"):
        metrics.nps(pd.DataFrame({"likelihood_to_recommend": ["9", "10"]}))
    with pytest.raises(TypeError, match="seed"):
        metrics.nps(answers(1, 1, 1), method="bootstrap", seed="abc")
    with pytest.raises(TypeError, match="scale"):
        metrics.csat(pd.DataFrame({"satisfaction": [1]}), scale=(1.0, 5.0))


def test_bad_options_raise_value_error():
    data = answers(3, 3, 3, w=-1.0)
    with pytest.raises(ValueError, match=r"ci must lie strictly between 0 and 1.*95"):
        metrics.nps(data, ci=95)
    with pytest.raises(ValueError, match=r"method must be one of \['wald', 'bootstrap'\]"):
        metrics.nps(data, method="exact")
    with pytest.raises(ValueError, match=r"non-negative weights.*\[-1.0\]"):
        metrics.nps(data, weights="w")
    with pytest.raises(ValueError, match="top must be smaller"):
        metrics.top_box(pd.DataFrame({"r": [1, 2]}), score="r", scale=(1, 5), top=5)


# ------------------------------------------------------------------- overflow


def test_huge_weights_give_the_same_shares_not_nan():
    # issue 9, defect 9: weights of 1e308 overflowed their sum and every share was NaN
    data = answers(2, 3, 1, w=[1e308, 1e308, 1e308, 1e308, 1e308, 1e308])
    small = data.assign(w=1.0)
    for func, kwargs in [
        (metrics.nps, {}),
        (metrics.top_box, {"score": "likelihood_to_recommend", "scale": (0, 10)}),
        (metrics.csat, {"score": "likelihood_to_recommend", "scale": (0, 10)}),
        (metrics.ces, {"score": "likelihood_to_recommend", "scale": (0, 10)}),
    ]:
        huge = func(data, weights="w", **kwargs)
        assert np.isfinite(huge.select_dtypes("number").to_numpy()).all(), func.__name__
        pd.testing.assert_frame_equal(huge, func(small, weights="w", **kwargs))
    tab = metrics.likert_table(data, items=["likelihood_to_recommend"], scale=(0, 10), weights="w")
    assert tab["pct"].sum() == pytest.approx(100)


def test_a_scale_beyond_float_precision_raises_naming_it():
    # issue 9, defect 9: scale=(1, 10**400) raised a raw OverflowError
    data = pd.DataFrame({"r": [1, 2, 3]})
    with pytest.raises(ValueError, match=r"scale must hold answer codes between -2\*\*53"):
        metrics.top_box(data, score="r", scale=(1, 10**400))
    with pytest.raises(ValueError, match=r"scale must hold answer codes"):
        metrics.csat(data.rename(columns={"r": "satisfaction"}), scale=(1, 10**20))


# --------------------------------------------------------------------------- two-group tests


def _two_groups(rng, n1=40, n2=60):
    return pd.DataFrame(
        {
            "store": ["a"] * n1 + ["b"] * n2,
            "rating": np.r_[rng.integers(1, 6, n1), rng.integers(2, 6, n2)],
            "spend": np.r_[rng.gamma(2.0, 20.0, n1), rng.gamma(2.0, 25.0, n2)],
            "w": rng.uniform(0.5, 2.0, n1 + n2),
        }
    )


def test_mean_test_equals_welch_in_scipy(rng):
    from scipy import stats

    d = _two_groups(rng)
    res = metrics.mean_test(d, score="spend", by="store").iloc[0]
    a, b = d.loc[d.store == "a", "spend"], d.loc[d.store == "b", "spend"]
    welch = stats.ttest_ind(b, a, equal_var=False)
    assert res["statistic"] == pytest.approx(welch.statistic, rel=1e-10)
    assert res["p_value"] == pytest.approx(welch.pvalue, rel=1e-10)
    assert res["df"] == pytest.approx(welch.df, rel=1e-10)
    low, high = welch.confidence_interval(0.95)
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((low, high), rel=1e-10)
    wres = metrics.mean_test(d, score="spend", by="store", weights="w").iloc[0]
    wa = np.average(a, weights=d.loc[d.store == "a", "w"])
    assert wres["mean_1"] == pytest.approx(wa)


def test_top_box_and_csat_tests_are_agresti_caffo(rng):
    from scipy import stats

    d = _two_groups(rng)
    res = metrics.top_box_test(d, score="rating", by="store", top=1).iloc[0]
    x = [(d.loc[d.store == g, "rating"] == 5).sum() for g in "ab"]
    n = [40, 60]
    p = [(xi + 1) / (ni + 2) for xi, ni in zip(x, n, strict=True)]
    se = np.sqrt(sum(pi * (1 - pi) / (ni + 2) for pi, ni in zip(p, n, strict=True)))
    z = stats.norm.ppf(0.975)
    assert res["estimate"] == pytest.approx(100 * (x[1] / 60 - x[0] / 40))
    assert res["ci_low"] == pytest.approx(100 * (p[1] - p[0] - z * se))
    assert res["ci_high"] == pytest.approx(100 * (p[1] - p[0] + z * se))
    assert res["p_value"] == pytest.approx(2 * stats.norm.sf(abs((p[1] - p[0]) / se)))
    csat = metrics.csat_test(d, score="rating", by="store").iloc[0]
    top2 = metrics.top_box_test(d, score="rating", by="store", top=2).iloc[0]
    assert csat["estimate"] == pytest.approx(top2["estimate"])


@pytest.mark.parametrize("n", [10, 20, 50])
def test_agresti_caffo_interval_keeps_its_coverage_in_small_groups(n):
    """The interval top_box_test computes, over 9 pairs of true shares, 20,000 draws each."""
    from scipy import stats

    rng = np.random.default_rng(n)
    z = stats.norm.ppf(0.975)
    rates = []
    for p1, p2 in itertools.product([0.1, 0.5, 0.85], repeat=2):
        x1, x2 = rng.binomial(n, p1, 20_000), rng.binomial(n, p2, 20_000)
        a1, a2 = (x1 + 1) / (n + 2), (x2 + 1) / (n + 2)
        se = np.sqrt(a1 * (1 - a1) / (n + 2) + a2 * (1 - a2) / (n + 2))
        rates.append(np.mean(np.abs(a2 - a1 - (p2 - p1)) <= z * se))
    assert 0.935 <= np.mean(rates) <= 0.97 and min(rates) >= 0.92, rates


def test_group_tests_refuse_tiny_or_constant_groups(rng):
    d = _two_groups(rng, n1=5, n2=30)
    with pytest.raises(ValueError, match="group 'a' of column 'store' has only 5 answer"):
        metrics.top_box_test(d, score="rating", by="store")
    with pytest.raises(ValueError, match="at least 2 per group"):
        metrics.mean_test(_two_groups(rng, n1=1, n2=30), score="spend", by="store")
    flat = _two_groups(rng).assign(spend=3.0)
    with pytest.raises(ValueError, match="does not vary within either group"):
        metrics.mean_test(flat, score="spend", by="store")
    with pytest.raises(ValueError, match="compares exactly two"):
        metrics.mean_test(
            d.assign(store=["a", "b", "c"] * 11 + ["a", "b"]), score="spend", by="store"
        )
    d2 = _two_groups(rng)
    d2.loc[3, "spend"] = np.nan
    with pytest.raises(ValueError, match="'spend' has 1 missing"):
        metrics.mean_test(d2, score="spend", by="store")
    assert (
        metrics.mean_test(d2, score="spend", by="store", missing="listwise")["n_dropped"].item()
        == 1
    )


# --------------------------------------------------------------------------- labelled answers


def test_ordered_likert_categoricals_are_accepted_by_every_metric(rng):
    from cxresearch import reliability

    agree = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
    codes = pd.DataFrame(
        {
            "likelihood_to_recommend": rng.integers(0, 11, 200),
            "q1": rng.integers(1, 6, 200),
            "q2": rng.integers(1, 6, 200),
        }
    )
    codes["q2"] = np.clip(codes["q1"] + rng.integers(-1, 2, 200), 1, 5)
    labelled = pd.DataFrame(
        {
            "likelihood_to_recommend": pd.Categorical(
                codes["likelihood_to_recommend"], categories=range(11), ordered=True
            ),
            "q1": pd.Categorical.from_codes(codes["q1"] - 1, agree, ordered=True),
            "q2": pd.Categorical.from_codes(codes["q2"] - 1, agree, ordered=True),
        }
    )
    pd.testing.assert_frame_equal(metrics.nps(labelled), metrics.nps(codes))
    for fn in (metrics.csat, metrics.top_box):
        kw = {"score": "q1", "scale": (1, 5)}
        pd.testing.assert_frame_equal(fn(labelled, **kw), fn(codes, **kw))
    pd.testing.assert_frame_equal(
        metrics.likert_table(labelled, items=["q1", "q2"], scale=(1, 5)),
        metrics.likert_table(codes, items=["q1", "q2"], scale=(1, 5)),
    )
    alpha = reliability.cronbach_alpha(labelled, items=["q1", "q2"])
    pd.testing.assert_frame_equal(alpha, reliability.cronbach_alpha(codes, items=["q1", "q2"]))
    with pytest.raises(ValueError, match="5 text categories .* the scale 1-7 has 7 points"):
        metrics.csat(labelled, score="q1", scale=(1, 7))
    unordered = labelled.assign(q1=labelled["q1"].cat.as_unordered())
    with pytest.raises(TypeError, match="unordered Categorical"):
        metrics.csat(unordered, score="q1", scale=(1, 5))


def test_csat_and_ces_of_one_answer_raise_instead_of_a_nan_standard_error():
    # defect 11: one row gave mean_std_error / std_error and the CES interval as NaN
    with pytest.raises(ValueError, match=r"score: data has 1 answer\(s\); csat needs at least 2"):
        metrics.csat(pd.DataFrame({"satisfaction": [4]}))
    with pytest.raises(ValueError, match=r"score: data has 1 answer\(s\); ces needs at least 2"):
        metrics.ces(pd.DataFrame({"customer_effort": [6]}))
    groups = pd.DataFrame({"customer_effort": [4, 5, 6], "store": ["A", "A", "B"]})
    with pytest.raises(ValueError, match=r"group \{'store': 'B'\} has 1 answer\(s\); ces needs"):
        metrics.ces(groups, by="store")
    one_weighted = pd.DataFrame({"satisfaction": [4, 5, 2], "w": [0.0, 2.0, 0.0]})
    with pytest.raises(ValueError, match=r"weights: in data one row carries all the weight"):
        metrics.csat(one_weighted, weights="w")
    # two answers are enough, and every number is defined
    two = metrics.ces(pd.DataFrame({"customer_effort": [4, 6]}))
    assert np.isfinite(two.select_dtypes("number").to_numpy()).all()
    two = metrics.csat(pd.DataFrame({"satisfaction": [4, 5]}))
    assert np.isfinite(two.select_dtypes("number").to_numpy()).all()
