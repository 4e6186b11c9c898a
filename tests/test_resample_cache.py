"""The resamples of the key-driver bootstrap are drawn once for a repeated call.

``_bootstrap.resampled_cross_products`` remembers its last call: dominance analysis and
relative weights on the same drivers, weights and seed (the report runs both) share one
set of resamples. The cache must be invisible: the same numbers as drawing again, and
the random stream left where drawing would leave it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxresearch as cx
from cxresearch import _bootstrap


@pytest.fixture
def data() -> pd.DataFrame:
    survey = cx.load_dataset("cx_survey")
    items = ["service_1", "price_1", "atmosphere_1"]
    rng = np.random.default_rng(4)
    return survey[[*items, "loyalty_1"]].assign(w=rng.uniform(0.5, 2, len(survey)))


def _both(data, **kw):
    kw = dict(y="loyalty_1", x=["service_1", "price_1", "atmosphere_1"], n_boot=300, **kw)
    return cx.dominance_analysis(data, **kw).table, cx.relative_weights(data, **kw).table


@pytest.mark.parametrize("weights", [None, "w"])
def test_a_repeated_call_gives_what_drawing_again_gives(data, weights):
    _bootstrap._LAST.clear()
    dominance, shared = _both(data, seed=11, weights=weights)
    _bootstrap._LAST.clear()  # relative weights alone: the resamples drawn afresh
    fresh = cx.relative_weights(data, y="loyalty_1", x=["service_1", "price_1",
                                "atmosphere_1"], n_boot=300, seed=11, weights=weights)  # fmt: skip
    pd.testing.assert_frame_equal(shared, fresh.table)
    assert not dominance.equals(_both(data, seed=12, weights=weights)[0])  # a new seed, new draws


def test_the_stream_moves_on_as_if_drawn(data):
    z = np.hstack([np.ones((len(data), 1)), data.to_numpy(float)[:, :4]])
    kw = dict(names=list("abcd"), predictors=range(3))
    _bootstrap._LAST.clear()
    first = np.random.default_rng(5)
    grams, _ = _bootstrap.resampled_cross_products(z, 50, first, **kw)
    drawn_after = first.bit_generator.state
    again = np.random.default_rng(5)
    cached, _ = _bootstrap.resampled_cross_products(z, 50, again, **kw)  # from the cache
    np.testing.assert_array_equal(grams, cached)
    assert again.bit_generator.state == drawn_after
    cached[0] = 0  # the caller's copy: the cache keeps its own
    np.testing.assert_array_equal(_bootstrap.resampled_cross_products(
        z, 50, np.random.default_rng(5), **kw)[0], grams)  # fmt: skip
    other = z.copy()
    other[0, 1] += 1e-9  # other data: drawn again
    assert _bootstrap._LAST["grams"] is not None
    fresh, _ = _bootstrap.resampled_cross_products(other, 50, np.random.default_rng(5), **kw)
    assert not np.array_equal(fresh, grams)
