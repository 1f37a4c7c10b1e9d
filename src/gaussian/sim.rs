//! One replicate of the Gaussian feedback loop, simulated literally: every
//! generation draws its points one by one from the previous fit and fits the
//! mean and the covariance of the data its regime names.
//!
//! A model `N(m, C)` is held as `m` and `C = e^(2 s) L L^T`, `L` lower
//! triangular with unit geometric-mean diagonal and `s` a log-scale. A point is
//! drawn as `x = m + e^s L z`, `z ~ N(0, I_d)`. Under replace the fit is
//! computed from the `z` of the batch (`x_bar = m + e^s L z_bar`, scatter
//! `e^(2 s) L S_z L^T`), which is the same estimator as the fit of the `x` in
//! exact arithmetic, and stays accurate when the chain has collapsed far below
//! the scale of its mean (where `x_j - x_bar` would cancel to nothing) and past
//! the range of `f64` (the log-scale never underflows).

use super::theory::Metric;
use super::{Estimator, GaussianRegime, GaussianSetup};
use crate::error::{Error, Result};
use crate::linalg::{add_outer, cholesky, lower_times_lower};
use crate::mc::{Chain, Stream};
use crate::names::Named;
use crate::normal::fill_standard_normal;
use nalgebra::{DMatrix, SymmetricEigen};
use rand::RngExt;

/// Count, mean and scatter `sum_j (x_j - x_bar)(x_j - x_bar)^T` of points in `R^d`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    count: usize,
    mean: Vec<f64>,
    /// `d x d`, symmetric.
    scatter: DMatrix<f64>,
}

impl Scatter {
    /// The statistics of `points` (point `j` is `points[j d..(j + 1) d]`), in two passes.
    pub fn of(points: &[f64], dim: usize) -> Self {
        if dim == 1 {
            return Scatter::of_scalars(points);
        }
        let count = points.len() / dim;
        let mut mean = vec![0.0; dim];
        for p in points.chunks_exact(dim) {
            mean.iter_mut().zip(p).for_each(|(m, x)| *m += x);
        }
        mean.iter_mut().for_each(|m| *m /= count as f64);
        let mut scatter = DMatrix::zeros(dim, dim);
        for p in points.chunks_exact(dim) {
            add_outer(&mut scatter, p, &mean, 1.0);
        }
        Scatter { count, mean, scatter }
    }

    /// [`Scatter::of`] in one dimension: the same two passes, with four running
    /// sums so that the additions pipeline.
    fn of_scalars(x: &[f64]) -> Self {
        let sum4 = |f: &dyn Fn(f64) -> f64| {
            let mut acc = [0.0; 4];
            let chunks = x.chunks_exact(4);
            let tail: f64 = chunks.remainder().iter().map(|&v| f(v)).sum();
            for c in chunks {
                (0..4).for_each(|k| acc[k] += f(c[k]));
            }
            (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
        };
        let mean = sum4(&|v| v) / x.len() as f64;
        let scatter = sum4(&|v| (v - mean) * (v - mean));
        Scatter { count: x.len(), mean: vec![mean], scatter: DMatrix::from_element(1, 1, scatter) }
    }

    /// The statistics of the union (Chan, Golub and LeVeque's update):
    /// `S = S_a + S_b + (N_a N_b / N) (m_b - m_a)(m_b - m_a)^T`.
    pub fn merge(&mut self, other: &Scatter) {
        let n = (self.count + other.count) as f64;
        let delta: Vec<f64> = other.mean.iter().zip(&self.mean).map(|(b, a)| b - a).collect();
        let zeros = vec![0.0; delta.len()];
        add_outer(&mut self.scatter, &delta, &zeros, self.count as f64 * other.count as f64 / n);
        self.scatter.iter_mut().zip(&other.scatter).for_each(|(s, o)| *s += o);
        let w = other.count as f64 / n;
        self.mean.iter_mut().zip(&delta).for_each(|(m, d)| *m += w * d);
        self.count += other.count;
    }

    /// The lower Cholesky factor of the fitted covariance `scatter / divisor`.
    fn covariance_factor(&self, divisor: f64) -> Result<DMatrix<f64>> {
        let d = self.mean.len();
        cholesky(self.scatter.map(|s| s / divisor))
            .ok_or_else(|| Error::Numerical(format!("a fitted {d} x {d} covariance is not positive definite in floating point")))
    }

    /// Number of points.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The mean.
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }

    /// The scatter, `d x d`.
    pub fn scatter(&self) -> &DMatrix<f64> {
        &self.scatter
    }
}

/// A fitted Gaussian `N(mean, e^(2 log_scale) L L^T)`.
#[derive(Debug, Clone, PartialEq)]
struct Fit {
    mean: Vec<f64>,
    /// `L`, lower triangular, with unit geometric-mean diagonal.
    chol: DMatrix<f64>,
    log_scale: f64,
}

impl Fit {
    /// `N(mean, e^(2 log_scale) L L^T)` with `L` rescaled to a unit geometric-mean diagonal.
    fn new(mean: Vec<f64>, mut chol: DMatrix<f64>, log_scale: f64) -> Self {
        let d = mean.len();
        let shift = (0..d).map(|i| chol[(i, i)].ln()).sum::<f64>() / d as f64;
        let factor = (-shift).exp();
        chol.iter_mut().for_each(|x| *x *= factor);
        Fit { mean, chol, log_scale: log_scale + shift }
    }

    fn dim(&self) -> usize {
        self.mean.len()
    }

    /// Maps standard normal points `z` (in place) to points of this model.
    fn transform(&self, points: &mut [f64]) {
        let (d, scale) = (self.dim(), self.log_scale.exp());
        for p in points.chunks_exact_mut(d) {
            for i in (0..d).rev() {
                let lz: f64 = (0..=i).map(|k| self.chol[(i, k)] * p[k]).sum();
                p[i] = self.mean[i] + scale * lz;
            }
        }
    }

    /// The replace refit from the statistics of a batch of standard normal `z`:
    /// `m + e^s L z_bar` and, with a fitted covariance, `L chol(S_z / k)`.
    fn refit_standardised(&self, z: &Scatter, divisor: Option<f64>) -> Result<Fit> {
        let mut shifted = z.mean.clone();
        self.transform(&mut shifted);
        match divisor {
            None => Ok(Fit { mean: shifted, ..self.clone() }),
            Some(k) => {
                let chol = lower_times_lower(&self.chol, &z.covariance_factor(k)?);
                Ok(Fit::new(shifted, chol, self.log_scale))
            }
        }
    }

    /// The fit of `data`: its mean and, with a fitted covariance, `scatter / k`;
    /// with a known covariance, `truth`'s.
    fn of(data: &Scatter, estimator: Estimator, truth: &Fit) -> Result<Fit> {
        match estimator.divisor(data.count) {
            None => Ok(Fit { mean: data.mean.clone(), ..truth.clone() }),
            Some(k) => Ok(Fit::new(data.mean.clone(), data.covariance_factor(k)?, 0.0)),
        }
    }

    /// `log det` of the covariance.
    fn log_det(&self) -> f64 {
        let d = self.dim();
        2.0 * d as f64 * self.log_scale + 2.0 * (0..d).map(|i| self.chol[(i, i)].ln()).sum::<f64>()
    }

    /// `tr` of the covariance: the squares of `L`'s entries summed row by row.
    fn trace(&self) -> f64 {
        let d = self.dim();
        let squares = (0..d).flat_map(|i| (0..d).map(move |j| (i, j))).map(|(i, j)| self.chol[(i, j)] * self.chol[(i, j)]);
        (2.0 * self.log_scale).exp() * squares.sum::<f64>()
    }
}

/// The truth's constants that the metrics compare with.
#[derive(Debug, Clone)]
struct Truth {
    model: Fit,
    sd: Vec<f64>,
    trace: f64,
    log_det: f64,
}

/// One replicate of the Gaussian loop: a [`Chain`] of `6 n` observations,
/// metric by metric ([`Metric::ALL`] order), generations `1..=n` within each.
#[derive(Debug, Clone)]
pub struct GaussianChain {
    setup: GaussianSetup,
    truth: Truth,
}

impl GaussianChain {
    /// The chain of a validated setup.
    pub fn new(setup: &GaussianSetup) -> Self {
        let variances = setup.variances();
        let d = setup.dim();
        let sd: Vec<f64> = variances.iter().map(|v| v.sqrt()).collect();
        let mut chol = DMatrix::zeros(d, d);
        (0..d).for_each(|i| chol[(i, i)] = sd[i]);
        let truth = Truth {
            model: Fit::new(vec![0.0; d], chol, 0.0),
            trace: variances.iter().sum(),
            log_det: variances.iter().map(|v| v.ln()).sum(),
            sd,
        };
        GaussianChain { setup: setup.clone(), truth }
    }

    /// The setup.
    pub fn setup(&self) -> &GaussianSetup {
        &self.setup
    }

    /// Observation index of `metric` at generation `g` (1-based).
    pub fn index(&self, metric: Metric, generation: u64) -> usize {
        metric.index() * self.setup.generations() as usize + generation as usize - 1
    }

    /// `count` points of `model`, into `buffer`.
    fn draw<'a>(&self, rng: &mut Stream, model: &Fit, count: usize, buffer: &'a mut Vec<f64>) -> &'a [f64] {
        buffer.resize(count * self.setup.dim(), 0.0);
        fill_standard_normal(rng, buffer);
        model.transform(buffer);
        buffer
    }

    /// The metrics of a fitted model at generation `g`.
    fn record(&self, model: &Fit, generation: u64, out: &mut [f64]) {
        let t = &self.truth;
        let d = self.setup.dim() as f64;
        let mean_error: f64 = model.mean.iter().map(|m| m * m).sum();
        let ratio = model.trace() / t.trace;
        let log_ratio = model.log_det() - t.log_det;
        let values = [
            mean_error,
            ratio,
            ratio.sqrt(),
            log_ratio,
            mean_error + self.covariance_distance(model),
            if log_ratio < d * self.setup.threshold().ln() { 1.0 } else { 0.0 },
        ];
        for (metric, v) in Metric::ALL.iter().zip(values) {
            out[self.index(*metric, generation)] = v;
        }
    }

    /// `tr C + tr Sigma - 2 tr (Sigma^(1/2) C Sigma^(1/2))^(1/2)`: the covariance
    /// part of `W2^2` (`(sigma_n - sigma)^2` in one dimension).
    fn covariance_distance(&self, model: &Fit) -> f64 {
        let (d, sd) = (self.setup.dim(), &self.truth.sd);
        if d == 1 {
            return (model.trace().sqrt() - sd[0]).powi(2);
        }
        let scale = model.log_scale.exp();
        let a = DMatrix::from_fn(d, d, |i, j| scale * sd[i] * model.chol[(i, j)]);
        let root: f64 = SymmetricEigen::new(&a * a.transpose()).eigenvalues.iter().map(|l| l.max(0.0).sqrt()).sum();
        model.trace() + self.truth.trace - 2.0 * root
    }
}

impl GaussianChain {
    /// Replace: each generation refits from its own `M` draws, through their `z`.
    fn run_replace(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        let (d, m) = (self.setup.dim(), self.setup.samples());
        let mut z = vec![0.0; m * d];
        let mut model = self.truth.model.clone();
        for g in 1..=self.setup.generations() {
            fill_standard_normal(rng, &mut z);
            model = model.refit_standardised(&Scatter::of(&z, d), self.setup.estimator().divisor(m))?;
            self.record(&model, g, out);
        }
        Ok(())
    }

    /// Accumulate (pooled statistics, merged batch by batch) and
    /// accumulate-subsample (the pool's points, `M` of them drawn each generation).
    fn run_pooled(&self, rng: &mut Stream, subsampled: bool, out: &mut [f64]) -> Result<()> {
        let (d, m, truth) = (self.setup.dim(), self.setup.samples(), &self.truth.model);
        let mut buffer = Vec::new();
        let mut points = Vec::new();
        let mut pool = Scatter { count: 0, mean: vec![0.0; d], scatter: DMatrix::zeros(d, d) };
        let mut model = truth.clone();
        for g in 1..=self.setup.generations() {
            let batch = self.draw(rng, &model, m, &mut buffer);
            let subset;
            let data = if subsampled {
                points.extend_from_slice(batch);
                subset = subsample(rng, &mut points, m, d);
                &subset
            } else {
                pool.merge(&Scatter::of(batch, d));
                &pool
            };
            model = Fit::of(data, self.setup.estimator(), truth)?;
            self.record(&model, g, out);
        }
        Ok(())
    }

    /// Mix (one real sample, drawn at generation 1) and fresh-real (a new one
    /// every generation), each with `n_s` draws of the newest fit from generation 2.
    fn run_mixed(&self, rng: &mut Stream, fresh: bool, out: &mut [f64]) -> Result<()> {
        let (s, d, truth) = (&self.setup, self.setup.dim(), &self.truth.model);
        let mut buffer = Vec::new();
        let mut real = Scatter::of(self.draw(rng, truth, s.real_samples(), &mut buffer), d);
        let mut model = Fit::of(&real, s.estimator(), truth)?;
        self.record(&model, 1, out);
        for g in 2..=s.generations() {
            if fresh {
                real = Scatter::of(self.draw(rng, truth, s.real_samples(), &mut buffer), d);
            }
            let mut data = real.clone();
            if s.synthetic_samples() > 0 {
                data.merge(&Scatter::of(self.draw(rng, &model, s.synthetic_samples(), &mut buffer), d));
            }
            model = Fit::of(&data, s.estimator(), truth)?;
            self.record(&model, g, out);
        }
        Ok(())
    }
}

impl Chain for GaussianChain {
    fn width(&self) -> usize {
        Metric::ALL.len() * self.setup.generations() as usize
    }

    fn run(&self, rng: &mut Stream, out: &mut [f64]) -> Result<()> {
        match self.setup.regime() {
            GaussianRegime::Replace => self.run_replace(rng, out),
            GaussianRegime::Accumulate => self.run_pooled(rng, false, out),
            GaussianRegime::AccumulateSubsample => self.run_pooled(rng, true, out),
            GaussianRegime::Mix(_) => self.run_mixed(rng, false, out),
            GaussianRegime::FreshReal(_) => self.run_mixed(rng, true, out),
        }
    }
}

/// Draws `m` of the pool's points uniformly without replacement (a partial
/// Fisher-Yates shuffle that moves them to the front) and returns their statistics.
fn subsample(rng: &mut Stream, points: &mut [f64], m: usize, d: usize) -> Scatter {
    let size = points.len() / d;
    for i in 0..m {
        let j = rng.random_range(i..size);
        for c in 0..d {
            points.swap(i * d + c, j * d + c);
        }
    }
    Scatter::of(&points[..m * d], d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mc::replicate_rng;

    #[test]
    fn merged_statistics_equal_those_of_the_union() {
        let mut rng = replicate_rng(1, 0);
        let mut x = vec![0.0; 3 * 17];
        fill_standard_normal(&mut rng, &mut x);
        let mut a = Scatter::of(&x[..3 * 5], 3);
        a.merge(&Scatter::of(&x[3 * 5..], 3));
        let whole = Scatter::of(&x, 3);
        assert_eq!(a.count, 17);
        for (u, v) in a.mean.iter().chain(a.scatter.iter()).zip(whole.mean.iter().chain(whole.scatter.iter())) {
            assert!((u - v).abs() < 1e-12, "{u} vs {v}");
        }
    }

    #[test]
    fn standardised_refit_equals_the_fit_of_the_points() {
        // The replace path fits through z; the fit of the transformed points must agree.
        let mut rng = replicate_rng(2, 0);
        let model = Fit::new(vec![1.0, -2.0], DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 0.5, 1.5]), 0.3);
        let mut z = vec![0.0; 2 * 9];
        fill_standard_normal(&mut rng, &mut z);
        let via_z = model.refit_standardised(&Scatter::of(&z, 2), Some(8.0)).unwrap();
        model.transform(&mut z);
        let direct = Fit::of(&Scatter::of(&z, 2), Estimator::Unbiased, &model).unwrap();
        assert!((via_z.log_det() - direct.log_det()).abs() < 1e-12);
        assert!((via_z.trace() - direct.trace()).abs() < 1e-12);
        for (a, b) in via_z.mean.iter().zip(&direct.mean) {
            assert!((a - b).abs() < 1e-12);
        }
    }
}
