//! The categorical family's theorems, one file each: the registry entry (what
//! `collapse list` prints), the Monte Carlo checks with their negative
//! controls (what `collapse verify` runs) and the figure (what `collapse plot`
//! draws). The closed forms are in [`super::theory`].
//!
//! Every metric here is bounded (a frequency, a diversity, an indicator, a
//! count of at most `K`), so every mean has a finite variance and its standard
//! error is a fair yardstick at every horizon. Absorption times have geometric
//! tails (`P(tau > g) <= (1 - M^-M)^(g-1)`), so their mean is checked too.

use super::{CategoricalModel, CategoricalRegime, CategoricalSetup};
use crate::error::Result;

crate::theorems!(martingale, replace_diversity, accumulate_diversity, fixation, tail_loss, absorption_time);

/// The loop from `p_0` with `M` samples per generation for `n` generations,
/// tail fraction 0.1 (the checks' and figures' default).
fn model(p: &[f64], samples: usize, regime: CategoricalRegime, generations: u64) -> Result<CategoricalModel> {
    Ok(CategoricalModel::new(CategoricalSetup::new(p, samples, regime, generations)?.with_tail(0.1)?))
}

/// Accumulate with a real pool of `S_0 = real` points.
fn pooled(p: &[f64], samples: usize, real: usize, generations: u64) -> Result<CategoricalModel> {
    let setup = CategoricalSetup::new(p, samples, CategoricalRegime::Accumulate, generations)?.with_tail(0.1)?;
    Ok(CategoricalModel::new(setup.with_real_samples(real)?))
}
