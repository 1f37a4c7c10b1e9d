//! A theorem of the toolkit, as the catalog lists it: its registry entry (the
//! text of `collapse list`), its Monte Carlo checks and its figure, written
//! together in one file per theorem, `src/<family>/theorems/<name>.rs`, and
//! listed once per family with [`theorems!`].
//!
//! [`theorems!`]: crate::theorems

use crate::error::Result;
use crate::figure::FigureSpec;
use crate::model::TheoremId;
use crate::verify::Check;
use serde::Serialize;
use serde::ser::SerializeStruct;

/// What `collapse list` prints about a theorem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theorem {
    /// Stable kebab-case id, `<family>-<name>`.
    pub id: TheoremId,
    /// The statement, in one line of plain text; says where a result is only
    /// asymptotic or numerical.
    pub statement: &'static str,
    /// Where it comes from: paper and section.
    pub source: &'static str,
    /// What `collapse verify` does to check it.
    pub check: &'static str,
}

impl Theorem {
    /// The model family (`linear`, ...): the id's prefix.
    pub fn family(&self) -> &'static str {
        self.id.family()
    }

    /// The proof's path relative to the repository root.
    pub fn proof(&self) -> String {
        self.id.proof()
    }
}

impl Serialize for Theorem {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Theorem", 5)?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("family", self.family())?;
        s.serialize_field("statement", self.statement)?;
        s.serialize_field("source", self.source)?;
        s.serialize_field("check", self.check)?;
        s.end()
    }
}

/// Everything the toolkit knows of one theorem besides its closed form and
/// proof: the registry entry, the checks (controls included, in a fixed
/// order: a check's seed depends on its position), and the figure.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// The registry entry.
    pub theorem: Theorem,
    /// Its Monte Carlo checks and negative controls.
    pub checks: fn() -> Result<Vec<Check>>,
    /// Its figure.
    pub figure: FigureSpec,
}

/// Declares a family's theorem files and lists their entries, in order:
/// `theorems!(replace, accumulate)` is `mod replace; mod accumulate;` and
/// `pub const THEOREMS: &[Entry] = &[replace::ENTRY, accumulate::ENTRY];`.
/// A new theorem is its file and its name here.
#[macro_export]
macro_rules! theorems {
    ($($name:ident),+ $(,)?) => {
        $(mod $name;)+

        /// The family's theorems, in the order `collapse list` prints them.
        pub const THEOREMS: &[$crate::theorem::Entry] = &[$($name::ENTRY),+];
    };
}
