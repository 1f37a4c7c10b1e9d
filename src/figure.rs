//! Figures as data: what `collapse plot` draws, independent of how it is
//! drawn. A [`Figure`] is a grid of [`Panel`]s, each a set of [`Series`]: a
//! closed form (a line), a Monte Carlo mean with its band of two standard
//! errors (markers and a shaded band), a bound (a dashed line), or simulated
//! trajectories (thin lines). [`Figure::to_table`] gives the numbers behind a
//! figure, so a reader can redraw it with other tools; [`crate::plot`] renders
//! it to SVG and PNG.

use crate::error::Result;
use crate::mc::MonteCarlo;
use crate::model::{ClosedForm, Model, Run, TheoremId};
use crate::output::{Cell, Table};
use crate::stats::Summary;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// A closed form: a solid line.
    Theory,
    /// A Monte Carlo mean: markers, with a shaded band of `mean +- 2 SE`.
    Simulation,
    /// A bound or a limit: a dashed line.
    Bound,
    /// Simulated trajectories or another reference: a thin line.
    Thin,
}

/// One point of a series; `band` is the shaded interval around it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Abscissa.
    pub x: f64,
    /// Ordinate.
    pub y: f64,
    /// `(low, high)` around `y`: two standard errors for a Monte Carlo mean.
    pub band: Option<(f64, f64)>,
}

/// A named set of points drawn one way.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The legend's text (series with equal labels share one legend entry).
    pub label: String,
    /// How it is drawn.
    pub style: Style,
    /// Which colour and marker (an index into the palette; equal keys look alike).
    pub key: usize,
    /// The points, in order.
    pub points: Vec<Point>,
}

impl Series {
    /// A closed form `y = f(x)`, drawn as a line.
    pub fn theory(label: impl Into<String>, key: usize, xs: impl IntoIterator<Item = f64>, ys: impl IntoIterator<Item = f64>) -> Self {
        Series::plain(label, Style::Theory, key, xs, ys)
    }

    /// A bound or limit, drawn dashed.
    pub fn bound(label: impl Into<String>, key: usize, xs: impl IntoIterator<Item = f64>, ys: impl IntoIterator<Item = f64>) -> Self {
        Series::plain(label, Style::Bound, key, xs, ys)
    }

    /// Points without bands, drawn the given way.
    pub fn plain(
        label: impl Into<String>,
        style: Style,
        key: usize,
        xs: impl IntoIterator<Item = f64>,
        ys: impl IntoIterator<Item = f64>,
    ) -> Self {
        let points = xs.into_iter().zip(ys).map(|(x, y)| Point { x, y, band: None }).collect();
        Series { label: label.into(), style, key, points }
    }

    /// Monte Carlo means with their bands of two standard errors.
    pub fn simulation(label: impl Into<String>, key: usize, xs: impl IntoIterator<Item = f64>, summaries: &[Summary]) -> Self {
        let points = xs
            .into_iter()
            .zip(summaries)
            .map(|(x, s)| Point { x, y: s.mean, band: s.has_spread().then_some((s.mean - 2.0 * s.std_error, s.mean + 2.0 * s.std_error)) })
            .collect();
        Series { label: label.into(), style: Style::Simulation, key, points }
    }
}

/// One plotting area.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The panel's title, above it.
    pub title: String,
    /// The horizontal axis's label, with its symbol.
    pub x_label: String,
    /// The vertical axis's label, with its symbol.
    pub y_label: String,
    /// Logarithmic horizontal axis.
    pub x_log: bool,
    /// Logarithmic vertical axis.
    pub y_log: bool,
    /// What is drawn, back to front.
    pub series: Vec<Series>,
}

impl Panel {
    /// A panel with linear axes and no series.
    pub fn new(title: impl Into<String>, x_label: impl Into<String>, y_label: impl Into<String>) -> Self {
        Panel { title: title.into(), x_label: x_label.into(), y_label: y_label.into(), x_log: false, y_log: false, series: vec![] }
    }

    /// Sets logarithmic axes.
    pub fn log(mut self, x_log: bool, y_log: bool) -> Self {
        (self.x_log, self.y_log) = (x_log, y_log);
        self
    }

    /// Adds a series.
    pub fn with(mut self, series: Series) -> Self {
        self.series.push(series);
        self
    }
}

/// A whole figure: its id (the theorem it draws, or the data file's name),
/// panels, and what made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The theorem id, or the stem of the data file drawn; the files are `<id>.svg`, `.pdf` and `.png`.
    pub id: String,
    /// The figure's title.
    pub title: String,
    /// Parameters, seed and replicates, in one paragraph (the gallery's caption).
    pub caption: String,
    /// Panels per row.
    pub columns: usize,
    /// The panels, row by row.
    pub panels: Vec<Panel>,
    /// The replicates per simulated setting, when known.
    pub replicates: Option<u64>,
    /// The seed of the simulations, when known.
    pub seed: Option<u64>,
    /// The command that draws this figure again.
    pub command: String,
    /// Groups of panels (indices) that compare one quantity and so share one
    /// vertical scale.
    pub shared_y: Vec<Vec<usize>>,
}

impl Figure {
    /// A figure whose caption is `settings` followed by how to read it, the
    /// replication of `mc` and the command that draws it.
    pub fn new(id: TheoremId, title: impl Into<String>, settings: &str, mc: &MonteCarlo, columns: usize, panels: Vec<Panel>) -> Self {
        let command = format!("collapse plot {id} --replicates {} --seed {}", mc.replicates(), mc.seed());
        Figure {
            id: id.to_string(),
            title: title.into(),
            caption: caption(settings, &replication(mc), &command),
            columns,
            panels,
            replicates: Some(mc.replicates()),
            seed: Some(mc.seed()),
            command,
            shared_y: Vec::new(),
        }
    }

    /// The figure with the panels of each group sharing one vertical scale.
    pub fn sharing_y(mut self, groups: &[&[usize]]) -> Self {
        self.shared_y = groups.iter().map(|g| g.to_vec()).collect();
        self
    }

    /// The description every file of the figure carries (SVG `<metadata>`,
    /// PDF document information, PNG text chunks): `Title`, `Description`
    /// (the caption), `Figure` (the id), `Replicates` and `Seed` when known,
    /// `Command`, `Software`.
    pub fn metadata(&self) -> Vec<(&'static str, String)> {
        let mut meta = vec![("Title", self.title.clone()), ("Description", self.caption.clone()), ("Figure", self.id.clone())];
        meta.extend(self.replicates.map(|r| ("Replicates", r.to_string())));
        meta.extend(self.seed.map(|s| ("Seed", s.to_string())));
        meta.push(("Command", self.command.clone()));
        meta.push(("Software", format!("model-collapse {}", env!("CARGO_PKG_VERSION"))));
        meta
    }

    /// The numbers behind the figure, one row per point:
    /// `panel,series,style,x,y,low,high`.
    pub fn to_table(&self) -> Table {
        let mut table = Table::new(&["panel", "series", "style", "x", "y", "low", "high"]);
        for panel in &self.panels {
            for series in &panel.series {
                for p in &series.points {
                    table.push(vec![
                        Cell::Text(panel.title.clone()),
                        Cell::Text(series.label.clone()),
                        Cell::Text(format!("{:?}", series.style).to_lowercase()),
                        p.x.into(),
                        p.y.into(),
                        p.band.map(|b| b.0).into(),
                        p.band.map(|b| b.1).into(),
                    ]);
                }
            }
        }
        table
    }
}

/// A theorem's figure: how many replicates it simulates by default, and the
/// function that computes it.
#[derive(Debug, Clone, Copy)]
pub struct FigureSpec {
    /// Replicates per simulated setting unless `--replicates` says otherwise.
    pub replicates: u64,
    /// Computes the figure with the given replication.
    pub build: fn(&MonteCarlo) -> Result<Figure>,
}

/// A figure's caption: its settings, how to read it, its replication and its command.
pub fn caption(settings: &str, replication: &str, command: &str) -> String {
    format!(
        "{settings}. Lines: closed forms; dotted: bounds, limits and references; markers with bands (or bars): Monte Carlo \
         mean +- 2 SE ({replication}). Command: {command}"
    )
}

/// `R replicates, seed S`, for captions.
pub fn replication(mc: &MonteCarlo) -> String {
    format!("{} replicates, seed {}", mc.replicates(), mc.seed())
}

/// Generations `1..=n` as abscissae.
pub fn generations(n: u64) -> impl Iterator<Item = f64> {
    (1..=n).map(|g| g as f64)
}

/// The generations of a model as abscissae.
pub fn abscissae<M: Model>(model: &M) -> impl Iterator<Item = f64> + use<M> {
    model.generations().map(|g| g as f64)
}

/// A closed form as a line over every generation: solid when exact or
/// numerical; dotted and labelled a large-`T` reference when it is only a
/// limit. Fails when the setting has no closed form.
pub fn closed_form_line<M: Model>(model: &M, metric: M::Metric, label: &str, key: usize) -> Result<Series> {
    let curve = model.closed_form(metric).into_curve()?;
    Ok(match curve.is_asymptotic() {
        true => Series::bound(format!("{label}, large-T reference"), key, abscissae(model), curve.values),
        false => Series::theory(label, key, abscissae(model), curve.values),
    })
}

/// The Monte Carlo means of `metric` at every generation, with their bands.
pub fn simulated<M: Model>(run: &Run<M>, metric: M::Metric, label: &str, key: usize) -> Series {
    Series::simulation(label, key, abscissae(&run.model), &run.summaries_of(metric))
}

/// [`closed_form_line`] and [`simulated`] of one metric.
pub fn both<M: Model>(run: &Run<M>, metric: M::Metric, label: &str, key: usize) -> Result<Vec<Series>> {
    Ok(vec![closed_form_line(&run.model, metric, label, key)?, simulated(run, metric, label, key)])
}

/// The values of a closed form, or the reason there are none.
pub fn values(closed_form: ClosedForm) -> Result<Vec<f64>> {
    Ok(closed_form.into_curve()?.values)
}
