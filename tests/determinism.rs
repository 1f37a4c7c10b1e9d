//! Reproducibility: the same seed gives the same bits with any number of
//! threads, and different seeds give different numbers.

use model_collapse::linear::sim::LinearChain;
use model_collapse::linear::{Design, LinearSetup, Regime, Spectrum};
use model_collapse::mc::MonteCarlo;
use std::process::Command;

fn run(threads: usize, seed: u64, regime: &Regime, design: Design) -> Vec<(u64, u64, u64)> {
    // Ridge and per-generation noise on, so every code path they touch is covered.
    let setup = LinearSetup::new(5, 30, 1.0, Spectrum::PowerLaw(1.0)).unwrap();
    let setup = setup.with_noise_levels(vec![1.0, 0.5]).unwrap().with_ridge(0.1).unwrap();
    let chain = LinearChain::new(&setup, regime.clone(), design, 12).unwrap();
    // 1000 replicates: several blocks, so threads really split the work.
    let mc = MonteCarlo::new(1000, seed, Some(threads)).unwrap();
    mc.run(&chain).unwrap().iter().map(|s| (s.mean.to_bits(), s.std_error.to_bits(), s.ci_low.to_bits())).collect()
}

#[test]
fn same_seed_same_bits_for_any_thread_count() {
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
        let one = run(1, 42, regime, *design);
        for threads in [2, 3, 8] {
            assert_eq!(one, run(threads, 42, regime, *design), "{regime} {design} with {threads} threads");
        }
    }
}

#[test]
fn different_seeds_differ() {
    assert_ne!(run(2, 1, &Regime::Replace, Design::Reused), run(2, 2, &Regime::Replace, Design::Reused));
}

#[test]
fn cli_output_identical_for_one_and_several_threads() {
    let simulate = |threads: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_collapse"))
            .args(["simulate", "linear", "--regime", "accumulate", "--generations", "20", "--replicates", "500"])
            .args(["--seed", "9", "--format", "csv", "--threads", threads])
            .output()
            .expect("the binary runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let one = simulate("1");
    assert!(!one.is_empty());
    assert_eq!(one, simulate("2"));
    assert_eq!(one, simulate("4"));
}

#[test]
fn gaussian_same_seed_same_bits_for_any_thread_count() {
    use model_collapse::gaussian::sim::GaussianChain;
    use model_collapse::gaussian::{Estimator, GaussianSetup};
    let run = |threads: usize, regime: &str, estimator: Estimator| -> Vec<u64> {
        let setup = GaussianSetup::new(2, 6, 1.5, Spectrum::PowerLaw(1.0), estimator, regime.parse().unwrap(), 8).unwrap();
        let mc = MonteCarlo::new(300, 9, Some(threads)).unwrap();
        let (summaries, values) = mc.run_keeping(&GaussianChain::new(&setup)).unwrap();
        summaries.iter().map(|s| s.mean.to_bits()).chain(values.iter().map(|v| v.to_bits())).collect()
    };
    for regime in ["replace", "accumulate", "accumulate-subsample", "mix:0.5", "fresh-real:0.5"] {
        for estimator in [Estimator::Unbiased, Estimator::Mle, Estimator::KnownVariance] {
            let one = run(1, regime, estimator);
            assert_eq!(one, run(3, regime, estimator), "{regime} {estimator}");
        }
    }
}

#[test]
fn categorical_same_seed_same_bits_for_any_thread_count() {
    use model_collapse::categorical::CategoricalSetup;
    use model_collapse::categorical::sim::{CategoricalChain, FixationChain};
    use model_collapse::mc::Chain;
    fn bits<C: Chain>(chain: &C, threads: usize) -> Vec<u64> {
        let mc = MonteCarlo::new(300, 11, Some(threads)).unwrap();
        let (summaries, values) = mc.run_keeping(chain).unwrap();
        summaries.iter().map(|s| s.mean.to_bits()).chain(values.iter().map(|v| v.to_bits())).collect()
    }
    let p = [0.4, 0.3, 0.2, 0.1];
    for regime in [Regime::Replace, Regime::Accumulate] {
        let setup = CategoricalSetup::new(&p, 7, regime.clone(), 9).unwrap();
        let chain = CategoricalChain::new(&setup);
        assert_eq!(bits(&chain, 1), bits(&chain, 3), "{regime}");
    }
    let fixation = FixationChain::new(&CategoricalSetup::new(&p, 7, Regime::Replace, 1).unwrap()).unwrap();
    assert_eq!(bits(&fixation, 1), bits(&fixation, 3));
}
