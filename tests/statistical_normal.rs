//! The bulk ziggurat sampler (`model_collapse::normal`) against the standard
//! normal distribution, with `rand_distr::StandardNormal` run through the same
//! tests as a reference and a negative control that must be rejected.
//!
//! Every test judges `|z| <= z_crit` (or a chi-square quantile) at a
//! family-wise false-alarm probability of 1e-3 over all assertions of this
//! file, Bonferroni-corrected; samples come from fixed seeds.

mod common;

use common::z_critical;
use model_collapse::mc::{Stream, replicate_rng};
use model_collapse::normal::{ZIG_NORM_R, fill_standard_normal};
use model_collapse::verify::FAMILY_ALPHA;
use rand::RngExt;
use rand_distr::StandardNormal;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

const N: usize = 2_000_000;
/// Assertions in this file: 5 moment/tail tests x 2 samplers + 2 chi-square
/// tests + 2 controls.
const ASSERTIONS: usize = 14;

fn ours(seed: u64) -> Vec<f64> {
    let mut out = vec![0.0; N];
    // Several streams and uneven chunks, as the simulators call it.
    for (k, chunk) in out.chunks_mut(N / 8).enumerate() {
        let mut rng = replicate_rng(seed, k as u64);
        for piece in chunk.chunks_mut(1000 + 7 * k) {
            fill_standard_normal(&mut rng, piece);
        }
    }
    out
}

fn reference(seed: u64) -> Vec<f64> {
    let mut rng: Stream = replicate_rng(seed, 0);
    (0..N).map(|_| rng.sample::<f64, _>(StandardNormal)).collect()
}

/// z-scores of the mean, variance, third and fourth moments, and of the
/// fraction beyond the ziggurat's tail start `R`.
fn z_scores(x: &[f64]) -> [(&'static str, f64); 5] {
    let n = x.len() as f64;
    let moment = |k: i32| x.iter().map(|v| v.powi(k)).sum::<f64>() / n;
    let p_tail = 2.0 * (1.0 - Normal::standard().cdf(ZIG_NORM_R));
    let tail = x.iter().filter(|v| v.abs() > ZIG_NORM_R).count() as f64 / n;
    // Var Z = 1, Var Z^2 = 2, Var Z^3 = 15, Var Z^4 = 105 - 9 = 96.
    [
        ("mean", moment(1) / (1.0 / n).sqrt()),
        ("second moment", (moment(2) - 1.0) / (2.0 / n).sqrt()),
        ("third moment", moment(3) / (15.0 / n).sqrt()),
        ("fourth moment", (moment(4) - 3.0) / (96.0 / n).sqrt()),
        ("mass beyond R", (tail - p_tail) / (p_tail * (1.0 - p_tail) / n).sqrt()),
    ]
}

/// Pearson's statistic over `bins` equiprobable bins of the standard normal.
fn chi_square(x: &[f64], bins: usize) -> f64 {
    let normal = Normal::standard();
    let edges: Vec<f64> = (1..bins).map(|k| normal.inverse_cdf(k as f64 / bins as f64)).collect();
    let mut counts = vec![0u64; bins];
    for v in x {
        counts[edges.partition_point(|e| e < v)] += 1;
    }
    let expected = x.len() as f64 / bins as f64;
    counts.iter().map(|&c| (c as f64 - expected).powi(2) / expected).sum()
}

fn chi_square_critical(bins: usize) -> f64 {
    ChiSquared::new((bins - 1) as f64).unwrap().inverse_cdf(1.0 - FAMILY_ALPHA / ASSERTIONS as f64)
}

#[test]
fn moments_and_tail_mass_match_the_standard_normal() {
    let z_crit = z_critical(ASSERTIONS);
    for (name, sample) in [("bulk ziggurat", ours(11)), ("rand_distr", reference(12))] {
        for (what, z) in z_scores(&sample) {
            assert!(z.abs() <= z_crit, "{name}: {what} z = {z} (critical {z_crit})");
        }
    }
}

#[test]
fn chi_square_over_equiprobable_bins() {
    let bins = 200;
    let critical = chi_square_critical(bins);
    for (name, sample) in [("bulk ziggurat", ours(21)), ("rand_distr", reference(22))] {
        let stat = chi_square(&sample, bins);
        assert!(stat <= critical, "{name}: chi-square {stat} > {critical} with {} df", bins - 1);
    }
}

#[test]
fn negative_controls_are_rejected() {
    // A standard deviation 1% too large must fail both the chi-square test
    // and the tail-mass test: the tests have power at this sample size.
    let bins = 200;
    let critical = chi_square_critical(bins);
    let widened: Vec<f64> = ours(31).iter().map(|v| v * 1.01).collect();
    let stat = chi_square(&widened, bins);
    assert!(stat > critical, "sd 1.01 not rejected: chi-square {stat} <= {critical}");
    let z_crit = z_critical(ASSERTIONS);
    let (_, z_tail) = z_scores(&widened)[4];
    assert!(z_tail.abs() > z_crit, "sd 1.01 not rejected by the tail mass: z = {z_tail}");
}
