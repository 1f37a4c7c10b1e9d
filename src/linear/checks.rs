//! The linear family's entries in the registry and its Monte Carlo checks.
//!
//! Every unconditional setting has `T >= d + 4`, so the test error has a finite
//! variance over designs and its standard error means what it says; the
//! conditional checks need no such condition (the error is a Gaussian
//! quadratic form given the design).

use super::sim::LinearChain;
use super::theory::{LinearTheory, theorem_id};
use super::{Design, LinearSetup, Regime, Spectrum};
use crate::error::Result;
use crate::mc::MonteCarlo;
use crate::registry::Theorem;
use crate::verify::{Check, Comparison, Expect};

/// The linear family's theorems.
pub const THEOREMS: [Theorem; 4] = [
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
];

/// The formula a check compares the simulation with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reference {
    /// The theorem's closed form.
    Exact,
    /// Control: `d / (T - d)` in place of `d / (T - d - 1)`.
    ShiftedDenominator,
    /// Control: the other regime's closed form.
    OtherRegime,
}

/// One simulated setting of the linear loop.
#[derive(Debug, Clone)]
struct Case {
    dim: usize,
    samples: usize,
    sigma: f64,
    spectrum: Spectrum,
    regime: Regime,
    design: Design,
    generations: u64,
    given_design: Option<u64>,
    at: &'static [u64],
}

impl Case {
    fn new(dim: usize, samples: usize, sigma: f64, regime: Regime, design: Design, generations: u64) -> Self {
        let spectrum = Spectrum::Identity;
        Case { dim, samples, sigma, spectrum, regime, design, generations, given_design: None, at: &[] }
    }

    fn spectrum(mut self, spectrum: Spectrum) -> Self {
        self.spectrum = spectrum;
        self
    }

    fn given(mut self, seed: u64) -> Self {
        self.given_design = Some(seed);
        self
    }

    fn at(mut self, generations: &'static [u64]) -> Self {
        self.at = generations;
        self
    }

    fn id(&self) -> &'static str {
        match self.given_design {
            Some(_) => "linear-conditional",
            None => theorem_id(self.regime, self.design),
        }
    }

    fn settings(&self, reference: Reference) -> String {
        let setup = format!(
            "d={} T={} sigma={} spectrum={} design={} regime={}",
            self.dim, self.samples, self.sigma, self.spectrum, self.design, self.regime
        );
        let given = self.given_design.map(|s| format!(" given-design={s}")).unwrap_or_default();
        let control = match reference {
            Reference::Exact => "",
            Reference::ShiftedDenominator => " [control: d/(T-d) for d/(T-d-1)]",
            Reference::OtherRegime => " [control: the other regime's formula]",
        };
        format!("{setup}{given}{control}")
    }

    fn check(self, reference: Reference) -> Check {
        let expect = if reference == Reference::Exact { Expect::Agree } else { Expect::Reject };
        Check::new(self.id(), self.settings(reference), expect, Box::new(move |mc| self.compare(mc, reference)))
    }

    fn compare(&self, mc: &MonteCarlo, reference: Reference) -> Result<Vec<Comparison>> {
        let setup = LinearSetup::new(self.dim, self.samples, self.sigma, self.spectrum.clone())?;
        let mut chain = LinearChain::new(&setup, self.regime, self.design, self.generations)?;
        if let Some(seed) = self.given_design {
            chain = chain.conditioned(seed)?;
        }
        let summaries = mc.run(&chain)?;
        let theory = self.reference_curve(&setup, &chain, reference)?;
        Ok(self
            .at
            .iter()
            .map(|&n| Comparison { generation: n, theory: theory[n as usize - 1], estimate: summaries[n as usize - 1] })
            .collect())
    }

    fn reference_curve(&self, setup: &LinearSetup, chain: &LinearChain, reference: Reference) -> Result<Vec<f64>> {
        let regime = match reference {
            Reference::OtherRegime => other(self.regime),
            _ => self.regime,
        };
        let curve = match chain.conditional_theory() {
            Some(conditional) => conditional.curve(regime, self.generations),
            None => LinearTheory::new(setup)?.curve(regime, self.design, self.generations),
        };
        let scale = match reference {
            Reference::ShiftedDenominator => shifted_denominator_ratio(self.dim, self.samples),
            _ => 1.0,
        };
        Ok(curve.into_iter().map(|v| v * scale).collect())
    }
}

/// `(d / (T - d)) / (d / (T - d - 1))`: turns the right base into the control's wrong one.
fn shifted_denominator_ratio(dim: usize, samples: usize) -> f64 {
    (samples - dim - 1) as f64 / (samples - dim) as f64
}

fn other(regime: Regime) -> Regime {
    match regime {
        Regime::Replace => Regime::Accumulate,
        Regime::Accumulate => Regime::Replace,
    }
}

/// The linear family's checks, controls last.
pub fn checks() -> Vec<Check> {
    use Design::{Fresh, Reused};
    use Regime::{Accumulate, Replace};
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
    ];
    let controls = [
        (Case::new(10, 20, 1.0, Replace, Reused, 1).at(&[1]), Reference::ShiftedDenominator),
        (Case::new(10, 100, 1.0, Accumulate, Reused, 10).at(&[10]), Reference::OtherRegime),
    ];
    exact
        .into_iter()
        .map(|c| c.check(Reference::Exact))
        .chain(controls.into_iter().map(|(c, r)| c.check(r)))
        .collect()
}
