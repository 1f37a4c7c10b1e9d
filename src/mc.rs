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
use std::ops::Range;

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
        Ok(summaries(&self.moments(chain)?))
    }

    /// Like [`MonteCarlo::run`], and also returns every observation of every
    /// replicate, replicate-major (`values[r * width + i]`), for quantiles.
    /// Memory: `replicates * width` numbers.
    pub fn run_keeping<C: Chain>(&self, chain: &C) -> Result<(Vec<Summary>, Vec<f64>)> {
        let (moments, values) = self.blocks(chain, true)?;
        Ok((summaries(&moments), values))
    }

    /// The number of blocks of [`BLOCK`] replicates: the units a run can be
    /// split into ([`MonteCarlo::part`]).
    pub fn block_count(&self) -> u64 {
        self.replicates.div_ceil(BLOCK)
    }

    /// Every block, merged in block order: the accumulators and, when `keep`,
    /// the observations in replicate order. Memory beyond the kept
    /// observations does not grow with the number of replicates: a wave's
    /// results are merged before the next wave starts.
    fn blocks<C: Chain>(&self, chain: &C, keep: bool) -> Result<(Vec<Moments>, Vec<f64>)> {
        let mut total = vec![Moments::default(); chain.width()];
        let mut values = Vec::new();
        self.waves(chain, 0..self.block_count(), keep, |block, kept| {
            fold(&mut total, &block);
            values.extend_from_slice(&kept);
        })?;
        Ok((total, values))
    }

    /// Runs the blocks `blocks` only (a share of the run, for another machine)
    /// and keeps each block's accumulators apart, so that [`Part::join`] of the
    /// shares gives the bits of the whole run. A failure is kept in the part
    /// (the first in block order), as the whole run would meet it.
    pub fn part<C: Chain>(&self, chain: &C, blocks: Range<u64>, keep: bool) -> Result<Part> {
        if blocks.start >= blocks.end || blocks.end > self.block_count() {
            let rule = format!("must be a non-empty range of the run's {} blocks of {BLOCK} replicates", self.block_count());
            return Err(Error::invalid("blocks", format!("{}..{}", blocks.start, blocks.end), rule));
        }
        let width = chain.width();
        let mut part = Part { width, blocks: blocks.clone(), moments: Vec::new(), values: Vec::new(), failure: None };
        let done = self.waves(chain, blocks, keep, |block, kept| {
            part.moments.extend_from_slice(&block);
            part.values.extend_from_slice(&kept);
        });
        if let Err(e) = done {
            part.failure = Some(e);
        }
        Ok(part)
    }

    /// Runs `blocks` in waves of a few blocks per thread, in parallel, and
    /// hands each block's accumulators and kept observations to `each` in
    /// block order; the first failure in block order, whatever the thread that
    /// met it first, ends the run.
    fn waves<C: Chain>(
        &self,
        chain: &C,
        blocks: Range<u64>,
        keep: bool,
        mut each: impl FnMut(Vec<Moments>, Vec<f64>) + Send,
    ) -> Result<()> {
        let mut work = || {
            let wave = WAVE_PER_THREAD * rayon::current_num_threads() as u64;
            for start in blocks.clone().step_by(wave as usize) {
                let results: Vec<_> = (start..(start + wave).min(blocks.end)).into_par_iter().map(|b| self.block(chain, b, keep)).collect();
                for result in results {
                    let (block, kept) = result?;
                    each(block, kept);
                }
            }
            Ok(())
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

/// Merges one block's accumulators into the run's: the one reduction step of
/// every run, whole or joined from parts.
fn fold(total: &mut [Moments], block: &[Moments]) {
    for (t, b) in total.iter_mut().zip(block) {
        t.merge(b);
    }
}

/// The summaries of a run's accumulators, at [`CONFIDENCE`].
pub fn summaries(moments: &[Moments]) -> Vec<Summary> {
    moments.iter().map(|m| m.summary(CONFIDENCE)).collect()
}

/// A share of a run: the accumulators of the blocks `blocks`, one per block
/// and observation, and their kept observations; or the first failure among
/// them. Made by [`MonteCarlo::part`], carried as bytes ([`Part::to_bytes`]),
/// joined by [`Part::join`].
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    width: usize,
    blocks: Range<u64>,
    moments: Vec<Moments>,
    values: Vec<f64>,
    failure: Option<Error>,
}

/// The first bytes of a part: its format and version.
const PART_MAGIC: &[u8; 8] = b"MCPART01";

impl Part {
    /// The blocks this part covers.
    pub fn blocks(&self) -> Range<u64> {
        self.blocks.clone()
    }

    /// The parts of one run, in any order, joined into its accumulators and
    /// kept observations, bit for bit those of the whole run: the parts must
    /// cover the `run`'s blocks once each, with `width` observations. The
    /// first failure in block order is the run's.
    pub fn join(parts: &[Part], run: &MonteCarlo, width: usize) -> Result<(Vec<Moments>, Vec<f64>)> {
        let mut order: Vec<&Part> = parts.iter().collect();
        order.sort_by_key(|p| p.blocks.start);
        let mut next = 0;
        for part in &order {
            if part.blocks.start != next || part.width != width {
                let rule = format!(
                    "the parts must cover the run's blocks 0..{} once each, with {width} observations; found blocks {}..{} \
                     ({} observations) after 0..{next}",
                    run.block_count(),
                    part.blocks.start,
                    part.blocks.end,
                    part.width
                );
                return Err(Error::invalid("parts", parts.len(), rule));
            }
            next = part.blocks.end;
        }
        if next != run.block_count() {
            return Err(Error::invalid("parts", parts.len(), format!("cover blocks 0..{next} of the run's 0..{}", run.block_count())));
        }
        let mut total = vec![Moments::default(); width];
        let mut values = Vec::new();
        for part in order {
            if let Some(failure) = &part.failure {
                return Err(failure.clone());
            }
            for block in part.moments.chunks(width.max(1)) {
                fold(&mut total, block);
            }
            values.extend_from_slice(&part.values);
        }
        let kept = run.replicates() as usize * width;
        if !values.is_empty() && values.len() != kept {
            let rule = format!("kept {} observations; the run has {kept} (or none kept)", values.len());
            return Err(Error::invalid("parts", parts.len(), rule));
        }
        Ok((total, values))
    }

    /// The part as bytes (little-endian): its blocks, width, accumulators and
    /// observations, or its failure's message.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = PART_MAGIC.to_vec();
        let mut word = |w: u64| out.extend_from_slice(&w.to_le_bytes());
        word(self.blocks.start);
        word(self.blocks.end);
        word(self.width as u64);
        match &self.failure {
            Some(failure) => {
                // A numerical failure keeps its text as it is (parameters still
                // to be spelled by the front end); any other its message.
                let (tag, text) = match failure {
                    Error::Numerical(text) => (1, text.clone()),
                    other => (2, other.message(crate::error::Spelling::Flag)),
                };
                word(tag);
                word(text.len() as u64);
                out.extend_from_slice(text.as_bytes());
            }
            None => {
                word(0);
                word(self.moments.len() as u64);
                for m in &self.moments {
                    let (count, mean, m2) = m.parts();
                    word(count);
                    word(mean.to_bits());
                    word(m2.to_bits());
                }
                word(self.values.len() as u64);
                for v in &self.values {
                    word(v.to_bits());
                }
            }
        }
        out
    }

    /// A part from [`Part::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Part> {
        let bad = |why: &str| Error::invalid("parts", format!("{} bytes", bytes.len()), format!("is not a part of a run: {why}"));
        let mut rest = bytes.strip_prefix(PART_MAGIC.as_slice()).ok_or_else(|| bad("no MCPART01 header"))?;
        let mut take = |n: usize| -> Result<&[u8]> {
            let (head, tail) = rest.split_at_checked(n).ok_or_else(|| bad("truncated"))?;
            rest = tail;
            Ok(head)
        };
        let mut word = || -> Result<u64> { Ok(u64::from_le_bytes(take(8)?.try_into().map_err(|_| bad("truncated"))?)) };
        let (start, end, width, failed) = (word()?, word()?, word()? as usize, word()?);
        let mut part = Part { width, blocks: start..end, moments: Vec::new(), values: Vec::new(), failure: None };
        if failed != 0 {
            let len = word()? as usize;
            let text = std::str::from_utf8(take(len)?).map_err(|_| bad("its failure is not UTF-8"))?.to_string();
            part.failure = Some(if failed == 1 { Error::Numerical(text) } else { Error::System(text) });
        } else {
            let moments = word()?;
            if moments != end.saturating_sub(start).saturating_mul(width as u64) {
                return Err(bad("its accumulators do not match its blocks"));
            }
            for _ in 0..moments {
                part.moments.push(Moments::from_parts(word()?, f64::from_bits(word()?), f64::from_bits(word()?)));
            }
            for _ in 0..word()? {
                part.values.push(f64::from_bits(word()?));
            }
        }
        if !rest.is_empty() {
            return Err(bad("trailing bytes"));
        }
        Ok(part)
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
