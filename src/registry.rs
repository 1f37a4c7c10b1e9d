//! The registry of theorems: what `collapse list` prints and what
//! `collapse verify` checks. Each model family contributes its own entries.

use crate::error::{Error, Result};
use serde::Serialize;

/// One theorem of the toolkit. Its `id` names the closed form's doc section,
/// the proof `proofs/<id>.md`, the checks in `collapse verify`, the property
/// test and the figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Theorem {
    /// Stable kebab-case id, `<family>-<name>`.
    pub id: &'static str,
    /// The model family (`linear`, ...).
    pub family: &'static str,
    /// The statement, in one line of plain text.
    pub statement: &'static str,
    /// Where it comes from: paper and section.
    pub source: &'static str,
    /// What `collapse verify` does to check it.
    pub check: &'static str,
}

impl Theorem {
    /// The proof's path relative to the repository root.
    pub fn proof(&self) -> String {
        format!("proofs/{}.md", self.id)
    }
}

/// A closed form for generations `1..=n`, with the theorem it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The theorem id.
    pub theorem: &'static str,
    /// Values for generations `1..=n`.
    pub values: Vec<f64>,
}

/// Every registered theorem, family by family.
pub fn theorems() -> Vec<Theorem> {
    [&crate::linear::checks::THEOREMS[..], &crate::gaussian::checks::THEOREMS[..], &crate::categorical::checks::THEOREMS[..]].concat()
}

/// The theorem with this id, or an error listing the known ids.
pub fn find(id: &str) -> Result<Theorem> {
    let all = theorems();
    all.iter()
        .find(|t| t.id == id)
        .copied()
        .ok_or_else(|| Error::UnknownTheorem { id: id.to_string(), known: all.iter().map(|t| t.id).collect::<Vec<_>>().join(", ") })
}
