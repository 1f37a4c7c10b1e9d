//! Reproducibility: the same seed gives the same bits with any number of
//! threads (summaries and every kept value, every family), and from shares of
//! the replicates run apart and joined; different seeds give different
//! numbers, and a failing run reports the same failure.

mod common;

use common::collapse;
use model_collapse::categorical::{AbsorptionModel, CategoricalModel, CategoricalRegime, CategoricalSetup};
use model_collapse::gaussian::{Estimator, GaussianRegime, GaussianSetup};
use model_collapse::linear::{Design, LinearModel, LinearSetup, Regime, Spectrum};
use model_collapse::mc::{MonteCarlo, Part};
use model_collapse::model::{Model, Run};

/// Every summary's mean, standard error and interval, and every kept value, as bits.
fn bits<M: Model>(model: M, replicates: u64, seed: u64, threads: usize) -> Vec<u64> {
    let run = Run::keeping(model, &MonteCarlo::new(replicates, seed, Some(threads)).unwrap()).unwrap();
    let summaries = run.summaries.iter().flat_map(|s| [s.mean, s.std_error, s.ci_low]);
    summaries.chain(run.values.iter().copied()).map(f64::to_bits).collect()
}

/// The same bits as [`bits`] from shares of the replicates cut at the blocks
/// `cuts`, each run apart, carried as bytes and joined in reverse order.
fn joined_bits<M: Model>(model: M, replicates: u64, seed: u64, cuts: &[u64]) -> Vec<u64> {
    let mc = MonteCarlo::new(replicates, seed, Some(2)).unwrap();
    let parts: Vec<Part> =
        cuts.windows(2).rev().map(|w| Part::from_bytes(&mc.part(&model.chain(), w[0]..w[1], true).unwrap().to_bytes()).unwrap()).collect();
    let run = Run::joined(model, &mc, &parts).unwrap();
    let summaries = run.summaries.iter().flat_map(|s| [s.mean, s.std_error, s.ci_low]);
    summaries.chain(run.values.iter().copied()).map(f64::to_bits).collect()
}

fn linear(regime: &Regime, design: Design) -> LinearModel {
    // Ridge and per-generation noise on, so every code path they touch is covered.
    let setup = LinearSetup::new(5, 30, 1.0, Spectrum::PowerLaw(1.0)).unwrap();
    let setup = setup.with_noise_levels(vec![1.0, 0.5]).unwrap().with_ridge(0.1).unwrap();
    LinearModel::new(setup, regime.clone(), design, 12).unwrap()
}

#[test]
fn linear_same_seed_same_bits_for_any_thread_count() {
    let cases = [
        (Regime::Replace, Design::Reused),
        (Regime::Replace, Design::Fresh),
        (Regime::Accumulate, Design::Reused),
        (Regime::Accumulate, Design::Fresh),
        (Regime::Mix(0.3), Design::Reused),
        (Regime::ReplaceGrowing, Design::Reused),
        (Regime::AccumulateSubsample, Design::Reused),
        (Regime::AccumulateSubsample, Design::Fresh),
    ];
    for (regime, design) in &cases {
        // 1000 replicates: several blocks, so threads really split the work.
        let one = bits(linear(regime, *design), 1000, 42, 1);
        for threads in [2, 3, 8] {
            assert_eq!(one, bits(linear(regime, *design), 1000, 42, threads), "{regime} {design} with {threads} threads");
        }
    }
}

#[test]
fn different_seeds_differ() {
    let model = || linear(&Regime::Replace, Design::Reused);
    assert_ne!(bits(model(), 100, 1, 2), bits(model(), 100, 2, 2));
}

#[test]
fn gaussian_same_seed_same_bits_for_any_thread_count() {
    for regime in ["replace", "accumulate", "accumulate-subsample", "mix:0.5", "fresh-real:0.5"] {
        for estimator in [Estimator::Unbiased, Estimator::Mle, Estimator::KnownVariance] {
            let regime: GaussianRegime = regime.parse().unwrap();
            let setup = || GaussianSetup::new(2, 6, 1.5, Spectrum::PowerLaw(1.0), estimator, regime, 8).unwrap();
            assert_eq!(bits(setup(), 300, 9, 1), bits(setup(), 300, 9, 3), "{regime} {estimator}");
        }
    }
}

#[test]
fn categorical_same_seed_same_bits_for_any_thread_count() {
    let p = [0.4, 0.3, 0.2, 0.1];
    for regime in [CategoricalRegime::Replace, CategoricalRegime::Accumulate] {
        let model = || CategoricalModel::new(CategoricalSetup::new(&p, 7, regime, 9).unwrap());
        assert_eq!(bits(model(), 300, 11, 1), bits(model(), 300, 11, 3), "{regime}");
    }
    let absorbed = || AbsorptionModel::new(&p, 7).unwrap();
    assert_eq!(bits(absorbed(), 300, 11, 1), bits(absorbed(), 300, 11, 3));
}

#[test]
fn shares_of_the_replicates_joined_give_the_whole_runs_bits() {
    // 1000 replicates are 32 blocks of 32 (the last of 8).
    for cuts in [&[0, 32][..], &[0, 1, 32], &[0, 5, 17, 31, 32]] {
        let model = || linear(&Regime::Accumulate, Design::Fresh);
        assert_eq!(bits(model(), 1000, 42, 2), joined_bits(model(), 1000, 42, cuts), "linear, cut at {cuts:?}");
        let gaussian = || GaussianSetup::new(2, 6, 1.5, Spectrum::Identity, Estimator::Mle, GaussianRegime::Replace, 8).unwrap();
        assert_eq!(bits(gaussian(), 1000, 9, 1), joined_bits(gaussian(), 1000, 9, cuts), "gaussian, cut at {cuts:?}");
        let p = [0.4, 0.3, 0.2, 0.1];
        let categorical = || CategoricalModel::new(CategoricalSetup::new(&p, 7, CategoricalRegime::Replace, 9).unwrap());
        assert_eq!(bits(categorical(), 1000, 11, 3), joined_bits(categorical(), 1000, 11, cuts), "categorical, cut at {cuts:?}");
    }
}

#[test]
fn shares_that_do_not_cover_the_run_once_are_refused() {
    let model = linear(&Regime::Replace, Design::Reused);
    let mc = MonteCarlo::new(100, 3, Some(1)).unwrap(); // 4 blocks
    let part = |a, b| mc.part(&model.chain(), a..b, false).unwrap();
    for (parts, says) in [
        (vec![part(0, 2)], "cover blocks 0..2 of the run's 0..4"),
        (vec![part(0, 2), part(1, 4)], "found blocks 1..4"),
        (vec![part(0, 1), part(2, 4)], "found blocks 2..4"),
    ] {
        let err = Run::joined(&model, &mc, &parts).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains(says), "{err}");
    }
    let err = mc.part(&model.chain(), 2..5, false).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("blocks = 2..5: must be a non-empty range of the run's 4 blocks"), "{err}");
    for bytes in [&b"MCPART01"[..], b"not a part", &part(0, 4).to_bytes()[..40]] {
        assert!(Part::from_bytes(bytes).err().map(|e| e.to_string()).unwrap_or_default().contains("is not a part of a run"));
    }
}

#[test]
fn a_failing_run_reports_the_same_failure_for_any_thread_count() {
    // Accumulate-subsample on a reused design with T = 5 rows in d = 3: some
    // replicate draws a subset with fewer than d distinct rows, an error.
    let setup = LinearSetup::new(3, 5, 1.0, Spectrum::Identity).unwrap();
    let model = LinearModel::new(setup, Regime::AccumulateSubsample, Design::Reused, 12).unwrap();
    let failure = |threads| Run::new(&model, &MonteCarlo::new(2000, 5, Some(threads)).unwrap()).err().map(|e| e.to_string());
    let one = failure(1);
    assert!(one.as_deref().is_some_and(|e| e.contains("distinct rows")), "{one:?}");
    for threads in [2, 4] {
        assert_eq!(one, failure(threads), "{threads} threads");
    }
    // Run in shares and joined, the first failure in block order is the whole run's.
    let mc = MonteCarlo::new(2000, 5, Some(2)).unwrap();
    let parts: Vec<Part> = [(0, 20), (20, 40), (40, 63)]
        .iter()
        .map(|&(a, b)| Part::from_bytes(&mc.part(&model.chain(), a..b, false).unwrap().to_bytes()).unwrap())
        .collect();
    assert_eq!(one, Run::joined(&model, &mc, &parts).err().map(|e| e.to_string()));
}

#[test]
fn cli_output_identical_for_one_and_several_threads() {
    let simulate = |threads: &str| {
        let out = collapse(&[
            "simulate",
            "linear",
            "--regime",
            "accumulate",
            "--generations",
            "20",
            "--replicates",
            "500",
            "--seed",
            "9",
            "--format",
            "csv",
            "--threads",
            threads,
            "--allow-more-threads",
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let one = simulate("1");
    assert!(!one.is_empty());
    assert_eq!(one, simulate("2"));
    assert_eq!(one, simulate("4"));
    assert_eq!(one, simulate("64"), "more threads than cores (--allow-more-threads)");
}
