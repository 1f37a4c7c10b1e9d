//! `collapse plot`: the figures, theory over simulation, as SVG, PDF and PNG.

use super::tables::{PARQUET_KEY, Reply, check_target, print_out, progress_bar};
use super::{budget, monte_carlo};
use crate::budget::{Cost, Culprit, OPERATIONS_PER_SECOND};
use crate::catalog;
use crate::data_figure::{self, DataPlot};
use crate::error::{Error, Result};
use crate::figure::{Figure, FigureSpec};
use crate::frame::read_table;
use crate::model::TheoremId;
use crate::output::{Cell, Table, Writer, write_atomically};
use crate::render::write_files;
use clap::Args;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The arguments of `collapse plot`.
#[derive(Args)]
pub(crate) struct PlotArgs {
    /// A theorem id (see `collapse list`), or `all` for every figure and the gallery
    /// <DIR>/README.md; or none, with --data
    #[arg(required_unless_present = "data")]
    id: Option<String>,
    /// Draw a table instead of a theorem: the output of `collapse sweep`, `simulate`, `theory` or
    /// `check` (CSV or Parquet). The theory column is drawn as lines, the mean column as markers
    /// with a band of two standard errors, one series per setting of the parameters that vary,
    /// into <DIR>/<FILE's name>.svg, .pdf and .png
    #[arg(long, value_name = "FILE", conflicts_with = "id")]
    data: Option<PathBuf>,
    /// With --data: the metric to draw, when the table has several
    #[arg(long, requires = "data")]
    metric: Option<String>,
    /// With --data: one panel per value of this parameter (a column, e.g. regime)
    #[arg(long, value_name = "PARAMETER", requires = "data")]
    facet: Option<String>,
    /// With --data: only the rows where the column NAME holds VALUE (repeatable, or several
    /// separated by commas), e.g. to draw one sigma of a sweep
    #[arg(long = "where", value_name = "NAME=VALUE", requires = "data", value_delimiter = ',')]
    filters: Vec<String>,
    /// With --data: a logarithmic vertical axis
    #[arg(long, requires = "data")]
    log_y: bool,
    /// Where the figures go: <DIR>/<id>.svg, <DIR>/<id>.pdf and <DIR>/<id>.png. A folder that
    /// holds a gallery (plots/, with the README.md that `plot all` writes) is refused unless
    /// --update-gallery says to replace its figures
    #[arg(long, default_value = "figures", value_name = "DIR")]
    dir: PathBuf,
    /// Replace the figures of the gallery in --dir (to regenerate the committed plots/:
    /// `collapse plot all --dir plots --update-gallery`)
    #[arg(long)]
    update_gallery: bool,
    /// Also write the numbers behind the figure (panel,series,style,x,y,low,high): a CSV file
    /// for one figure, a directory of <id>.csv files for `all`
    #[arg(long, value_name = "PATH")]
    data_out: Option<PathBuf>,
    /// Replicates per simulated setting (default: each figure's own, see the captions)
    #[arg(long)]
    replicates: Option<u64>,
    /// Seed; replicate r draws from ChaCha8(seed) on stream r
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Worker threads (default: all cores); the figures are identical for any number
    #[arg(long)]
    threads: Option<usize>,
}

/// `collapse plot ID|all`: prints the files written, one per line.
pub(crate) fn plot(args: &PlotArgs) -> Result<ExitCode> {
    let (drawn, gallery) = draw_all(args)?;
    let files = drawn.iter().flat_map(|d| &d.files).chain(&gallery);
    print_out(&files.map(|f| format!("{}\n", f.display())).collect::<String>())?;
    Ok(ExitCode::SUCCESS)
}

/// `collapse plot`'s figures as a table, for the Python package: the numbers
/// behind each figure (`id`, then `panel,series,style,x,y,low,high`), and in
/// the description each figure's title, caption and files.
pub(crate) fn plot_reply(args: &PlotArgs) -> Result<Reply> {
    let (drawn, gallery) = draw_all(args)?;
    let mut table = Table::new(&["id", "panel", "series", "style", "x", "y", "low", "high"]);
    let mut figures = Vec::new();
    for d in &drawn {
        for row in d.figure.to_table().rows {
            table.push(std::iter::once(Cell::from(d.figure.id.as_str())).chain(row).collect());
        }
        let files: Vec<String> = d.files.iter().map(|f| f.display().to_string()).collect();
        figures.push(json!({"id": d.figure.id.as_str(), "title": d.figure.title, "caption": d.figure.caption, "files": files}));
    }
    let mut meta = Map::new();
    meta.insert("figures".into(), figures.into());
    meta.insert("gallery".into(), gallery.map(|g| g.display().to_string()).into());
    Ok(Reply::new(table, meta, &[], None, 0))
}

/// A figure and the files it was written to.
struct Drawn {
    figure: Figure,
    files: Vec<PathBuf>,
}

/// Draws the figures `args` asks for and writes their files (and, for
/// `all`, the gallery, whose path comes back too).
fn draw_all(args: &PlotArgs) -> Result<(Vec<Drawn>, Option<PathBuf>)> {
    if let Some(data) = &args.data {
        check_gallery(&args.dir, args.update_gallery)?;
        check_target("data_out", args.data_out.as_deref())?;
        let figure = data_figure(data, args)?;
        std::fs::create_dir_all(&args.dir).map_err(|e| Error::io("create", args.dir.display(), e).for_parameter("dir"))?;
        return Ok((vec![write_figure(figure, args, args.data_out.clone())?], None));
    }
    let specs = match args.id.as_deref().unwrap_or("all") {
        "all" => catalog::figures(),
        id => {
            let entry = catalog::find(id).map_err(|_| Error::UnknownTheorem { id: id.into(), known: catalog::known(&["all"]) })?;
            vec![(entry.theorem.id, entry.figure)]
        }
    };
    check_budget(&specs, args)?;
    check_gallery(&args.dir, args.update_gallery)?;
    std::fs::create_dir_all(&args.dir).map_err(|e| Error::io("create", args.dir.display(), e).for_parameter("dir"))?;
    match (&args.data_out, specs.len() > 1) {
        (Some(out), true) => std::fs::create_dir_all(out).map_err(|e| Error::io("create", out.display(), e).for_parameter("data_out"))?,
        (Some(out), false) => check_target("data_out", Some(out))?,
        (None, _) => {}
    }
    let progress = progress_bar(specs.len() as u64, "figures");
    let mut drawn = Vec::new();
    for (id, spec) in &specs {
        progress.set_message(id.as_str());
        drawn.push(draw(*id, spec, args)?);
        progress.inc(1);
    }
    progress.finish_and_clear();
    if specs.len() == 1 {
        return Ok((drawn, None));
    }
    let readme = args.dir.join("README.md");
    let figures: Vec<&Figure> = drawn.iter().map(|d| &d.figure).collect();
    write_atomically(&readme, &gallery(&figures)).map_err(|e| e.for_parameter("dir"))?;
    Ok((drawn, Some(readme)))
}

/// The first line of a gallery's README.md, which `plot all` writes.
const GALLERY_HEADING: &str = "# Figures\n";

/// Refuses to write into a gallery (a folder whose README.md `plot all`
/// wrote) unless asked to update it: its figures are committed, and another
/// seed or setting would silently replace them.
fn check_gallery(dir: &Path, update: bool) -> Result<()> {
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap_or_default();
    if update || !readme.starts_with(GALLERY_HEADING) {
        return Ok(());
    }
    let rule = "holds a gallery of figures (its README.md was written by `collapse plot all`); write elsewhere with \
                --dir DIR, or replace its figures with --update-gallery";
    Err(Error::invalid("dir", dir.display(), rule))
}

/// Seconds of work of one figure at its default replicates, on one core: every
/// figure draws in under a second on this machine's two cores (`collapse plot
/// all`: 26 figures in about 5 s).
const SECONDS_PER_FIGURE: f64 = 2.0;

/// Memory of one figure at its default replicates (the largest keeps about
/// 20 MB of values for its sample medians).
const BYTES_PER_FIGURE: f64 = 5e7;

/// Refuses what the budget does not allow: fewer than two replicates (a band
/// needs a standard error), or more time or memory than the limits, both in
/// proportion to the replicates asked for.
fn check_budget(specs: &[(TheoremId, FigureSpec)], args: &PlotArgs) -> Result<()> {
    if let Some(r) = args.replicates.filter(|&r| r < 2) {
        return Err(Error::invalid("replicates", r, "a figure's band needs a standard error: at least 2 replicates"));
    }
    let ratio = |spec: &FigureSpec| args.replicates.map_or(1.0, |r| r as f64 / spec.replicates as f64);
    let work = specs.iter().map(|(_, s)| ratio(s) * SECONDS_PER_FIGURE * OPERATIONS_PER_SECOND).sum();
    let memory = specs.iter().map(|(_, s)| ratio(s) * BYTES_PER_FIGURE).fold(0.0, f64::max);
    let limits = &budget().limits;
    let threads = args.threads.unwrap_or(limits.cores);
    let replicates = args.replicates.unwrap_or(specs.first().map_or(1, |(_, s)| s.replicates));
    limits.check(Cost::new(memory, work), threads, &Culprit::new("replicates", replicates as f64, 4000.0)).map(|_| ())
}

/// Computes one theorem's figure and writes its files.
fn draw(id: TheoremId, spec: &FigureSpec, args: &PlotArgs) -> Result<Drawn> {
    let mc = monte_carlo(args.replicates.unwrap_or(spec.replicates), args.seed, args.threads)?;
    let numbers = args.data_out.as_ref().map(|out| if specs_are_all(args) { out.join(format!("{id}.csv")) } else { out.clone() });
    write_figure((spec.build)(&mc)?, args, numbers)
}

/// Whether the command draws every figure.
fn specs_are_all(args: &PlotArgs) -> bool {
    args.data.is_none() && args.id.as_deref().unwrap_or("all") == "all"
}

/// The figure of a table (`--data`).
fn data_figure(data: &Path, args: &PlotArgs) -> Result<Figure> {
    let (table, meta) = read_table(data, "data")?;
    let described = meta.iter().find(|(k, _)| k == PARQUET_KEY).and_then(|(_, v)| serde_json::from_str::<Value>(v).ok());
    let filters = args
        .filters
        .iter()
        .map(|f| {
            f.split_once('=')
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| Error::invalid("where", f, "must be NAME=VALUE, a column and one of its values"))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut command = format!("collapse plot --data {}", data.display());
    for (flag, value) in [("--metric", &args.metric), ("--facet", &args.facet)] {
        if let Some(v) = value {
            command += &format!(" {flag} {v}");
        }
    }
    for f in &args.filters {
        command += &format!(" --where {f}");
    }
    if args.log_y {
        command += " --log-y";
    }
    let plot = DataPlot {
        file: data.display().to_string(),
        id: data.file_stem().map_or("data".into(), |s| s.to_string_lossy().into_owned()),
        metric: args.metric.clone(),
        facet: args.facet.clone(),
        filters,
        log_y: args.log_y,
        command,
    };
    data_figure::figure(&table, described.as_ref().and_then(Value::as_object), &plot)
}

/// Writes a figure's files together: SVG, PDF, PNG and, when asked, its numbers.
fn write_figure(figure: Figure, args: &PlotArgs, numbers: Option<PathBuf>) -> Result<Drawn> {
    let path = |ext: &str| args.dir.join(format!("{}.{ext}", figure.id));
    let (svg, pdf, png) = (path("svg"), path("pdf"), path("png"));
    let csv = figure.to_table().to_csv();
    let more: Vec<(&Path, Writer<'_>)> = match &numbers {
        Some(file) => vec![(file.as_path(), Box::new(|p: &Path| std::fs::write(p, csv.as_bytes())))],
        None => Vec::new(),
    };
    write_files(&figure, [&svg, &pdf, &png], more).map_err(|e| match &e {
        Error::Io { path, .. } if numbers.as_ref().is_some_and(|d| d.display().to_string() == *path) => e.for_parameter("data_out"),
        _ => e.for_parameter("dir"),
    })?;
    Ok(Drawn { figure, files: [svg, pdf, png].into_iter().chain(numbers).collect() })
}

/// `plots/README.md`: every figure embedded, with its caption and command.
fn gallery(figures: &[&Figure]) -> String {
    let mut text = String::from(GALLERY_HEADING);
    text.push_str(
        "\nEvery figure draws a theorem's closed form as a line over the Monte Carlo mean (markers) and its band of \
         two standard errors, with the bound where one exists. Each is named by its theorem id; the proof is \
         `proofs/<id>.md`. SVG (text as paths) and PDF for papers, PNG for slides; each file carries the caption, \
         the seed and the command in its metadata. Regenerate them all with `collapse plot all --dir plots \
         --update-gallery` (`cargo run --release -- plot all --dir plots --update-gallery`); `--data-out DIR` also \
         writes the numbers behind each figure as CSV.\n\
         This file is generated by that command.\n",
    );
    for f in figures {
        let link = Path::new(f.id.as_str());
        text.push_str(&format!(
            "\n## {id}\n\n![{title}]({png})\n\n{caption}. [SVG]({svg}), [PDF]({pdf}), [proof](../proofs/{id}.md).\n",
            id = f.id,
            title = f.title,
            png = link.with_extension("png").display(),
            svg = link.with_extension("svg").display(),
            pdf = link.with_extension("pdf").display(),
            caption = f.caption,
        ));
    }
    text
}
