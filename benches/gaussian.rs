//! The Gaussian workload of issue 4: a 1-D chain, `M = 100` points per
//! generation, `n = 100` generations, `R = 1000` replicates, replace and
//! accumulate (unbiased estimator), against the target of well under
//! 0.2 s (vectorised NumPy on this machine). Beside them the sampling floor
//! (the same `M n` standard normal draws per replicate through the same
//! engine), a 3-D replace chain (`M = 10`), and the exact collapse curve
//! (`n` numerical inversions). Fixed seeds; parameters in the benchmark ids.
//! Run with `cargo bench --bench gaussian`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use model_collapse::gaussian::sim::GaussianChain;
use model_collapse::gaussian::theory::{GaussianTheory, Metric};
use model_collapse::gaussian::{Estimator, GaussianRegime as Regime, GaussianSetup};
use model_collapse::mc::{Chain, MonteCarlo, Stream};
use model_collapse::normal::fill_standard_normal;
use model_collapse::spectrum::Spectrum;
use std::hint::black_box;

const SEED: u64 = 1;
const REPLICATES: u64 = 1000;

/// `draws` standard normals per replicate, summed: the floor of any chain that draws them.
struct SamplingFloor {
    draws: usize,
}

impl Chain for SamplingFloor {
    fn width(&self) -> usize {
        1
    }

    fn run(&self, rng: &mut Stream, out: &mut [f64]) -> model_collapse::Result<()> {
        let mut buffer = vec![0.0; self.draws];
        fill_standard_normal(rng, &mut buffer);
        out[0] = buffer.iter().sum();
        Ok(())
    }
}

fn setup(dim: usize, samples: usize, regime: Regime, generations: u64) -> GaussianSetup {
    GaussianSetup::new(dim, samples, 1.0, Spectrum::Identity, Estimator::Unbiased, regime, generations).unwrap()
}

fn gaussian(c: &mut Criterion) {
    let (m, n) = (100, 100u64);
    let mc = MonteCarlo::new(REPLICATES, SEED, None).unwrap();
    let mut group = c.benchmark_group("gaussian");
    group.sample_size(20);
    for regime in [Regime::Replace, Regime::Accumulate] {
        let chain = GaussianChain::new(&setup(1, m, regime, n));
        let id = BenchmarkId::new(format!("{regime}/d1-M{m}-R{REPLICATES}"), format!("n{n}"));
        group.bench_function(id, |b| b.iter(|| black_box(mc.run(&chain).unwrap())));
    }
    let floor = SamplingFloor { draws: m * n as usize };
    let id = BenchmarkId::new(format!("sampling-floor/d1-M{m}-R{REPLICATES}"), format!("n{n}"));
    group.bench_function(id, |b| b.iter(|| black_box(mc.run(&floor).unwrap())));
    let chain = GaussianChain::new(&setup(3, 10, Regime::Replace, n));
    let id = BenchmarkId::new(format!("replace/d3-M10-R{REPLICATES}"), format!("n{n}"));
    group.bench_function(id, |b| b.iter(|| black_box(mc.run(&chain).unwrap())));
    let theory = GaussianTheory::new(&setup(1, m, Regime::Replace, n));
    let id = BenchmarkId::new(format!("collapse-curve/d1-M{m}"), format!("n{n}"));
    group.bench_function(id, |b| b.iter(|| black_box(theory.curve(Metric::Collapsed))));
    group.finish();
}

criterion_group!(benches, gaussian);
criterion_main!(benches);
