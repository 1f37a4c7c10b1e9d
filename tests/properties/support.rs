//! What several theorem files share: proptest's configuration, the unit of
//! rounding, and each family's strategies and helpers.

pub mod categorical;
pub mod gaussian;
pub mod linear;

use proptest::test_runner::{Config, FileFailurePersistence};

/// One unit in the last place at 1: the unit of the rounding bounds derived in the tests.
pub const EPS: f64 = f64::EPSILON;

/// Proptest's default configuration (256 cases unless `PROPTEST_CASES` says otherwise),
/// with failing cases kept beside the test's source file,
/// `tests/properties/<id_with_underscores>.proptest-regressions`. Proptest's default
/// would look for a `main.rs` above the source, find this crate's, and use
/// `tests/proptest-regressions/<id_with_underscores>.txt` instead.
pub fn config() -> Config {
    Config { failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))), ..Config::default() }
}

/// [`config`] with `cases` cases (fewer for the expensive properties).
pub fn with_cases(cases: u32) -> Config {
    Config { cases, ..config() }
}
