//! Replace against accumulate in the linear feedback loop: the closed forms
//! beside a Monte Carlo estimate, generation by generation.
//!
//! Run with `cargo run --release --example replace_vs_accumulate`.
//!
//! Under replace the expected test error grows linearly in the number of
//! generations (model collapse); under accumulate it stays below
//! `pi^2/6` times the first generation's error (Gerstgrasser et al., 2024).

use model_collapse::linear::model::LinearMetric::TestError;
use model_collapse::linear::theory::LinearTheory;
use model_collapse::linear::{Design, LinearModel, LinearSetup, Regime, Spectrum};
use model_collapse::mc::MonteCarlo;
use model_collapse::model::Run;

fn main() -> model_collapse::Result<()> {
    let (dim, samples, sigma, generations) = (10, 100, 1.0, 30);
    let setup = LinearSetup::new(dim, samples, sigma, Spectrum::Identity)?;
    let theory = LinearTheory::new(&setup)?;
    let mc = MonteCarlo::new(4000, 7, None)?;
    let simulate = |regime| Run::new(LinearModel::new(setup.clone(), regime, Design::Reused, generations)?, &mc);
    let (replace, accumulate) = (simulate(Regime::Replace)?, simulate(Regime::Accumulate)?);

    println!("d = {dim}, T = {samples}, sigma = {sigma}, {} replicates per regime", mc.replicates());
    println!("first-generation error sigma^2 d / (T - d - 1) = {:.5}", theory.base());
    println!("accumulate bound (pi^2/6) * that               = {:.5}\n", theory.accumulate_bound());
    println!("{:>3}  {:>9} {:>19}   {:>9} {:>19}", "n", "replace", "simulated (+- 2se)", "accumulate", "simulated (+- 2se)");
    for n in [1u64, 2, 3, 5, 10, 20, 30] {
        let (r, a) = (replace.summary(TestError, n), accumulate.summary(TestError, n));
        println!(
            "{n:>3}  {:>9.5} {:>10.5} +- {:.5}   {:>9.5} {:>10.5} +- {:.5}",
            theory.replace(n),
            r.mean,
            2.0 * r.std_error,
            theory.accumulate(n),
            a.mean,
            2.0 * a.std_error
        );
    }
    Ok(())
}
