//! One error type for the crate: every variant names the parameter, the value
//! and the rule it broke, so that a command-line user can fix the call from the
//! message alone.

use thiserror::Error;

/// Everything that can go wrong in `model-collapse`.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// A parameter outside its domain: `--samples = 10: needs T >= d + 2 = 14 ...`.
    #[error("--{parameter} = {value}: {rule}")]
    InvalidParameter {
        /// The parameter's name, spelled as the command-line flag (without `--`).
        parameter: &'static str,
        /// The offending value, as the user gave it.
        value: String,
        /// The rule it broke, in words.
        rule: String,
    },
    /// A numerical failure inside a simulation that valid input should not reach
    /// (for example a design matrix that is singular in floating point).
    #[error("numerical failure: {0}")]
    Numerical(String),
    /// A theorem id that is not in the registry.
    #[error("unknown theorem id `{id}`; known ids: {known}")]
    UnknownTheorem {
        /// The id that was asked for.
        id: String,
        /// The ids the registry knows, comma separated.
        known: String,
    },
}

impl Error {
    /// Shorthand for [`Error::InvalidParameter`].
    pub fn invalid(parameter: &'static str, value: impl ToString, rule: impl Into<String>) -> Self {
        Error::InvalidParameter { parameter, value: value.to_string(), rule: rule.into() }
    }
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// Checks that a real parameter is finite.
pub fn require_finite(parameter: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() { Ok(value) } else { Err(Error::invalid(parameter, value, "must be a finite number")) }
}

/// Checks that a count is at least `min`.
pub fn require_at_least(parameter: &'static str, value: u64, min: u64) -> Result<u64> {
    if value >= min { Ok(value) } else { Err(Error::invalid(parameter, value, format!("must be at least {min}"))) }
}
