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


EULER_GAMMA = 0.5772156649015329


def digamma_of_half(k):
    """psi(k/2) for a whole k >= 1, exactly from psi(1) = -gamma, psi(1/2) = -gamma - 2 ln 2 and
    psi(x + 1) = psi(x) + 1/x."""
    if k % 2 == 0:
        return -EULER_GAMMA + sum(1 / j for j in range(1, k // 2))
    return -EULER_GAMMA - 2 * math.log(2) + sum(2 / (2 * j - 1) for j in range(1, (k - 1) // 2 + 1))


@FAST
@given(m=st.integers(2, 200), n=st.integers(1, 40), sigma=st.floats(0.01, 10), estimator=st.sampled_from(["unbiased", "mle"]))
def test_gaussian_replace_laws_of_the_fitted_variance(m, n, sigma, estimator):
    """With M samples per generation, (M - 1) s^2 / sigma^2 ~ chi^2_{M-1} independently each
    generation, so sigma_n^2 / sigma^2 is a product of n such factors divided by M - 1 (unbiased)
    or M (mle): E ratio = c^n with c = 1 or (M-1)/M; E log ratio = n (psi((M-1)/2) + ln(2/div));
    E sd ratio = (sqrt(2/div) Gamma(M/2) / Gamma((M-1)/2))^n; and the mean's error adds
    E sigma_{i-1}^2 / M each generation: E (mu_n - mu)^2 = sigma^2/M sum_{i<n} c^i."""
    frame = mc.theory("gaussian", samples=m, generations=n, sigma=sigma, estimator=estimator)
    div = m - 1 if estimator == "unbiased" else m
    c = (m - 1) / div
    drift = digamma_of_half(m - 1) + math.log(2 / div)
    sd = math.exp(0.5 * math.log(2 / div) + math.lgamma(m / 2) - math.lgamma((m - 1) / 2))
    theory = {metric: dict(zip(rows["generation"], rows["theory"])) for metric, rows in frame.groupby("metric")}
    for g in range(1, n + 1):
        assert math.isclose(theory["variance_ratio"][g], c**g, rel_tol=1e-10)
        assert math.isclose(theory["log_variance_ratio"][g], g * drift, rel_tol=1e-9, abs_tol=1e-12)
        assert math.isclose(theory["sd_ratio"][g], sd**g, rel_tol=1e-9)
        assert math.isclose(theory["mean_error"][g], sigma**2 / m * sum(c**i for i in range(g)), rel_tol=1e-10)


@FAST
@given(m=st.integers(2, 100), n=st.integers(1, 30), sigma=st.floats(0.01, 10))
def test_gaussian_accumulate_mean_error_with_a_known_variance(m, n, sigma):
    """Known variance, accumulate: generation i's M points have mean mu_{i-1} + z_i (Var z_i =
    sigma^2/M, independent), and mu_n averages all n M points, so n D_n = sum_{i<=n} z_i +
    sum_{i<n} D_i with D_n = mu_n - mu; subtracting the same line at n - 1 gives D_n = D_{n-1} +
    z_n / n, hence E D_n^2 = (sigma^2/M) sum_{i<=n} 1/i^2 < (pi^2/6) sigma^2/M, and the variance
    stays the truth's."""
    frame = mc.theory("gaussian", samples=m, generations=n, sigma=sigma, regime="accumulate", estimator="known-variance")
    error = frame[frame["metric"] == "mean_error"]
    for g, value in zip(error["generation"], error["theory"]):
        assert math.isclose(value, sigma**2 / m * sum(1 / i**2 for i in range(1, g + 1)), rel_tol=1e-12)
        assert value < math.pi**2 / 6 * sigma**2 / m
    assert (frame[frame["metric"] == "variance_ratio"]["theory"] == 1.0).all()
