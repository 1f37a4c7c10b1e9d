//! The Monte Carlo engine, shared by every model family.
//!
//! A model family describes one replicate (one whole, independent chain of
//! generations) as a [`Chain`]; the engine owns replication, random streams,
//! threads and statistics:
//!
//! - replicate `r` draws from its own stream: ChaCha8 seeded with `seed`, on
//!   stream `r` ([`replicate_rng`]);
//! - replicates are grouped in fixed blocks of [`BLOCK`]; blocks run in
//!   parallel on a rayon pool, each block reduces its replicates in order, and
//!   the blocks are merged in order. The partition does not depend on the
//!   number of threads, so neither do the bits of the result;
//! - standard errors are taken across replicates, never across the
//!   generations of one chain.

use crate::error::{Error, Result};
use crate::stats::{Moments, Summary};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// The random stream a replicate draws from.
pub type Stream = ChaCha8Rng;

/// Replicates per block: the unit of parallel work and of ordered reduction.
pub const BLOCK: u64 = 32;

/// Confidence level of the intervals the engine reports.
pub const CONFIDENCE: f64 = 0.95;

/// Blocks per thread in one wave of the reduction: enough to balance the load,
/// few enough that a wave's results take little memory.
pub const WAVE_PER_THREAD: u64 = 4;

/// The most replicates a run accepts (the budget usually refuses far fewer).
pub const MAX_REPLICATES: u64 = 1_000_000_000_000_000;

pub use crate::budget::MAX_THREADS;

/// Stream number reserved for quantities shared by all replicates of a run
/// (for example one fixed design): never a replicate's stream.
pub const SHARED_STREAM: u64 = u64::MAX;

/// One replicate of a recursive process: a whole chain of generations.
pub trait Chain: Sync {
    /// How many numbers one replicate reports (for example one per generation).
    fn width(&self) -> usize;

    /// Runs one replicate with its own stream and writes its `width()`
    /// observations into `out`.
    fn run(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()>;
}

/// The random stream of replicate `replicate` under `seed`.
pub fn replicate_rng(seed: u64, replicate: u64) -> Stream {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(replicate);
    rng
}

/// How a Monte Carlo run is replicated: validated once, then used freely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonteCarlo {
    replicates: u64,
    seed: u64,
    threads: Option<usize>,
}

impl MonteCarlo {
    /// `1 <= replicates <=` [`MAX_REPLICATES`]; `threads`, when given,
    /// `1 <= threads <=` [`MAX_THREADS`] (default: all cores; the budget of a
    /// command also keeps it within this machine's cores, see [`crate::budget`]).
    pub fn new(replicates: u64, seed: u64, threads: Option<usize>) -> Result<Self> {
        if !(1..=MAX_REPLICATES).contains(&replicates) {
            return Err(Error::invalid("replicates", replicates, format!("must be between 1 and {MAX_REPLICATES:e}")));
        }
        if let Some(k) = threads
            && !(1..=MAX_THREADS).contains(&k)
        {
            return Err(Error::invalid("threads", k, format!("must be between 1 and {MAX_THREADS}")));
        }
        Ok(MonteCarlo { replicates, seed, threads })
    }

    /// The threads asked for (`None`: all cores).
    pub fn threads(&self) -> Option<usize> {
        self.threads
    }

    /// Number of independent replicates.
    pub fn replicates(&self) -> u64 {
        self.replicates
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Runs every replicate of `chain` and returns one accumulator per observation.
    pub fn moments<C: Chain>(&self, chain: &C) -> Result<Vec<Moments>> {
        Ok(self.blocks(chain, false)?.0)
    }

    /// Runs every replicate of `chain` and summarises each observation.
    pub fn run<C: Chain>(&self, chain: &C) -> Result<Vec<Summary>> {
        Ok(self.moments(chain)?.iter().map(|m| m.summary(CONFIDENCE)).collect())
    }

    /// Like [`MonteCarlo::run`], and also returns every observation of every
    /// replicate, replicate-major (`values[r * width + i]`), for quantiles.
    /// Memory: `replicates * width` numbers.
    pub fn run_keeping<C: Chain>(&self, chain: &C) -> Result<(Vec<Summary>, Vec<f64>)> {
        let (moments, values) = self.blocks(chain, true)?;
        Ok((moments.iter().map(|m| m.summary(CONFIDENCE)).collect(), values))
    }

    /// Every block, in waves of a few blocks per thread run in parallel, merged
    /// in block order: the accumulators and, when `keep`, the observations in
    /// replicate order. Memory beyond the kept observations does not grow with
    /// the number of replicates: a wave's results are merged before the next
    /// wave starts.
    fn blocks<C: Chain>(&self, chain: &C, keep: bool) -> Result<(Vec<Moments>, Vec<f64>)> {
        let blocks = self.replicates.div_ceil(BLOCK);
        let work = || {
            let wave = WAVE_PER_THREAD * rayon::current_num_threads() as u64;
            let mut total = vec![Moments::default(); chain.width()];
            let mut values = Vec::new();
            for start in (0..blocks).step_by(wave as usize) {
                let results: Vec<_> = (start..(start + wave).min(blocks)).into_par_iter().map(|b| self.block(chain, b, keep)).collect();
                // The first failure in block order, whatever the thread that met it first.
                for result in results {
                    let (block, kept) = result?;
                    for (t, b) in total.iter_mut().zip(&block) {
                        t.merge(b);
                    }
                    values.extend_from_slice(&kept);
                }
            }
            Ok((total, values))
        };
        match self.threads {
            None => work(),
            Some(k) => rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .map_err(|e| Error::System(format!("cannot start {k} threads: {e}")))?
                .install(work),
        }
    }

    fn block<C: Chain>(&self, chain: &C, block: u64, keep: bool) -> Result<(Vec<Moments>, Vec<f64>)> {
        let width = chain.width();
        let mut acc = vec![Moments::default(); width];
        let mut out = vec![0.0; width];
        let mut kept = Vec::new();
        let end = ((block + 1) * BLOCK).min(self.replicates);
        for r in block * BLOCK..end {
            chain.run(&mut replicate_rng(self.seed, r), &mut out)?;
            for (i, (a, &x)) in acc.iter_mut().zip(&out).enumerate() {
                if !x.is_finite() {
                    return Err(Error::Numerical(format!("replicate {r} produced the non-finite value {x} at observation {i}")));
                }
                a.push(x);
            }
            if keep {
                kept.extend_from_slice(&out);
            }
        }
        Ok((acc, kept))
    }
}

/// A seed derived from `seed` and a text `key` (a check's id and position, a
/// sweep cell's parameters): `seed` XOR the key's 64-bit FNV-1a hash, through
/// SplitMix64's output function, so that different keys give unrelated seeds.
pub fn derive_seed(seed: u64, key: &str) -> u64 {
    let fnv = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let mut z = (seed ^ fnv).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
