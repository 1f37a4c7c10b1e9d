//! A budget before the work: every command estimates the memory and the time
//! its sizes ask for, before it allocates anything large, and refuses what
//! cannot fit this machine or finish in reasonable time, with an error that
//! names the size most responsible, the estimate and the limit.
//!
//! Estimates are deliberately simple: a count of memory (bytes) and of work
//! (elementary operations, about one floating-point operation or one normal
//! draw each), calibrated on this project's benchmarks to err on the slow
//! side ([`OPERATIONS_PER_SECOND`]). They are meant to tell a minute from a
//! year, not to predict a run to the second.
//!
//! | limit | default | lifted by |
//! |---|---|---|
//! | time | [`DEFAULT_SECONDS`] of estimated work (another with `--time-limit`) | `allow_long` (`--allow-long`) |
//! | memory | half of this machine's physical memory | never: use smaller sizes |
//! | threads | this machine's cores | `allow_more_threads` (`--allow-more-threads`) |

use crate::error::{Error, Result, param};
use crate::output::format_sig;

/// Elementary operations per second and per core that the estimates assume
/// (the W1 benchmark runs about three times faster than this).
pub const OPERATIONS_PER_SECOND: f64 = 5e8;

/// The longest estimated run accepted without `allow_long`, in seconds.
pub const DEFAULT_SECONDS: f64 = 600.0;

/// The hard upper bound of the number of threads, whatever is asked.
pub const MAX_THREADS: usize = 1024;

/// The most generations of any model (checked when a setup is validated).
pub const MAX_GENERATIONS: u64 = 1_000_000_000;

/// The most samples per generation of any model.
pub const MAX_SAMPLES: usize = 1_000_000_000;

/// The most numbers a setup may hold before its budget is checked (a design
/// `T x d`, a batch `M x d`): `2^28`, 2 GiB.
pub const MAX_ENTRIES: usize = 1 << 28;

/// Checks a count against `1..=max`.
pub fn require_range(parameter: &'static str, value: u64, max: u64) -> Result<u64> {
    if (1..=max).contains(&value) {
        Ok(value)
    } else {
        Err(Error::invalid(parameter, value, format!("must be between 1 and {}", format_count(max as f64))))
    }
}

/// Checks that a table of `rows x columns` numbers stays within [`MAX_ENTRIES`].
pub fn require_entries(parameter: &'static str, value: usize, rows: usize, columns: usize, what: &str) -> Result<()> {
    if (rows as f64) * (columns as f64) > MAX_ENTRIES as f64 {
        return Err(Error::invalid(
            parameter,
            value,
            format!("{what} of {rows} x {columns} numbers is more than the {MAX_ENTRIES} a setting may hold (2 GiB)"),
        ));
    }
    Ok(())
}

/// What a computation is estimated to need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    /// Peak memory, bytes.
    pub memory: f64,
    /// Elementary operations.
    pub work: f64,
}

impl Cost {
    /// Nothing.
    pub const ZERO: Cost = Cost { memory: 0.0, work: 0.0 };

    /// A cost of `memory` bytes and `work` operations.
    pub fn new(memory: f64, work: f64) -> Self {
        Cost { memory, work }
    }

    /// Both parts added (two computations one after the other, each holding its memory).
    pub fn plus(self, other: Cost) -> Cost {
        Cost { memory: self.memory + other.memory, work: self.work + other.work }
    }

    /// `k` copies run one after the other, each holding its memory until the end.
    pub fn times(self, k: f64) -> Cost {
        Cost { memory: self.memory * k, work: self.work * k }
    }
}

/// The size parameter most responsible for a cost, to name in a refusal.
#[derive(Debug, Clone, PartialEq)]
pub struct Culprit {
    /// The parameter's name (`samples`, `replicates`).
    pub parameter: &'static str,
    /// Its value, as given.
    pub value: String,
    /// How far it is above an ordinary value (its value over a typical one).
    pub excess: f64,
}

impl Culprit {
    /// `parameter = value`, compared with a typical value.
    pub fn new(parameter: &'static str, value: f64, typical: f64) -> Self {
        Culprit { parameter, value: format_count(value), excess: value / typical }
    }

    /// The one of `culprits` furthest above its typical value.
    pub fn largest(culprits: impl IntoIterator<Item = Culprit>) -> Option<Culprit> {
        culprits.into_iter().max_by(|a, b| a.excess.total_cmp(&b.excess))
    }
}

/// What this run may use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// The longest estimated run, seconds.
    pub seconds: f64,
    /// The most memory, bytes.
    pub memory: f64,
    /// The cores the time estimate divides the work among.
    pub cores: usize,
}

impl Limits {
    /// This machine's: [`DEFAULT_SECONDS`], half of its physical memory, its cores.
    pub fn of_this_machine() -> Self {
        Limits { seconds: DEFAULT_SECONDS, memory: 0.5 * physical_memory(), cores: cores() }
    }

    /// The same limits with another time limit (`seconds > 0`).
    pub fn with_seconds(mut self, seconds: f64) -> Result<Self> {
        if !(seconds > 0.0 && seconds.is_finite()) {
            return Err(Error::invalid("time_limit", seconds, "must be a positive number of seconds"));
        }
        self.seconds = seconds;
        Ok(self)
    }

    /// The same limits without the time limit.
    pub fn allowing_long(mut self) -> Self {
        self.seconds = f64::INFINITY;
        self
    }

    /// The estimated seconds of `cost` on `threads` threads (at most the cores).
    pub fn seconds_of(&self, cost: Cost, threads: usize) -> f64 {
        cost.work / (OPERATIONS_PER_SECOND * threads.clamp(1, self.cores.max(1)) as f64)
    }

    /// Refuses a cost beyond the limits, naming `culprit`: more memory than
    /// allowed, or (unless the time limit is lifted) more time.
    /// Returns the estimated seconds.
    pub fn check(&self, cost: Cost, threads: usize, culprit: &Culprit) -> Result<f64> {
        if cost.memory > self.memory {
            return Err(Error::invalid(
                culprit.parameter,
                &culprit.value,
                format!(
                    "the run would need about {} of memory (estimated from the sizes), more than the {} allowed \
                     (half of this machine's); use smaller sizes",
                    format_bytes(cost.memory),
                    format_bytes(self.memory)
                ),
            ));
        }
        let seconds = self.seconds_of(cost, threads);
        if seconds > self.seconds {
            return Err(Error::invalid(
                culprit.parameter,
                &culprit.value,
                format!(
                    "the run would take about {} on {} core{} (estimated from the sizes), beyond the limit of {}; \
                     ask for it with {}",
                    format_seconds(seconds),
                    threads.clamp(1, self.cores.max(1)),
                    if threads.clamp(1, self.cores.max(1)) == 1 { "" } else { "s" },
                    format_seconds(self.seconds),
                    param("allow_long")
                ),
            ));
        }
        Ok(seconds)
    }

    /// Checks a number of threads: `1 ..= cores`, or up to [`MAX_THREADS`] when
    /// `allow_more` says so.
    pub fn check_threads(&self, threads: usize, allow_more: bool) -> Result<usize> {
        let most = if allow_more { MAX_THREADS } else { self.cores.max(1) };
        if threads == 0 || threads > most {
            let rule = if allow_more {
                format!("must be between 1 and {MAX_THREADS}")
            } else {
                format!(
                    "must be between 1 and the {} core{} of this machine (more only with {})",
                    self.cores,
                    if self.cores == 1 { "" } else { "s" },
                    param("allow_more_threads")
                )
            };
            return Err(Error::invalid("threads", threads, rule));
        }
        Ok(threads)
    }
}

/// This machine's cores (1 when unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// This machine's physical memory in bytes, from `/proc/meminfo` (8 GiB when unknown).
pub fn physical_memory() -> f64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024.0)
        })
        .unwrap_or(8.0 * 1024.0 * 1024.0 * 1024.0)
}

/// `1.2 GB`, `340 MB`.
pub fn format_bytes(bytes: f64) -> String {
    let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{} {}", format_sig(value, 3), units[unit])
}

/// `45 s`, `3.2 hours`, `2.1e12 years`.
pub fn format_seconds(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "no limit".into();
    }
    let (value, unit) = match seconds {
        s if s < 120.0 => (s, "s"),
        s if s < 7200.0 => (s / 60.0, "minutes"),
        s if s < 172_800.0 => (s / 3600.0, "hours"),
        s if s < 3.0e7 => (s / 86_400.0, "days"),
        s => (s / 3.156e7, "years"),
    };
    format!("{} {unit}", format_sig(value, 3))
}

/// A count as the user gave it: a whole number when it is one.
fn format_count(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e19 { format!("{}", x as u64) } else { x.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_culprit_the_estimate_and_the_limit() {
        let limits = Limits { seconds: 600.0, memory: 1e9, cores: 2 };
        let culprit = Culprit::new("samples", 1e9, 100.0);
        let e = limits.check(Cost::new(8e10, 1.0), 2, &culprit).unwrap_err().to_string();
        assert!(e.starts_with("samples = 1000000000: the run would need about 80.0 GB"), "{e}");
        let e = limits.check(Cost::new(1.0, 1e15), 2, &culprit).unwrap_err().to_string();
        assert!(e.contains("11.6 days on 2 cores") && e.contains("allow_long"), "{e}");
        assert!(limits.allowing_long().check(Cost::new(1.0, 1e15), 2, &culprit).is_ok());
        let e = limits.check_threads(5, false).unwrap_err().to_string();
        assert!(e.starts_with("threads = 5: must be between 1 and the 2 cores"), "{e}");
        assert_eq!(limits.check_threads(5, true).unwrap(), 5);
    }

    #[test]
    fn the_largest_excess_is_the_culprit() {
        let c = Culprit::largest([Culprit::new("samples", 200.0, 100.0), Culprit::new("replicates", 1e12, 1000.0)]).unwrap();
        assert_eq!((c.parameter, c.value.as_str()), ("replicates", "1000000000000"));
    }
}
