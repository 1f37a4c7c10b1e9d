//! Special functions that `statrs` lacks: the trigamma function [`trigamma`], the law of a sum
//! of independent log-chi-square variables, [`LogChiSquareSum`], and the series
//! [`harmonic2`] and [`running_sum`] of the closed forms.
//!
//! What is exact and what is numerical:
//!
//! - [`trigamma`] is a series evaluation (recurrence, then the asymptotic Bernoulli series),
//!   accurate to a relative `1e-13`; [`LogChiSquareSum::mean`] and [`LogChiSquareSum::variance`]
//!   are the exact cumulant formulas evaluated with it and with `statrs`' digamma.
//! - [`LogChiSquareSum::cdf`] has no closed form. It inverts the exact characteristic function
//!   by the Gil-Pelaez formula, discretised by the midpoint rule of Davies (1973, *Biometrika* 60,
//!   415-417): a numerical quadrature whose absolute error is below `1e-10` (measured against
//!   exact references in the tests: about `1e-13`; rounding in the centred phase grows like
//!   `sqrt(dof) ln(dof) 1e-16`, still below `1e-10` up to dof about `1e9`, against an Edgeworth
//!   expansion). [`LogChiSquareSum::quantile`] solves `cdf(x) = p` by a bracketed root search,
//!   to `1e-12` standard deviations in `x`.

use crate::error::{Error, Result, require_finite};
use nalgebra::Complex;
use statrs::function::gamma::{digamma, ln_gamma};
use std::f64::consts::{LN_2, PI};

/// Below this argument the recurrences climb before the asymptotic series are used.
const ASYMPTOTIC_FROM: f64 = 12.0;
/// Tail mass allowed beyond each end of the inversion window (Davies' aliasing error).
const TAIL: f64 = 1e-13;
/// The frequency series stops once `|phi|` falls below this.
const PHI_FLOOR: f64 = 1e-16;
/// Bracket width, in standard deviations, at which [`LogChiSquareSum::quantile`] stops.
const QUANTILE_TOLERANCE: f64 = 1e-12;

/// `sum_{i=1}^n 1/i^2`, summed from the smallest term up for accuracy.
///
/// ```
/// assert_eq!(model_collapse::special::harmonic2(2), 1.25);
/// ```
pub fn harmonic2(n: u64) -> f64 {
    (1..=n).rev().map(|i| 1.0 / (i as f64 * i as f64)).sum()
}

/// The running sums `x_1, x_1 + x_2, ...` of a sequence, added in order.
pub fn running_sum(terms: impl Iterator<Item = f64>) -> Vec<f64> {
    terms
        .scan(0.0, |total, x| {
            *total += x;
            Some(*total)
        })
        .collect()
}

/// The trigamma function `psi'(x) = d^2/dx^2 ln Gamma(x)`, for `x > 0`.
///
/// ```text
/// psi'(x) = psi'(x + 1) + 1/x^2                      (climbs to x >= 12)
/// psi'(x) ~ 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1)   (B_2 .. B_12; next term < 2e-15 relative)
/// ```
/// Relative accuracy `1e-13`. `psi'(1) = pi^2/6`:
/// ```
/// let x = model_collapse::special::trigamma(1.0);
/// assert!((x - std::f64::consts::PI.powi(2) / 6.0).abs() < 1e-14);
/// ```
pub fn trigamma(x: f64) -> f64 {
    debug_assert!(x > 0.0, "trigamma needs x > 0, got {x}");
    let (mut x, mut climbed) = (x, 0.0);
    while x < ASYMPTOTIC_FROM {
        climbed += 1.0 / (x * x);
        x += 1.0;
    }
    let r = 1.0 / (x * x);
    let bernoulli = r * (1.0 / 6.0 - r * (1.0 / 30.0 - r * (1.0 / 42.0 - r * (1.0 / 30.0 - r * (5.0 / 66.0 - r * 691.0 / 2730.0)))));
    climbed + (1.0 + 0.5 / x + bernoulli) / x
}

/// `ln(1 + i v)` on the principal branch, `ln|1 + iv| + i atan v`, without cancellation.
fn ln_one_plus_i(v: f64) -> Complex<f64> {
    Complex::new(0.5 * (v * v).ln_1p(), v.atan())
}

/// Stirling's correction `S(z) = ln Gamma(z) - (z - 1/2) ln z + z - ln(2 pi)/2`
/// `~ 1/(12z) - 1/(360z^3) + 1/(1260z^5) - 1/(1680z^7) + 1/(1188z^9)`, for `Re z >= 12`.
fn stirling_correction(z: Complex<f64>) -> Complex<f64> {
    let w = z.inv();
    let w2 = w * w;
    w * (1.0 / 12.0 - w2 * (1.0 / 360.0 - w2 * (1.0 / 1260.0 - w2 * (1.0 / 1680.0 - w2 / 1188.0))))
}

/// `ln Gamma(a + it) - ln Gamma(a)` for `a > 0`, continuous in `t` and `0` at `t = 0`.
///
/// ```text
/// a < 12:  D(a, t) = D(a + 1, t) - ln(1 + it/a)
/// a >= 12: D(a, t) = (a + it - 1/2) ln(1 + it/a) + it (ln a - 1) + S(a + it) - S(a)
/// ```
/// (Stirling's formula for both gammas, with `ln(a + it) = ln a + ln(1 + it/a)` so that the
/// large parts cancel exactly instead of in floating point.)
fn ln_gamma_ratio(a: f64, t: f64) -> Complex<f64> {
    let (mut a, mut climbed) = (a, Complex::new(0.0, 0.0));
    while a < ASYMPTOTIC_FROM {
        climbed += ln_one_plus_i(t / a);
        a += 1.0;
    }
    let z = Complex::new(a, t);
    let stirling = stirling_correction(z) - stirling_correction(Complex::new(a, 0.0));
    (z - 0.5) * ln_one_plus_i(t / a) + Complex::new(0.0, t * (a.ln() - 1.0)) + stirling - climbed
}

/// One group of iid terms `log Q`, `Q ~ chi^2_m`: half its dof `a = m/2`, its count, `psi(a)`.
#[derive(Debug, Clone, PartialEq)]
struct Group {
    half_dof: f64,
    count: f64,
    digamma: f64,
}

/// The law of `L = shift + sum_j sum_{i <= n_j} log Q_ji`, all `Q_ji` independent,
/// `Q_ji ~ chi^2_{m_j}`: terms `(m_j, n_j)` = (degrees of freedom, count).
///
/// Its characteristic function is exact (Lemma B of `proofs/gaussian-replace-variance.md`,
/// extended to imaginary exponents in its Step 8):
/// ```text
/// ln E e^{itL} = it shift + sum_j n_j [ it ln 2 + ln Gamma(m_j/2 + it) - ln Gamma(m_j/2) ]
/// ```
/// The CDF is computed from it numerically (see the module doc). Used for the exact law of
/// `log sigma_n^2` (`gaussian-replace-variance`, item 7) and of `log det Sigma_n`
/// (`gaussian-multivariate`, item 3).
#[derive(Debug, Clone, PartialEq)]
pub struct LogChiSquareSum {
    groups: Vec<Group>,
    mean: f64,
    sd: f64,
    /// `P(Y <= -left) <= TAIL` and `P(Y >= right) <= TAIL` for `Y = (L - mean) / sd`.
    left: f64,
    right: f64,
}

impl LogChiSquareSum {
    /// Validates the terms (each dof positive and finite, at least one count `>= 1`) and the
    /// shift (finite). Terms of count 0 are dropped. The cost of [`cdf`](Self::cdf) grows like
    /// `1/dof` for dof well below 1.
    pub fn new(terms: Vec<(f64, u64)>, shift: f64) -> Result<Self> {
        if let Some(&(dof, _)) = terms.iter().find(|(dof, _)| !(*dof > 0.0 && dof.is_finite())) {
            return Err(Error::invalid("dof", dof, "must be positive and finite"));
        }
        require_finite("shift", shift)?;
        let groups: Vec<Group> = (terms.iter().filter(|(_, n)| *n >= 1))
            .map(|&(m, n)| Group { half_dof: m / 2.0, count: n as f64, digamma: digamma(m / 2.0) })
            .collect();
        if groups.is_empty() {
            return Err(Error::invalid("count", 0, "at least one term needs a count >= 1"));
        }
        let mean = shift + groups.iter().map(|g| g.count * (LN_2 + g.digamma)).sum::<f64>();
        let variance: f64 = groups.iter().map(|g| g.count * trigamma(g.half_dof)).sum();
        let mut law = LogChiSquareSum { groups, mean, sd: variance.sqrt(), left: 0.0, right: 0.0 };
        (law.left, law.right) = (law.tail_bound(-1.0), law.tail_bound(1.0));
        Ok(law)
    }

    /// `E L = shift + sum_j n_j (ln 2 + psi(m_j/2))` (exact formula).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// `Var L = sum_j n_j psi'(m_j/2)` (exact formula).
    pub fn variance(&self) -> f64 {
        self.sd * self.sd
    }

    /// `ln E e^{isY}` for the standardised `Y = (L - mean)/sd`, with `t = s/sd`:
    /// `sum_j n_j [ln Gamma(a_j + it) - ln Gamma(a_j) - it psi(a_j)]` (shift and `ln 2` cancel).
    fn ln_cf_standard(&self, s: f64) -> Complex<f64> {
        let t = s / self.sd;
        let centred = |g: &Group| ln_gamma_ratio(g.half_dof, t) - Complex::new(0.0, t * g.digamma);
        self.groups.iter().map(|g| centred(g) * g.count).sum()
    }

    /// The cumulant generating function `K(theta) = ln E e^{theta Y}`, `theta > -min_j a_j sd`.
    fn cgf_standard(&self, theta: f64) -> f64 {
        let t = theta / self.sd;
        let term = |g: &Group| ln_gamma(g.half_dof + t) - ln_gamma(g.half_dof) - t * g.digamma;
        self.groups.iter().map(|g| g.count * term(g)).sum()
    }

    /// A `b` with `P(sign Y >= b) <= TAIL`, from Chernoff's bound `exp(K(sign theta) - theta b)`
    /// minimised over `theta` in `2^-4 .. 2^5` (left: only `theta < 0.9 min_j a_j sd`, which
    /// keeps `K` finite and always admits `theta = 1/2`, as `a^2 psi'(a) > a + 1/2`).
    fn tail_bound(&self, sign: f64) -> f64 {
        let min_half_dof = self.groups.iter().map(|g| g.half_dof).fold(f64::INFINITY, f64::min);
        let admissible = |theta: &f64| sign > 0.0 || *theta < 0.9 * min_half_dof * self.sd;
        let bound = |theta: f64| (self.cgf_standard(sign * theta) - TAIL.ln()) / theta;
        let thetas = (-4..=5).map(|k| 2f64.powi(k));
        thetas.filter(admissible).map(bound).fold(f64::INFINITY, f64::min)
    }

    /// `P(L <= x)`, to an absolute `1e-10`.
    ///
    /// Gil-Pelaez, `F(y) = 1/2 - (1/pi) int_0^inf Im[e^{-isy} phi_Y(s)] / s ds`, by Davies'
    /// midpoint rule with step `h`: `F(y) ~ 1/2 - sum_k Im[e^{-i s_k y} phi_Y(s_k)] / (pi (k + 1/2))`,
    /// `s_k = (k + 1/2) h`. Its error is at most `P(|Y - y| >= 2 pi / h)`, so `h` is chosen to put
    /// `[-left, right]` inside that window (error `<= 2 TAIL`). `|phi_Y|` decreases in `s`; the
    /// series stops once it is below `1e-16`.
    pub fn cdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        self.cdf_standard((x - self.mean) / self.sd)
    }

    /// [`cdf`](Self::cdf) at `x = mean + sd y`.
    fn cdf_standard(&self, y: f64) -> f64 {
        if y <= -self.left || y >= self.right {
            return if y > 0.0 { 1.0 } else { 0.0 }; // off by at most TAIL
        }
        let h = 2.0 * PI / (y + self.left).max(self.right - y);
        let mut sum = 0.0;
        for k in 0.. {
            let s = (k as f64 + 0.5) * h;
            let phi = (self.ln_cf_standard(s) - Complex::new(0.0, s * y)).exp();
            sum += phi.im / (k as f64 + 0.5);
            let size = phi.norm();
            if size < PHI_FLOOR || size.is_nan() {
                break;
            }
        }
        (0.5 - sum / PI).clamp(0.0, 1.0)
    }

    /// The `p`-quantile, `0 < p < 1` (NaN otherwise): `x` with `cdf(x) = p`, to `1e-12` standard
    /// deviations (plus the CDF's error over the density). Brackets by doubling, then the
    /// Illinois variant of regula falsi with a bisection every third step.
    pub fn quantile(&self, p: f64) -> f64 {
        if !(p > 0.0 && p < 1.0) {
            return f64::NAN;
        }
        let f = |y: f64| self.cdf_standard(y) - p;
        let (mut a, mut b) = (-1.0, 1.0);
        while f(a) > 0.0 {
            a *= 2.0; // ends: cdf_standard is 0 below -left
        }
        while f(b) < 0.0 {
            b *= 2.0;
        }
        self.mean + self.sd * illinois(f, a, b)
    }
}

/// A root of `f` in `[a, b]` with `f(a) <= 0 <= f(b)`, to [`QUANTILE_TOLERANCE`].
fn illinois(f: impl Fn(f64) -> f64, mut a: f64, mut b: f64) -> f64 {
    let (mut fa, mut fb, mut kept) = (f(a), f(b), 0);
    for step in 0..300 {
        if b - a <= QUANTILE_TOLERANCE || fa == 0.0 || fb == 0.0 {
            break;
        }
        let secant = (a * fb - b * fa) / (fb - fa);
        let c = if step % 3 == 2 || !(secant > a && secant < b) { 0.5 * (a + b) } else { secant };
        let fc = f(c);
        if fc <= 0.0 {
            (a, fa) = (c, fc);
            fb *= if kept > 0 { 0.5 } else { 1.0 }; // b kept twice: halve its weight
            kept = kept.max(0) + 1;
        } else {
            (b, fb) = (c, fc);
            fa *= if kept < 0 { 0.5 } else { 1.0 };
            kept = kept.min(0) - 1;
        }
    }
    if fa == 0.0 {
        a
    } else if fb == 0.0 {
        b
    } else {
        0.5 * (a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{ChiSquared, Continuous, ContinuousCDF, Normal};

    fn law(terms: &[(f64, u64)], shift: f64) -> LogChiSquareSum {
        LogChiSquareSum::new(terms.to_vec(), shift).unwrap()
    }

    /// `max_x |cdf(x) - reference(x)|` over `mean + sd * (-8 .. 8 by 0.25)`.
    fn max_error(law: &LogChiSquareSum, reference: impl Fn(f64) -> f64) -> f64 {
        let xs = (-32..=32).map(|i| law.mean() + law.variance().sqrt() * i as f64 / 4.0);
        xs.map(|x| (law.cdf(x) - reference(x)).abs()).fold(0.0, f64::max)
    }

    /// `P(log Q_a + log Q_b + shift <= x)` as `int F_b(x - shift - u) f_a(u) du`, `u = log Q_a`,
    /// by the trapezoid rule on `[-80, 8]` (analytic, decaying integrand: error near rounding).
    fn convolution(dof_a: f64, dof_b: f64, shift: f64, x: f64) -> f64 {
        let (qa, qb) = (ChiSquared::new(dof_a).unwrap(), ChiSquared::new(dof_b).unwrap());
        let h = 0.005;
        let integrand = |u: f64| qb.cdf((x - shift - u).exp()) * u.exp() * qa.pdf(u.exp());
        h * (-16_000..=1_600).map(|i| integrand(i as f64 * h)).sum::<f64>()
    }

    #[test]
    fn trigamma_known_values_and_recurrence() {
        let pi2 = PI * PI;
        for (x, exact) in [(1.0, pi2 / 6.0), (0.5, pi2 / 2.0), (2.0, pi2 / 6.0 - 1.0)] {
            let rel = (trigamma(x) - exact).abs() / exact;
            assert!(rel < 1e-14, "psi'({x}) = {} vs {exact}: rel {rel:e}", trigamma(x));
        }
        for x in [1e-3, 0.3, 2.7, 11.5, 12.0, 40.3, 1e3] {
            let (lhs, rhs) = (trigamma(x) - trigamma(x + 1.0), 1.0 / (x * x));
            assert!((lhs - rhs).abs() < 1e-13 * trigamma(x), "recurrence at x = {x}");
        }
        for x in [1e4, 1e8, 1e12] {
            let rel = (trigamma(x) * x - (1.0 + 0.5 / x + 1.0 / (6.0 * x * x))).abs();
            assert!(rel < 1e-14, "large x = {x}: x psi'(x) = {}", trigamma(x) * x);
        }
    }

    #[test]
    fn trigamma_is_the_derivative_of_digamma() {
        for x in [0.5, 1.0, 3.7, 12.5, 100.0] {
            let h = 1e-5 * x;
            let central = (digamma(x + h) - digamma(x - h)) / (2.0 * h);
            let rel = (trigamma(x) - central).abs() / trigamma(x);
            assert!(rel < 1e-7, "x = {x}: psi' = {} vs central difference {central}", trigamma(x));
        }
    }

    #[test]
    fn invalid_parameters_are_rejected() {
        for dof in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(LogChiSquareSum::new(vec![(dof, 1)], 0.0).is_err(), "dof = {dof}");
        }
        assert!(LogChiSquareSum::new(vec![(3.0, 1)], f64::NAN).is_err());
        assert!(LogChiSquareSum::new(vec![(3.0, 0)], 0.0).is_err());
        assert!(LogChiSquareSum::new(vec![], 0.0).is_err());
    }

    #[test]
    fn mean_and_variance_exact_values() {
        let euler = 0.577_215_664_901_532_9;
        let (one, two) = (law(&[(1.0, 1)], 0.0), law(&[(2.0, 3)], 0.5));
        assert!((one.mean() + euler + LN_2).abs() < 1e-14, "dof 1: mean {}", one.mean());
        assert!((two.mean() - 0.5 - 3.0 * (LN_2 - euler)).abs() < 1e-14, "dof 2 x 3: mean");
        assert!((one.variance() - PI * PI / 2.0).abs() < 1e-13, "dof 1: variance");
        assert!((two.variance() - PI * PI / 2.0).abs() < 1e-13, "dof 2 x 3: variance");
    }

    #[test]
    fn one_term_matches_the_chi_square_cdf() {
        let exponential = max_error(&law(&[(2.0, 1)], 0.0), |x| -(-x.exp() / 2.0).exp_m1());
        println!("dof 2, exact 1 - exp(-e^x/2): max error {exponential:e}");
        assert!(exponential < 1e-11, "dof 2: max error {exponential:e}");
        for dof in [0.5, 1.0, 3.0, 10.0, 99.0, 1000.0] {
            let chi = ChiSquared::new(dof).unwrap();
            let err = max_error(&law(&[(dof, 1)], 0.0), |x| chi.cdf(x.exp()));
            println!("dof {dof}, statrs chi-square cdf: max error {err:e}");
            assert!(err < 1e-10, "dof {dof}: max error {err:e}");
        }
    }

    #[test]
    fn two_terms_match_a_direct_convolution() {
        for (a, b, shift) in [(2.0, 2.0, 0.0), (1.0, 3.0, -1.5), (5.0, 1.0, 2.0)] {
            let l = law(&[(a, 1), (b, 1)], shift);
            let err = max_error(&l, |x| convolution(a, b, shift, x));
            println!("dof {a} + dof {b}, shift {shift}, convolution: max error {err:e}");
            assert!(err < 1e-10, "dof {a} + dof {b}, shift {shift}: max error {err:e}");
        }
    }

    /// Legendre's duplication formula gives `chi^2_m chi^2_{m+1} = (chi^2_{2m})^2 / 4` in law, so
    /// `n` such pairs have the law of `2 (S - n ln 2)`, `S` a sum of `n` `log chi^2_{2m}`: two
    /// routes through different gamma arguments. One pair is exact against the chi-square cdf.
    #[test]
    fn pairs_obey_the_duplication_formula() {
        for (m, n) in [(1.0, 1), (9.0, 1), (999.0, 1), (1.0, 1000), (4.0, 30), (99.0, 300)] {
            let pairs = law(&[(m, n), (m + 1.0, n)], 0.0);
            let single = law(&[(2.0 * m, n)], -(n as f64) * LN_2);
            let err = max_error(&pairs, |x| single.cdf(x / 2.0));
            println!("pairs (dof {m}, {}) x {n} against duplication: max error {err:e}", m + 1.0);
            assert!(err < 1e-10, "pairs (dof {m}, {}) x {n}: max error {err:e}", m + 1.0);
            if n == 1 {
                let chi = ChiSquared::new(2.0 * m).unwrap();
                let err = max_error(&pairs, |x| chi.cdf(2.0 * (x / 2.0).exp()));
                assert!(err < 1e-10, "pair (dof {m}, {}): max error {err:e}", m + 1.0);
            }
        }
    }

    #[test]
    fn many_terms_are_nearly_normal_and_monotone() {
        let l = law(&[(99.0, 400)], 3.0);
        let normal = Normal::new(l.mean(), l.variance().sqrt()).unwrap();
        let err = max_error(&l, |x| normal.cdf(x));
        println!("dof 99 x 400 against its normal approximation: max difference {err:e}");
        assert!(err < 0.01, "normal approximation off by {err}");
        let grid: Vec<f64> = (-400..=400).map(|i| l.cdf(l.mean() + i as f64 * 0.02)).collect();
        assert!(grid.windows(2).all(|w| w[0] <= w[1]), "cdf not monotone on the grid");
    }

    #[test]
    fn cdf_is_a_distribution_function_with_the_right_moments() {
        for (terms, shift) in [(vec![(1.0, 1), (3.0, 2)], -1.0), (vec![(4.0, 3), (7.0, 2)], 0.0)] {
            let l = law(&terms, shift);
            let (mean, sd, h) = (l.mean(), l.variance().sqrt(), 0.01);
            let ys: Vec<f64> = (-6000..=2000).map(|i| i as f64 * h).collect();
            let fs: Vec<f64> = ys.iter().map(|y| l.cdf(mean + sd * y)).collect();
            assert!(fs.windows(2).all(|w| w[0] <= w[1] + 1e-12) && fs.iter().all(|f| (0.0..=1.0).contains(f)));
            // E Y = int (1{y > 0} - F), E Y^2 = 2 int y (1{y > 0} - F), by the trapezoid rule. The
            // step's jump at 0 is taken at its midpoint, so the Euler-Maclaurin terms of the two
            // half-lines cancel, except the kink of y 1{y > 0} in E Y^2: it adds exactly -h^2/6.
            let step = |y: f64| 0.5 + 0.5 * f64::from(i8::from(y > 0.0) - i8::from(y < 0.0));
            let tail: Vec<f64> = ys.iter().zip(&fs).map(|(y, f)| step(*y) - f).collect();
            let m1: f64 = h * tail.iter().sum::<f64>();
            let m2 = 2.0 * h * ys.iter().zip(&tail).map(|(y, t)| y * t).sum::<f64>() + h * h / 6.0;
            println!("{terms:?}, shift {shift}: E Y = {m1:e}, E Y^2 - 1 = {:e}", m2 - 1.0);
            assert!(m1.abs() < 1e-8 && (m2 - 1.0).abs() < 1e-8, "{terms:?}: E Y = {m1:e}, E Y^2 = {m2}");
        }
    }

    #[test]
    fn quantile_inverts_cdf() {
        let laws = [law(&[(2.0, 1)], 0.0), law(&[(1.0, 2), (3.0, 1)], 4.0), law(&[(9999.0, 1000)], -9e3)];
        let mut worst: f64 = 0.0;
        for l in &laws {
            for p in [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999_999] {
                let q = l.quantile(p);
                assert!((l.cdf(q) - p).abs() < 1e-9, "p = {p}: cdf(quantile) = {}", l.cdf(q));
                worst = worst.max((l.cdf(q) - p).abs());
            }
        }
        println!("quantile: max |cdf(quantile(p)) - p| = {worst:e}");
        assert!(laws[0].quantile(0.0).is_nan() && laws[0].quantile(1.0).is_nan());
    }

    #[test]
    fn timing_of_one_cdf_call() {
        for (dof, count) in [(99.0, 100), (9999.0, 1000), (2.0, 1), (1.0, 1000)] {
            let l = law(&[(dof, count)], 0.0);
            let xs: Vec<f64> = (0..1000).map(|i| l.quantile(0.001) + (i as f64) * 1e-3 * l.variance().sqrt() * 6.0).collect();
            let start = std::time::Instant::now();
            let total: f64 = xs.iter().map(|&x| l.cdf(x)).sum();
            let per_call = start.elapsed().as_secs_f64() / xs.len() as f64;
            let start = std::time::Instant::now();
            let median = l.quantile(0.5);
            let quantile = start.elapsed().as_secs_f64();
            println!(
                "dof {dof}, count {count}: {:.2} us per cdf call (checksum {total:.3}), \
                 {:.1} us per quantile (median {median:.6})",
                per_call * 1e6,
                quantile * 1e6
            );
        }
    }
}
