//! Property tests (proptest) of the closed forms in `src/<family>/theory.rs`: one file per theorem
//! id, `<id_with_underscores>.rs`, beside `proofs/<id>.md` and `plots/<id>.svg` in the traceability chain.
//!
//! Policy: a property is an exact identity, a proven inequality or two routes to one number, held to
//! a rounding tolerance (named in `common`, or derived where used); two simulations use `z_critical`.
//!
//! Run: `cargo test --test properties` (one theorem: `cargo test --test properties linear_ridge`).
//! Every `proptest!` block takes [`support::config`] or [`support::with_cases`], which keep failing
//! cases beside their file, in `<id_with_underscores>.proptest-regressions`.

#[path = "../common/mod.rs"]
mod common;
mod support;

mod linear_accumulate;
mod linear_accumulate_fresh;
mod linear_accumulate_subsample;
mod linear_conditional;
mod linear_downstream;
mod linear_fresh_real;
mod linear_mix;
mod linear_overparameterised;
mod linear_replace;
mod linear_replace_growing;
mod linear_ridge;
mod linear_schedule;
mod linear_window;

mod gaussian_accumulate;
mod gaussian_accumulate_subsample;
mod gaussian_mix;
mod gaussian_multivariate;
mod gaussian_replace_mean;
mod gaussian_replace_variance;
mod gaussian_replace_wasserstein;

mod categorical_absorption_time;
mod categorical_accumulate_diversity;
mod categorical_fixation;
mod categorical_martingale;
mod categorical_replace_diversity;
mod categorical_tail_loss;
