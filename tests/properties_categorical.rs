//! Property tests of the categorical family's closed forms and exact chain
//! (proptest), one module per theorem id, over random `p_0`, `M`, `S_0` and
//! `n`. The properties are exact identities or proven inequalities of
//! `proofs/categorical-*.md`, or two representations of one object checked
//! against each other (the forward law against the backward products, the
//! linear solve against the tail sum, the closed limit against a long partial
//! product). The tolerances are rounding bounds derived once below
//! ([`chain_rounding`]) or where they are used; truncations carry explicit
//! bounds on what they leave out.

use model_collapse::categorical::CategoricalSetup;
use model_collapse::categorical::exact::{Absorption, BinomialChain};
use model_collapse::categorical::theory::{
    CategoricalTheory, Metric, accumulate_diversity_factors, accumulate_diversity_limit, gini_simpson, replace_diversity_factors,
};
use model_collapse::linear::Regime;
use proptest::prelude::*;
use std::f64::consts::PI;

/// One unit in the last place at 1.
const EPS: f64 = f64::EPSILON;

/// Binomial probabilities below this are dropped by the exact chain; any sum
/// of them over one law is below `(M + 1)` times it, far below every tolerance.
const DROPPED: f64 = 1e-290;

/// Relative rounding bound of a nonnegative quantity of the exact chain after
/// `g` generations (an entry of `pi_g`, a loss or fixation probability, the
/// mean of a nonnegative function). One row of the binomial matrix is built by
/// the ratio recurrence from its mode (at most 2 ulps per step, `M` steps) and
/// normalised (`M + 1` ulps): at most `3M + 2` ulps per entry. A forward or
/// backward step adds `M + 1` nonnegative products, so relative errors add up
/// without cancellation: at most `(g + 1)(4M + 4)` ulps after `g` generations,
/// bounded here by `8 (g + 1)(M + 2)` ulps.
fn chain_rounding(m: usize, g: u64) -> f64 {
    8.0 * (g as f64 + 1.0) * (m as f64 + 2.0) * EPS
}

/// A probability vector on `2..=k_max` outcomes, every entry at least `0.01 / K`.
fn probabilities(k_max: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(0.01f64..1.0, 2..=k_max).prop_map(|w| {
        let total: f64 = w.iter().sum();
        w.iter().map(|x| x / total).collect()
    })
}

fn regime() -> impl Strategy<Value = Regime> {
    prop_oneof![Just(Regime::Replace), Just(Regime::Accumulate)]
}

fn setup(p: &[f64], m: usize, regime: Regime, n: u64) -> CategoricalSetup {
    CategoricalSetup::new(p, m, regime, n).expect("valid by construction")
}

fn curve(s: &CategoricalSetup, metric: Metric) -> (&'static str, Vec<f64>) {
    let r = CategoricalTheory::new(s).curve(metric).unwrap_or_else(|| panic!("a closed form of {metric}"));
    (r.theorem, r.values)
}

/// The exact chain of `M` samples.
fn chain(m: usize) -> BinomialChain {
    BinomialChain::new(m).expect("M >= 1")
}

/// The laws `pi_1, ..., pi_n` of one outcome's count, by forward steps (what `law` does).
fn laws(chain: &BinomialChain, p: f64, n: u64) -> Vec<Vec<f64>> {
    let mut out = vec![chain.pmf(p).to_dense(chain.samples() + 1)];
    for _ in 1..n {
        let next = chain.step_forward(out.last().unwrap());
        out.push(next);
    }
    out
}

/// `E f(C)` under the law `pi` of a count.
fn expect(pi: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    pi.iter().enumerate().map(|(j, w)| w * f(j as f64)).sum()
}

/// The smallest positive Gini–Simpson diversity of a model fitted on `M` points,
/// `2(M - 1)/M^2` (counts `M - 1` and 1): `P(not a point mass) <= E H / this`.
fn least_positive_diversity(m: usize) -> f64 {
    let m = m as f64;
    2.0 * (m - 1.0) / (m * m)
}

/// `categorical-martingale`
mod categorical_martingale {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn mean_count_is_m_p_forward_and_backward(
            m in 1usize..=200, g in 1u64..=50,
            p in prop_oneof![Just(0.0), Just(1.0), 0.0f64..=1.0],
        ) {
            let c = chain(m);
            let target = m as f64 * p;
            let tol = chain_rounding(m, g) * target + DROPPED;
            // Forward: E C_g = sum_j j pi_g(j), pi_g = pi_1 P^(g-1).
            let law = c.law(p, g);
            let forward = expect(&law, |j| j);
            prop_assert!((forward - target).abs() <= tol, "M = {m}, p = {p}, g = {g}: forward {forward} vs M p = {target}");
            // Backward: pi_1 . P^(g-1) u with u(i) = i, and P u = u (every row has mean i).
            let mut u: Vec<f64> = (0..=m).map(|i| i as f64).collect();
            for _ in 1..g {
                u = c.step_back(&u);
            }
            let backward = c.pmf(p).dot(&u);
            prop_assert!((backward - target).abs() <= tol, "M = {m}, p = {p}, g = {g}: backward {backward} vs M p = {target}");
            for (i, x) in u.iter().enumerate() {
                prop_assert!((x - i as f64).abs() <= chain_rounding(m, g) * i as f64, "M = {m}, g = {g}: (P^(g-1) u)({i}) = {x}");
            }
        }

        #[test]
        fn top_and_tail_mass_curves_are_constant(
            p in probabilities(8), m in 1usize..=300, r in regime(), n in 1u64..=100, tail in 0.001f64..=1.0,
        ) {
            let s = setup(&p, m, r.clone(), n).with_tail(tail).unwrap();
            let top = s.probabilities().iter().cloned().fold(0.0, f64::max);
            prop_assert_eq!(s.probabilities()[s.top()], top);
            let (theorem, values) = curve(&s, Metric::TopMass);
            prop_assert_eq!(theorem, "categorical-martingale");
            prop_assert_eq!(values, vec![top; n as usize], "{} {}: top mass", r, s.describe());
            let (theorem, values) = curve(&s, Metric::TailMass);
            prop_assert_eq!(theorem, "categorical-martingale");
            prop_assert_eq!(values, vec![s.tail_mass(); n as usize], "{} {}: tail mass", r, s.describe());
        }
    }
}

/// `categorical-replace-diversity`
mod categorical_replace_diversity {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn factors_are_one_minus_one_over_m_to_the_g(m in 1usize..=2000, n in 1u64..=300) {
            let c = replace_diversity_factors(m, n);
            prop_assert_eq!(c.len(), n as usize);
            if m == 1 {
                // One sample is a point mass: the diversity is 0 from generation 1.
                prop_assert!(c.iter().all(|&v| v == 0.0));
                return Ok(());
            }
            for (g, &v) in (1..).zip(&c) {
                // A running product of g factors (g ulps) against exp(g ln1p(-1/M)) (a few ulps).
                let exact = (g as f64 * (-1.0 / m as f64).ln_1p()).exp();
                prop_assert!((v / exact - 1.0).abs() <= (g as f64 + 8.0) * EPS, "M = {m}, g = {g}: {v} vs {exact}");
                prop_assert!(v > 0.0 && v < 1.0, "M = {m}, g = {g}: {v}");
            }
            prop_assert!(c.windows(2).all(|w| w[1] < w[0]), "M = {m}: not strictly decreasing");
        }

        #[test]
        fn two_outcomes_law_against_closed_form(m in 1usize..=150, n in 1u64..=40, p in 0.001f64..0.999) {
            // K = 2: H(p_g) = 2 (C/M)(1 - C/M), so E H(p_g) = sum_j pi_g(j) 2 (j/M)(1 - j/M)
            // = 2 p (1 - p)(1 - 1/M)^g. Both sides are sums of nonnegative terms.
            let c = chain(m);
            let factors = replace_diversity_factors(m, n);
            let mf = m as f64;
            for (g, law) in (1..).zip(laws(&c, p, n)) {
                let from_law = expect(&law, |j| 2.0 * (j / mf) * (1.0 - j / mf));
                let exact = 2.0 * p * (1.0 - p) * factors[g as usize - 1];
                let tol = (chain_rounding(m, g) + (g as f64 + 8.0) * EPS) * exact + DROPPED;
                prop_assert!((from_law - exact).abs() <= tol, "M = {m}, p = {p}, g = {g}: law {from_law} vs {exact}");
                prop_assert!((law.iter().sum::<f64>() - 1.0).abs() <= chain_rounding(m, g), "M = {m}, p = {p}, g = {g}: mass");
            }
        }

        #[test]
        fn tail_variance_from_the_law_is_the_tail_spread_curve(p in probabilities(6), m in 1usize..=150, n in 1u64..=40) {
            // Tail fraction = the smallest p_0(k): the tail is that outcome alone, and
            // Var p_g(A) = sum_j pi_g(j) (j/M - pi)^2 with pi_g the law of its count.
            let least = p.iter().cloned().fold(1.0, f64::min);
            let s = setup(&p, m, Regime::Replace, n).with_tail(least).unwrap();
            prop_assert_eq!((0..p.len()).filter(|&k| s.in_tail(k)).count(), 1);
            let pi = s.tail_mass();
            let (theorem, spread) = curve(&s, Metric::TailSpread);
            prop_assert_eq!(theorem, "categorical-replace-diversity");
            let mf = m as f64;
            for (g, law) in (1..).zip(laws(&chain(m), pi, n)) {
                let variance = expect(&law, |j| (j / mf - pi).powi(2));
                let closed = spread[g as usize - 1];
                // The law's relative rounding on the variance; (j/M - pi)^2 is off by at most
                // 2 ulps absolutely (|j/M - pi| <= 1); and the curve's 1 - (1 - 1/M)^g is off
                // by g + 2 ulps absolutely, times pi (1 - pi) <= 1/4.
                let tol = chain_rounding(m, g) * variance + 4.0 * EPS + (g as f64 + 4.0) * EPS + DROPPED;
                prop_assert!((variance - closed).abs() <= tol, "M = {m}, pi = {pi}, g = {g}: law {variance} vs curve {closed}");
            }
        }

        #[test]
        fn diversity_is_monotone_and_bounds_the_survival_of_diversity(p in probabilities(6), m in 1usize..=200, n in 1u64..=60) {
            let s = setup(&p, m, Regime::Replace, n);
            let (theorem, diversity) = curve(&s, Metric::Diversity);
            prop_assert_eq!(theorem, "categorical-replace-diversity");
            // The curve is H(p_0) c_g, with p_0 as the setup stores it (renormalised).
            let h0 = gini_simpson(s.probabilities());
            for (g, (d, c)) in (1..).zip(diversity.iter().zip(replace_diversity_factors(m, n))) {
                prop_assert!((d - h0 * c).abs() <= 4.0 * EPS * h0 * c, "M = {m}, g = {g}: {d} vs H(p_0) c_g");
            }
            // The demand: the diversity never increases under replace (strictly decreasing for M >= 2).
            for (g, w) in (1..).zip(diversity.windows(2)) {
                prop_assert!(w[1] <= w[0], "M = {m}, g = {g}: diversity {} then {}", w[0], w[1]);
                prop_assert!(m == 1 || w[1] < w[0], "M = {m}, g = {g}: not strictly decreasing");
            }
            if m >= 2 {
                // Statement (iii): P(p_g is not a point mass) <= E H(p_g) / (2 (M - 1)/M^2), with
                // P(point mass) the collapsed curve (a sum of K fixation probabilities).
                let (_, collapsed) = curve(&s, Metric::Collapsed);
                let floor = least_positive_diversity(m);
                for (g, (c, d)) in (1..).zip(collapsed.iter().zip(&diversity)) {
                    let tol = p.len() as f64 * chain_rounding(m, g) + 4.0 * EPS;
                    prop_assert!(1.0 - c <= d / floor + tol, "M = {m}, g = {g}: P(not collapsed) = {} > {}", 1.0 - c, d / floor);
                }
            }
        }
    }
}

/// `categorical-accumulate-diversity`
mod categorical_accumulate_diversity {
    use super::*;
    use model_collapse::gaussian::Estimator;
    use model_collapse::gaussian::theory::accumulate_variance_factors;
    use statrs::function::gamma::ln_gamma;

    /// Absolute error of the library's limit `(1 - 1/S_0) exp(2 ln Gamma(b) - ln Gamma(b - x) -
    /// ln Gamma(b + x))`, `b = 1 + S_0/M`, `0 < x <= 1`. statrs' `ln_gamma` is good to 128 ulps
    /// of `max(1, |ln Gamma|)` (measured against mpmath on a fine grid of `[1, 1000]`: at most
    /// 58, near 2.86; 11 above 29), and every argument's `|ln Gamma|` is at most
    /// `max(1, ln Gamma(b + 1))`: the exponent is off by at most 4 such errors, and `exp` and
    /// the product add a few ulps of the limit (which is below 1).
    fn limit_rounding(real: usize, samples: usize) -> f64 {
        let b = 1.0 + real as f64 / samples as f64;
        (512.0 * ln_gamma(b + 1.0).max(1.0) + 8.0) * EPS
    }

    /// `(S_0, M, n)` with `S_0 >= 2` (`S_0 = 1` is a point mass: tested apart).
    fn pool() -> impl Strategy<Value = (usize, usize, u64)> {
        (2usize..=1000, 1usize..=300, 1u64..=200)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn factors_decrease_strictly_and_stay_above_the_limit((s0, m, n) in pool()) {
            let c = accumulate_diversity_factors(s0, m, n);
            let limit = accumulate_diversity_limit(s0, m);
            prop_assert_eq!(c[0], 1.0 - 1.0 / s0 as f64);
            prop_assert!(c.windows(2).all(|w| w[1] < w[0]), "S_0 = {s0}, M = {m}: not strictly decreasing");
            // The demand, accumulate bounded below by its limit: c_g - c_inf is at least
            // c_g M / S_g^2 >= 8e-8 c_g >= 1.5e-9 here, above the limit's rounding (< 7e-10).
            for (g, &v) in (1..).zip(&c) {
                prop_assert!(v > limit + limit_rounding(s0, m), "S_0 = {s0}, M = {m}, g = {g}: c_g = {v} <= limit {limit}");
            }
            // Step 5: P_inf >= exp(-pi^2/(3M)); the margin is at least a factor exp(pi^2/(6M)) - 1 >= 5e-3.
            let floor = (1.0 - 1.0 / s0 as f64) * (-PI * PI / (3.0 * m as f64)).exp();
            prop_assert!(limit >= floor, "S_0 = {s0}, M = {m}: limit {limit} < (1 - 1/S_0) exp(-pi^2/(3M)) = {floor}");
        }

        #[test]
        fn real_pool_of_m_is_the_sine_limit_and_the_gaussian_mle_factors(m in 2usize..=2000, n in 1u64..=300) {
            // S_0 = M: (1 - 1/M) P_inf = sin(pi/sqrt M)/(pi/sqrt M) (Euler's product); b = 2, so
            // the ln Gamma arguments lie in [1.29, 2.71].
            let x = PI / (m as f64).sqrt();
            let limit = accumulate_diversity_limit(m, m);
            prop_assert!((limit - x.sin() / x).abs() <= limit_rounding(m, m), "M = {m}: {limit} vs {}", x.sin() / x);
            // Remark 1: the factors are the Gaussian pooled-MLE variance factors c_g^mle; two
            // products of g factors, 1 - M/(gM)^2 against 1 - 1/(M g^2): g ulps each.
            let c = accumulate_diversity_factors(m, m, n);
            let gaussian = accumulate_variance_factors(m, Estimator::Mle, n);
            for (g, (a, b)) in (1..).zip(c.iter().zip(&gaussian)) {
                prop_assert!((a / b - 1.0).abs() <= 4.0 * (g as f64 + 4.0) * EPS, "M = {m}, g = {g}: {a} vs Gaussian {b}");
            }
            // Remark 1 again: accumulate keeps more diversity than replace, equal at g = 1.
            let replace = replace_diversity_factors(m, n);
            prop_assert_eq!(c[0], replace[0]);
            for (g, (a, r)) in (2..).zip(c.iter().zip(&replace).skip(1)) {
                prop_assert!(a > r, "M = {m}, g = {g}: accumulate {a} <= replace {r}");
            }
        }
    }

    proptest! {
        #[test]
        fn one_sample_per_generation_telescopes(s0 in 2usize..=1000, n in 1u64..=300) {
            // M = 1: S_j = S_0 + j and prod_{k=a}^{b} (1 - 1/k^2) = (a - 1)(b + 1)/(a b), so
            // c_g = (S_0 - 1)(S_0 + g) / ((S_0 + 1)(S_0 + g - 1)) and c_inf = (S_0 - 1)/(S_0 + 1):
            // an independent closed form. A product of g factors: g ulps and a few.
            let sf = s0 as f64;
            let c = accumulate_diversity_factors(s0, 1, n);
            for (g, v) in (1..).zip(&c) {
                let gf = g as f64;
                let exact = (sf - 1.0) * (sf + gf) / ((sf + 1.0) * (sf + gf - 1.0));
                prop_assert!((v / exact - 1.0).abs() <= (2.0 * gf + 8.0) * EPS, "S_0 = {s0}, M = 1, g = {g}: {v} vs {exact}");
            }
            let (limit, exact) = (accumulate_diversity_limit(s0, 1), (sf - 1.0) / (sf + 1.0));
            prop_assert!((limit - exact).abs() <= limit_rounding(s0, 1), "S_0 = {s0}, M = 1: limit {limit} vs {exact}");
        }
    }

    /// Factors of the partial product `prod_{j=1}^N (1 - M/S_j^2)` in the check below.
    const TERMS: u64 = 100_000;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn limit_is_the_long_partial_product((s0, m, _) in pool()) {
            // ln P_inf = sum_j ln(1 - a_j), a_j = M/S_j^2 <= 1/4. Sum j <= N in log space; the rest
            // T = sum_{j>N} a_j lies between the integrals 1/(S_0 + (N+1)M) and 1/(S_0 + NM)
            // (a_j is decreasing in j), and -a - a^2 <= ln(1 - a) <= -a on [0, 1/2], with
            // sum_{j>N} a_j^2 <= 1/(3 M^2 N^3). Taking the midpoint of the bracket, the truncation
            // error of ln P_inf is at most half its width plus that square sum.
            let (sf, mf, nf) = (s0 as f64, m as f64, TERMS as f64);
            let head: f64 = (1..=TERMS).map(|j| (-mf / (sf + j as f64 * mf).powi(2)).ln_1p()).sum();
            let (low, high) = (1.0 / (sf + (nf + 1.0) * mf), 1.0 / (sf + nf * mf));
            let truncation = (high - low) / 2.0 + 1.0 / (3.0 * mf * mf * nf.powi(3));
            // Recursive summation of N terms: at most N ulps of sum |ln(1 - a_j)| <= 2 sum a_j <= pi^2/(3M).
            let summation = nf * EPS * PI * PI / (3.0 * mf);
            let estimate = (1.0 - 1.0 / sf) * (head - (low + high) / 2.0).exp();
            let limit = accumulate_diversity_limit(s0, m);
            let tol = estimate * (truncation + summation + 4.0 * EPS) + limit_rounding(s0, m);
            prop_assert!((limit - estimate).abs() <= tol, "S_0 = {s0}, M = {m}: limit {limit} vs product {estimate} (tol {tol:e})");
        }

        #[test]
        fn curves_are_the_factors_and_generation_1_is_the_binomial_pool(p in probabilities(6), (s0, m, n) in pool()) {
            let n = n.min(50);
            let s = setup(&p, m, Regime::Accumulate, n).with_real_samples(s0).unwrap();
            let factors = accumulate_diversity_factors(s0, m, n);
            let (theorem, diversity) = curve(&s, Metric::Diversity);
            prop_assert_eq!(theorem, "categorical-accumulate-diversity");
            let h0 = gini_simpson(s.probabilities());
            for (g, (d, c)) in (1..).zip(diversity.iter().zip(&factors)) {
                prop_assert!((d - h0 * c).abs() <= 4.0 * EPS * h0 * c, "S_0 = {s0}, M = {m}, g = {g}: {d} vs H(p_0) c_g");
            }
            // At g = 1 the pool is S_0 real draws: Var q_0(A) = pi (1 - pi)/S_0, here as the
            // variance of Binomial(S_0, pi)/S_0 from the exact chain's pmf.
            let pi = s.tail_mass();
            let pmf = chain(s0).pmf(pi).to_dense(s0 + 1);
            let variance = expect(&pmf, |j| (j / s0 as f64 - pi).powi(2));
            let (_, spread) = curve(&s, Metric::TailSpread);
            let tol = chain_rounding(s0, 1) * variance + 8.0 * EPS * pi * (1.0 - pi) + 4.0 * EPS + DROPPED;
            prop_assert!((spread[0] - variance).abs() <= tol, "S_0 = {s0}, pi = {pi}: curve {} vs pmf {variance}", spread[0]);
        }
    }

    #[test]
    fn a_real_pool_of_one_point_is_a_point_mass_for_ever() {
        // S_0 = 1: q_0 is a point mass and nothing is ever added outside it (Remark 4).
        for m in [1, 2, 7, 100] {
            assert!(accumulate_diversity_factors(1, m, 20).iter().all(|&c| c == 0.0), "M = {m}");
            assert_eq!(accumulate_diversity_limit(1, m), 0.0, "M = {m}");
        }
    }
}

/// `categorical-fixation`
mod categorical_fixation {
    use super::*;

    /// Upper bound on `P(C_g` not absorbed`)` for an outcome of initial mass `p`: its
    /// count lumped against the rest is a two-outcome chain with `E H_g = 2p(1-p)(1 - 1/M)^g`,
    /// and a model that is not a point mass has `H >= 2(M - 1)/M^2`.
    fn not_absorbed_bound(m: usize, p: f64, g: u64) -> f64 {
        2.0 * p * (1.0 - p) * replace_diversity_factors(m, g)[g as usize - 1] / least_positive_diversity(m)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn fixation_rises_to_p_within_the_diversity_bound(
            starts in proptest::collection::vec(0.001f64..0.999, 1..=5), m in 2usize..=40, n in 1u64..=400,
        ) {
            let a: Vec<Absorption> = chain(m).absorption(&starts, n);
            for (p, a) in starts.iter().zip(&a) {
                prop_assert_eq!(a.fixed.len(), n as usize);
                for g in 1..=n {
                    let (fixed, lost) = (a.fixed[g as usize - 1], a.lost[g as usize - 1]);
                    let tol = chain_rounding(m, g);
                    // P(fixed by g) <= P(fixed eventually) = p, and the gap is the chance of being
                    // still unabsorbed at g and fixing later; likewise for the loss and 1 - p.
                    let bound = not_absorbed_bound(m, *p, g);
                    let (to_fix, to_lose) = (p - fixed, (1.0 - p) - lost);
                    let at = format!("M = {m}, p = {p}, g = {g}");
                    prop_assert!(to_fix >= -tol * p && to_fix <= bound + tol * p, "{at}: fixed {fixed}, bound {bound:e}");
                    prop_assert!(to_lose >= -tol * (1.0 - p) && to_lose <= bound + tol, "{at}: lost {lost}, bound {bound:e}");
                    if g >= 2 {
                        let before = a.fixed[g as usize - 2];
                        prop_assert!(fixed >= before * (1.0 - 2.0 * tol), "M = {m}, p = {p}, g = {g}: fixed {before} then {fixed}");
                    }
                }
            }
        }

        #[test]
        fn collapsed_curve_rises_within_zero_one(p in probabilities(8), m in 1usize..=200, n in 1u64..=100) {
            let s = setup(&p, m, Regime::Replace, n);
            let (theorem, collapsed) = curve(&s, Metric::Collapsed);
            prop_assert_eq!(theorem, "categorical-fixation");
            let k = p.len() as f64;
            for (g, c) in (1..).zip(&collapsed) {
                let tol = k * chain_rounding(m, g);
                prop_assert!(*c >= 0.0 && *c <= 1.0 + tol, "M = {m}, g = {g}: P(point mass) = {c}");
                // Generation 1 is a point mass iff all M draws agree: sum_k p_k^M.
                // exp(M ln q) is good to a few ulps of M |ln q|.
                if g == 1 {
                    let q = s.probabilities();
                    let exact: f64 = q.iter().map(|q| (m as f64 * q.ln()).exp()).sum();
                    let tol = tol + 8.0 * EPS * m as f64 * q.iter().map(|q| q.ln().abs()).fold(1.0, f64::max);
                    prop_assert!((c - exact).abs() <= tol * exact + k * DROPPED, "M = {m}: {c} vs sum p^M = {exact}");
                }
            }
            for (g, w) in (2..).zip(collapsed.windows(2)) {
                prop_assert!(w[1] >= w[0] * (1.0 - 2.0 * k * chain_rounding(m, g)), "M = {m}, g = {g}: {} then {}", w[0], w[1]);
            }
            if m == 1 {
                prop_assert!(collapsed.iter().all(|&c| (c - 1.0).abs() <= k * chain_rounding(1, 1)), "M = 1 is a point mass");
            }
        }
    }
}

/// `categorical-tail-loss`
mod categorical_tail_loss {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn transition_rows_are_binomial_probability_vectors(m in 1usize..=400) {
            use statrs::distribution::{Binomial, Discrete};
            let c = chain(m);
            for i in 0..=m {
                let row = c.row(i);
                // Normalised: the sum of the normalised values is 1 to an ulp per entry.
                let len = row.values.len() as f64;
                let sum: f64 = row.values.iter().sum();
                prop_assert!((sum - 1.0).abs() <= 2.0 * len * EPS, "M = {m}, row {i}: sum {sum}");
                prop_assert!(row.values.iter().all(|&b| b >= 0.0), "M = {m}, row {i}: a negative entry");
                prop_assert!(row.start + row.values.len() <= m + 1, "M = {m}, row {i}: band past M");
                // Against statrs' Binomial(M, i/M) pmf on a few entries: statrs goes through ln Gamma
                // and exp, a few ulps of logs of size up to M ln M.
                let dense = row.to_dense(m + 1);
                let law = Binomial::new(i as f64 / m as f64, m as u64).unwrap();
                for j in (0..=m).step_by((m / 8).max(1)) {
                    let exact = law.pmf(j as u64);
                    let tol = (chain_rounding(m, 0) + 8.0 * EPS * (m as f64 + 2.0) * (1.0 + (m as f64).ln())) * exact + DROPPED;
                    prop_assert!((dense[j] - exact).abs() <= tol, "M = {m}, row {i}, j = {j}: {} vs {exact}", dense[j]);
                }
            }
            prop_assert_eq!(c.row(0).to_dense(m + 1)[0], 1.0);
            prop_assert_eq!(c.row(m).to_dense(m + 1)[m], 1.0);
        }

        #[test]
        fn loss_starts_at_one_minus_p_to_the_m_and_rises_with_g_and_falls_with_p(
            starts in proptest::collection::vec(0.0005f64..0.9995, 2..=6), m in 1usize..=200, n in 1u64..=60,
        ) {
            let mut starts = starts;
            starts.sort_by(f64::total_cmp);
            let c = chain(m);
            let a = c.absorption(&starts, n);
            for (p, a) in starts.iter().zip(&a) {
                // (1 - p)^M as exp(M ln1p(-p)): a few ulps of M |ln(1 - p)| <= 7.6 M.
                let first = (m as f64 * (-p).ln_1p()).exp();
                let tol = (chain_rounding(m, 1) + 8.0 * EPS * m as f64 * (1.0 - (-p).ln_1p())) * first + DROPPED;
                prop_assert!((a.lost[0] - first).abs() <= tol, "M = {m}, p = {p}: lost at g = 1 {} vs (1-p)^M = {first}", a.lost[0]);
                for (g, w) in (2..).zip(a.lost.windows(2)) {
                    let tol = 2.0 * chain_rounding(m, g);
                    prop_assert!(w[1] >= w[0] * (1.0 - tol), "M = {m}, p = {p}, g = {g}: lost {} then {}", w[0], w[1]);
                }
            }
            // Part (c): for fixed g, nonincreasing in p_0(k) (the coupling of Step 5).
            for g in 1..=n as usize {
                for (i, pair) in a.windows(2).enumerate() {
                    let (low, high) = (pair[0].lost[g - 1], pair[1].lost[g - 1]);
                    let tol = 2.0 * chain_rounding(m, g as u64) * low + DROPPED;
                    let (p, q) = (starts[i], starts[i + 1]);
                    prop_assert!(high <= low + tol, "M = {m}, g = {g}: p = {p} is lost with {low}, p = {q} with {high}");
                }
            }
        }

        #[test]
        fn forward_law_and_backward_loss_agree(p in 0.001f64..0.999, m in 1usize..=150, n in 1u64..=40) {
            // pi_g(0) from pi_1 P^(g-1) (forward) against pi_1 . P^(g-1) e_0 (backward).
            let c = chain(m);
            let a = &c.absorption(&[p], n)[0];
            for (g, law) in (1..).zip(laws(&c, p, n)) {
                let (i, tol) = (g as usize - 1, 2.0 * chain_rounding(m, g));
                let (lost, fixed) = (a.lost[i], a.fixed[i]);
                let at = format!("M = {m}, p = {p}, g = {g}");
                prop_assert!((law[0] - lost).abs() <= tol * law[0] + DROPPED, "{at}: law {} vs lost {lost}", law[0]);
                prop_assert!((law[m] - fixed).abs() <= tol * law[m] + DROPPED, "{at}: law {} vs fixed {fixed}", law[m]);
                prop_assert!((law.iter().sum::<f64>() - 1.0).abs() <= chain_rounding(m, g), "M = {m}, p = {p}, g = {g}: mass");
                prop_assert!(law.iter().all(|&x| x >= 0.0));
            }
            prop_assert_eq!(c.law(p, n), laws(&c, p, n).pop().unwrap());
        }

        #[test]
        fn replace_survivors_fall_from_k_towards_one(
            p in probabilities(8), m in 1usize..=200, n in 1u64..=60, tail in 0.001f64..=1.0,
        ) {
            let s = setup(&p, m, Regime::Replace, n).with_tail(tail).unwrap();
            let (theorem, survivors) = curve(&s, Metric::Survivors);
            prop_assert_eq!(theorem, "categorical-tail-loss");
            let k = p.len() as f64;
            for (g, v) in (1..).zip(&survivors) {
                let tol = k * chain_rounding(m, g);
                prop_assert!(*v >= 1.0 - tol && *v <= k + tol, "M = {m}, g = {g}: {v} survivors of K = {k}");
            }
            for (g, w) in (2..).zip(survivors.windows(2)) {
                prop_assert!(w[1] <= w[0] + k * chain_rounding(m, g), "M = {m}, g = {g}: survivors {} then {}", w[0], w[1]);
            }
            // The tail's loss is that of one outcome of mass p_0(A) (lumping), from the forward law.
            let (_, lost) = curve(&s, Metric::TailLost);
            let last = BinomialChain::of(&s).law(s.tail_mass(), n)[0];
            let tol = 2.0 * chain_rounding(m, n) * last + DROPPED;
            let (pi, curve_last) = (s.tail_mass(), lost[n as usize - 1]);
            prop_assert!((curve_last - last).abs() <= tol, "M = {m}, pi = {pi}, g = {n}: tail lost {curve_last} vs law {last}");
        }

        #[test]
        fn accumulate_keeps_what_the_real_pool_drew(p in probabilities(8), m in 1usize..=300, s0 in 1usize..=1000, n in 1u64..=50) {
            // Nothing present is lost and nothing absent returns: every curve is its generation-1
            // value. The code raises q to the power S_0 by repeated squaring (up to S_0 ulps); the
            // reference exp(S_0 ln q) is good to a few ulps of S_0 |ln q|.
            let s = setup(&p, m, Regime::Accumulate, n).with_real_samples(s0).unwrap();
            let p = s.probabilities().to_vec();
            // A tail of every outcome has 1 - p_0(A) = 0 up to an ulp either side: q <= 0 gives 0.
            let pow = |q: f64| if q <= 0.0 { 0.0 } else { (s0 as f64 * q.ln()).exp() };
            let err = |q: f64| if q <= 0.0 { 0.0 } else { 8.0 * EPS * (1.0 + s0 as f64 * (1.0 + q.ln().abs())) * pow(q) };
            let survivors: f64 = p.iter().map(|q| 1.0 - pow(1.0 - q)).sum();
            let collapsed: f64 = p.iter().map(|&q| pow(q)).sum();
            let pi = s.tail_mass();
            // Plus a few ulps per outcome for 1 - q and the sums.
            let few = 8.0 * EPS * p.len() as f64;
            for (metric, exact, tol) in [
                (Metric::Survivors, survivors, p.iter().map(|q| err(1.0 - q)).sum::<f64>() + few),
                (Metric::Collapsed, collapsed, p.iter().map(|&q| err(q)).sum::<f64>() + few),
                (Metric::TailLost, pow(1.0 - pi), err(1.0 - pi) + few),
            ] {
                let (theorem, values) = curve(&s, metric);
                prop_assert_eq!(theorem, "categorical-tail-loss");
                prop_assert!(values.iter().all(|&v| v == values[0]), "S_0 = {s0}: {metric} not constant");
                prop_assert!((values[0] - exact).abs() <= tol, "S_0 = {s0}, M = {m}: {metric} {} vs {exact}", values[0]);
            }
        }
    }
}

/// `categorical-absorption-time`
mod categorical_absorption_time {
    use super::*;

    /// The horizon `G` of the tail sum below and a bound on what it leaves out: with `P(tau > g)
    /// <= h0 (1 - 1/M)^g / (2(M - 1)/M^2)` (statement (iii) of categorical-replace-diversity, for
    /// a start of diversity `h0`), `sum_{g>G} P(tau > g) <= h0 M^3/(2(M - 1)) (1 - 1/M)^(G+1)`;
    /// `G` is the first horizon where that is at most 1e-12.
    fn horizon(h0: f64, m: usize) -> (u64, f64) {
        let scale = h0 * (m * m * m) as f64 / (2.0 * (m as f64 - 1.0));
        let rate = -(-1.0 / m as f64).ln_1p();
        let generations = ((scale / 1e-12).ln().max(0.0) / rate).ceil() as u64;
        (generations, scale * (-(generations as f64 + 1.0) * rate).exp())
    }

    /// `1 + sum_g P(tau > g)` and its rounding: each `P(tau > g)` is one minus `terms`
    /// nonnegative probabilities of the chain (absolute error `terms * chain_rounding(M, g)`
    /// plus a few ulps), and the running sum adds an ulp of itself per term.
    fn tail_sum(m: usize, terms: usize, not_absorbed: &[f64]) -> (f64, f64) {
        let sum = 1.0 + not_absorbed.iter().sum::<f64>();
        let rounding: f64 = (1..=not_absorbed.len() as u64).map(|g| terms as f64 * chain_rounding(m, g) + 4.0 * EPS).sum();
        (sum, rounding + not_absorbed.len() as f64 * EPS * sum)
    }

    /// Error of the library's dense LU solve: backward stable, so relative error about
    /// `cond(I - Q) M` ulps, with `cond_inf(I - Q) <= 2 max_i t_i <= 2 * 1.4 M` (the time from
    /// the middle, below Kimura's `2 M ln 2`); with room, `16 M^2` ulps.
    fn solve_rounding(m: usize, t: f64) -> f64 {
        16.0 * (m * m) as f64 * EPS * t
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn two_outcomes_solve_is_the_tail_sum_and_symmetric(p in 0.001f64..0.999, m in 2usize..=40) {
            let c = chain(m);
            let t = c.expected_absorption_time(&[p, 1.0 - p]).unwrap();
            // K = 2: P(tau > g) = 1 - lost[g] - fixed[g] of the first outcome.
            let (n, remainder) = horizon(2.0 * p * (1.0 - p), m);
            let a = c.absorption(&[p], n).remove(0);
            let not_absorbed: Vec<f64> = a.lost.iter().zip(&a.fixed).map(|(l, f)| 1.0 - l - f).collect();
            let (sum, rounding) = tail_sum(m, 2, &not_absorbed);
            // The truncated sum is below E tau by at most the remainder.
            let tol = rounding + solve_rounding(m, t);
            prop_assert!(
                t - sum >= -tol && t - sum <= remainder + tol,
                "M = {m}, p = {p}: solve {t} vs tail sum {sum} over {n} generations (remainder {remainder:e}, tol {tol:e})"
            );
            let mirrored = c.expected_absorption_time(&[1.0 - p, p]).unwrap();
            prop_assert!((t - mirrored).abs() <= 4.0 * EPS * t, "M = {m}, p = {p}: {t} vs {mirrored} for 1 - p");
        }

        #[test]
        fn many_outcomes_solve_is_the_tail_sum(p in probabilities(6), m in 2usize..=30) {
            let c = chain(m);
            let t = c.expected_absorption_time(&p).unwrap();
            // P(tau > g) = 1 - sum_k P(C_g^(k) = M): the point masses are disjoint events.
            let (n, remainder) = horizon(gini_simpson(&p), m);
            let a = c.absorption(&p, n);
            let not_absorbed: Vec<f64> = (0..n as usize).map(|i| 1.0 - a.iter().map(|a| a.fixed[i]).sum::<f64>()).collect();
            let (sum, rounding) = tail_sum(m, p.len(), &not_absorbed);
            let tol = rounding + solve_rounding(m, t);
            prop_assert!(
                t - sum >= -tol && t - sum <= remainder + tol,
                "K = {}, M = {m}, p = {p:?}: solve {t} vs tail sum {sum} over {n} generations (remainder {remainder:e}, tol {tol:e})",
                p.len()
            );
        }

        #[test]
        fn at_least_one_plus_the_chance_generation_1_is_mixed(p in probabilities(6), m in 1usize..=120) {
            // E tau = 1 + sum_{g>=1} P(tau > g) >= 1 + P(tau > 1) = 2 - sum_k p_k^M; M = 1 gives exactly 1.
            let t = chain(m).expected_absorption_time(&p).unwrap();
            if m == 1 {
                prop_assert_eq!(t, 1.0);
            } else {
                let mixed = 1.0 - p.iter().map(|q| (m as f64 * q.ln()).exp()).sum::<f64>();
                prop_assert!(t >= 1.0 + mixed * (1.0 - solve_rounding(m, 1.0)), "K = {}, M = {m}: E tau = {t} < 1 + {mixed}", p.len());
            }
        }
    }

    #[test]
    fn one_sample_is_absorbed_at_once() {
        for p in [vec![1.0], vec![0.5, 0.5], vec![0.1, 0.2, 0.3, 0.4]] {
            assert_eq!(chain(1).expected_absorption_time(&p).unwrap(), 1.0, "M = 1, p = {p:?}");
        }
    }
}
