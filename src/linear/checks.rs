//! The linear family's entries in the registry and its Monte Carlo checks.
//!
//! Every unconditional setting has `T >= d + 4`, so the test error has a finite
//! variance over designs and its standard error means what it says; the
//! conditional checks need no such condition (the error is a Gaussian
//! quadratic form given the design).

use super::downstream::{DownstreamChain, DownstreamSetup};
use super::overparam::{OverparamChain, OverparamSetup, overparameterised_error};
use super::schedule::CustomWeights;
use super::sim::{FixedDesign, LinearChain};
use super::{Design, LinearSetup, Regime, Spectrum};
use crate::error::{Error, Result};
use crate::mc::MonteCarlo;
use crate::mc::replicate_rng;
use crate::registry::Theorem;
use crate::verify::{Check, Comparison, Expect};
use rand::RngExt;
use std::sync::Arc;

/// The linear family's theorems.
pub const THEOREMS: [Theorem; 13] = [
    Theorem {
        id: "linear-replace",
        family: "linear",
        statement: "replace: E[test error at generation n] = n sigma^2 d / (T - d - 1), reused or fresh design; grows without bound (sigma > 0)",
        source: "Dohmatob, Feng, Kempe (2024), Sec. 4; Gerstgrasser et al. (2024), Sec. 3",
        check: "mean test error of simulated chains at several generations, reused and fresh designs, identity and power-law spectra",
    },
    Theorem {
        id: "linear-accumulate",
        family: "linear",
        statement: "accumulate, reused design: E[test error at generation n] = sigma^2 d / (T - d - 1) sum_{i<=n} 1/i^2 < (pi^2/6) sigma^2 d / (T - d - 1) for every n (sigma > 0)",
        source: "Gerstgrasser et al. (2024), Sec. 3",
        check: "mean test error of simulated chains at several generations up to n = 50; control: the replace formula is rejected",
    },
    Theorem {
        id: "linear-accumulate-fresh",
        family: "linear",
        statement: "accumulate, fresh design: E[test error at generation n] = sigma^2 d sum_{i<=n} 1 / (i (i T - d - 1)), never above the reused-design value",
        source: "derived for this project from Gerstgrasser et al. (2024), Sec. 3, with a fresh design per generation",
        check: "mean test error of simulated chains with a new design every generation",
    },
    Theorem {
        id: "linear-conditional",
        family: "linear",
        statement: "one given design X: E[test error at generation n | X] = sigma^2 tr(Sigma (X^T X)^{-1}) times n (replace) or sum_{i<=n} 1/i^2 (accumulate); needs only T >= d",
        source: "Dohmatob, Feng, Kempe (2024), Sec. 4 (conditional form); Gerstgrasser et al. (2024), Sec. 3",
        check: "chains sharing one seeded design, noise redrawn per replicate, including T = d + 1 where the unconditional mean is infinite",
    },
    Theorem {
        id: "linear-schedule",
        family: "linear",
        statement: "any schedule, reused design: w_n - w* = sum_b c_{n,b} eta_b with c_n = sum_b a_{n,b} (c_{s(b)} + e_b), so E[test error | X] = tr(Sigma (X^T X)^{-1}) sum_b c_{n,b}^2 sigma_b^2, and d / (T - d - 1) in place of the trace over designs",
        source: "derived for this project, generalising Dohmatob et al. (2024) Sec. 4 and Gerstgrasser et al. (2024) Sec. 3",
        check: "random custom weight matrices, over designs and for one given design",
    },
    Theorem {
        id: "linear-mix",
        family: "linear",
        statement: "mix:LAMBDA (real batch weight LAMBDA, newest synthetic 1 - LAMBDA): E / base = 1 + sum_{m<n} (1 - LAMBDA)^{2m}, bounded by 1 + (1 - LAMBDA)^2 / (LAMBDA (2 - LAMBDA)) for LAMBDA > 0",
        source: "Bertrand et al. (2024); Alemohammad et al. (2024), synthetic augmentation loop; adapted to linear regression",
        check: "mean test error at several generations for two LAMBDA; control: the replace formula is rejected",
    },
    Theorem {
        id: "linear-window",
        family: "linear",
        statement: "window:K (last K batches, equally): E / base from the exact recursion, unbounded, asymptotically n (2/(K+1))^2 (not a finite limit: the weights sum to one, a unit root)",
        source: "introduced for this project",
        check: "mean test error up to n = 30; control: accumulate's bounded formula is rejected",
    },
    Theorem {
        id: "linear-replace-growing",
        family: "linear",
        statement: "replace-growing (n T rows from the newest model): E / base = H_n = sum_{i<=n} 1/i, growing like ln n",
        source: "Gerstgrasser et al. (2024), appendix",
        check: "mean test error at several generations, with every generation's n relabellings simulated",
    },
    Theorem {
        id: "linear-fresh-real",
        family: "linear",
        statement: "fresh-real:P (a fresh real batch with weight 1 - P, the newest synthetic with P): E / base = v* + (1 - v*) P^{2(n-1)}, v* = ((1 - P)^2 + P^2) / (1 - P^2)",
        source: "Alemohammad et al. (2024), fresh-data loop; adapted to linear regression",
        check: "mean test error at several generations",
    },
    Theorem {
        id: "linear-overparameterised",
        family: "linear",
        statement: "T0 < d, no noise, minimum-norm least squares on fresh isotropic designs: E ||w_n - w_0||^2 / ||w_0||^2 = 1 - (T0/d)^n",
        source: "Dohmatob, Feng, Kempe (2024), over-parameterised regime (section number unconfirmed)",
        check: "mean relative distance at several generations; control: one generation off, 1 - (T0/d)^(n+1)",
    },
    Theorem {
        id: "linear-accumulate-subsample",
        family: "linear",
        statement: "accumulate-subsample (T rows drawn without replacement from the n T pooled rows): exact for the constant design x = 1 by a covariance recursion; for Gaussian designs asymptotically (T -> infinity) E / base -> v_n = 3 sum_{i<=n} 1/i^2 - 2 -> pi^2/2 - 2 = 2.9348 (at T = 1 it grows like H_n)",
        source: "Kazdan et al. (2024), accumulate-subsample; the recursion's closed form and its limit pi^2/2 - 2 derived for this project",
        check: "the exact constant-design formula against simulated chains (T = 3 and 20); control: accumulate's formula is rejected; Gaussian designs are shown, not asserted, by `collapse simulate` (the asymptotic gap)",
    },
    Theorem {
        id: "linear-ridge",
        family: "linear",
        statement: "ridge with penalty lambda (kappa = T lambda), one given design, any schedule: per eigendirection of X^T X a scalar recursion with contraction a = s/(s + kappa); E[test error | X] = bias (V diag(mu_n(a) - 1) V^T w*, Sigma-norm) + sum_j (V^T Sigma V)_jj s_j/(s_j + kappa)^2 sum_b c_{n,b}(a_j)^2 sigma_b^2; replace mu_n = a^n, accumulate mu_n = prod (i - 1 + a)/i",
        source: "ridge in the loop of Dohmatob, Feng, Kempe (2024); the schedule-general recursion derived for this project",
        check: "replace, accumulate and mix:0.3 on given designs with lambda > 0; control: the least-squares formula is rejected",
    },
    Theorem {
        id: "linear-downstream",
        family: "linear",
        statement: "n chain generations (OLS, T0 rows, noise sigma0), then a downstream ridge fit on T rows (noise sigma): given X, ||(A - I) w*||^2_Sigma + sigma^2 tr(Sigma (G + kappa)^{-1} G (G + kappa)^{-1}) + n sigma0^2/(T0 - d - 1) tr(A Sigma A Sigma^{-1}); lambda = 0 over designs: sigma^2 d/(T - d - 1) + n sigma0^2 d/(T0 - d - 1)",
        source: "Dohmatob, Feng, Kempe (2024), downstream ridge model (section number unconfirmed)",
        check: "lambda = 0 over designs and lambda > 0 for a given downstream design; control: the chain term dropped is rejected",
    },
];

/// The formula a check compares the simulation with.
#[derive(Debug, Clone, PartialEq)]
enum Reference {
    /// The theorem's closed form.
    Exact,
    /// Control: `d / (T - d)` in place of `d / (T - d - 1)`.
    ShiftedDenominator,
    /// Control: another schedule's closed form.
    Other(Regime),
    /// Control: the least-squares closed form for a ridge chain.
    LeastSquares,
}

/// One simulated setting of the linear loop.
#[derive(Debug, Clone)]
struct Case {
    dim: usize,
    samples: usize,
    sigma: Vec<f64>,
    ridge: f64,
    spectrum: Spectrum,
    regime: Regime,
    design: Design,
    generations: u64,
    given_design: Option<FixedDesign>,
    at: &'static [u64],
}

impl Case {
    fn new(dim: usize, samples: usize, sigma: f64, regime: Regime, design: Design, generations: u64) -> Self {
        let (spectrum, sigma) = (Spectrum::Identity, vec![sigma]);
        Case { dim, samples, sigma, ridge: 0.0, spectrum, regime, design, generations, given_design: None, at: &[] }
    }

    fn spectrum(mut self, spectrum: Spectrum) -> Self {
        self.spectrum = spectrum;
        self
    }

    /// Noise level per generation, the last repeating.
    fn noise(mut self, levels: &[f64]) -> Self {
        self.sigma = levels.to_vec();
        self
    }

    fn ridge(mut self, lambda: f64) -> Self {
        self.ridge = lambda;
        self
    }

    fn given(self, seed: u64) -> Self {
        self.fixed(FixedDesign::Seed(seed))
    }

    fn fixed(mut self, fixed: FixedDesign) -> Self {
        self.given_design = Some(fixed);
        self
    }

    fn at(mut self, generations: &'static [u64]) -> Self {
        self.at = generations;
        self
    }

    fn settings(&self, reference: &Reference) -> String {
        let sigma = self.sigma.iter().map(f64::to_string).collect::<Vec<_>>().join(",");
        let setup = format!(
            "d={} T={} sigma={sigma} spectrum={} design={} regime={}",
            self.dim, self.samples, self.spectrum, self.design, self.regime
        );
        let ridge = if self.ridge > 0.0 { format!(" ridge={}", self.ridge) } else { String::new() };
        let given = self.given_design.map(|s| format!(" given-design={s}")).unwrap_or_default();
        let control = match reference {
            Reference::Exact => String::new(),
            Reference::ShiftedDenominator => " [control: d/(T-d) for d/(T-d-1)]".into(),
            Reference::Other(r) => format!(" [control: the {r} formula]"),
            Reference::LeastSquares => " [control: the least-squares formula]".into(),
        };
        format!("{setup}{ridge}{given}{control}")
    }

    fn chain(&self) -> Result<LinearChain> {
        let setup = LinearSetup::new(self.dim, self.samples, self.sigma[0], self.spectrum.clone())?
            .with_noise_levels(self.sigma.clone())?
            .with_ridge(self.ridge)?;
        let chain = LinearChain::new(&setup, self.regime.clone(), self.design, self.generations)?;
        match self.given_design {
            Some(fixed) => chain.conditioned(fixed),
            None => Ok(chain),
        }
    }

    /// The theorem id, from the closed form the chain itself reports.
    fn check(self, reference: Reference) -> Check {
        let expect = if reference == Reference::Exact { Expect::Agree } else { Expect::Reject };
        let settings = self.settings(&reference);
        let id = self.chain().and_then(|c| c.theory()).map_or("linear-schedule", |c| c.theorem);
        Check::new(id, settings, expect, Box::new(move |mc| self.compare(mc, &reference)))
    }

    fn compare(&self, mc: &MonteCarlo, reference: &Reference) -> Result<Vec<Comparison>> {
        let summaries = mc.run(&self.chain()?)?;
        let theory = self.reference_curve(reference)?;
        Ok(self
            .at
            .iter()
            .map(|&n| Comparison {
                quantity: "test_error".into(),
                generation: n,
                theory: theory[n as usize - 1],
                estimate: summaries[n as usize - 1],
            })
            .collect())
    }

    /// The reference's curve: the closed form of this case, or of the case
    /// with the control's change. Asymptotic curves are never checked.
    fn reference_curve(&self, reference: &Reference) -> Result<Vec<f64>> {
        let mut case = self.clone();
        match reference {
            Reference::Other(r) => case.regime = r.clone(),
            Reference::LeastSquares => case.ridge = 0.0,
            Reference::Exact | Reference::ShiftedDenominator => {}
        }
        let curve = case.chain()?.theory()?;
        if curve.asymptotic {
            return Err(Error::Numerical(format!("{} is asymptotic; a check needs an exact closed form", curve.theorem)));
        }
        let scale = match reference {
            Reference::ShiftedDenominator => shifted_denominator_ratio(self.dim, self.samples),
            _ => 1.0,
        };
        Ok(curve.values.into_iter().map(|v| v * scale).collect())
    }
}

/// `(d / (T - d)) / (d / (T - d - 1))`: turns the right base into the control's wrong one.
fn shifted_denominator_ratio(dim: usize, samples: usize) -> f64 {
    (samples - dim - 1) as f64 / (samples - dim) as f64
}

/// A check of `linear-overparameterised`; the control shifts the generation by one.
fn overparam_check(dim: usize, samples: usize, generations: u64, at: &'static [u64], control: bool) -> Check {
    let settings =
        format!("d={dim} T0={samples} noise-free min-norm fresh-isotropic{}", if control { " [control: 1 - (T0/d)^(n+1)]" } else { "" });
    let expect = if control { Expect::Reject } else { Expect::Agree };
    let evaluate = move |mc: &MonteCarlo| -> Result<Vec<Comparison>> {
        let setup = OverparamSetup::new(dim, samples, generations)?;
        let summaries = mc.run(&OverparamChain::new(&setup))?;
        let shift = u64::from(control);
        Ok(at
            .iter()
            .map(|&n| Comparison {
                quantity: "relative_distance".into(),
                generation: n,
                theory: overparameterised_error(setup.ratio(), n + shift),
                estimate: summaries[n as usize - 1],
            })
            .collect())
    };
    Check::new("linear-overparameterised", settings, expect, Box::new(evaluate))
}

/// A check of `linear-downstream`; the control drops the chain term (compares
/// generation `n` with the value at `n = 0`).
fn downstream_check(setup: DownstreamSetup, given: Option<u64>, at: &'static [u64], control: bool) -> Check {
    let settings = format!(
        "{}{}{}",
        setup.describe(),
        given.map(|s| format!(" given-design={s}")).unwrap_or_default(),
        if control { " [control: chain term dropped]" } else { "" }
    );
    let expect = if control { Expect::Reject } else { Expect::Agree };
    let evaluate = move |mc: &MonteCarlo| -> Result<Vec<Comparison>> {
        let mut chain = DownstreamChain::new(&setup);
        if let Some(seed) = given {
            chain = chain.conditioned(FixedDesign::Seed(seed))?;
        }
        let (summaries, theory) = (mc.run(&chain)?, chain.theory()?);
        Ok(at
            .iter()
            .map(|&n| Comparison {
                quantity: "downstream_test_error".into(),
                generation: n,
                theory: theory[if control { 0 } else { n as usize }],
                estimate: summaries[n as usize],
            })
            .collect())
    };
    Check::new("linear-downstream", settings, expect, Box::new(evaluate))
}

/// A random custom schedule: generation `n` puts weights uniform on `[0, 1)`
/// on batches `1..n`, a third of them zeroed, never all.
pub fn random_schedule(seed: u64, generations: u64) -> Regime {
    let mut rng = replicate_rng(seed, 0);
    let rows = (1..=generations as usize)
        .map(|n| {
            let mut row: Vec<f64> = (0..n).map(|_| if rng.random::<f64>() < 1.0 / 3.0 { 0.0 } else { rng.random() }).collect();
            row[n - 1] += 0.05; // never all zero
            row
        })
        .collect();
    Regime::Custom(Arc::new(CustomWeights { source: format!("random-{seed}"), rows }))
}

/// The linear family's checks, controls last.
pub fn checks() -> Vec<Check> {
    use Design::{Fresh, Reused};
    use Regime::{Accumulate, AccumulateSubsample, FreshReal, Mix, Replace, ReplaceGrowing, Window};
    let ones = FixedDesign::Ones;
    let exact = [
        Case::new(10, 100, 1.0, Replace, Reused, 50).at(&[1, 10, 50]),
        Case::new(5, 20, 0.5, Replace, Reused, 10).spectrum(Spectrum::PowerLaw(1.0)).at(&[1, 5, 10]),
        Case::new(10, 100, 1.0, Replace, Fresh, 20).at(&[1, 20]),
        Case::new(3, 10, 2.0, Replace, Fresh, 10).spectrum(Spectrum::PowerLaw(2.0)).at(&[1, 10]),
        Case::new(10, 100, 1.0, Accumulate, Reused, 50).at(&[1, 2, 10, 50]),
        Case::new(5, 20, 0.5, Accumulate, Reused, 20).spectrum(Spectrum::PowerLaw(1.0)).at(&[1, 5, 20]),
        Case::new(20, 30, 1.0, Accumulate, Reused, 10).at(&[2, 10]),
        Case::new(10, 100, 1.0, Accumulate, Fresh, 20).at(&[2, 5, 20]),
        Case::new(5, 12, 1.0, Accumulate, Fresh, 10).spectrum(Spectrum::PowerLaw(1.0)).at(&[1, 2, 10]),
        Case::new(10, 100, 1.0, Replace, Reused, 20).given(7).at(&[1, 20]),
        Case::new(5, 6, 1.0, Accumulate, Reused, 10).spectrum(Spectrum::PowerLaw(1.0)).given(11).at(&[1, 10]),
        Case::new(4, 16, 1.0, random_schedule(5, 8), Reused, 8).at(&[2, 5, 8]),
        Case::new(3, 5, 1.0, random_schedule(6, 6), Reused, 6).spectrum(Spectrum::PowerLaw(1.0)).given(13).at(&[3, 6]),
        Case::new(5, 20, 1.0, Mix(0.3), Reused, 20).at(&[2, 5, 20]),
        Case::new(10, 100, 1.0, Mix(0.1), Reused, 30).spectrum(Spectrum::PowerLaw(1.0)).at(&[30]),
        Case::new(5, 20, 1.0, Window(3), Reused, 30).at(&[3, 10, 30]),
        Case::new(5, 20, 1.0, ReplaceGrowing, Reused, 10).at(&[2, 5, 10]),
        Case::new(5, 20, 1.0, FreshReal(0.5), Reused, 15).at(&[1, 3, 15]),
        Case::new(5, 20, 1.0, Accumulate, Reused, 10).noise(&[1.0, 0.5, 2.0]).at(&[2, 3, 10]),
        Case::new(5, 20, 1.0, Replace, Fresh, 6).noise(&[2.0, 1.0]).at(&[1, 6]),
        Case::new(4, 12, 1.0, Accumulate, Fresh, 6).noise(&[0.5, 1.5, 1.0]).at(&[2, 6]),
        Case::new(1, 3, 1.0, AccumulateSubsample, Reused, 20).fixed(ones).at(&[2, 5, 20]),
        Case::new(1, 20, 2.0, AccumulateSubsample, Reused, 10).fixed(ones).at(&[3, 10]),
        Case::new(5, 20, 1.0, Replace, Reused, 10).ridge(0.5).given(17).at(&[1, 5, 10]),
        Case::new(5, 20, 1.0, Accumulate, Reused, 20).spectrum(Spectrum::PowerLaw(1.0)).ridge(2.0).given(19).at(&[2, 20]),
        Case::new(3, 3, 0.5, Mix(0.3), Reused, 10).ridge(0.2).given(23).at(&[3, 10]),
    ];
    let controls = [
        (Case::new(10, 20, 1.0, Replace, Reused, 1).at(&[1]), Reference::ShiftedDenominator),
        (Case::new(10, 100, 1.0, Accumulate, Reused, 10).at(&[10]), Reference::Other(Replace)),
        (Case::new(5, 20, 1.0, Mix(0.3), Reused, 20).at(&[20]), Reference::Other(Replace)),
        (Case::new(5, 20, 1.0, Window(3), Reused, 30).at(&[30]), Reference::Other(Accumulate)),
        (Case::new(1, 3, 1.0, AccumulateSubsample, Reused, 20).fixed(ones).at(&[20]), Reference::Other(Accumulate)),
        (Case::new(5, 20, 1.0, Replace, Reused, 10).ridge(0.5).given(17).at(&[10]), Reference::LeastSquares),
    ];
    let downstream = |t0, sigma0, t, sigma, ridge, spectrum, n| {
        DownstreamSetup::new(5, t0, sigma0, t, sigma, ridge, spectrum, n).expect("valid by construction")
    };
    let power = Spectrum::PowerLaw(1.5); // A and Sigma do not commute: the general chain term
    let downstream = [
        downstream_check(downstream(20, 1.0, 30, 0.5, 0.0, Spectrum::Identity, 6), None, &[0, 2, 6], false),
        downstream_check(downstream(12, 0.5, 20, 1.0, 0.3, Spectrum::Identity, 8), Some(29), &[0, 8], false),
        downstream_check(downstream(12, 1.0, 8, 0.5, 0.4, power, 5), Some(31), &[0, 5], false),
        downstream_check(downstream(20, 1.0, 30, 0.5, 0.0, Spectrum::Identity, 6), None, &[6], true),
    ];
    let overparam =
        [overparam_check(10, 5, 10, &[1, 3, 10], false), overparam_check(20, 17, 6, &[1, 6], false), overparam_check(10, 5, 3, &[1], true)];
    exact
        .into_iter()
        .map(|c| c.check(Reference::Exact))
        .chain(controls.into_iter().map(|(c, r)| c.check(r)))
        .chain(overparam)
        .chain(downstream)
        .collect()
}
