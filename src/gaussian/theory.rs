//! Closed forms of the Gaussian feedback loop: pure functions of a validated
//! [`GaussianSetup`]. Notation: `M` points per generation, `k` the scatter's
//! divisor (`M - 1` unbiased, `M` mle), `r = (M - 1)/M`,
//! `c_M = sqrt(2/(M-1)) Gamma(M/2) / Gamma((M-1)/2)`, `psi` the digamma and
//! `psi'` the trigamma function. Each metric is reported for generations
//! `1..=n`; generation 1 fits the real sample.
//!
//! Every value is exact for finite `M` and `n`, except the probability of
//! collapse ([`Metric::Collapsed`]) and the medians of
//! [`GaussianTheory::median_curve`], whose law has no closed form: it is the
//! law of a sum of independent log-chi-square variables, evaluated by
//! numerical inversion of its characteristic function
//! ([`crate::special::LogChiSquareSum`], absolute error below `1e-9`).

use super::{Estimator, GaussianRegime, GaussianSetup};
use crate::location::subsample_location_factors;
use crate::model::{Curve, TheoremId};
use crate::special::{LogChiSquareSum, trigamma};
use serde::Serialize;
use statrs::function::gamma::{digamma, ln_gamma};

/// The Gaussian family's theorem ids, each written once.
pub mod ids {
    use crate::model::TheoremId;
    /// 1-D replace: the fitted variance, its mean, log and collapse.
    pub const REPLACE_VARIANCE: TheoremId = TheoremId::new("gaussian-replace-variance");
    /// 1-D replace: the error of the fitted mean.
    pub const REPLACE_MEAN: TheoremId = TheoremId::new("gaussian-replace-mean");
    /// 1-D replace: the Wasserstein distance to the truth.
    pub const REPLACE_WASSERSTEIN: TheoremId = TheoremId::new("gaussian-replace-wasserstein");
    /// `d`-dimensional replace.
    pub const MULTIVARIATE: TheoremId = TheoremId::new("gaussian-multivariate");
    /// Accumulate: the pooled fit.
    pub const ACCUMULATE: TheoremId = TheoremId::new("gaussian-accumulate");
    /// Known variance, real and synthetic points mixed.
    pub const MIX: TheoremId = TheoremId::new("gaussian-mix");
    /// Known variance, `M` points drawn from the pool.
    pub const ACCUMULATE_SUBSAMPLE: TheoremId = TheoremId::new("gaussian-accumulate-subsample");
}

/// What the Gaussian loop reports per generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// `||mu_n - mu||^2`.
    MeanError,
    /// `tr Sigma_n / tr Sigma` (`sigma_n^2 / sigma^2` in one dimension).
    VarianceRatio,
    /// `sqrt(tr Sigma_n / tr Sigma)` (`sigma_n / sigma` in one dimension).
    SdRatio,
    /// `log det Sigma_n - log det Sigma` (`log(sigma_n^2 / sigma^2)`).
    LogVarianceRatio,
    /// The squared Wasserstein-2 distance from `N(mu_n, Sigma_n)` to the truth.
    Wasserstein,
    /// 1 when `(det Sigma_n / det Sigma)^(1/d) < eps` (collapsed), else 0: its
    /// mean is the probability of collapse.
    Collapsed,
}

crate::named!(Metric, "metric", [
    Metric::MeanError => "mean_error",
    Metric::VarianceRatio => "variance_ratio",
    Metric::SdRatio => "sd_ratio",
    Metric::LogVarianceRatio => "log_variance_ratio",
    Metric::Wasserstein => "wasserstein",
    Metric::Collapsed => "collapsed",
]);

/// `c_M = sqrt(2/(M-1)) Gamma(M/2) / Gamma((M-1)/2) = E sqrt(Q/(M-1))`, `Q ~ chi^2_{M-1}`.
///
/// **gaussian-replace-variance.** `E sigma_n = sigma c_M^n` (unbiased).
///
/// ```
/// use model_collapse::gaussian::theory::sd_factor;
/// // M = 3: sqrt(2/2) Gamma(3/2) / Gamma(1) = sqrt(pi)/2.
/// assert!((sd_factor(3) - std::f64::consts::PI.sqrt() / 2.0).abs() < 1e-14);
/// ```
pub fn sd_factor(samples: usize) -> f64 {
    let m = samples as f64;
    (0.5 * (2.0 / (m - 1.0)).ln() + ln_gamma(m / 2.0) - ln_gamma((m - 1.0) / 2.0)).exp()
}

/// The drift of `log det Sigma_n` per generation under replace with divisor `k`:
/// `Delta_k = sum_{i=1..d} psi((M-i)/2) + d log(2/k)`, negative.
///
/// **gaussian-multivariate.** `E log det Sigma_n = log det Sigma + n Delta_k`;
/// in one dimension `delta_k = psi((M-1)/2) + log(2/k)` (**gaussian-replace-variance.**).
pub fn log_drift(samples: usize, dim: usize, divisor: f64) -> f64 {
    let m = samples as f64;
    (1..=dim).map(|i| digamma((m - i as f64) / 2.0)).sum::<f64>() + dim as f64 * (2.0 / divisor).ln()
}

/// `Var log det(W/k)` of one generation: `sum_{i=1..d} psi'((M-i)/2)`.
pub fn log_drift_variance(samples: usize, dim: usize) -> f64 {
    (1..=dim).map(|i| trigamma((samples - i) as f64 / 2.0)).sum()
}

/// **gaussian-accumulate.** The pooled fit's `E v_n / sigma^2 = c_n`, `n = 1..=generations`:
/// mle `prod_{j<=n} (1 - 1/(M j^2))`, unbiased `prod_{j=2..n} (1 - 1/(j (j M - 1)))`,
/// 1 for a known variance. For a fitted variance, decreasing to a positive
/// limit (mle: `sin(pi/sqrt M) / (pi/sqrt M)`).
///
/// ```
/// use model_collapse::gaussian::{Estimator, theory::accumulate_variance_factors};
/// // M = 2, mle: 1/2, 7/16, 119/288.
/// let c = accumulate_variance_factors(2, Estimator::Mle, 3);
/// assert!((c[2] - 119.0 / 288.0).abs() < 1e-15);
/// ```
pub fn accumulate_variance_factors(samples: usize, estimator: Estimator, generations: u64) -> Vec<f64> {
    let m = samples as f64;
    let factor = |j: f64| match estimator {
        Estimator::Mle => 1.0 - 1.0 / (m * j * j),
        Estimator::Unbiased if j >= 2.0 => 1.0 - 1.0 / (j * (j * m - 1.0)),
        _ => 1.0,
    };
    (1..=generations).scan(1.0, |c, j| Some(*c * factor(j as f64)).inspect(|&x| *c = x)).collect()
}

/// **gaussian-accumulate.** `E ||mu_n - mu||^2 / (tr Sigma / M) = sum_{j<=n} c_{j-1} / j^2`
/// (`c_0 = 1`), at most `H_2(n) < pi^2/6` (equal for a known variance); for the
/// mle it equals `M (1 - c_n)`.
pub fn accumulate_mean_factors(samples: usize, estimator: Estimator, generations: u64) -> Vec<f64> {
    let c = accumulate_variance_factors(samples, estimator, generations);
    let previous = std::iter::once(1.0).chain(c.iter().copied());
    (1..=generations).zip(previous).scan(0.0, |s, (j, c)| Some(*s + c / (j * j) as f64).inspect(|&x| *s = x)).collect()
}

/// **gaussian-mix.** Known variance, `n_r` real and `n_s` synthetic points,
/// `p = n_s / (n_r + n_s)`: `E (mu_n - mu)^2 / (sigma^2 / n_r)` is
/// `(1 + 2p - p^(2n-1)) / (1 + p)` with one fixed real sample (increasing to
/// `(1 + 2p)/(1 + p) < 3/2`) and `(1 + p^(2n-1)) / (1 + p)` with a fresh real
/// sample every generation (decreasing to `1/(1 + p)`).
///
/// ```
/// use model_collapse::gaussian::theory::mix_mean_factor;
/// // n_r = 3, n_s = 9 (p = 3/4), generation 2: 19/16 (fixed) and 13/16 (fresh).
/// assert!((mix_mean_factor(0.75, 2, false) - 19.0 / 16.0).abs() < 1e-15);
/// assert!((mix_mean_factor(0.75, 2, true) - 13.0 / 16.0).abs() < 1e-15);
/// ```
pub fn mix_mean_factor(p: f64, generation: u64, fresh_real: bool) -> f64 {
    let tail = p.powi(2 * generation as i32 - 1);
    if fresh_real { (1.0 + tail) / (1.0 + p) } else { (1.0 + 2.0 * p - tail) / (1.0 + p) }
}

/// The closed forms of one setup.
#[derive(Debug, Clone, PartialEq)]
pub struct GaussianTheory {
    setup: GaussianSetup,
}

impl GaussianTheory {
    /// The theory of a validated setup.
    pub fn new(setup: &GaussianSetup) -> Self {
        GaussianTheory { setup: setup.clone() }
    }

    /// The closed form of `metric` for generations `1..=n`, or `None` where
    /// there is none (for example the mean of `sigma_n` under accumulate). The
    /// probability of collapse under replace is numerical (an inverted
    /// characteristic function); everything else is exact.
    pub fn curve(&self, metric: Metric) -> Option<Curve> {
        let s = &self.setup;
        let ns = 1..=s.generations();
        if s.estimator() == Estimator::KnownVariance {
            // The covariance stays Sigma: every variance metric is constant, W2^2 is the mean error.
            let constant = |v: f64| Some(ns.clone().map(|_| v).collect());
            let values = match metric {
                Metric::MeanError | Metric::Wasserstein => self.mean_error(),
                Metric::VarianceRatio | Metric::SdRatio => constant(1.0),
                Metric::LogVarianceRatio => constant(0.0),
                Metric::Collapsed => constant(if s.threshold() > 1.0 { 1.0 } else { 0.0 }),
            }?;
            return Some(Curve::exact(self.theorem(metric), values));
        }
        let values = match (s.regime(), metric) {
            (GaussianRegime::Replace, Metric::MeanError) | (GaussianRegime::Accumulate, Metric::MeanError) => self.mean_error()?,
            (GaussianRegime::Replace, Metric::VarianceRatio) => ns.map(|n| self.contraction().powi(n as i32)).collect(),
            (GaussianRegime::Accumulate, Metric::VarianceRatio) => accumulate_variance_factors(s.samples(), s.estimator(), s.generations()),
            (GaussianRegime::Replace, Metric::SdRatio) if s.dim() == 1 => ns.map(|n| self.sd_contraction().powi(n as i32)).collect(),
            (GaussianRegime::Replace, Metric::LogVarianceRatio) => ns.map(|n| n as f64 * self.drift()).collect(),
            (GaussianRegime::Replace, Metric::Wasserstein) if s.dim() == 1 => self.replace_wasserstein(),
            (GaussianRegime::Replace, Metric::Collapsed) => {
                let values = ns.map(|n| self.collapse_probability(n)).collect();
                return Some(Curve::numerical(self.theorem(metric), values));
            }
            _ => return None,
        };
        Some(Curve::exact(self.theorem(metric), values))
    }

    /// The theorem behind `metric` in this setup's regime and dimension.
    fn theorem(&self, metric: Metric) -> TheoremId {
        match self.setup.regime() {
            GaussianRegime::Accumulate => ids::ACCUMULATE,
            GaussianRegime::AccumulateSubsample => ids::ACCUMULATE_SUBSAMPLE,
            GaussianRegime::Mix(_) | GaussianRegime::FreshReal(_) => ids::MIX,
            GaussianRegime::Replace if self.setup.dim() > 1 => ids::MULTIVARIATE,
            GaussianRegime::Replace if self.setup.estimator() == Estimator::KnownVariance => ids::REPLACE_MEAN,
            GaussianRegime::Replace => match metric {
                Metric::MeanError => ids::REPLACE_MEAN,
                Metric::Wasserstein => ids::REPLACE_WASSERSTEIN,
                _ => ids::REPLACE_VARIANCE,
            },
        }
    }

    /// `E ||mu_n - mu||^2` for `n = 1..=generations`, where a closed form exists.
    ///
    /// **gaussian-replace-mean.** Replace: `(tr Sigma / M) sum_{i<n} (E tr Sigma_i / tr Sigma)`,
    /// i.e. `n tr Sigma / M` (unbiased or known variance) and `tr Sigma (1 - r^n)` (mle).
    /// Accumulate and mix: see [`accumulate_mean_factors`] and [`mix_mean_factor`].
    ///
    /// **gaussian-accumulate-subsample.** Known variance, `M` points drawn without
    /// replacement from the pool: `(tr Sigma / M) f_n(M)`, with `f_n(T)` the exact
    /// location-model factor [`subsample_location_factors`] (the process of the mean
    /// is the constant-design location model of `linear-accumulate-subsample`, `T = M`).
    pub fn mean_error(&self) -> Option<Vec<f64>> {
        let s = &self.setup;
        let (m, trace, n) = (s.samples() as f64, s.trace(), s.generations());
        let known = s.estimator() == Estimator::KnownVariance;
        let factors: Vec<f64> = match s.regime() {
            GaussianRegime::Replace => {
                (1..=n).scan(0.0, |sum, i| Some(*sum + self.contraction().powi(i as i32 - 1)).inspect(|&x| *sum = x)).collect()
            }
            GaussianRegime::Accumulate => accumulate_mean_factors(s.samples(), s.estimator(), n),
            GaussianRegime::AccumulateSubsample if known => subsample_location_factors(s.samples(), n),
            GaussianRegime::Mix(_) | GaussianRegime::FreshReal(_) if known => {
                let p = s.synthetic_samples() as f64 / m;
                let fresh = matches!(s.regime(), GaussianRegime::FreshReal(_));
                let scale = m / s.real_samples() as f64;
                return Some((1..=n).map(|g| trace / m * scale * mix_mean_factor(p, g, fresh)).collect());
            }
            _ => return None,
        };
        Some(factors.iter().map(|f| trace / m * f).collect())
    }

    /// `E tr Sigma_n / E tr Sigma_{n-1}` under replace: 1 (unbiased) or `r` (mle).
    ///
    /// **gaussian-replace-variance.** `E sigma_n^2 = sigma^2` (unbiased), `r^n sigma^2` (mle).
    pub fn contraction(&self) -> f64 {
        let m = self.setup.samples() as f64;
        self.setup.estimator().divisor(self.setup.samples()).map_or(1.0, |k| (m - 1.0) / k)
    }

    /// `E sigma_n / E sigma_{n-1}` under replace (one dimension): `c_M` (unbiased), `c_M sqrt(r)` (mle).
    ///
    /// **gaussian-replace-variance.** `E sigma_n = sigma c_M^n` (unbiased), `sigma (c_M sqrt r)^n` (mle).
    pub fn sd_contraction(&self) -> f64 {
        sd_factor(self.setup.samples()) * self.contraction().sqrt()
    }

    /// The drift of `log det Sigma_n` per generation under replace ([`log_drift`] with this divisor).
    pub fn drift(&self) -> f64 {
        let s = &self.setup;
        s.estimator().divisor(s.samples()).map_or(0.0, |k| log_drift(s.samples(), s.dim(), k))
    }

    /// **gaussian-replace-wasserstein.** One dimension, replace:
    /// `E W2^2 = n sigma^2 / M + 2 sigma^2 (1 - c_M^n)` (unbiased, unbounded) and
    /// `2 sigma^2 (1 - (c_M sqrt r)^n)` (mle, below `2 sigma^2`).
    fn replace_wasserstein(&self) -> Vec<f64> {
        let variance = self.setup.trace();
        let means = self.mean_error().unwrap_or_default();
        let sd = self.sd_contraction();
        // E W2^2 = E (mu_n - mu)^2 + E sigma_n^2 + sigma^2 - 2 sigma E sigma_n.
        (1..).zip(means).map(|(n, mean)| mean + variance * (self.contraction().powi(n) + 1.0 - 2.0 * sd.powi(n))).collect()
    }

    /// **gaussian-replace-variance.** The probability of collapse by generation `n`
    /// under replace, `P((det Sigma_n / det Sigma)^(1/d) < eps)`: the distribution
    /// function of `log det Sigma_n - log det Sigma` at `d log eps`, evaluated
    /// numerically (no closed form exists). It tends to 1 for every `eps > 0`.
    pub fn collapse_probability(&self, generation: u64) -> f64 {
        self.log_det_law(generation).cdf(self.setup.dim() as f64 * self.setup.threshold().ln())
    }

    /// The exact medians of a metric under replace with a fitted covariance,
    /// for `n = 1..=generations`: `log det Sigma_n - log det Sigma` (any `d`), and
    /// its monotone images `sigma_n^2 / sigma^2` and `sigma_n / sigma` (one
    /// dimension); constants with a known variance. `None` elsewhere.
    ///
    /// **gaussian-replace-variance.** The median of `sigma_n^2` tends to 0
    /// geometrically while (unbiased) its mean stays `sigma^2`.
    pub fn median_curve(&self, metric: Metric) -> Option<Vec<f64>> {
        let s = &self.setup;
        let ns = 1..=s.generations();
        if s.estimator() == Estimator::KnownVariance {
            let value = match metric {
                Metric::VarianceRatio | Metric::SdRatio => 1.0,
                Metric::LogVarianceRatio => 0.0,
                _ => return None,
            };
            return Some(ns.map(|_| value).collect());
        }
        let power = match metric {
            Metric::LogVarianceRatio => None,
            Metric::VarianceRatio if s.dim() == 1 => Some(1.0),
            Metric::SdRatio if s.dim() == 1 => Some(0.5),
            _ => return None,
        };
        if s.regime() != GaussianRegime::Replace {
            return None;
        }
        let medians = ns.map(|n| self.log_det_law(n).quantile(0.5));
        Some(match power {
            None => medians.collect(),
            Some(a) => medians.map(|q| (a * q).exp()).collect(),
        })
    }

    /// The law of `log det Sigma_n - log det Sigma` under replace with a fitted
    /// covariance: `sum_{g<=n} sum_{i<=d} log chi^2_{M-i} - n d log k`.
    fn log_det_law(&self, generation: u64) -> LogChiSquareSum {
        let s = &self.setup;
        let k = s.estimator().divisor(s.samples()).unwrap_or(1.0);
        let terms = (1..=s.dim()).map(|i| ((s.samples() - i) as f64, generation)).collect();
        let shift = -(generation as f64) * s.dim() as f64 * k.ln();
        // The setup guarantees M - i >= 1 and a finite shift, which is all `new` checks.
        LogChiSquareSum::new(terms, shift).expect("a validated setup gives a valid log-chi-square law")
    }

    /// The standard deviation of `log det Sigma_n - log det Sigma` under replace:
    /// `sqrt(n sum_i psi'((M-i)/2))`; with the drift it locates the median: within
    /// one standard deviation of `n Delta_k` (**gaussian-replace-variance.**, item 4, for
    /// `d = 1`; the same argument, its Step 7, applies to the log-determinant of
    /// `gaussian-multivariate` item 3).
    pub fn log_variance_sd(&self, generation: u64) -> f64 {
        (generation as f64 * log_drift_variance(self.setup.samples(), self.setup.dim())).sqrt()
    }
}
