//! Workload W1 of the spine issue: `d = 10, T = 100, sigma = 1`, `R = 1000`
//! replicates, reused design, each regime, at `n = 50` and `n = 500`
//! generations; beside it the sampling floor (the same number of standard
//! normal draws through the same engine, with nothing else), both with the
//! project's bulk ziggurat and with `rand_distr`'s one-at-a-time sampler. Fixed seeds;
//! parameters in the benchmark ids. Run with `cargo bench --bench w1`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use model_collapse::linear::downstream::DownstreamSetup;
use model_collapse::linear::{Design, DownstreamModel, LinearModel, LinearSetup, Regime, Spectrum};
use model_collapse::mc::{Chain, MonteCarlo, Stream};
use model_collapse::model::Model;
use model_collapse::normal::fill_normal;
use rand::RngExt;
use rand_distr::StandardNormal;
use std::hint::black_box;

const SEED: u64 = 1;
const REPLICATES: u64 = 1000;

/// Draws as many normals per replicate as a W1 chain (`T d` for the design,
/// `T` per generation) and reports their sum: with the project's bulk
/// ziggurat, or one at a time with `rand_distr::StandardNormal` (the floor
/// quoted in `shared/DEPENDENCIES.md`).
struct SamplingFloor {
    draws: usize,
    bulk: bool,
}

impl Chain for SamplingFloor {
    fn width(&self) -> usize {
        1
    }

    fn run(&self, rng: &mut Stream, out: &mut [f64]) -> model_collapse::Result<()> {
        let mut buffer = vec![0.0; self.draws];
        if self.bulk {
            fill_normal(rng, 1.0, &mut buffer);
        } else {
            buffer.iter_mut().for_each(|x| *x = rng.sample::<f64, _>(StandardNormal));
        }
        out[0] = buffer.iter().sum();
        Ok(())
    }
}

fn w1(c: &mut Criterion) {
    let (d, t) = (10, 100);
    let setup = LinearSetup::new(d, t, 1.0, Spectrum::Identity).unwrap();
    let mc = MonteCarlo::new(REPLICATES, SEED, None).unwrap();
    let mut group = c.benchmark_group("w1");
    group.sample_size(20);
    for n in [50u64, 500] {
        for regime in [Regime::Replace, Regime::Accumulate] {
            let chain = LinearModel::new(setup.clone(), regime.clone(), Design::Reused, n).unwrap().chain();
            let id = BenchmarkId::new(format!("{regime}/d{d}-T{t}-R{REPLICATES}"), format!("n{n}"));
            group.bench_function(id, |b| b.iter(|| black_box(mc.run(&chain).unwrap())));
        }
        for (name, bulk) in [("sampling-floor", true), ("sampling-floor-rand-distr", false)] {
            let floor = SamplingFloor { draws: t * d + n as usize * t, bulk };
            let id = BenchmarkId::new(format!("{name}/d{d}-T{t}-R{REPLICATES}"), format!("n{n}"));
            group.bench_function(id, |b| b.iter(|| black_box(mc.run(&floor).unwrap())));
        }
    }
    group.finish();
}

/// The schedules of issue 3 at W1's size (`n = 50`): accumulate-subsample
/// (pool, subset, refit), ridge under accumulate, and the downstream model.
fn w1_schedules(c: &mut Criterion) {
    let (d, t, n) = (10, 100, 50u64);
    let setup = LinearSetup::new(d, t, 1.0, Spectrum::Identity).unwrap();
    let mc = MonteCarlo::new(REPLICATES, SEED, None).unwrap();
    let mut group = c.benchmark_group("w1-schedules");
    group.sample_size(10);
    let subsample = LinearModel::new(setup.clone(), Regime::AccumulateSubsample, Design::Reused, n).unwrap().chain();
    let id = BenchmarkId::new(format!("accumulate-subsample/d{d}-T{t}-R{REPLICATES}"), format!("n{n}"));
    group.bench_function(id, |b| b.iter(|| black_box(mc.run(&subsample).unwrap())));
    let ridge_setup = setup.clone().with_ridge(0.1).unwrap();
    let ridge = LinearModel::new(ridge_setup, Regime::Accumulate, Design::Reused, n).unwrap().chain();
    let id = BenchmarkId::new(format!("accumulate-ridge0.1/d{d}-T{t}-R{REPLICATES}"), format!("n{n}"));
    group.bench_function(id, |b| b.iter(|| black_box(mc.run(&ridge).unwrap())));
    // n chain generations: generations 1..=n + 1.
    let down = DownstreamSetup::new(d, t, 1.0, t, 1.0, 0.1, Spectrum::Identity, n + 1).unwrap();
    let downstream = DownstreamModel::new(down).chain();
    let id = BenchmarkId::new(format!("downstream-ridge0.1/d{d}-T{t}-R{REPLICATES}"), format!("n{n}"));
    group.bench_function(id, |b| b.iter(|| black_box(mc.run(&downstream).unwrap())));
    group.finish();
}

criterion_group!(benches, w1, w1_schedules);
criterion_main!(benches);
