//! Closed forms of the linear feedback loop. Pure functions of a validated
//! setup: no randomness, no I/O, no `Result` once the setup exists.
//!
//! Generation `n >= 1` is the `n`-th fit; generation 1 fits the real data.
//! With `base = sigma^2 d / (T - d - 1)`:
//!
//! | id | expected test error at generation `n` | function |
//! |---|---|---|
//! | `linear-replace` | `n * base` (reused or fresh design) | [`LinearTheory::replace`] |
//! | `linear-accumulate` | `base * sum_{i<=n} 1/i^2 < (pi^2/6) base` (reused design) | [`LinearTheory::accumulate`] |
//! | `linear-accumulate-fresh` | `sigma^2 d sum_{i<=n} 1/(i (i T - d - 1))` (fresh design) | [`LinearTheory::accumulate_fresh`] |
//! | `linear-conditional` | `sigma^2 tr(Sigma (X^T X)^{-1})` times the schedule's factor, for one given `X` | [`ConditionalTheory`] |
//! | `linear-schedule` | `base * sum_b c_{n,b}^2 sigma_b^2 / sigma^2` for any schedule (reused design) | [`schedule_factors`] |
//! | `linear-mix` | `base * (1 + sum_{m<n} (1 - LAMBDA)^{2m})`, bounded for `LAMBDA > 0` | [`mix_factor`] |
//! | `linear-window` | `base * ` the recursion's factor, growing like `n (2/(K+1))^2` | [`window_slope`] |
//! | `linear-replace-growing` | `base * H_n`, the harmonic number | [`replace_growing_factor`] |
//! | `linear-fresh-real` | `base * (v* + (1 - v*) P^{2(n-1)})`, `v* = (1 - 2P + 2P^2)/(1 - P^2)` | [`fresh_real_factor`] |
//! | `linear-accumulate-subsample` | asymptotically (`T -> infinity`) `base * (3 H_2(n) - 2) -> base (pi^2/2 - 2)`; exact for the constant design | [`crate::location`] |
//! | `linear-ridge` | bias + variance for one given design, any schedule | [`crate::linear::ridge::RidgeTheory`] |
//!
//! With a noise level per generation (`sigma_g`), `sigma^2 * factor` becomes
//! `sum_b c_{n,b}^2 sigma_b^2` ([`noise_factors`]).
//!
//! All hold for any `Sigma` shared by training rows and test points. Proofs:
//! `proofs/<id>.md`; checks: `collapse verify <id>`.

use super::{Design, LinearSetup};
use crate::error::{Error, Result, param, param_value};
use crate::location::{SUBSAMPLE_LIMIT, subsample_factors};
use crate::model::{Curve, TheoremId};
use crate::schedule::{Plan, Regime};
use crate::special::{harmonic2, running_sum};
use serde::Serialize;

/// The linear family's theorem ids, each written once.
pub mod ids {
    use crate::model::TheoremId;
    /// Replace: `n sigma^2 d / (T - d - 1)`.
    pub const REPLACE: TheoremId = TheoremId::new("linear-replace");
    /// Accumulate on the reused design: bounded by `pi^2/6` times generation 1's error.
    pub const ACCUMULATE: TheoremId = TheoremId::new("linear-accumulate");
    /// Accumulate on a fresh design per generation.
    pub const ACCUMULATE_FRESH: TheoremId = TheoremId::new("linear-accumulate-fresh");
    /// One given design: expectations over the noise only.
    pub const CONDITIONAL: TheoremId = TheoremId::new("linear-conditional");
    /// Any schedule: the general recursion.
    pub const SCHEDULE: TheoremId = TheoremId::new("linear-schedule");
    /// `mix:LAMBDA`.
    pub const MIX: TheoremId = TheoremId::new("linear-mix");
    /// `window:K`.
    pub const WINDOW: TheoremId = TheoremId::new("linear-window");
    /// `replace-growing`.
    pub const REPLACE_GROWING: TheoremId = TheoremId::new("linear-replace-growing");
    /// `fresh-real:P`.
    pub const FRESH_REAL: TheoremId = TheoremId::new("linear-fresh-real");
    /// The over-parameterised noise-free chain.
    pub const OVERPARAMETERISED: TheoremId = TheoremId::new("linear-overparameterised");
    /// `accumulate-subsample`.
    pub const ACCUMULATE_SUBSAMPLE: TheoremId = TheoremId::new("linear-accumulate-subsample");
    /// Ridge regression in the loop, one given design.
    pub const RIDGE: TheoremId = TheoremId::new("linear-ridge");
    /// Dohmatob's downstream model.
    pub const DOWNSTREAM: TheoremId = TheoremId::new("linear-downstream");
}

/// The theorem whose closed form covers a schedule on the reused design.
pub fn schedule_theorem(regime: &Regime) -> TheoremId {
    match regime {
        Regime::Replace => ids::REPLACE,
        Regime::Accumulate => ids::ACCUMULATE,
        Regime::Mix(_) => ids::MIX,
        Regime::Window(_) => ids::WINDOW,
        Regime::ReplaceGrowing => ids::REPLACE_GROWING,
        Regime::AccumulateSubsample => ids::ACCUMULATE_SUBSAMPLE,
        Regime::FreshReal(_) => ids::FRESH_REAL,
        Regime::Custom(_) => ids::SCHEDULE,
    }
}

/// The theorem id whose closed form covers a regime and design (unconditional
/// expectation over designs).
pub fn theorem_id(regime: &Regime, design: Design) -> TheoremId {
    match (regime, design) {
        (Regime::Accumulate, Design::Fresh) => ids::ACCUMULATE_FRESH,
        _ => schedule_theorem(regime),
    }
}

/// The theorem id whose closed form covers a schedule conditioned on one given
/// design: `linear-conditional` for replace and accumulate, the general
/// statement's corollary (the schedule's own id) otherwise.
pub fn conditional_theorem_id(regime: &Regime) -> TheoremId {
    match regime {
        Regime::Replace | Regime::Accumulate => ids::CONDITIONAL,
        _ => schedule_theorem(regime),
    }
}

/// Whether a schedule is defined on a fresh design: replace, accumulate and
/// accumulate-subsample have a simulator there.
pub fn supports_fresh_design(regime: &Regime) -> bool {
    matches!(regime, Regime::Replace | Regime::Accumulate | Regime::AccumulateSubsample)
}

/// Expected test errors averaged over Gaussian designs: a setup with
/// `T >= d + 2`, the condition for `E[(X^T X)^{-1}] = Sigma^{-1} / (T - d - 1)`
/// to be finite.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearTheory {
    setup: LinearSetup,
}

impl LinearTheory {
    /// Requires `T >= d + 2`: below it the expected test error is infinite.
    pub fn new(setup: &LinearSetup) -> Result<Self> {
        let (d, t) = (setup.dim(), setup.samples());
        if t < d + 2 {
            return Err(Error::invalid(
                "samples",
                t,
                format!(
                    "the expected test error needs T >= d + 2 = {} (dim d = {d}); below it the \
                     expectation over designs is infinite (condition on one design with {})",
                    d + 2,
                    param("fixed_design")
                ),
            ));
        }
        Ok(LinearTheory { setup: setup.clone() })
    }

    /// `d / (T - d - 1) = E tr(Sigma (X^T X)^{-1})` over Gaussian designs.
    pub fn trace(&self) -> f64 {
        let (d, t) = (self.setup.dim() as f64, self.setup.samples() as f64);
        d / (t - d - 1.0)
    }

    /// `base = sigma^2 d / (T - d - 1)`: the expected test error of one OLS fit
    /// on `T` real samples (generation 1 of every regime).
    pub fn base(&self) -> f64 {
        self.setup.sigma().powi(2) * self.trace()
    }

    /// **linear-replace.** `E[test error at generation n] = n * base`, for a
    /// reused or a fresh design.
    ///
    /// ```text
    /// w_n - w* = sum_{i<=n} (X_i^T X_i)^{-1} X_i^T E_i,  E ||.||^2_Sigma = n sigma^2 d / (T - d - 1)
    /// ```
    /// Source: Dohmatob, Feng and Kempe (2024), Section 4; Gerstgrasser et al.
    /// (2024), Section 3. Proof: `proofs/linear-replace.md`.
    ///
    /// ```
    /// use model_collapse::linear::{LinearSetup, Spectrum, theory::LinearTheory};
    /// let setup = LinearSetup::new(10, 100, 1.0, Spectrum::Identity).unwrap();
    /// let theory = LinearTheory::new(&setup).unwrap();
    /// assert!((theory.replace(3) - 30.0 / 89.0).abs() < 1e-15);
    /// ```
    pub fn replace(&self, n: u64) -> f64 {
        n as f64 * self.base()
    }

    /// **linear-accumulate.** Reused design:
    /// `E[test error at generation n] = base * sum_{i<=n} 1/i^2 < (pi^2/6) base`
    /// for every `n` (strictly when `sigma > 0`; with no noise both sides are 0).
    ///
    /// ```text
    /// w_n - w* = sum_{i<=n} eta_i / i,  eta_i = (X^T X)^{-1} X^T E_i
    /// ```
    /// Source: Gerstgrasser et al. (2024), Section 3.
    /// Proof: `proofs/linear-accumulate.md`.
    ///
    /// ```
    /// use model_collapse::linear::{LinearSetup, Spectrum, theory::LinearTheory};
    /// let setup = LinearSetup::new(10, 100, 1.0, Spectrum::Identity).unwrap();
    /// let theory = LinearTheory::new(&setup).unwrap();
    /// assert!((theory.accumulate(3) - (10.0 / 89.0) * (49.0 / 36.0)).abs() < 1e-15);
    /// ```
    pub fn accumulate(&self, n: u64) -> f64 {
        self.base() * harmonic2(n)
    }

    /// The bound of **linear-accumulate**: `(pi^2/6) * base`, never reached.
    pub fn accumulate_bound(&self) -> f64 {
        std::f64::consts::PI.powi(2) / 6.0 * self.base()
    }

    /// **linear-accumulate-fresh.** Fresh design:
    /// `E[test error at generation n] = sigma^2 d sum_{i<=n} 1 / (i (i T - d - 1))`.
    ///
    /// ```text
    /// w_n - w* = sum_{i<=n} G_i^{-1} X_i^T E_i,  G_i = sum_{k<=i} X_k^T X_k ~ Wishart(Sigma, i T)
    /// ```
    /// Exchangeability of the batches inside `G_i` turns each term's expectation
    /// into `tr(Sigma E[G_i^{-1}]) / i`. Never above [`LinearTheory::accumulate`].
    /// Proof: `proofs/linear-accumulate-fresh.md`.
    ///
    /// ```
    /// use model_collapse::linear::{LinearSetup, Spectrum, theory::LinearTheory};
    /// let setup = LinearSetup::new(10, 100, 1.0, Spectrum::Identity).unwrap();
    /// let theory = LinearTheory::new(&setup).unwrap();
    /// let exact = 10.0 * (1.0 / 89.0 + 1.0 / (2.0 * 189.0));
    /// assert!((theory.accumulate_fresh(2) - exact).abs() < 1e-15);
    /// ```
    pub fn accumulate_fresh(&self, n: u64) -> f64 {
        (1..=n).rev().map(|i| self.fresh_increment(i)).sum()
    }

    /// The term `i` of [`LinearTheory::accumulate_fresh`]: `sigma_i^2 d / (i (i T - d - 1))`
    /// (batch `i`'s noise level).
    fn fresh_increment(&self, i: u64) -> f64 {
        let (sigma, i) = (self.setup.sigma_at(i), i as f64);
        let (d, t) = (self.setup.dim() as f64, self.setup.samples() as f64);
        sigma * sigma * d / (i * (i * t - d - 1.0))
    }

    /// Generations `1..=generations` of the expected test error under a
    /// schedule and design: `d / (T - d - 1)` times [`noise_factors`] (on a
    /// fresh design: replace and accumulate-subsample with the same value, and
    /// [`LinearTheory::accumulate_fresh`]). Least squares only: with a ridge
    /// penalty the expectation over designs has no closed form.
    /// Fails when the penalty or the noise levels leave no closed form (the
    /// reason names the parameter); a fresh design takes replace, accumulate
    /// and accumulate-subsample only ([`supports_fresh_design`]).
    pub fn curve(&self, regime: &Regime, design: Design, generations: u64) -> Result<Curve> {
        require_least_squares(&self.setup)?;
        let id = theorem_id(regime, design);
        Ok(match (regime, design) {
            (Regime::Accumulate, Design::Fresh) => Curve::exact(id, running_sum((1..=generations).map(|i| self.fresh_increment(i)))),
            _ => scaled(id, regime, self.trace(), noise_factors(regime, &self.setup, generations)?),
        })
    }
}

/// `trace * factors`, asymptotic for accumulate-subsample.
fn scaled(theorem: TheoremId, regime: &Regime, trace: f64, factors: Vec<f64>) -> Curve {
    let values = factors.into_iter().map(|f| trace * f).collect();
    if *regime == Regime::AccumulateSubsample { Curve::asymptotic(theorem, values) } else { Curve::exact(theorem, values) }
}

fn require_least_squares(setup: &LinearSetup) -> Result<()> {
    if setup.ridge() > 0.0 {
        return Err(Error::invalid(
            "ridge",
            setup.ridge(),
            format!(
                "with a ridge penalty the expected test error has a closed form only for one given design \
                 ({}: add {})",
                ids::RIDGE,
                param_value("fixed_design", "SEED")
            ),
        ));
    }
    Ok(())
}

/// `sum_b c_{n,b}^2 sigma_b^2` for generations `1..=generations` (reused
/// design): `sigma^2` times [`factor_curve`] with one noise level, the general
/// recursion [`schedule_factors`] with one level per generation. The
/// accumulate-subsample reference (asymptotic) assumes one level.
pub fn noise_factors(regime: &Regime, setup: &LinearSetup, generations: u64) -> Result<Vec<f64>> {
    if let Some(sigma) = setup.constant_sigma() {
        return Ok(factor_curve(regime, generations).into_iter().map(|f| sigma * sigma * f).collect());
    }
    match regime.plan(generations) {
        Some(plan) => Ok(schedule_factors(&plan, |g| setup.sigma_at(g).powi(2))),
        None => {
            Err(Error::invalid("sigma", setup.describe(), format!("the {regime} reference assumes one noise level for every generation")))
        }
    }
}

/// **linear-conditional.** For one given full-rank design `X` (reused design),
/// averaging over the label noise only:
///
/// ```text
/// E[test error at generation n | X] = sigma^2 tr(Sigma (X^T X)^{-1}) * n          (replace)
///                                   = sigma^2 tr(Sigma (X^T X)^{-1}) * sum 1/i^2  (accumulate)
/// ```
/// Needs only `T >= d`. Proof: `proofs/linear-conditional.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionalTheory {
    trace: f64,
    setup: LinearSetup,
}

impl ConditionalTheory {
    /// From `tr(Sigma (X^T X)^{-1})` of the given design (see
    /// [`crate::linear::design::GivenDesign::trace_sigma_gram_inverse`]) and the
    /// setup (its noise levels).
    pub fn new(trace: f64, setup: &LinearSetup) -> Self {
        ConditionalTheory { trace, setup: setup.clone() }
    }

    /// `sigma^2 tr(Sigma (X^T X)^{-1})`: the conditional error of generation 1.
    pub fn base(&self) -> f64 {
        self.setup.sigma().powi(2) * self.trace
    }

    /// The conditional expected test error at generations `1..=generations`:
    /// `tr(Sigma (X^T X)^{-1})` times [`noise_factors`] (least squares only).
    pub fn curve(&self, regime: &Regime, generations: u64) -> Result<Curve> {
        require_least_squares(&self.setup)?;
        let factors = noise_factors(regime, &self.setup, generations)?;
        Ok(scaled(conditional_theorem_id(regime), regime, self.trace, factors))
    }
}

/// The factor that multiplies the first generation's error at generations
/// `1..=generations` (reused design, one noise level): `n` for replace,
/// `sum 1/i^2` for accumulate, and each schedule's closed form, or the general
/// recursion [`schedule_factors`] where no closed form is known; for
/// accumulate-subsample the asymptotic (`T -> infinity`) [`subsample_factors`].
pub fn factor_curve(regime: &Regime, generations: u64) -> Vec<f64> {
    let each = |f: &dyn Fn(u64) -> f64| (1..=generations).map(f).collect();
    match regime {
        Regime::Replace => each(&|n| n as f64),
        Regime::Accumulate => running_sum((1..=generations).map(|i| 1.0 / (i as f64 * i as f64))),
        Regime::Mix(lambda) => {
            // f_1 = 1, f_n = 1 + q f_(n-1): every generation in O(1), the same sum as mix_factor.
            let q = (1.0 - lambda) * (1.0 - lambda);
            (1..=generations).scan(0.0, |f, _| Some(*f * q + 1.0).inspect(|&x| *f = x)).collect()
        }
        Regime::ReplaceGrowing => running_sum((1..=generations).map(|i| 1.0 / i as f64)),
        Regime::FreshReal(p) => each(&|n| fresh_real_factor(*p, n)),
        Regime::AccumulateSubsample => subsample_factors(generations),
        Regime::Window(_) | Regime::Custom(_) => schedule_factors(&regime.unroll(generations), |_| 1.0),
    }
}

/// What the factor does as `n -> infinity`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    /// It converges to this value.
    Finite(f64),
    /// It grows without bound (collapse).
    Unbounded,
    /// Not known in closed form (a custom schedule).
    Unknown,
}

/// The limit of [`factor_curve`] as `n -> infinity`, on the reused design.
pub fn limit_factor(regime: &Regime) -> Limit {
    match regime {
        Regime::Accumulate => Limit::Finite(std::f64::consts::PI.powi(2) / 6.0),
        Regime::Mix(lambda) if *lambda > 0.0 => Limit::Finite(1.0 + (1.0 - lambda).powi(2) / (lambda * (2.0 - lambda))),
        Regime::FreshReal(p) => Limit::Finite(fresh_real_stationary(*p)),
        Regime::AccumulateSubsample => Limit::Finite(SUBSAMPLE_LIMIT),
        Regime::Custom(_) => Limit::Unknown,
        Regime::Replace | Regime::Mix(_) | Regime::Window(_) | Regime::ReplaceGrowing => Limit::Unbounded,
    }
}

/// **linear-mix.** Generation 1 fits the real batch; generation `n >= 2` the
/// real batch with weight `LAMBDA` and the newest synthetic batch with weight
/// `1 - LAMBDA`. With `q = (1 - LAMBDA)^2`:
///
/// ```text
/// E[test error at n] / base = 1 + sum_{m=1}^{n-1} q^m  ->  1 + (1 - LAMBDA)^2 / (LAMBDA (2 - LAMBDA))
/// ```
/// bounded for every `LAMBDA > 0`; `LAMBDA = 0` is replace. The real batch's
/// coefficient stays 1 in every generation. Sources: Bertrand et al. (2024);
/// Alemohammad et al. (2024), adapted to regression. Proof: `proofs/linear-mix.md`.
///
/// ```
/// use model_collapse::linear::theory::mix_factor;
/// assert!((mix_factor(0.3, 3) - (1.0 + 0.49 + 0.49 * 0.49)).abs() < 1e-15);
/// ```
pub fn mix_factor(lambda: f64, n: u64) -> f64 {
    let q = (1.0 - lambda) * (1.0 - lambda);
    (1..n).rev().map(|m| q.powi(m as i32)).sum::<f64>() + 1.0
}

/// **linear-window.** Generation `n` fits the last `min(n, K)` batches
/// equally. The exact factor comes from the general recursion
/// ([`schedule_factors`]); it grows without bound, asymptotically like
/// `n * window_slope(K)` with `window_slope(K) = (2 / (K + 1))^2`: the weights
/// sum to one, so the averaging recursion has a unit root (the issue's claim
/// of a finite limit is false). Proof: `proofs/linear-window.md`.
///
/// ```
/// use model_collapse::linear::theory::window_slope;
/// assert_eq!(window_slope(3), 0.25);
/// ```
pub fn window_slope(k: u64) -> f64 {
    (2.0 / (k as f64 + 1.0)).powi(2)
}

/// **linear-replace-growing.** Generation `n` fits `n T` rows from the newest
/// model only (`n` relabellings of the design): the factor is the harmonic
/// number `H_n = sum_{i<=n} 1/i`, which grows like `ln n`. Source: Gerstgrasser
/// et al. (2024), appendix. Proof: `proofs/linear-replace-growing.md`.
///
/// ```
/// use model_collapse::linear::theory::replace_growing_factor;
/// assert!((replace_growing_factor(3) - 11.0 / 6.0).abs() < 1e-15);
/// ```
pub fn replace_growing_factor(n: u64) -> f64 {
    (1..=n).rev().map(|i| 1.0 / i as f64).sum()
}

/// **linear-fresh-real.** Generation `n >= 2` fits a fresh real batch with
/// weight `1 - P` and the newest synthetic batch with weight `P`:
///
/// ```text
/// v_1 = 1,  v_n = (1 - P)^2 + P^2 (v_{n-1} + 1),  v_n = v* + (1 - v*) P^{2(n-1)},
/// v* = ((1 - P)^2 + P^2) / (1 - P^2)
/// ```
/// Source: Alemohammad et al. (2024), fresh-data loop, adapted to regression.
/// Proof: `proofs/linear-fresh-real.md`.
///
/// ```
/// use model_collapse::linear::theory::fresh_real_factor;
/// // P = 1/2: v_2 = 1/4 + (1/4) * 2 = 3/4.
/// assert!((fresh_real_factor(0.5, 2) - 0.75).abs() < 1e-15);
/// ```
pub fn fresh_real_factor(p: f64, n: u64) -> f64 {
    let stationary = fresh_real_stationary(p);
    stationary + (1.0 - stationary) * p.powi(2 * (n as i32 - 1))
}

fn fresh_real_stationary(p: f64) -> f64 {
    ((1.0 - p).powi(2) + p * p) / (1.0 - p * p)
}

/// **linear-schedule.** The general statement for any schedule on the reused
/// design: with batch `b` labelled by model `s(b)` with noise `sigma_b` and
/// generation `n`'s normalised weights `a_{n,b}`,
///
/// ```text
/// w_n - w* = sum_b c_{n,b} eta_b,   c_n = sum_b a_{n,b} (c_{s(b)} + e_b),   c_0 = 0,
/// E[test error at n | X] = tr(Sigma (X^T X)^{-1}) sum_b c_{n,b}^2 sigma_b^2
/// ```
/// and `d / (T - d - 1)` in place of the trace after averaging over designs.
/// Returns `sum_b c_{n,b}^2 noise(g_b) / copies_b` for `n = 1..`, where
/// `noise(g)` is generation `g`'s noise variance relative to `sigma^2` and a
/// batch of `copies` relabellings has its noise variance divided by `copies`.
/// Computed literally from the recursion, in `O(generations x batches)` memory.
/// Proof: `proofs/linear-schedule.md`.
pub fn schedule_factors(plan: &Plan, noise: impl Fn(u64) -> f64) -> Vec<f64> {
    contracted_schedule(plan, 1.0, noise).variance
}

/// The two recursions of a schedule with a contraction factor `a` (one
/// eigendirection of ridge regression, `a = s / (s + kappa)`; `a = 1` is least
/// squares): per generation `n = 1..`,
///
/// ```text
/// mean:      mu_0 = 1,  mu_n = a sum_b a_{n,b} mu_{s(b)}
/// variance:  c_0 = 0,   c_n = sum_b a_{n,b} (a c_{s(b)} + e_b),   sum_b c_{n,b}^2 noise(g_b) / copies_b
/// ```
/// Proofs: `proofs/linear-schedule.md` (`a = 1`), `proofs/linear-ridge.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct Contracted {
    /// `mu_n`: the truth's surviving share of the fit, generations `1..`.
    pub mean: Vec<f64>,
    /// `sum_b c_{n,b}^2 noise(g_b) / copies_b`, generations `1..`.
    pub variance: Vec<f64>,
}

/// Evaluates [`Contracted`] for a plan, a contraction `a` and the relative
/// noise variance `noise(g)` of the batches created at generation `g`.
pub fn contracted_schedule(plan: &Plan, a: f64, noise: impl Fn(u64) -> f64) -> Contracted {
    let mut variance = Vec::with_capacity(plan.batches.len());
    for (g, range) in (1..).zip(&plan.created) {
        variance.extend(range.clone().map(|b| noise(g) / plan.batches[b].copies as f64));
    }
    let mut models: Vec<(f64, Vec<f64>)> = vec![(1.0, Vec::new())]; // mu_0 = 1, c_0 = 0
    let mut out = Contracted { mean: Vec::new(), variance: Vec::new() };
    for (range, weights) in plan.created.iter().zip(&plan.weights) {
        let (mut mu, mut c) = (0.0, vec![0.0; range.end]);
        for &(b, w) in weights {
            let (source_mu, source_c) = &models[plan.batches[b].source as usize];
            mu += w * a * source_mu;
            c.iter_mut().zip(source_c).for_each(|(c, s)| *c += w * a * s);
            c[b] += w;
        }
        out.mean.push(mu);
        out.variance.push(c.iter().zip(&variance).map(|(c, v)| c * c * v).sum());
        models.push((mu, c));
    }
    out
}
