//! Ridge regression in the feedback loop, for one given design.

use super::LinearSetup;
use super::design::true_weights;
use super::theory::{contracted_schedule, ids};
use crate::model::Curve;
use crate::schedule::Plan;
use nalgebra::{DMatrix, DVector, SymmetricEigen};

/// **linear-ridge.** Every generation fits ridge regression with penalty
/// `lambda` on the mean squared error, `(X^T X + kappa I) w_n = sum_b a_{n,b} X^T ybar_b`
/// with `kappa = T lambda`, on one given design `X` (any rank). In the
/// eigenbasis `X^T X = V diag(s_j) V^T` each direction is a scalar recursion with
/// contraction `a_j = s_j / (s_j + kappa)` ([`contracted_schedule`]: the truth's
/// surviving share `mu_n(a_j)` and the noise coefficients `c_n(a_j)`), so
///
/// ```text
/// E[test error at n | X] = beta_n^T Sigma beta_n                                        (bias)
///                        + sum_j (V^T Sigma V)_jj s_j/(s_j + kappa)^2 sum_b c_{n,b}(a_j)^2 sigma_b^2/copies_b   (variance)
/// beta_n = V diag(mu_n(a_j) - 1) V^T w*
/// ```
/// Replace: `mu_n = a^n`, variance factor `sum_{m<n} a^{2m}`, bounded for
/// `lambda > 0` while the bias tends to `||w*||^2_Sigma`. Accumulate:
/// `mu_n = prod_{i<=n} (i - 1 + a)/i`. At `lambda = 0` this is least squares
/// (`linear-conditional`, `linear-schedule`). Over random designs there is no
/// closed form. Source: ridge in the loop of Dohmatob, Feng and Kempe (2024);
/// the schedule-general recursion is derived for this project.
/// Proof: `proofs/linear-ridge.md`.
///
/// ```
/// use model_collapse::linear::{LinearSetup, Regime, Spectrum, ridge::RidgeTheory};
/// use nalgebra::DMatrix;
/// // d = 1, X = (1, 1)^T, lambda = 1 (kappa = 2, a = 1/2), w* = 1, sigma = 1.
/// let setup = LinearSetup::new(1, 2, 1.0, Spectrum::Identity).unwrap().with_ridge(1.0).unwrap();
/// let theory = RidgeTheory::new(&DMatrix::from_element(1, 1, 2.0), &setup);
/// let replace = theory.curve(&Regime::Replace.plan(2).unwrap()).values;
/// assert!((replace[1] - 23.0 / 32.0).abs() < 1e-15); // bias 9/16, variance 5/32
/// ```
#[derive(Debug, Clone)]
pub struct RidgeTheory {
    setup: LinearSetup,
    /// Eigenvalues `s_j` of `X^T X`.
    gram_eigenvalues: Vec<f64>,
    /// Eigenvectors `V`, column `j` for `s_j`.
    basis: DMatrix<f64>,
    /// `V^T w*`.
    truth: DVector<f64>,
    /// `(V^T Sigma V)_jj`.
    sigma_tilde: Vec<f64>,
    /// The eigenvalues of `Sigma` (diagonal).
    eigenvalues: Vec<f64>,
}

impl RidgeTheory {
    /// From the Gram matrix `X^T X` of the given design and the setup (its
    /// penalty, noise levels and spectrum).
    pub fn new(gram: &DMatrix<f64>, setup: &LinearSetup) -> Self {
        let eigen = SymmetricEigen::new(gram.clone());
        let eigenvalues = setup.spectrum().eigenvalues(setup.dim());
        let basis = eigen.eigenvectors;
        let truth = basis.tr_mul(&DVector::from_vec(true_weights(setup.dim())));
        let sigma_tilde = basis.column_iter().map(|v| v.iter().zip(&eigenvalues).map(|(v, l)| v * v * l).sum()).collect();
        // Rounding can leave an eigenvalue of a PSD matrix slightly negative.
        let gram_eigenvalues = eigen.eigenvalues.iter().map(|s| s.max(0.0)).collect();
        RidgeTheory { setup: setup.clone(), gram_eigenvalues, basis, truth, sigma_tilde, eigenvalues }
    }

    /// The expected test error (bias plus variance) at every generation of a
    /// schedule with fixed weights (its [`Plan`]).
    pub fn curve(&self, plan: &Plan) -> Curve {
        let (bias, variance) = self.bias_variance(plan);
        Curve::exact(ids::RIDGE, bias.iter().zip(&variance).map(|(b, v)| b + v).collect())
    }

    /// The bias and the variance parts of [`RidgeTheory::curve`], per generation.
    pub fn bias_variance(&self, plan: &Plan) -> (Vec<f64>, Vec<f64>) {
        let kappa = self.setup.kappa();
        let n = plan.generations() as usize;
        let (mut shares, mut variance) = (DMatrix::zeros(self.truth.len(), n), vec![0.0; n]);
        for (j, &s) in self.gram_eigenvalues.iter().enumerate() {
            let a = self.contraction(s);
            let gain = if s > 0.0 { s / ((s + kappa) * (s + kappa)) } else { 0.0 };
            let parts = contracted_schedule(plan, a, |g| self.setup.sigma_at(g).powi(2));
            for (g, (mu, v)) in parts.mean.iter().zip(&parts.variance).enumerate() {
                shares[(j, g)] = (mu - 1.0) * self.truth[j];
                variance[g] += self.sigma_tilde[j] * gain * v;
            }
        }
        let beta = &self.basis * shares; // column g: beta_{g+1} = V diag(mu - 1) V^T w*
        let bias = beta.column_iter().map(|b| b.iter().zip(&self.eigenvalues).map(|(b, l)| l * b * b).sum()).collect();
        (bias, variance)
    }

    /// The contraction `a = s / (s + kappa)` of an eigendirection with eigenvalue `s`.
    fn contraction(&self, s: f64) -> f64 {
        let kappa = self.setup.kappa();
        if s + kappa > 0.0 { s / (s + kappa) } else { 0.0 }
    }

    /// `tr(A Sigma A Sigma^{-1}) = sum_{k,m} A_km^2 lambda_m / lambda_k` with
    /// `A = (X^T X + kappa I)^{-1} X^T X = V diag(a_j) V^T`: how one fit passes
    /// on an error with covariance `Sigma^{-1}` (the chain term of `linear-downstream`).
    pub fn shrinkage_trace(&self) -> f64 {
        let shrink = DVector::from_iterator(self.gram_eigenvalues.len(), self.gram_eigenvalues.iter().map(|&s| self.contraction(s)));
        let a = &self.basis * DMatrix::from_diagonal(&shrink) * self.basis.transpose();
        let lambda = &self.eigenvalues;
        let mut total = 0.0;
        for k in 0..lambda.len() {
            for m in 0..lambda.len() {
                total += a[(k, m)] * a[(k, m)] * lambda[m] / lambda[k];
            }
        }
        total
    }
}
