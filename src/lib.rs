//! # model-collapse
//!
//! Verifies the theory of model collapse numerically: every closed form is
//! checked against a Monte Carlo simulation with honest statistics.
//!
//! The model families:
//!
//! - [`linear`]: the linear-regression feedback loop of Dohmatob et al. and
//!   Gerstgrasser et al. (replace vs accumulate, and every data schedule).
//! - [`gaussian`]: Shumailov et al.'s Gaussian loop (replace collapses, the
//!   variance to zero almost surely) and its accumulate cure.
//! - [`categorical`]: the discrete case, the Wright–Fisher chain (replace loses
//!   the tails and ends in a point mass; accumulate keeps a positive diversity).
//!
//! The seam every family implements and everything else uses:
//!
//! - [`model`]: a validated setting as a [`model::Model`] (metrics, chain,
//!   closed form per metric as a [`model::Curve`] that says whether it is
//!   exact, numerical or asymptotic) and the generic [`model::Run`].
//! - [`theorem`]: a theorem's registry entry, checks and figure, one file per
//!   theorem under `src/<family>/theorems/`.
//! - [`catalog`]: every theorem family by family (the families are listed once,
//!   by `families!` below), read by `collapse list`,
//!   `collapse verify` and `collapse plot all`.
//!
//! Shared ground that no family owns:
//!
//! - [`schedule`]: the data schedules (replace, accumulate, mix, ...).
//! - [`location`]: the location model's closed forms (accumulate-subsample).
//! - [`linalg`]: the benchmarked kernels, one storage convention, one Cholesky.
//! - [`spectrum`]: diagonal covariances; [`special`]: trigamma, harmonic sums and
//!   the law of a sum of log-chi-square variables.
//! - [`budget`]: the memory and time a command asks for, checked before the work.
//! - [`mc`]: the Monte Carlo engine (streams, threads, deterministic reduction);
//!   [`normal`]: bulk normal variates; [`stats`]: summaries and critical values.
//! - [`verify`]: checks as data and the Bonferroni rule of `collapse verify`;
//!   [`figure`] and [`plot`]: figures as data and their rendering;
//!   [`output`]: tables and atomic files; [`frame`]: tables read and
//!   written as CSV and Parquet; [`names`]: enums with fixed names;
//!   [`error`]: one error type that names the parameter, the value and the rule;
//!   [`records`]: the tidy records of every model; [`sweep`]: grids of
//!   settings, their seeds and shards; [`check`]: a researcher's results
//!   against a theorem by `collapse verify`'s rule.
//!
//! Every theorem has one kebab-case id that names its closed form's doc
//! section, its proof `proofs/<id>.md`, its check in `collapse verify`, its
//! property test and its figure `plots/<id>.svg`.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod budget;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod data_figure;
pub mod error;
pub mod figure;
pub mod frame;
pub mod linalg;
pub mod location;
pub mod mc;
pub mod model;
pub mod names;
pub mod normal;
pub mod output;
pub mod plot;
pub mod records;
pub mod render;
pub mod schedule;
pub mod special;
pub mod spectrum;
pub mod stats;
pub mod sweep;
pub mod theorem;
pub mod verify;

pub use error::{Error, Result};

/// Declares the model families and lists them for the [`catalog`]: a new
/// family is its folder `src/<family>/` and its name here.
macro_rules! families {
    ($($family:ident),+ $(,)?) => {
        $(pub mod $family;)+

        /// Every family, in the order `collapse list` prints them.
        const FAMILIES: &[catalog::Family] = &[$(catalog::Family { name: stringify!($family), theorems: $family::THEOREMS }),+];
    };
}

families!(linear, gaussian, categorical);
