//! The integration tests' prelude: tolerances defined once, each with the
//! reason for its size (as statrs' `prec.rs`), the suite's statistical rule,
//! and the command-line runner. Every test crate that needs them says
//! `mod common;`.
//!
//! Testing policy (as `rand_distr`'s): closed forms are checked against exact
//! values and against independent numerics with the tolerances below; Monte
//! Carlo assertions use `|z| <= z_critical(k)` with fixed seeds and never a
//! retry; a negative control must be rejected by the same rule; the heavy
//! tier (the whole `verify` suite at another seed) is `#[ignore]`d with a
//! reason that says how to run it.

#![allow(dead_code)]

use model_collapse::stats::bonferroni_z;
use model_collapse::verify::FAMILY_ALPHA;
use std::process::{Command, Output};

/// Two evaluations of one closed form in a few floating-point operations
/// (a ratio, a short sum, a product of a few factors): a few ulps.
pub const EXACT: f64 = 1e-15;

/// One closed form against another route to the same number over long sums,
/// recursions or special functions (`ln Gamma`, digamma, an eigendecomposition):
/// rounding grows with the number of operations, well below `1e-12` relative.
pub const ACCURATE: f64 = 1e-12;

/// Numerical inversion (the characteristic function of a sum of
/// log-chi-square variables, documented to an absolute `1e-10`) or a dense
/// linear solve: `1e-9`.
pub const NUMERICAL: f64 = 1e-9;

/// `|a - b| <= tol * max(1, |a|, |b|)`: relative for large numbers, absolute
/// near zero.
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * 1f64.max(a.abs()).max(b.abs())
}

/// Asserts [`close`], naming what was compared.
#[track_caller]
pub fn assert_close(a: f64, b: f64, tol: f64, what: &str) {
    assert!(close(a, b, tol), "{what}: {a} vs {b} (tolerance {tol:e})");
}

/// The critical `|z|` when `assertions` are judged together at the suite's
/// family-wise false-alarm probability (Bonferroni).
pub fn z_critical(assertions: usize) -> f64 {
    bonferroni_z(FAMILY_ALPHA, assertions)
}

/// Runs the `collapse` binary built for these tests.
pub fn collapse(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_collapse")).args(args).output().expect("the binary runs")
}
