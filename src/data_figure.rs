//! A figure from a tidy table (a sweep's, a simulation's or a check's):
//! `collapse plot --data FILE`. One panel per value of a facet parameter,
//! one series per setting of the other parameters that vary; in each, the
//! `theory` column as a line and the `mean` column as markers with a band of
//! two standard errors (`std_error`), as in every theorem's figure.

use crate::check::{chosen_metric, number};
use crate::error::{Error, Result, param};
use crate::figure::{Figure, Panel, Point, Series, Style};
use crate::output::Table;
use crate::records::SIMULATION_COLUMNS;
use serde_json::{Map, Value};

/// Whether a column of the tidy schema is something other than a parameter
/// of a setting: a simulation's columns ([`SIMULATION_COLUMNS`]), the model
/// and family, a sweep's cell, a check's verdict.
fn is_schema(column: &str) -> bool {
    SIMULATION_COLUMNS.contains(&column) || ["model", "family", "cell", "z_critical", "verdict"].contains(&column)
}

/// The most series one panel draws: beyond, colours and markers would repeat
/// with another meaning.
pub const MAX_SERIES: usize = 6;

/// How a table becomes a figure.
#[derive(Debug, Clone, Default)]
pub struct DataPlot {
    /// The file's name as the user gave it (for errors and the caption).
    pub file: String,
    /// The figure's id: the file's stem.
    pub id: String,
    /// The metric to draw, when the table has several.
    pub metric: Option<String>,
    /// The parameter whose values get a panel each.
    pub facet: Option<String>,
    /// Only the rows where each `(column, value)` holds.
    pub filters: Vec<(String, String)>,
    /// A logarithmic vertical axis.
    pub log_y: bool,
    /// The command that draws the figure.
    pub command: String,
}

/// The figure of `table` (with its file's description `meta`, when it has one).
pub fn figure(table: &Table, meta: Option<&Map<String, Value>>, plot: &DataPlot) -> Result<Figure> {
    let file = plot.file.as_str();
    let column = |name: &str| table.columns.iter().position(|c| c == name);
    let has = |name: &str| column(name).is_some();
    if !has("generation") || !(has("theory") || has("mean")) {
        let rule =
            format!("has columns {}; a figure needs generation and theory or mean (with std_error for a band)", table.columns.join(","));
        return Err(Error::invalid("data", file, rule));
    }
    for (name, _) in &plot.filters {
        if !has(name) {
            return Err(Error::invalid("where", name, format!("is not a column of {file}: {}", table.columns.join(","))));
        }
    }
    let metric = chosen_metric(table, plot.metric.as_deref(), file)?;
    let text = |row: usize, name: &str| column(name).map(|k| table.rows[row][k].csv_text()).unwrap_or_default();
    let rows: Vec<usize> = (0..table.rows.len())
        .filter(|&r| metric.as_ref().is_none_or(|m| !has("metric") || text(r, "metric") == *m))
        .filter(|&r| plot.filters.iter().all(|(name, value)| text(r, name) == *value))
        .collect();
    if rows.is_empty() {
        return Err(Error::invalid("data", file, "has no rows of the metric and --where values asked for"));
    }
    if let Some(facet) = &plot.facet
        && !has(facet)
    {
        return Err(Error::invalid("facet", facet, format!("is not a column of {file}: {}", table.columns.join(","))));
    }
    // The parameters that vary among the rows, but the facet: one series per setting of them.
    let varying: Vec<&String> = table
        .columns
        .iter()
        .filter(|c| !is_schema(c) && Some(*c) != plot.facet.as_ref())
        .filter(|c| rows.iter().any(|&r| text(r, c) != text(rows[0], c)))
        .collect();
    let series_of = |r: usize| varying.iter().map(|c| format!("{c} = {}", text(r, c))).collect::<Vec<_>>().join(", ");
    let facet_of = |r: usize| plot.facet.as_ref().map(|f| format!("{f} = {}", text(r, f))).unwrap_or_default();
    let settings = first_seen(rows.iter().map(|&r| series_of(r)));
    if settings.len() > MAX_SERIES {
        let rule = format!(
            "gives {} series per panel ({} vary), more than {MAX_SERIES} distinct colours and markers: draw one value of \
             some with {} NAME=VALUE, or put one in panels with {}",
            settings.len(),
            varying.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
            param("where"),
            param("facet")
        );
        return Err(Error::invalid("data", file, rule));
    }
    let metric_name = metric.clone().unwrap_or_else(|| "value".into());
    let mut panels = Vec::new();
    for facet in first_seen(rows.iter().map(|&r| facet_of(r))) {
        let title = if facet.is_empty() { metric_name.clone() } else { facet.clone() };
        let mut panel = Panel::new(title, "generation n", metric_name.clone()).log(false, plot.log_y);
        for (key, setting) in settings.iter().enumerate() {
            let mine: Vec<usize> = rows.iter().copied().filter(|&r| facet_of(r) == facet && series_of(r) == *setting).collect();
            let label = if setting.is_empty() { metric_name.clone() } else { setting.clone() };
            for series in series(table, &mine, &label, key, file)? {
                panel = panel.with(series);
            }
        }
        panels.push(panel);
    }
    let columns = panels.len().min(3);
    let panel_count = panels.len();
    let described = meta.map(describe).unwrap_or_default();
    let caption = format!(
        "Data: {file}{described}. Lines: the theory column; markers with bands (or bars): the mean column +- 2 std_error. \
         Command: {}",
        plot.command
    );
    let number_of = |key: &str| meta.and_then(|m| m.get(key)).and_then(Value::as_u64);
    Ok(Figure {
        id: plot.id.clone(),
        title: format!("{metric_name} by generation, from {file}"),
        caption,
        columns,
        panels,
        replicates: number_of("replicates"),
        seed: number_of("seed"),
        command: plot.command.clone(),
        // Every panel draws the same metric: one scale.
        shared_y: vec![(0..panel_count).collect()],
    })
}

/// The theory line and the Monte Carlo points of `rows`, by generation.
fn series(table: &Table, rows: &[usize], label: &str, key: usize, file: &str) -> Result<Vec<Series>> {
    let mut theory = Vec::new();
    let mut simulated = Vec::new();
    let mut ordered: Vec<(f64, usize)> = Vec::new();
    for &r in rows {
        let g =
            number(table, r, "generation", file)?.ok_or_else(|| Error::invalid("data", file, format!("line {}: no generation", r + 2)))?;
        ordered.push((g, r));
    }
    ordered.sort_by(|a, b| a.0.total_cmp(&b.0));
    let optional = |r: usize, name: &str| if table.columns.iter().any(|c| c == name) { number(table, r, name, file) } else { Ok(None) };
    for (g, r) in ordered {
        if let Some(y) = optional(r, "theory")? {
            theory.push(Point { x: g, y, band: None });
        }
        if let Some(mean) = optional(r, "mean")? {
            let band = optional(r, "std_error")?.map(|se| (mean - 2.0 * se, mean + 2.0 * se));
            simulated.push(Point { x: g, y: mean, band });
        }
    }
    let mut out = Vec::new();
    if !theory.is_empty() {
        out.push(Series { label: label.to_string(), style: Style::Theory, key, points: theory });
    }
    if !simulated.is_empty() {
        out.push(Series { label: label.to_string(), style: Style::Simulation, key, points: simulated });
    }
    Ok(out)
}

/// The distinct values in order of first appearance.
fn first_seen(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for v in values {
        if !seen.contains(&v) {
            seen.push(v);
        }
    }
    seen
}

/// The run behind a table, from its description: ` (sweep of N cells of
/// simulate F, seed S, R replicates)`.
fn describe(meta: &Map<String, Value>) -> String {
    let text = |key: &str| meta.get(key).map(|v| v.as_str().map_or(v.to_string(), str::to_string));
    let run = text("command").zip(text("family")).map(|(c, f)| format!("{c} {f}"));
    let parts: Vec<String> = [
        match text("cells") {
            Some(cells) => run.map(|r| format!("sweep of {cells} cells of {r}")),
            None => run,
        },
        text("seed").map(|s| format!("seed {s}")),
        text("replicates").map(|r| format!("{r} replicates")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() { String::new() } else { format!(" ({})", parts.join(", ")) }
}
