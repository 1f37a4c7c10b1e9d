"""Property tests of closed forms through the Python package (hypothesis): the
tables agree with the formulas proved in proofs/, over random valid settings."""

import math

import pytest
from hypothesis import given, settings, strategies as st

import model_collapse as mc

pytestmark = pytest.mark.filterwarnings("ignore::model_collapse.CollapseWarning")
FAST = settings(max_examples=40, deadline=None)
LINEAR = dict(d=st.integers(1, 20), extra=st.integers(2, 200), sigma=st.floats(0.01, 10))


def linear(regime, d, extra, sigma, n):
    """The closed form of the linear loop at T = d + extra, and its generation-1 value sigma^2 d / (T - d - 1)."""
    t = d + extra
    frame = mc.theory("linear", regime=regime, dim=d, samples=t, sigma=sigma, generations=n)
    return frame, sigma**2 * d / (t - d - 1)


@FAST
@given(**LINEAR, n=st.integers(1, 30))
def test_linear_replace_grows_linearly(d, extra, sigma, n):
    frame, base = linear("replace", d, extra, sigma, n)
    for g, value in zip(frame["generation"], frame["theory"]):
        assert math.isclose(value, g * base, rel_tol=1e-12)


@FAST
@given(**LINEAR, n=st.integers(1, 60))
def test_linear_accumulate_stays_below_pi_squared_over_six(d, extra, sigma, n):
    frame, base = linear("accumulate", d, extra, sigma, n)
    values = frame["theory"].to_numpy()
    assert (values[1:] >= values[:-1]).all()
    assert values[-1] < math.pi**2 / 6 * base * (1 + 1e-12)
    assert math.isclose(values[-1], base * sum(1 / i**2 for i in range(1, n + 1)), rel_tol=1e-12)


@FAST
@given(m=st.integers(2, 200), g=st.integers(1, 40), k=st.integers(2, 12))
def test_categorical_replace_diversity_decays_geometrically(m, g, k):
    frame = mc.theory("categorical", initial="uniform", outcomes=k, samples=m, generations=g)
    diversity = frame[frame["metric"] == "diversity"]
    h0 = 1 - 1 / k
    for gen, value in zip(diversity["generation"], diversity["theory"]):
        assert math.isclose(value, h0 * (1 - 1 / m) ** gen, rel_tol=1e-10)
