"""Data sets for `collapse check`: three model-collapse loops, simulated with NumPy
alone (independently of the Rust code), as a researcher's own experiment would.

Run from the repository root:

    python examples/check/make_data.py

It writes into examples/check/ (beside this file) one tidy CSV per data set,
`replicate,generation,value` (replicate 0..R-1, generation 1..G; generation 1 is
the first model, fitted on real data), plus `linear-replace-summary.csv`, and
prints each set's z-scores against the closed form it claims. The `*-wrong`
sets are simulated with a setting other than the one claimed, so a check must
reject them. Deterministic: every data set has its own seeded generator.
"""

import math
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent
SEED = 2026


# --- the three loops, one replicate per row ---------------------------------


def linear_replace(rng, replicates, generations, dim, samples, sigma):
    """OLS refitted on labels of the previous model, one design X per chain.

    X has T rows x ~ N(0, I_d); w_0 = w* = (1, ..., 1)/sqrt(d); generation n
    fits w_n = argmin ||X w - y||^2 with y = X w_{n-1} + N(0, sigma^2 I_T).
    Value: the excess test error ||w_n - w*||^2_Sigma (Sigma = I).
    """
    w_star = np.full(dim, 1.0 / math.sqrt(dim))
    x = rng.standard_normal((replicates, samples, dim))
    gram = x.transpose(0, 2, 1) @ x
    w = np.tile(w_star, (replicates, 1))
    errors = np.empty((replicates, generations))
    for n in range(generations):
        y = np.einsum("rtd,rd->rt", x, w) + sigma * rng.standard_normal((replicates, samples))
        w = np.linalg.solve(gram, np.einsum("rtd,rt->rd", x, y)[..., None])[..., 0]
        errors[:, n] = ((w - w_star) ** 2).sum(axis=1)
    return errors


def gaussian_replace(rng, replicates, generations, samples, ddof):
    """Shumailov's 1-D Gaussian loop: draw M points from N(mu_{n-1}, s_{n-1}^2),
    fit the sample mean and variance (ddof=1 unbiased, ddof=0 MLE).
    Starts from N(0, 1). Value: log(s_n^2 / sigma^2), sigma^2 = 1.
    """
    mu, var = np.zeros(replicates), np.ones(replicates)
    values = np.empty((replicates, generations))
    for n in range(generations):
        points = mu[:, None] + np.sqrt(var)[:, None] * rng.standard_normal((replicates, samples))
        mu, var = points.mean(axis=1), points.var(axis=1, ddof=ddof)
        values[:, n] = np.log(var)
    return values


def categorical_replace(rng, replicates, generations, initial, samples):
    """Wright-Fisher: draw M samples from p_{n-1}, refit the frequencies p_n = counts/M.
    Value: Gini-Simpson diversity 1 - sum_k p_n(k)^2 = (M^2 - sum_k c_k^2) / M^2.
    """
    p = np.tile(np.asarray(initial, dtype=float), (replicates, 1))
    values = np.empty((replicates, generations))
    for n in range(generations):
        counts = rng.multinomial(samples, p)
        p = counts / samples
        values[:, n] = (samples**2 - (counts**2).sum(axis=1)) / samples**2
    return values


# --- closed forms (the theorems' statements), for the printed z-scores ------


def digamma_half_integer(x):
    """psi(x) for x a positive integer or half-integer."""
    if x == int(x):
        return -np.euler_gamma + sum(1.0 / k for k in range(1, int(x)))
    return -np.euler_gamma - 2 * math.log(2) + sum(2.0 / (2 * k - 1) for k in range(1, int(x) + 1))


def theory_linear_replace(n, dim, samples, sigma):
    return n * sigma**2 * dim / (samples - dim - 1)


def theory_log_variance(n, samples):
    return n * (digamma_half_integer((samples - 1) / 2) + math.log(2 / (samples - 1)))


def theory_diversity(n, initial, samples):
    return (1 - sum(q * q for q in initial)) * (1 - 1 / samples) ** n


# --- output ------------------------------------------------------------------


def write_tidy(name, values):
    rows = ["replicate,generation,value"]
    for r, chain in enumerate(values.tolist()):
        rows.extend(f"{r},{g},{v!r}" for g, v in enumerate(chain, start=1))
    (OUT / name).write_text("\n".join(rows) + "\n")


def summary(values):
    r = values.shape[0]
    return values.mean(axis=0), values.std(axis=0, ddof=1) / math.sqrt(r), r


def report(name, values, theory):
    mean, se, _ = summary(values)
    z = (mean - theory) / se
    print(f"{name}: max |z| = {np.abs(z).max():.2f}   z by generation: " + " ".join(f"{v:+.1f}" for v in z))


def main():
    rng = lambda k: np.random.default_rng([SEED, k])  # noqa: E731

    # 1-2. Linear regression, replace, reused design: d = 5, T = 20, sigma = 1, 10 generations.
    d, t, G = 5, 20, 10
    theory = theory_linear_replace(np.arange(1, G + 1), d, t, 1.0)
    good = linear_replace(rng(1), 1000, G, d, t, sigma=1.0)
    wrong = linear_replace(rng(2), 1000, G, d, t, sigma=1.3)  # claimed sigma = 1
    write_tidy("linear-replace.csv", good)
    write_tidy("linear-replace-wrong.csv", wrong)
    report("linear-replace.csv", good, theory)
    report("linear-replace-wrong.csv (sigma = 1.3, claimed 1)", wrong, theory)

    mean, se, r = summary(good)
    rows = ["generation,mean,std_error,replicates"]
    rows.extend(f"{g},{m!r},{s!r},{r}" for g, m, s in zip(range(1, G + 1), mean.tolist(), se.tolist()))
    (OUT / "linear-replace-summary.csv").write_text("\n".join(rows) + "\n")

    # 3-4. Gaussian, 1-D, replace: M = 20, 20 generations; log of the variance ratio.
    m, G = 20, 20
    theory = theory_log_variance(np.arange(1, G + 1), m)
    good = gaussian_replace(rng(3), 1000, G, m, ddof=1)
    wrong = gaussian_replace(rng(4), 1000, G, m, ddof=0)  # MLE, claimed unbiased
    write_tidy("gaussian-log-variance.csv", good)
    write_tidy("gaussian-log-variance-wrong.csv", wrong)
    report("gaussian-log-variance.csv", good, theory)
    report("gaussian-log-variance-wrong.csv (MLE, claimed unbiased)", wrong, theory)

    # 5-6. Categorical (Wright-Fisher), replace: M = 20, 15 generations; Gini-Simpson diversity.
    p0, m, G = [0.4, 0.3, 0.15, 0.1, 0.05], 20, 15
    theory = theory_diversity(np.arange(1, G + 1), p0, m)
    good = categorical_replace(rng(5), 1000, G, p0, m)
    wrong = categorical_replace(rng(6), 1000, G, p0, 15)  # claimed M = 20
    write_tidy("categorical-diversity.csv", good)
    write_tidy("categorical-diversity-wrong.csv", wrong)
    report("categorical-diversity.csv", good, theory)
    report("categorical-diversity-wrong.csv (M = 15, claimed 20)", wrong, theory)


if __name__ == "__main__":
    main()
