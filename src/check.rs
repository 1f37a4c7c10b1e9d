//! `collapse check`: a researcher's own results judged against a theorem's
//! closed form by `collapse verify`'s rule.
//!
//! The data are one row per replicate and generation (`replicate,generation,
//! value`, and `metric` when several are mixed), or one row per generation of
//! precomputed summaries (`generation,mean,std_error,replicates`). Each
//! generation is an assertion: `z = (mean - theory) / std_error` passes when
//! `|z| <= z_crit`, the two-sided Bonferroni critical value over the
//! generations at the family-wise false-alarm probability
//! [`FAMILY_ALPHA`], as in `collapse verify`. A
//! generation where the model says the standard error is no evidence (an
//! infinite variance, heavy tails) is refused, with the reason.

use crate::error::{Error, Result, param};
use crate::mc::CONFIDENCE;
use crate::model::{ClosedForm, Model, TheoremId};
use crate::output::{Cell, Table};
use crate::records::{Records, generation_cell, head};
use crate::stats::{Moments, Summary, bonferroni_z};
use crate::verify::{self, Comparison, Expect, FAMILY_ALPHA};
use std::collections::BTreeMap;

/// A researcher's results, summarised per generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// The metric the rows are of, when the data name it.
    pub metric: Option<String>,
    /// Per generation, the summary over replicates.
    pub generations: BTreeMap<u64, Summary>,
    /// Whether the data were per replicate (else precomputed summaries).
    pub per_replicate: bool,
}

/// The columns of each layout.
const REPLICATES: [&str; 3] = ["replicate", "generation", "value"];
const SUMMARIES: [&str; 4] = ["generation", "mean", "std_error", "replicates"];

/// The metric a data table's rows are of: the one asked for, or the only one
/// in its `metric` column (none without the column); a table that mixes
/// several needs `--metric`.
pub fn chosen_metric(table: &Table, metric: Option<&str>, file: &str) -> Result<Option<String>> {
    let Some(k) = table.columns.iter().position(|c| c == "metric") else { return Ok(metric.map(str::to_string)) };
    if let Some(m) = metric {
        return Ok(Some(m.to_string()));
    }
    let mut names: Vec<String> = table.rows.iter().map(|r| r[k].csv_text()).collect();
    names.sort();
    names.dedup();
    match names.as_slice() {
        [one] => Ok(Some(one.clone())),
        _ => Err(Error::invalid("data", file, format!("mixes the metrics {}: choose one with {}", names.join(", "), param("metric")))),
    }
}

/// The number in row `row` (0-based) and column `name` of a data table, or
/// `None` when it is empty; text, a flag or a non-finite number is an error
/// naming the line (the header is line 1) and the column.
pub fn number(table: &Table, row: usize, name: &str, file: &str) -> Result<Option<f64>> {
    let k = table.columns.iter().position(|c| c == name).ok_or_else(|| Error::invalid("data", file, format!("has no column {name}")))?;
    let at = format!("line {}, column {name}", row + 2);
    match &table.rows[row][k] {
        Cell::Int(x) => Ok(Some(*x as f64)),
        Cell::Num(x) if x.is_finite() => Ok(Some(*x)),
        Cell::Num(x) => Err(Error::invalid("data", file, format!("{at}: {x} is not a finite number"))),
        Cell::Missing => Ok(None),
        Cell::Text(s) => Err(Error::invalid("data", file, format!("{at}: `{s}` is not a number"))),
        Cell::Bool(b) => Err(Error::invalid("data", file, format!("{at}: `{b}` is not a number"))),
    }
}

/// Reads a data table: its layout from its columns, every cell checked. When
/// the table has a `metric` column, `metric` picks its rows (needed when it
/// holds several). `file` names the data in errors.
pub fn observe(table: &Table, metric: Option<&str>, file: &str) -> Result<Observed> {
    let has = |name: &str| table.columns.iter().any(|c| c == name);
    let per_replicate = REPLICATES.iter().all(|c| has(c));
    if !per_replicate && !SUMMARIES.iter().all(|c| has(c)) {
        let missing = |layout: &[&str]| layout.iter().filter(|c| !has(c)).copied().collect::<Vec<_>>().join(", ");
        let rule = format!(
            "has columns {}; needs either {} (one row per replicate and generation; missing {}) or {} (one row per \
             generation; missing {}), with `metric` when several metrics are mixed",
            table.columns.join(","),
            REPLICATES.join(","),
            missing(&REPLICATES),
            SUMMARIES.join(","),
            missing(&SUMMARIES)
        );
        return Err(Error::invalid("data", file, rule));
    }
    let column = |name: &str| table.columns.iter().position(|c| c == name);
    let metric_column = column("metric");
    let chosen = chosen_metric(table, metric, file)?;
    let rows: Vec<(usize, &Vec<Cell>)> =
        table.rows.iter().enumerate().filter(|(_, r)| metric_column.is_none_or(|k| Some(r[k].csv_text()) == chosen)).collect();
    if rows.is_empty() {
        return Err(Error::invalid("data", file, format!("has no rows of metric {}", chosen.unwrap_or_default())));
    }
    let cell = |row: usize, name: &str| {
        number(table, row, name, file)?.ok_or_else(|| Error::invalid("data", file, format!("line {}, column {name}: empty", row + 2)))
    };
    let generation = |row: usize| -> Result<u64> {
        let g = cell(row, "generation")?;
        if g < 1.0 || g.fract() != 0.0 {
            return Err(Error::invalid("data", file, format!("line {}, column generation: {g} is not a generation (1, 2, ...)", row + 2)));
        }
        Ok(g as u64)
    };
    let mut generations = BTreeMap::new();
    if per_replicate {
        let mut moments: BTreeMap<u64, Moments> = BTreeMap::new();
        let mut seen: BTreeMap<(u64, String), usize> = BTreeMap::new();
        for &(row, r) in &rows {
            let g = generation(row)?;
            let replicate = r[column("replicate").unwrap_or_default()].csv_text();
            if let Some(first) = seen.insert((g, replicate.clone()), row) {
                let rule = format!("replicate {replicate} has two values at generation {g} (lines {} and {})", first + 2, row + 2);
                return Err(Error::invalid("data", file, rule));
            }
            moments.entry(g).or_default().push(cell(row, "value")?);
        }
        for (g, m) in moments {
            if m.count() < 2 {
                let rule = format!("generation {g} has {} replicate: a standard error needs at least 2", m.count());
                return Err(Error::invalid("data", file, rule));
            }
            generations.insert(g, m.summary(CONFIDENCE));
        }
    } else {
        for &(row, _) in &rows {
            let g = generation(row)?;
            let (mean, std_error, n) = (cell(row, "mean")?, cell(row, "std_error")?, cell(row, "replicates")?);
            if n < 2.0 || n.fract() != 0.0 {
                return Err(Error::invalid("data", file, format!("line {}, column replicates: {n}: needs a whole number >= 2", row + 2)));
            }
            if std_error < 0.0 {
                return Err(Error::invalid("data", file, format!("line {}, column std_error: {std_error} is negative", row + 2)));
            }
            let summary =
                Summary { replicates: n as u64, mean, std_dev: std_error * n.sqrt(), std_error, ci_low: f64::NAN, ci_high: f64::NAN };
            if generations.insert(g, summary).is_some() {
                return Err(Error::invalid("data", file, format!("generation {g} appears twice (line {})", row + 2)));
            }
        }
    }
    Ok(Observed { metric: chosen, generations, per_replicate })
}

/// The verdict of a check: the table and whether every generation passed.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    /// `model,family,<parameters>,theorem,metric,generation,theory,mean,std_error,replicates,z,z_critical,verdict`.
    pub records: Records,
    /// The critical value.
    pub z_critical: f64,
    /// Every generation passed.
    pub passed: bool,
}

/// Judges `observed` against theorem `id`'s closed form of `model`'s metric
/// (`observed.metric`, or the one metric whose closed form is `id`'s).
pub fn judge<M: Model>(model: &M, id: TheoremId, observed: &Observed) -> Result<Judgement> {
    let owned: Vec<M::Metric> =
        model.metrics().iter().copied().filter(|&m| matches!(model.closed_form(m), ClosedForm::Known(c) if c.theorem == id)).collect();
    let names = |ms: &[M::Metric]| ms.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", ");
    let metric = match &observed.metric {
        Some(name) => {
            let Some(&metric) = model.metrics().iter().find(|m| m.to_string() == *name) else {
                return Err(Error::invalid(
                    "metric",
                    name,
                    format!("is not a metric of this model; its metrics are {}", names(model.metrics())),
                ));
            };
            metric
        }
        None => match (owned.as_slice(), model.metrics()) {
            ([one], _) | ([], [one]) => *one,
            ([], _) => return Err(not_covered(model, id, None)),
            _ => return Err(Error::invalid("metric", "", format!("{id} has closed forms of {}: choose one", names(&owned)))),
        },
    };
    let curve = match model.closed_form(metric) {
        ClosedForm::Known(curve) if curve.theorem == id => curve,
        other => return Err(not_covered(model, id, Some((metric.to_string(), other)))),
    };
    let range = model.generations();
    if let Some((&g, _)) = observed.generations.iter().find(|(g, _)| !range.contains(g)) {
        let rule = format!(
            "the data have generation {g}, past the closed form's generations {}..={}: set {}",
            range.start(),
            range.end(),
            param("generations")
        );
        return Err(Error::invalid("data", g, rule));
    }
    let heavy: Vec<String> =
        observed.generations.keys().filter_map(|&g| model.unreliable(metric, g).map(|why| format!("generation {g}: {why}"))).collect();
    if let Some(first) = heavy.first() {
        let rule = format!(
            "a mean's standard error is no evidence for {metric} here ({} of the generations; {first}); check a well-behaved \
             functional instead (a logarithm, a probability), or fewer generations",
            heavy.len()
        );
        return Err(Error::invalid("metric", metric, rule));
    }
    let z_critical = bonferroni_z(FAMILY_ALPHA, observed.generations.len());
    let columns: Vec<&str> = ["model", "family"]
        .into_iter()
        .chain(model.parameters(*range.start()).iter().map(|(n, _)| *n))
        .chain(["theorem", "exactness", "metric", "generation", "theory", "mean", "std_error", "replicates", "z", "z_critical", "verdict"])
        .collect();
    let mut table = Table::new(&columns);
    let mut passed = true;
    for (&g, s) in &observed.generations {
        let theory = curve.values[(g - range.start()) as usize];
        let z = s.z(theory);
        let comparison = Comparison { quantity: metric.to_string(), generation: g, theory, estimate: *s };
        let ok = verify::judge(Expect::Agree, &comparison, z_critical);
        passed &= ok;
        let mut row = head(model, g);
        row.extend([
            id.as_str().into(),
            crate::records::exactness(&curve),
            metric.to_string().into(),
            generation_cell(model, g),
            theory.into(),
            s.mean.into(),
            s.std_error.into(),
            Cell::Int(s.replicates),
            z.into(),
            z_critical.into(),
            if ok { "pass" } else { "FAIL" }.into(),
        ]);
        table.push(row);
    }
    let warnings = curve
        .is_asymptotic()
        .then(|| format!("{id}'s closed form is asymptotic here, not exact: a FAIL may be the approximation's"))
        .into_iter()
        .collect();
    Ok(Judgement { records: Records { table, warnings }, z_critical, passed })
}

/// Why the settings are not the theorem's: the closed form of the metric
/// here is another theorem's, or there is none.
fn not_covered<M: Model>(model: &M, id: TheoremId, found: Option<(String, ClosedForm)>) -> Error {
    let what = match found {
        Some((metric, ClosedForm::Known(c))) => format!("the closed form of {metric} at these settings is {}'s, not {id}'s", c.theorem),
        Some((metric, ClosedForm::Absent(why))) => format!("{metric} has no closed form at these settings: {why}"),
        None => format!("no metric of this model has {id}'s closed form at these settings"),
    };
    Error::invalid("settings", model.describe(), format!("{what}; give settings that {id} covers (see `collapse list`)"))
}
