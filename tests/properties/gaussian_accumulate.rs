//! `gaussian-accumulate`: the pooled fit, `E sigma_n^2 / sigma^2 = c_n` decreasing to a positive
//! limit (mle: `sin(pi/sqrt M)/(pi/sqrt M)`), `E (mu_n - mu)^2 = (sigma^2/M) sum_{j<=n} c_{j-1}/j^2
//! < (pi^2/6) sigma^2 / M`; in `d` dimensions with `tr Sigma` for `sigma^2`.

use crate::support::gaussian::{LN_GAMMA, r, setup, shape, sigma, values};
use crate::support::{EPS, config};
use model_collapse::gaussian::theory::{GaussianTheory, Metric, accumulate_mean_factors, accumulate_variance_factors, ids};
use model_collapse::gaussian::{Estimator, GaussianRegime};
use proptest::prelude::*;
use statrs::function::gamma::ln_gamma;
use std::f64::consts::PI;

/// `(M, n)`.
fn chain() -> impl Strategy<Value = (usize, u64)> {
    (2usize..3000, 1u64..2000)
}

/// `H_2(n) = sum_{j<=n} 1/j^2`.
fn harmonic2(n: u64) -> f64 {
    (1..=n).rev().map(|j| 1.0 / (j * j) as f64).sum()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mle_decreases_to_the_sine_limit_at_rate_one_over_m_n((m, n) in chain()) {
        let c = accumulate_variance_factors(m, Estimator::Mle, n);
        let x = PI / (m as f64).sqrt();
        let limit = x.sin() / x;
        prop_assert!(limit > 0.0);
        prop_assert!((c[0] - r(m)).abs() <= EPS, "c_1 = 1 - 1/M");
        // (a): c_n - c_inf = c_n (1 - prod_{j>n}(1 - 1/(M j^2))) lies in (0, c_n / (M n)]
        // (Weierstrass' product inequality and sum_{j>n} 1/j^2 < 1/n). The gap is about
        // c_n / (M n) >= 1e-7 c_n here, far above the product's n ulps.
        for (g, &v) in (1..).zip(&c) {
            prop_assert!(v > limit, "M = {m}, n = {g}: c_n = {v} <= limit {limit}");
            let tol = 2.0 * (g as f64 + 4.0) * EPS * v;
            prop_assert!(v - limit <= v / (m as f64 * g as f64) + tol, "M = {m}, n = {g}: gap {}", v - limit);
        }
        prop_assert!(c.windows(2).all(|w| w[1] < w[0]), "M = {m}: not strictly decreasing");
    }

    #[test]
    fn unbiased_decreases_to_the_gamma_limit((m, n) in chain()) {
        let c = accumulate_variance_factors(m, Estimator::Unbiased, n);
        // Remark 2: c_inf = Gamma(2 - 1/M) / (Gamma(2 - alpha) Gamma(2 - beta)),
        // alpha, beta = (1 +- sqrt(1 + 4M)) / (2M); and 0 < c_n - c_inf <= 2 c_n / (M n),
        // as 1/(j(jM - 1)) <= 2/(M j^2). ln Gamma on [1, 3] is good to ~1e-15, hence LN_GAMMA.
        let mf = m as f64;
        let root = (1.0 + 4.0 * mf).sqrt();
        let (alpha, beta) = ((1.0 + root) / (2.0 * mf), (1.0 - root) / (2.0 * mf));
        let limit = (ln_gamma(2.0 - 1.0 / mf) - ln_gamma(2.0 - alpha) - ln_gamma(2.0 - beta)).exp();
        prop_assert_eq!(c[0], 1.0);
        for (g, &v) in (1..).zip(&c) {
            let tol = 2.0 * (g as f64 + 4.0) * EPS * v + LN_GAMMA;
            let (gap, bound) = (v - limit, 2.0 * v / (mf * g as f64));
            prop_assert!(gap > -tol && gap <= bound + tol, "M = {m}, n = {g}: c_n = {v}, limit {limit}");
        }
        prop_assert!(c.windows(2).all(|w| w[1] < w[0]), "M = {m}: not strictly decreasing");
    }

    #[test]
    fn unbiased_over_mle_between_m_plus_1_over_m_and_m_over_m_minus_1((m, n) in chain()) {
        // Factor by factor, (1 - 1/(j(jM-1))) / (1 - 1/(M j^2)) = 1 - 1/((jM-1)(M j^2-1)) < 1,
        // whose defects sum to less than 1/M^2 over j >= 2; with the ratio M/(M-1) at n = 1:
        // (M+1)/M = (M/(M-1))(1 - 1/M^2) <= c_unb / c_mle <= M/(M-1). The two products carry
        // n ulps each.
        let u = accumulate_variance_factors(m, Estimator::Unbiased, n);
        let l = accumulate_variance_factors(m, Estimator::Mle, n);
        let mf = m as f64;
        for (g, (u, l)) in (1..).zip(u.iter().zip(&l)) {
            let (ratio, tol) = (u / l, 4.0 * (g as f64 + 4.0) * EPS);
            prop_assert!(ratio >= (mf + 1.0) / mf - tol && ratio <= mf / (mf - 1.0) + tol, "M = {m}, n = {g}: {ratio}");
        }
    }

    #[test]
    fn closed_forms_of_remark_2(n in 1u64..2000) {
        // M = 2 unbiased: (2n+1)/(3n); M = 4 mle: Wallis, prod_{j<=n} (2j-1)(2j+1)/(2j)^2.
        let c2 = accumulate_variance_factors(2, Estimator::Unbiased, n);
        let c4 = accumulate_variance_factors(4, Estimator::Mle, n);
        let mut wallis = 1.0;
        for (g, (a, b)) in (1..).zip(c2.iter().zip(&c4)) {
            let j = g as f64;
            wallis *= (2.0 * j - 1.0) * (2.0 * j + 1.0) / (4.0 * j * j);
            let tol = 4.0 * (j + 4.0) * EPS;
            prop_assert!((a / ((2.0 * j + 1.0) / (3.0 * j)) - 1.0).abs() <= tol, "M = 2, n = {g}: {a}");
            prop_assert!((b / wallis - 1.0).abs() <= tol, "M = 4, n = {g}: {b} vs {wallis}");
        }
    }

    #[test]
    fn mean_error_below_pi2_over_6_and_below_replace(
        (d, sp) in shape(), extra in 0usize..2000, n in 1u64..500, s in sigma(),
        e in prop_oneof![Just(Estimator::Unbiased), Just(Estimator::Mle), Just(Estimator::KnownVariance)],
    ) {
        let m = d + 1 + extra;
        let su = setup(d, m, s, sp.clone(), e, GaussianRegime::Accumulate, n);
        let curve = GaussianTheory::new(&su).curve(Metric::MeanError).unwrap();
        prop_assert_eq!(curve.theorem, ids::ACCUMULATE);
        let unit = su.trace() / m as f64;
        let replace = values(&GaussianTheory::new(&setup(d, m, s, sp, e, GaussianRegime::Replace, n)), Metric::MeanError);
        let factors = accumulate_mean_factors(m, e, n);
        for (g, v) in (1..).zip(&curve.values) {
            let (i, h2) = (g as usize - 1, harmonic2(g));
            prop_assert!((v / (unit * factors[i]) - 1.0).abs() <= 4.0 * EPS);
            // (b): at most H_2(n) < pi^2/6, equal to H_2(n) with a known variance (c = 1).
            prop_assert!(factors[i] <= h2 * (1.0 + 4.0 * g as f64 * EPS) && factors[i] < PI * PI / 6.0);
            if e == Estimator::KnownVariance {
                prop_assert!((factors[i] / h2 - 1.0).abs() <= 4.0 * g as f64 * EPS);
            }
            // Equal to replace at n = 1, below from n = 2 (mle: 1 - c_n < 1 - r^n as each
            // factor of c_n beats r; otherwise H_2(n) < n). The gap at n = 2 is tr Sigma
            // times 3/(4 M^2) (mle) or 3/(4 M), far above rounding.
            if g == 1 {
                prop_assert!((v / replace[0] - 1.0).abs() <= 4.0 * EPS);
            } else {
                prop_assert!(*v < replace[i], "d = {d}, M = {m}, {e}, n = {g}: {v} vs replace {}", replace[i]);
            }
        }
    }

    #[test]
    fn mle_conservation_law((d, sp) in shape(), extra in 0usize..2000, n in 1u64..500, s in sigma()) {
        // (b) and Remark 1: E tr Sigma_n + E ||mu_n - mu||^2 = tr Sigma for every n. Both terms
        // are products or sums of n factors: absolute error (4n + 8) ulps of tr Sigma.
        let m = d + 1 + extra;
        let su = setup(d, m, s, sp, Estimator::Mle, GaussianRegime::Accumulate, n);
        let t = GaussianTheory::new(&su);
        let (variance, mean) = (values(&t, Metric::VarianceRatio), values(&t, Metric::MeanError));
        let trace = su.trace();
        for (g, (v, e)) in (1..).zip(variance.iter().zip(&mean)) {
            let total = v * trace + e;
            let tol = (4.0 * g as f64 + 8.0) * EPS * trace;
            prop_assert!((total - trace).abs() <= tol, "d = {d}, M = {m}, n = {g}: {total} vs {trace}");
        }
        // Step 6: E ||mu_n - mu||^2 - E ||mu_{n-1} - mu||^2 = (tr Sigma / M) c_{n-1} / n^2.
        for g in 1..n as usize {
            let step = trace / m as f64 * variance[g - 1] / ((g + 1) * (g + 1)) as f64;
            prop_assert!((mean[g] - mean[g - 1] - step).abs() <= 4.0 * (g as f64 + 2.0) * EPS * mean[g]);
        }
    }
}
