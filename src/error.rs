//! One error type for the crate: every variant names the parameter, the value
//! and the rule it broke, so that a user can fix the call from the message
//! alone.
//!
//! Parameters are named as the library names them (`samples`,
//! `fixed_design`); a front end spells them its own way: the command line as
//! flags (`--samples`, `--fixed-design`), see [`Spelling`]. A rule that refers
//! to another parameter marks the reference with [`param`] or [`param_value`],
//! so that it is spelled the same way as the parameter in front.

use std::fmt::Display;
use thiserror::Error;

/// Everything that can go wrong in `model-collapse`.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum Error {
    /// A parameter outside its domain: `samples = 10: needs T >= d + 2 = 14 ...`.
    #[error("{}", self.message(Spelling::Library))]
    InvalidParameter {
        /// The parameter's name in the library (`samples`, `fixed_design`).
        parameter: &'static str,
        /// The offending value, as the user gave it.
        value: String,
        /// The rule it broke, in words (references to other parameters marked by [`param`]).
        rule: String,
    },
    /// A numerical failure inside a computation that valid input should not
    /// reach (for example a design matrix that is singular in floating point).
    #[error("numerical failure: {0}")]
    Numerical(String),
    /// A comparison asked for a closed form that the setting does not have.
    #[error("no closed form: {0}")]
    NoClosedForm(String),
    /// A theorem id that is not in the catalog.
    #[error("unknown theorem id `{id}`; known ids: {known}")]
    UnknownTheorem {
        /// The id that was asked for.
        id: String,
        /// The ids the catalog knows, comma separated.
        known: String,
    },
    /// A file that could not be read or written.
    #[error("{}", self.message(Spelling::Library))]
    Io {
        /// The parameter that named the path, when known (`output`).
        parameter: Option<&'static str>,
        /// What was tried: `read`, `write`, `create`.
        action: &'static str,
        /// The path.
        path: String,
        /// The operating system's reason.
        cause: String,
    },
    /// A resource of the machine that could not be had (threads).
    #[error("{0}")]
    System(String),
    /// A figure that could not be drawn (the renderer's failure).
    #[error("cannot draw: {0}")]
    Render(String),
}

/// How a front end spells parameter names in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spelling {
    /// The library's names: `samples = 10`, and `design = reused` in a rule.
    Library,
    /// Command-line flags: `--samples = 10`, and `--design reused` in a rule
    /// (underscores become dashes).
    Flag,
}

impl Spelling {
    /// A parameter's name.
    pub fn name(self, parameter: &str) -> String {
        match self {
            Spelling::Library => parameter.to_string(),
            Spelling::Flag => format!("--{}", parameter.replace('_', "-")),
        }
    }

    /// A parameter with a value, as a rule suggests it.
    fn with_value(self, parameter: &str, value: &str) -> String {
        match self {
            Spelling::Library => format!("{parameter} = {value}"),
            Spelling::Flag => format!("{} {value}", self.name(parameter)),
        }
    }
}

const OPEN: char = '\u{2039}';
const CLOSE: char = '\u{203a}';

/// A reference to another parameter inside a rule, spelled by the front end
/// (`fixed_design`, `--fixed-design`).
pub fn param(name: &str) -> String {
    format!("{OPEN}{name}{CLOSE}")
}

/// A reference to another parameter with a value inside a rule (`design =
/// reused`, `--design reused`).
pub fn param_value(name: &str, value: impl Display) -> String {
    format!("{OPEN}{name} {value}{CLOSE}")
}

/// `text` with its parameter references spelled as `spelling` says.
fn spell(text: &str, spelling: Spelling) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let inner = &rest[start + OPEN.len_utf8()..];
        let Some(end) = inner.find(CLOSE) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let reference = &inner[..end];
        out.push_str(&match reference.split_once(' ') {
            Some((name, value)) => spelling.with_value(name, value),
            None => spelling.name(reference),
        });
        rest = &inner[end + CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

impl Error {
    /// Shorthand for [`Error::InvalidParameter`]. A number too long to read
    /// as written by `Display` (`1e200` has 201 digits) is shown in scientific
    /// notation.
    pub fn invalid(parameter: &'static str, value: impl ToString, rule: impl Into<String>) -> Self {
        Error::InvalidParameter { parameter, value: readable(value.to_string()), rule: rule.into() }
    }

    /// An I/O failure on `path`.
    pub fn io(action: &'static str, path: impl Display, cause: impl Display) -> Self {
        Error::Io { parameter: None, action, path: path.to_string(), cause: cause.to_string() }
    }

    /// The same error, with the parameter that named the path of an I/O failure.
    pub fn for_parameter(self, name: &'static str) -> Self {
        match self {
            Error::Io { action, path, cause, .. } => Error::Io { parameter: Some(name), action, path, cause },
            other => other,
        }
    }

    /// The message, with parameter names spelled as `spelling` says.
    pub fn message(&self, spelling: Spelling) -> String {
        match self {
            Error::InvalidParameter { parameter, value, rule } => {
                format!("{} = {value}: {}", spelling.name(parameter), spell(rule, spelling))
            }
            Error::Io { parameter: Some(parameter), action, path, cause } => {
                format!("{} = {path}: cannot {action} it: {cause}", spelling.name(parameter))
            }
            Error::Io { parameter: None, action, path, cause } => format!("cannot {action} {path}: {cause}"),
            other => spell(&other.to_string(), spelling),
        }
    }
}

/// `x` as people write it: plain, or in scientific notation when plain would
/// take more than 20 characters.
pub fn number(x: f64) -> String {
    readable(x.to_string())
}

fn readable(text: String) -> String {
    match text.parse::<f64>() {
        Ok(x) if text.len() > 20 && x.is_finite() => format!("{x:e}"),
        _ => text,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_spelled_by_the_front_end() {
        let rule = format!("conditioning needs {}; see {}", param_value("design", "reused"), param("fixed_design"));
        let e = Error::invalid("fixed_design", 3, rule);
        assert_eq!(e.to_string(), "fixed_design = 3: conditioning needs design = reused; see fixed_design");
        assert_eq!(e.message(Spelling::Flag), "--fixed-design = 3: conditioning needs --design reused; see --fixed-design");
        let e = Error::NoClosedForm(format!("add {}", param_value("fixed_design", "SEED")));
        assert_eq!(e.message(Spelling::Flag), "no closed form: add --fixed-design SEED");
    }
}
