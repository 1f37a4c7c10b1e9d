//! The categorical workload of issue 5. The exact chain must stay fast for `M`
//! in the thousands: the survivors curve (every outcome's loss probability,
//! `n` generations) for a Zipf start at `M = 1000` and `M = 5000`, and the
//! exact absorption time (a dense `(M - 1)^2` solve) at `M = 1000` and
//! `M = 2000`. Beside them the literal simulation, `K = 50` Zipf outcomes,
//! `M = 100`, `n = 100`, `R = 1000`, replace and accumulate. Fixed seeds;
//! parameters in the benchmark ids. Run with `cargo bench --bench categorical`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use model_collapse::categorical::exact::BinomialChain;
use model_collapse::categorical::sim::CategoricalChain;
use model_collapse::categorical::theory::{CategoricalTheory, Metric};
use model_collapse::categorical::{CategoricalRegime as Regime, CategoricalSetup, Initial};
use model_collapse::mc::MonteCarlo;
use std::hint::black_box;

fn zipf(outcomes: usize) -> Vec<f64> {
    Initial::Zipf(1.1).probabilities(Some(outcomes)).unwrap()
}

fn exact(c: &mut Criterion) {
    let mut group = c.benchmark_group("categorical-exact");
    group.sample_size(10);
    let n = 100;
    for m in [1000, 5000] {
        let setup = CategoricalSetup::new(&zipf(100), m, Regime::Replace, n).unwrap();
        let id = BenchmarkId::new(format!("survivors/zipf1.1-K100-M{m}"), format!("n{n}"));
        group.bench_function(id, |b| b.iter(|| black_box(CategoricalTheory::new(&setup).curve(Metric::Survivors))));
    }
    for m in [1000, 2000] {
        let chain = BinomialChain::new(m).unwrap();
        let id = BenchmarkId::new("absorption-time/K2", format!("M{m}"));
        group.bench_function(id, |b| b.iter(|| black_box(chain.expected_absorption_time(&[0.5, 0.5]).unwrap())));
    }
    group.finish();
}

fn simulate(c: &mut Criterion) {
    let (m, n, replicates) = (100, 100, 1000);
    let mc = MonteCarlo::new(replicates, 1, None).unwrap();
    let mut group = c.benchmark_group("categorical-simulate");
    group.sample_size(10);
    for regime in [Regime::Replace, Regime::Accumulate] {
        let chain = CategoricalChain::new(&CategoricalSetup::new(&zipf(50), m, regime, n).unwrap());
        let id = BenchmarkId::new(format!("{regime}/zipf1.1-K50-M{m}-R{replicates}"), format!("n{n}"));
        group.bench_function(id, |b| b.iter(|| black_box(mc.run(&chain).unwrap())));
    }
    group.finish();
}

criterion_group!(benches, exact, simulate);
criterion_main!(benches);
