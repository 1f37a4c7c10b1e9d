//! The catalog of theorems, family by family. Everything that covers every
//! theorem (`collapse list`, `collapse verify`, `collapse plot all`, the
//! traceability tests) reads it; no other module of the library imports a
//! family.
//!
//! The families are listed once, by `families!(linear, gaussian, categorical)`
//! in `src/lib.rs`, which also declares their modules. A new family is a folder
//! `src/<family>/` whose `theorems/mod.rs` lists its theorem files with
//! [`crate::theorems!`], plus its name in that list.

use crate::budget::Limits;
use crate::error::{Error, Result};
use crate::figure::FigureSpec;
use crate::model::TheoremId;
use crate::theorem::{Entry, Theorem};
use crate::verify::{self, Check, Report};

/// A model family: its name and its theorems.
#[derive(Debug, Clone, Copy)]
pub struct Family {
    /// The family's name, the prefix of its theorem ids.
    pub name: &'static str,
    /// Its theorems, in the order `collapse list` prints them.
    pub theorems: &'static [Entry],
}

/// Every family, in the order `collapse list` prints them (listed in `src/lib.rs`).
pub const FAMILIES: &[Family] = crate::FAMILIES;

/// Every theorem's entry, family by family.
pub fn entries() -> impl Iterator<Item = &'static Entry> {
    FAMILIES.iter().flat_map(|f| f.theorems)
}

/// Every registered theorem, family by family.
pub fn theorems() -> Vec<Theorem> {
    entries().map(|e| e.theorem).collect()
}

/// The entry of the theorem with this id, or an error listing the known ids.
pub fn find(id: &str) -> Result<&'static Entry> {
    entries().find(|e| e.theorem.id.as_str() == id).ok_or_else(|| Error::UnknownTheorem { id: id.to_string(), known: known(&[]) })
}

/// The known ids after `first`, comma separated.
pub fn known(first: &[&str]) -> String {
    first.iter().copied().chain(entries().map(|e| e.theorem.id.as_str())).collect::<Vec<_>>().join(", ")
}

/// The checks of the given theorem ids, in catalog order (all when `ids` is empty).
pub fn checks(ids: &[String]) -> Result<Vec<Check>> {
    for id in ids {
        find(id)?;
    }
    let selected = entries().filter(|e| ids.is_empty() || ids.iter().any(|i| i == e.theorem.id.as_str()));
    let mut all = Vec::new();
    for entry in selected {
        all.extend((entry.checks)()?);
    }
    Ok(all)
}

/// `collapse verify`: the checks of the given ids (all when empty) at `replicates`
/// replicates each, judged together, within `limits`.
pub fn verify(
    ids: &[String],
    seed: u64,
    replicates: u64,
    threads: Option<usize>,
    limits: &Limits,
    starting: &dyn Fn(usize, usize, &Check),
) -> Result<Report> {
    let checks = checks(ids)?;
    verify::check_budget(&checks, replicates, threads, limits)?;
    verify::run(&checks, seed, replicates, threads, &|i, check| starting(i, checks.len(), check))
}

/// Every figure, with its theorem id, family by family.
pub fn figures() -> Vec<(TheoremId, FigureSpec)> {
    entries().map(|e| (e.theorem.id, e.figure)).collect()
}
