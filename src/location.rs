//! The location model, shared ground of two families: every fit is the mean of
//! its labels. It is linear regression on the constant design `x = 1` (`d = 1`)
//! and the mean of a Gaussian with a known variance, so the closed forms of
//! accumulate-subsample in both families (`linear-accumulate-subsample`,
//! `gaussian-accumulate-subsample`) are the functions below.

use crate::special::running_sum;

/// The limit of [`subsample_factors`]: `pi^2/2 - 2 = 2.9348...`.
pub const SUBSAMPLE_LIMIT: f64 = std::f64::consts::PI * std::f64::consts::PI / 2.0 - 2.0;

/// **linear-accumulate-subsample.** Asymptotic in `T`. Generation `n` fits `T` rows
/// drawn without replacement from the `n T` rows of batches `1..n`. As
/// `T -> infinity` the normalised error follows
/// `theta_n = (1/n) sum_{i<n} theta_i + xi_n` with `Var xi_n = 1`,
/// `Cov(xi_k, xi_l) = 1/max(k, l)`, so `theta_n = sum_{j<n} xi_j/(j+1) + xi_n` and
///
/// ```text
/// E[test error at n] / base -> v_n = 3 H_2(n) - 2 = 3 sum_{i<=n} 1/i^2 - 2  ->  pi^2/2 - 2 = 2.9348...
/// ```
/// (accumulate without subsampling: `H_2(n) -> pi^2/6`). Asymptotic in `T`
/// only: at finite `T` the simulation differs, and with the constant design
/// at `T = 1` the error grows like `H_n` without bound (`collapse simulate` prints the gap). Source:
/// Kazdan et al. (2024); the closed form is derived for this project.
/// Proof: `proofs/linear-accumulate-subsample.md`.
///
/// ```
/// use model_collapse::location::subsample_factors;
/// assert!((subsample_factors(2)[1] - 1.75).abs() < 1e-15);
/// ```
pub fn subsample_factors(generations: u64) -> Vec<f64> {
    let h2 = running_sum((1..=generations).map(|i| 1.0 / (i as f64 * i as f64)));
    h2.into_iter().map(|h| 3.0 * h - 2.0).collect()
}

/// **linear-accumulate-subsample.** Exact for the constant design: with every row
/// `x = 1` (`d = 1`, the location model: each fit is the mean of its `T`
/// labels), `g_kl = E[theta_k theta_l] / sigma^2` obeys, exactly for every `T`,
///
/// ```text
/// g_11 = 1/T,   g_kl = (1/k) sum_{i<k} g_il + H_l/(k T)   (k > l)
/// g_kk = [ (p1 - p2)(T sum_{i<k} g_ii + k T) + p2 (T^2 sum_{i,j<k} g_ij + 2 T sum_{i<k} H_i + k T) ] / T^2
/// ```
/// with `p1 = 1/k`, `p2 = (T - 1)/(k (k T - 1))` the inclusion probabilities of
/// sampling without replacement. Returns `T g_nn` (the error over its
/// generation-1 value `sigma^2 / T`) for `n = 1..`; it tends to
/// [`subsample_factors`] as `T -> infinity`. `O(generations)` memory,
/// `O(generations^2)` time. Proof: `proofs/linear-accumulate-subsample.md`.
///
/// ```
/// use model_collapse::location::subsample_location_factors;
/// // T = 1: the pool (w*+e1, w*+e1+e2) gives E theta_2^2 = 3/2.
/// assert!((subsample_location_factors(1, 2)[1] - 1.5).abs() < 1e-15);
/// ```
pub fn subsample_location_factors(samples: usize, generations: u64) -> Vec<f64> {
    let t = samples as f64;
    let n = generations as usize;
    // column[l] = sum_{i<k} g_il for the current k; harmonic[l] = H_l.
    let (mut column, mut harmonic) = (vec![0.0; n + 1], vec![0.0; n + 1]);
    let (mut diagonal, mut total, mut harmonic_sum) = (0.0, 0.0, 0.0); // sums over i, j < k
    let mut out = Vec::with_capacity(n);
    for k in 1..=n {
        let kf = k as f64;
        harmonic[k] = harmonic[k - 1] + 1.0 / kf;
        let row: Vec<f64> = (1..k).map(|l| column[l] / kf + harmonic[l] / (kf * t)).collect();
        let g_kk = if k == 1 {
            1.0 / t
        } else {
            let p1 = 1.0 / kf;
            let p2 = if samples == 1 { 0.0 } else { (t - 1.0) / (kf * (kf * t - 1.0)) };
            ((p1 - p2) * (t * diagonal + kf * t) + p2 * (t * t * total + 2.0 * t * harmonic_sum + kf * t)) / (t * t)
        };
        for (l, g) in (1..k).zip(&row) {
            column[l] += g;
        }
        column[k] = row.iter().sum::<f64>() + g_kk;
        total += 2.0 * row.iter().sum::<f64>() + g_kk;
        diagonal += g_kk;
        harmonic_sum += harmonic[k];
        out.push(t * g_kk);
    }
    out
}
