//! # model-collapse
//!
//! Verifies the theory of model collapse numerically: every closed form is
//! checked against a Monte Carlo simulation with honest statistics.
//!
//! - [`linear`]: the linear-regression feedback loop of Dohmatob et al. and
//!   Gerstgrasser et al. (replace vs accumulate).
//! - [`gaussian`]: Shumailov et al.'s Gaussian loop (replace collapses, the
//!   variance to zero almost surely) and its accumulate cure.
//! - [`categorical`]: the discrete case, the Wright–Fisher chain (replace loses
//!   the tails and ends in a point mass; accumulate keeps a positive diversity).
//! - [`special`]: trigamma and the exact law of a sum of log-chi-square
//!   variables (for the probability of collapse).
//! - [`spectrum`]: diagonal covariances shared by the families.
//! - [`mc`]: the Monte Carlo engine shared by every model family (streams,
//!   threads, deterministic reduction).
//! - [`stats`]: summaries, confidence intervals, critical values.
//! - [`registry`] and [`verify`]: the theorems and their checks, as run by
//!   `collapse verify`.
//!
//! Every theorem has one kebab-case id that names its closed form's doc
//! section, its proof `proofs/<id>.md`, its check in `collapse verify`, its
//! property test and (once figures exist) its figure `plots/<id>.svg`.

pub mod categorical;
pub mod error;
pub mod figure;
pub mod gaussian;
pub mod linear;
pub mod mc;
pub mod normal;
pub mod output;
pub mod plot;
pub mod registry;
pub mod special;
pub mod spectrum;
pub mod stats;
pub mod verify;

pub use error::{Error, Result};
