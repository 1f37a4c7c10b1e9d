//! Summary statistics for Monte Carlo output: a mergeable mean/variance
//! accumulator, the per-quantity summary that every report prints, and the
//! normal and Student-t quantiles behind confidence intervals and tolerances.
//!
//! Merging follows Chan, Golub and LeVeque (1979). The engine merges
//! accumulators in a fixed order (replicate order inside a block, block order
//! across blocks), so the bits of every summary are independent of the number
//! of threads.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Running count, mean and sum of squared deviations of a sample.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments {
    count: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    /// Adds one observation (Welford's update).
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Merges another accumulator into this one (Chan et al.'s pairwise update).
    pub fn merge(&mut self, other: &Moments) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let n = (self.count + other.count) as f64;
        let delta = other.mean - self.mean;
        let w = other.count as f64 / n;
        self.mean += delta * w;
        self.m2 += other.m2 + delta * delta * self.count as f64 * w;
        self.count += other.count;
    }

    /// The accumulator's state: count, mean and sum of squared deviations
    /// (to carry it to another machine: [`Moments::from_parts`]).
    pub fn parts(&self) -> (u64, f64, f64) {
        (self.count, self.mean, self.m2)
    }

    /// The accumulator whose state [`Moments::parts`] gave.
    pub fn from_parts(count: u64, mean: f64, m2: f64) -> Moments {
        Moments { count, mean, m2 }
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Sample mean (0 for an empty sample).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Unbiased sample variance (0 with fewer than two observations).
    pub fn variance(&self) -> f64 {
        if self.count < 2 { 0.0 } else { self.m2 / (self.count - 1) as f64 }
    }

    /// The summary of this sample, with a confidence interval at `level`.
    /// With fewer than two observations the spread is unknown: the standard
    /// deviation, the standard error and the interval are NaN (see
    /// [`Summary::has_spread`]).
    pub fn summary(&self, level: f64) -> Summary {
        if self.count < 2 {
            let nan = f64::NAN;
            return Summary { replicates: self.count, mean: self.mean, std_dev: nan, std_error: nan, ci_low: nan, ci_high: nan };
        }
        let std_dev = self.variance().sqrt();
        let std_error = std_dev / (self.count as f64).sqrt();
        let half = student_quantile(0.5 + level / 2.0, self.count.saturating_sub(1)) * std_error;
        Summary { replicates: self.count, mean: self.mean, std_dev, std_error, ci_low: self.mean - half, ci_high: self.mean + half }
    }
}

/// The Monte Carlo summary of one quantity: the mean over independent
/// replicates, its standard error and a two-sided confidence interval
/// (Student t with `replicates - 1` degrees of freedom).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Number of independent replicates.
    pub replicates: u64,
    /// Mean over replicates.
    pub mean: f64,
    /// Sample standard deviation across replicates.
    pub std_dev: f64,
    /// Standard error of the mean, `std_dev / sqrt(replicates)`.
    pub std_error: f64,
    /// Lower end of the confidence interval.
    pub ci_low: f64,
    /// Upper end of the confidence interval.
    pub ci_high: f64,
}

impl Summary {
    /// The z-score of the mean against a reference value: `(mean - theory) / std_error`.
    /// `None` when the standard error is zero (for example with no noise), where no
    /// score is meaningful.
    pub fn z(&self, theory: f64) -> Option<f64> {
        (self.std_error > 0.0).then(|| (self.mean - theory) / self.std_error)
    }

    /// Whether the spread is known: at least two replicates.
    pub fn has_spread(&self) -> bool {
        self.replicates >= 2
    }

    /// The summary of a quantity in other units: `unit` applied to the mean,
    /// the standard deviation and error, and the interval's ends (an increasing
    /// linear map such as `|x| x / base`).
    pub fn rescaled(&self, unit: impl Fn(f64) -> f64) -> Summary {
        Summary {
            replicates: self.replicates,
            mean: unit(self.mean),
            std_dev: unit(self.std_dev),
            std_error: unit(self.std_error),
            ci_low: unit(self.ci_low),
            ci_high: unit(self.ci_high),
        }
    }
}

impl Summary {
    /// The summary of an indicator's mean (a probability `p`, estimated from
    /// `n` replicates of 0 or 1) with Wilson's score interval at `level`
    /// instead of the t interval, which can leave `[0, 1]` and collapses to a
    /// point at `p = 0` or `1`:
    /// `(p + z^2/(2n) -+ z sqrt(p (1 - p)/n + z^2/(4 n^2))) / (1 + z^2/n)`.
    /// Wilson (1927), JASA 22, 209-212.
    ///
    /// ```
    /// use model_collapse::stats::Moments;
    /// let mut m = Moments::default();
    /// (0..10).for_each(|_| m.push(0.0));
    /// let s = m.summary(0.95).wilson(0.95);
    /// // No success in 10: [0, z^2/(n + z^2)] = [0, 0.2775...].
    /// assert_eq!(s.ci_low, 0.0);
    /// assert!((s.ci_high - 0.27753279).abs() < 1e-8);
    /// ```
    pub fn wilson(&self, level: f64) -> Summary {
        if !self.has_spread() {
            return *self;
        }
        let (p, n) = (self.mean.clamp(0.0, 1.0), self.replicates as f64);
        let z = normal_quantile(0.5 + level / 2.0);
        let z2n = z * z / n;
        let centre = (p + z2n / 2.0) / (1.0 + z2n);
        let half = z * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt() / (1.0 + z2n);
        Summary { ci_low: (centre - half).max(0.0), ci_high: (centre + half).min(1.0), ..*self }
    }
}

/// The sample median (the mean of the two middle values when the count is
/// even); reorders `values`. `NaN` for an empty slice.
pub fn median(values: &mut [f64]) -> f64 {
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    let (_, &mut upper, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        return upper;
    }
    let lower = values[..n / 2].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lower + upper) / 2.0
}

/// The `p`-quantile of the standard normal distribution, `0 < p < 1`.
pub fn normal_quantile(p: f64) -> f64 {
    debug_assert!(p > 0.0 && p < 1.0, "normal_quantile needs 0 < p < 1, got {p}");
    Normal::standard().inverse_cdf(p)
}

/// The `p`-quantile of Student's t with `dof` degrees of freedom.
///
/// Above 10^4 degrees of freedom the normal quantile is used: it differs from
/// the t quantile by less than 1e-3 relative there, and `statrs`' t quantile
/// is slow and inaccurate for very large `dof` (see `shared/DEPENDENCIES.md`).
/// With no degrees of freedom (a single replicate) the interval is infinite.
pub fn student_quantile(p: f64, dof: u64) -> f64 {
    match dof {
        0 => f64::INFINITY,
        1..=10_000 => StudentsT::new(0.0, 1.0, dof as f64).expect("location 0, scale 1 and dof >= 1 are valid").inverse_cdf(p),
        _ => normal_quantile(p),
    }
}

/// The two-sided critical value for `assertions` simultaneous tests whose
/// family-wise false-alarm probability is at most `family_alpha` (Bonferroni):
/// `Phi^{-1}(1 - family_alpha / (2 * assertions))`.
pub fn bonferroni_z(family_alpha: f64, assertions: usize) -> f64 {
    normal_quantile(1.0 - family_alpha / (2.0 * assertions.max(1) as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_samples() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&mut [5.0]), 5.0);
        assert!(median(&mut []).is_nan());
    }

    fn direct(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var)
    }

    #[test]
    fn merged_blocks_match_the_two_pass_formula() {
        let xs: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1013) as f64 * 0.37 + 1e6).collect();
        let mut whole = Moments::default();
        xs.iter().for_each(|&x| whole.push(x));
        let mut merged = Moments::default();
        for chunk in xs.chunks(33) {
            let mut m = Moments::default();
            chunk.iter().for_each(|&x| m.push(x));
            merged.merge(&m);
        }
        let (mean, var) = direct(&xs);
        for m in [whole, merged] {
            assert_eq!(m.count(), 1000);
            assert!((m.mean() - mean).abs() <= 1e-12 * mean.abs(), "{} vs {mean}", m.mean());
            assert!((m.variance() - var).abs() <= 1e-8 * var, "{} vs {var}", m.variance());
        }
    }

    #[test]
    fn summary_interval_and_z() {
        let mut m = Moments::default();
        [1.0, 2.0, 3.0, 4.0].iter().for_each(|&x| m.push(x));
        let s = m.summary(0.95);
        // sd = sqrt(5/3), se = sd / 2, t_{0.975, 3} = 3.182446305284263
        let se = (5.0f64 / 3.0).sqrt() / 2.0;
        assert!((s.std_error - se).abs() < 1e-15);
        assert!((s.ci_high - (2.5 + 3.182446305284263 * se)).abs() < 1e-9);
        assert!((s.z(2.0).unwrap() - 0.5 / se).abs() < 1e-15);
        let mut constant = Moments::default();
        constant.push(3.0);
        constant.push(3.0);
        assert_eq!(constant.summary(0.95).z(3.0), None);
    }

    #[test]
    fn bonferroni_critical_values() {
        // Phi^{-1}(1 - 0.025) = 1.959963984540054; Phi^{-1}(1 - 1e-3 / 60) = 4.149...
        assert!((bonferroni_z(0.05, 1) - 1.959963984540054).abs() < 1e-9);
        assert!(bonferroni_z(1e-3, 30) > 4.1 && bonferroni_z(1e-3, 30) < 4.2);
        assert!(bonferroni_z(1e-3, 60) > bonferroni_z(1e-3, 30));
    }
}
