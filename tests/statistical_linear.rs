//! Statistical tests: the simulator against the closed forms, with fixed seeds
//! and tolerances from standard errors (see `model_collapse::verify` for the
//! rule: |z| <= the Bonferroni critical value at family-wise false alarm
//! 1e-3), and negative controls that show the same rule has power.
//!
//! The seeds here differ from `collapse verify`'s default. The whole suite at
//! another seed is the heavy tier, `tests/statistical_suite.rs`.

mod common;

use common::z_critical;
use model_collapse::linear::design::{GivenDesign, draw};
use model_collapse::linear::theory::LinearTheory;
use model_collapse::linear::{Design, LinearModel, LinearSetup, Regime, Spectrum};
use model_collapse::mc::{Chain, MonteCarlo, Stream};
use model_collapse::model::Model;
use model_collapse::stats::Moments;

const SEED: u64 = 0x5EED_0002;

/// A check of this file's own: `E[test error]` at every generation of a
/// fresh-design replace chain with a power-law spectrum, and the control that
/// swaps in `d / (T - d)`.
#[test]
fn fresh_replace_every_generation_and_its_control() {
    let setup = LinearSetup::new(4, 16, 0.7, Spectrum::PowerLaw(0.5)).unwrap();
    let theory = LinearTheory::new(&setup).unwrap();
    let chain = LinearModel::new(setup, Regime::Replace, Design::Fresh, 8).unwrap().chain();
    let summaries = MonteCarlo::new(20_000, SEED, None).unwrap().run(&chain).unwrap();
    // 8 agreements and 1 control judged together.
    let z_crit = z_critical(9);
    for (n, s) in (1..).zip(&summaries) {
        let z = s.z(theory.replace(n)).unwrap();
        assert!(z.abs() <= z_crit, "n = {n}: estimate {} theory {} z = {z}", s.mean, theory.replace(n));
    }
    let wrong = theory.replace(1) * 11.0 / 12.0; // d/(T-d) = 4/12 in place of 4/11
    let z = summaries[0].z(wrong).unwrap();
    assert!(z.abs() > z_crit, "the control d/(T-d) was not rejected: z = {z}");
}

/// The lemma under every unconditional theorem: `E tr(Sigma (X^T X)^{-1}) = d / (T - d - 1)`.
struct TraceOfInverse {
    setup: LinearSetup,
}

impl Chain for TraceOfInverse {
    fn width(&self) -> usize {
        1
    }

    fn run(&self, rng: &mut Stream, out: &mut [f64]) -> model_collapse::Result<()> {
        let eig = self.setup.spectrum().eigenvalues(self.setup.dim());
        let sqrt: Vec<f64> = eig.iter().map(|l| l.sqrt()).collect();
        let x = draw(rng, self.setup.samples(), &sqrt);
        out[0] = GivenDesign::from_matrix(x)?.trace_sigma_gram_inverse(&eig)?;
        Ok(())
    }
}

#[test]
fn inverse_wishart_mean_of_the_trace() {
    let cases = [(3usize, 10usize, 0.0f64), (6, 14, 1.0), (10, 40, 2.0)];
    let z_crit = z_critical(cases.len());
    for (d, t, alpha) in cases {
        let setup = LinearSetup::new(d, t, 1.0, Spectrum::PowerLaw(alpha)).unwrap();
        let m: Vec<Moments> = MonteCarlo::new(40_000, SEED ^ d as u64, None).unwrap().moments(&TraceOfInverse { setup }).unwrap();
        let s = m[0].summary(0.95);
        let expected = d as f64 / (t - d - 1) as f64;
        let z = s.z(expected).unwrap();
        assert!(z.abs() <= z_crit, "d={d} T={t} alpha={alpha}: mean {} expected {expected} z = {z}", s.mean);
    }
}
