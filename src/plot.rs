//! Draws a [`Figure`] with `plotters`: one SVG drawing, from which
//! [`crate::render`] makes the SVG, PDF and PNG files.
//!
//! Text needs no system font: DejaVu Sans (bundled by the `dejavu` crate, free
//! to redistribute with its notice, kept in `LICENSE-DejaVu-fonts`) is registered once with plotters'
//! pure-Rust `ab_glyph` path. Colours are the Okabe–Ito palette, which stays
//! distinct for colour-blind readers; in greyscale the series stay distinct
//! by their line dashes and marker shapes. Each panel's legend sits in its own
//! band below the panel, so it never covers data. Log axes are snapped to whole
//! decades, so every decade is labelled.

use crate::error::{Error, Result};
use crate::figure::{Figure, Panel, Series, Style};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::sync::OnceLock;

/// Pixels of one panel at scale 1 (SVG); PNG doubles every size.
/// Sized so that a three-panel figure printed 7 inches wide keeps its tick labels above 5.5 pt
/// (two panels: above 8 pt).
pub const PANEL: (u32, u32) = (480, 380);

/// Simulated series with at most this many points get error bars instead of a band.
const SPARSE: usize = 12;

/// The scale of the PNG rendering against the SVG one.
pub const PNG_SCALE: u32 = 2;

const FONT: &str = "sans-serif";

/// Okabe and Ito's colour-blind safe palette (without its yellow, too pale on white).
const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(0, 0, 0),
];

/// Dash and gap of a key's theory line (`None`: solid), so that lines differ in greyscale.
/// Long dashes only: a bound or limit is dotted.
const DASHES: [Option<(u32, u32)>; 6] = [None, Some((12, 5)), Some((6, 4)), Some((24, 6)), Some((12, 12)), Some((30, 4))];

fn colour(key: usize) -> RGBColor {
    PALETTE[key % PALETTE.len()]
}

/// Registers DejaVu Sans for plotters, once per process.
fn fonts() -> Result<()> {
    static REGISTERED: OnceLock<std::result::Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            for (style, bytes) in [(FontStyle::Normal, dejavu::sans::regular()), (FontStyle::Bold, dejavu::sans::bold())] {
                plotters::style::register_font(FONT, style, bytes).map_err(|_| "the bundled DejaVu font is invalid".to_string())?;
            }
            Ok(())
        })
        .clone()
        .map_err(Error::Render)
}

/// Sizes in pixels at a scale.
#[derive(Debug, Clone, Copy)]
struct Scale(u32);

impl Scale {
    fn px(self, v: u32) -> u32 {
        v * self.0
    }

    fn text(self, size: u32) -> TextStyle<'static> {
        (FONT, f64::from(self.px(size))).into_font().color(&BLACK)
    }

    /// Bold text: the style goes in the font tuple (`.style(Bold)` afterwards is ignored).
    fn bold(self, size: u32) -> TextStyle<'static> {
        (FONT, f64::from(self.px(size)), FontStyle::Bold).into_font().color(&BLACK)
    }
}

/// The size in pixels of a figure's SVG (`scale = 1`) or PNG (`scale =` [`PNG_SCALE`]):
/// a title band above a grid of panels, each with its own legend below it.
pub fn canvas_size(figure: &Figure, scale: u32) -> (u32, u32) {
    canvas(figure, Scale(scale))
}

fn canvas(figure: &Figure, scale: Scale) -> (u32, u32) {
    let layout = layout(figure);
    let width = layout.iter().map(|p| p.legend.0 + p.legend.2).max().unwrap_or(PANEL.0);
    let height = layout.iter().map(|p| p.legend.1 + p.legend.3).max().unwrap_or(TITLE + PANEL.1);
    (scale.px(width), scale.px(height))
}

/// The height of the title band, at scale 1.
const TITLE: u32 = 44;

/// The height of one row of a legend, and the margin above and below a legend, at scale 1.
const LEGEND_ROW: u32 = 30;
const LEGEND_PAD: u32 = 8;

/// Where a panel and its legend go, in pixels at scale 1: `(x, y, width, height)`.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelLayout {
    /// The panel's chart: title, axes and plot.
    pub chart: (u32, u32, u32, u32),
    /// The panel's legend, right below its chart and as wide.
    pub legend: (u32, u32, u32, u32),
    /// The legend's columns.
    pub columns: usize,
    /// The legend's labels, in order: one per distinct label and key of the panel's series.
    pub labels: Vec<String>,
}

/// The figure's layout: panels in a grid under the title, each with its own
/// legend under its chart (a legend says what that panel draws and nothing
/// else); the legends of one row of panels are as tall as the tallest.
pub fn layout(figure: &Figure) -> Vec<PanelLayout> {
    let columns = figure.columns.max(1);
    let mut out = Vec::new();
    let mut top = TITLE;
    for row in figure.panels.chunks(columns) {
        let shapes: Vec<(usize, usize)> = row.iter().map(legend_shape).collect();
        let rows = shapes.iter().map(|&(c, n)| n.div_ceil(c) as u32).max().unwrap_or(0);
        let band = if rows == 0 { 0 } else { 2 * LEGEND_PAD + LEGEND_ROW * rows };
        for (k, (panel, (cols, _))) in row.iter().zip(shapes).enumerate() {
            let x = PANEL.0 * k as u32;
            out.push(PanelLayout {
                chart: (x, top, PANEL.0, PANEL.1),
                legend: (x, top + PANEL.1, PANEL.0, band),
                columns: cols,
                labels: legend(panel).iter().map(|e| e.label.to_string()).collect(),
            });
        }
        top += PANEL.1 + band;
    }
    out
}

/// A panel legend's columns and entries: two columns when its longest label
/// fits half the panel's width (a DejaVu Sans character is at most about
/// 0.62 em wide), else one.
fn legend_shape(panel: &Panel) -> (usize, usize) {
    let entries = legend(panel);
    let longest = entries.iter().map(|e| e.label.chars().count()).max().unwrap_or(0) as f64;
    let cell = 16.0 + LEGEND_SAMPLE + 8.0 + longest * 0.62 * LEGEND_TEXT as f64;
    let columns = if 2.0 * cell <= f64::from(PANEL.0) { 2 } else { 1 };
    (columns, entries.len())
}

/// Legend text size and the width of a legend sample, at scale 1.
const LEGEND_TEXT: u32 = 17;
const LEGEND_SAMPLE: f64 = 40.0;

/// The figure as plotters draws it: an SVG document whose text is still text
/// in the bundled font (what [`crate::render::render`] reads). Tests read its labels.
pub fn drawing(figure: &Figure) -> Result<String> {
    fonts()?;
    let scale = Scale(1);
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, canvas(figure, scale)).into_drawing_area();
        draw(&root, figure, scale).map_err(|e| drawing_error(figure, e))?;
        root.present().map_err(|e| drawing_error(figure, e))?;
    }
    Ok(text)
}

fn drawing_error<E: std::error::Error + Send + Sync>(figure: &Figure, e: DrawingAreaErrorKind<E>) -> Error {
    Error::Render(format!("figure {}: {e}", figure.id))
}

type Drawn<DB> = std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, figure: &Figure, scale: Scale) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let (title, _) = root.split_vertically(scale.px(TITLE));
    let (size, _) = title_size(&title, figure, scale)?;
    title.draw_text(&figure.title, &scale.bold(size), (scale.px(12) as i32, scale.px(10) as i32))?;
    let area = |(x, y, w, h): (u32, u32, u32, u32)| root.clone().shrink((scale.px(x), scale.px(y)), (scale.px(w), scale.px(h)));
    for (k, (panel, place)) in figure.panels.iter().zip(layout(figure)).enumerate() {
        draw_panel(&area(place.chart), figure, k, scale)?;
        draw_legend(&area(place.legend), panel, place.columns, scale)?;
    }
    Ok(())
}

/// One legend entry: a label and key with the styles drawn under them (a
/// closed form and its simulation share one entry: line, markers and band).
struct Entry<'a> {
    label: &'a str,
    key: usize,
    line: Option<&'a Series>,
    simulated: bool,
    /// Every simulated series of the entry is drawn with error bars, not a band.
    sparse: bool,
}

/// The title's font size (it shrinks from 22 px to at most 14 px at scale 1 to
/// fit the width) and whether it fits at that size.
fn title_size<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    figure: &Figure,
    scale: Scale,
) -> std::result::Result<(u32, bool), DrawingAreaErrorKind<DB::ErrorType>> {
    let width = area.dim_in_pixel().0.saturating_sub(scale.px(24));
    let fits = |size: u32| area.estimate_text_size(&figure.title, &scale.bold(size)).map(|(w, _)| w <= width);
    let mut size = 22;
    while size > 14 && !fits(size)? {
        size -= 1;
    }
    Ok((size, fits(size)?))
}

/// Whether the figure's title fits its width at the smallest title size
/// (a longer title would be clipped).
pub fn title_fits(figure: &Figure) -> Result<bool> {
    fonts()?;
    let mut text = String::new();
    let root = SVGBackend::with_string(&mut text, canvas(figure, Scale(1))).into_drawing_area();
    title_size(&root, figure, Scale(1)).map(|(_, fits)| fits).map_err(|e| drawing_error(figure, e))
}

/// The entries of a panel's legend, one per distinct (label, key), in order of appearance.
fn legend(panel: &Panel) -> Vec<Entry<'_>> {
    let mut entries: Vec<Entry> = Vec::new();
    for s in panel.series.iter().filter(|s| !s.label.is_empty()) {
        let i = match entries.iter().position(|e| e.label == s.label && e.key == s.key) {
            Some(i) => i,
            None => {
                entries.push(Entry { label: &s.label, key: s.key, line: None, simulated: false, sparse: true });
                entries.len() - 1
            }
        };
        match s.style {
            Style::Simulation => {
                entries[i].simulated = true;
                entries[i].sparse &= s.points.len() <= SPARSE;
            }
            _ => entries[i].line = entries[i].line.or(Some(s)),
        }
    }
    entries
}

fn draw_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel, columns: usize, scale: Scale) -> Drawn<DB> {
    let (width, _) = area.dim_in_pixel();
    let cell = width / columns as u32;
    for (i, entry) in legend(panel).into_iter().enumerate() {
        let x = (cell * (i % columns) as u32 + scale.px(16)) as i32;
        let y = (scale.px(LEGEND_PAD) + scale.px(LEGEND_ROW) * (i / columns) as u32) as i32;
        let mid = y + scale.px(10) as i32;
        let (h, w) = (scale.px(7) as i32, scale.px(LEGEND_SAMPLE as u32) as i32);
        if entry.simulated && entry.sparse {
            let bar = [(x + w / 2, mid - h - scale.px(2) as i32), (x + w / 2, mid + h + scale.px(2) as i32)];
            area.draw(&PathElement::new(bar, colour(entry.key).stroke_width(scale.px(2))))?;
        } else if entry.simulated {
            area.draw(&Rectangle::new([(x, mid - h), (x + w, mid + h)], colour(entry.key).mix(0.2).filled()))?;
        }
        if let Some(series) = entry.line {
            for segment in dashed(&[(x, mid), (x + w, mid)], line_dash(series), scale) {
                area.draw(&PathElement::new(segment, line_style(series, scale)))?;
            }
        }
        if entry.simulated {
            draw_marker(area, (x + w / 2, mid), entry.key, scale)?;
        }
        area.draw_text(entry.label, &scale.text(LEGEND_TEXT), (x + w + scale.px(8) as i32, y + scale.px(1) as i32))?;
    }
    Ok(())
}

fn line_style(series: &Series, scale: Scale) -> ShapeStyle {
    let c = colour(series.key);
    match series.style {
        Style::Theory => c.stroke_width(scale.px(2)),
        Style::Bound => c.stroke_width(scale.px(2)),
        Style::Thin => c.mix(0.35).stroke_width(scale.px(1)),
        Style::Simulation => c.stroke_width(scale.px(1)),
    }
}

/// The dash pattern of a series' line: theory lines by key, bounds dotted.
fn line_dash(series: &Series) -> Option<(u32, u32)> {
    match series.style {
        Style::Theory => DASHES[series.key % DASHES.len()],
        Style::Bound => Some((2, 5)),
        Style::Thin | Style::Simulation => None,
    }
}

/// Splits a polyline (backend pixels) into its dashes; `None` keeps it whole.
fn dashed(points: &[(i32, i32)], dash: Option<(u32, u32)>, scale: Scale) -> Vec<Vec<(i32, i32)>> {
    let Some((on, off)) = dash else { return vec![points.to_vec()] };
    let (on, period) = (f64::from(scale.px(on)), f64::from(scale.px(on + off)));
    let mut out = Vec::new();
    let mut travelled = 0.0;
    for w in points.windows(2) {
        let (a, b) = ((f64::from(w[0].0), f64::from(w[0].1)), (f64::from(w[1].0), f64::from(w[1].1)));
        let length = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let mut s = 0.0;
        while s < length {
            let phase = (travelled + s) % period;
            let step = if phase < on { on - phase } else { period - phase }.min(length - s);
            if phase < on {
                let at = |t: f64| ((a.0 + (b.0 - a.0) * t / length) as i32, (a.1 + (b.1 - a.1) * t / length) as i32);
                out.push(vec![at(s), at(s + step)]);
            }
            s += step.max(1e-9);
        }
        travelled += length;
    }
    out
}

fn draw_marker<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, at: (i32, i32), key: usize, scale: Scale) -> Drawn<DB> {
    let c = colour(key);
    let r = scale.px(4) as i32;
    let hollow = c.stroke_width(scale.px(2));
    let square = [(at.0 - r, at.1 - r), (at.0 + r, at.1 + r)];
    match key % 6 {
        0 => area.draw(&Circle::new(at, r, c.filled())),
        1 => area.draw(&TriangleMarker::new(at, r + 1, c.filled())),
        2 => area.draw(&Rectangle::new(square, c.filled())),
        3 => area.draw(&Cross::new(at, r + 1, hollow)),
        4 => area.draw(&Circle::new(at, r, hollow)),
        _ => area.draw(&Rectangle::new(square, hollow)),
    }
}

/// The range of an axis over every point and band, padded; log axes snapped to decades.
fn range(values: impl Iterator<Item = f64>, log: bool) -> (f64, f64) {
    let (mut lo, mut hi) =
        values.filter(|v| v.is_finite() && (!log || *v > 0.0)).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if !lo.is_finite() {
        return if log { (0.1, 10.0) } else { (0.0, 1.0) };
    }
    if log {
        let (a, b) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
        // plotters starts the decade ticks at 10^ceil(log10(lo)), and log10(1e-3) rounds to
        // -2.9999999999999996: a hair below the decade keeps its tick and label.
        let decade = |k: i32| format!("1e{k}").parse::<f64>().unwrap_or(f64::NAN);
        return (decade(a) * (1.0 - 1e-9), decade(if b > a { b } else { a + 1 }));
    }
    if lo >= 0.0 && lo < 0.3 * hi {
        lo = 0.0;
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        (lo, hi) = (lo - 0.5 * lo.abs().max(1.0), hi + 0.5 * hi.abs().max(1.0));
    }
    let pad = 0.05 * (hi - lo);
    (if lo == 0.0 { 0.0 } else { lo - pad }, hi + pad)
}

/// The ranges of panel `k`'s axes: its own points on the horizontal axis;
/// on the vertical one, those of every panel it shares that axis with
/// ([`Figure::shared_y`]), so that compared panels have one scale.
pub fn panel_ranges(figure: &Figure, k: usize) -> ((f64, f64), (f64, f64)) {
    let panel = &figure.panels[k];
    let xs = range(panel.series.iter().flat_map(|s| &s.points).map(|p| p.x), panel.x_log);
    let group = figure.shared_y.iter().find(|g| g.contains(&k)).cloned().unwrap_or_else(|| vec![k]);
    let heights = group.iter().filter_map(|&j| figure.panels.get(j)).flat_map(|p| &p.series).flat_map(|s| &s.points);
    let ys = range(heights.flat_map(|p| [p.y].into_iter().chain(p.band.map(|b| b.0)).chain(p.band.map(|b| b.1))), panel.y_log);
    (xs, ys)
}

/// Tick labels: plain decimals, powers of ten on log axes beyond `1e-3..1e4`.
fn tick(v: &f64) -> String {
    let v = *v;
    if v == 0.0 {
        return "0".into();
    }
    let exponent = v.abs().log10();
    if !(-3.0..=4.0).contains(&exponent) && (exponent - exponent.round()).abs() < 1e-9 {
        return format!("1e{}", exponent.round() as i32);
    }
    let text = format!("{:.4}", v);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-" { format!("{v:.1e}") } else { text.to_string() }
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, figure: &Figure, k: usize, scale: Scale) -> Drawn<DB> {
    let panel = &figure.panels[k];
    let ((x0, x1), (y0, y1)) = panel_ranges(figure, k);
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(&panel.title, scale.text(19))
        .margin(scale.px(10))
        .margin_top(scale.px(16))
        .margin_right(scale.px(18))
        .x_label_area_size(scale.px(54))
        .y_label_area_size(scale.px(72));
    match (panel.x_log, panel.y_log) {
        (false, false) => fill(&mut builder.build_cartesian_2d(x0..x1, y0..y1)?, panel, scale),
        (true, false) => fill(&mut builder.build_cartesian_2d((x0..x1).log_scale(), y0..y1)?, panel, scale),
        (false, true) => fill(&mut builder.build_cartesian_2d(x0..x1, (y0..y1).log_scale())?, panel, scale),
        (true, true) => fill(&mut builder.build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())?, panel, scale),
    }
}

fn fill<DB, X, Y>(chart: &mut ChartContext<DB, Cartesian2d<X, Y>>, panel: &Panel, scale: Scale) -> Drawn<DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    chart
        .configure_mesh()
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_label_formatter(&tick)
        .y_label_formatter(&tick)
        .x_labels(6)
        .y_labels(6)
        .label_style(scale.text(16))
        .axis_desc_style(scale.text(18))
        .bold_line_style(BLACK.mix(0.12))
        .light_line_style(BLACK.mix(0.04))
        .draw()?;
    let visible = |x: f64, y: f64| x.is_finite() && y.is_finite() && (!panel.x_log || x > 0.0) && (!panel.y_log || y > 0.0);
    for series in &panel.series {
        let points: Vec<(f64, f64)> = series.points.iter().filter(|p| visible(p.x, p.y)).map(|p| (p.x, p.y)).collect();
        if series.style == Style::Simulation {
            let bands: Vec<_> = series
                .points
                .iter()
                .filter_map(|p| p.band.map(|b| (p.x, b)))
                .filter(|(x, b)| visible(*x, b.0) && visible(*x, b.1))
                .collect();
            if bands.len() > SPARSE {
                let polygon: Vec<(f64, f64)> =
                    bands.iter().map(|(x, b)| (*x, b.1)).chain(bands.iter().rev().map(|(x, b)| (*x, b.0))).collect();
                chart.draw_series(std::iter::once(Polygon::new(polygon, colour(series.key).mix(0.2).filled())))?;
            } else {
                // A few isolated points: error bars, since a band between them would invent a curve.
                let style = colour(series.key).stroke_width(scale.px(2));
                chart.draw_series(bands.iter().map(|&(x, (lo, hi))| PathElement::new(vec![(x, lo), (x, hi)], style)))?;
            }
            // Markers at least 12 px apart on screen (log axes bunch points at one end).
            let area = chart.plotting_area();
            let (strip, base) = (area.strip_coord_spec(), area.get_base_pixel());
            let mut last: Option<(i32, i32)> = None;
            for p in &points {
                let at = area.map_coordinate(p);
                let far = last.is_none_or(|l| (at.0 - l.0).pow(2) + (at.1 - l.1).pow(2) >= (scale.px(12) as i32).pow(2));
                if far {
                    draw_marker(&strip, (at.0 - base.0, at.1 - base.1), series.key, scale)?;
                    last = Some(at);
                }
            }
        } else {
            let area = chart.plotting_area();
            let base = area.get_base_pixel();
            let pixels: Vec<(i32, i32)> = points.iter().map(|p| area.map_coordinate(p)).map(|(x, y)| (x - base.0, y - base.1)).collect();
            let strip = area.strip_coord_spec();
            for segment in dashed(&pixels, line_dash(series), scale) {
                strip.draw(&PathElement::new(segment, line_style(series, scale)))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_snap_log_axes_to_decades_and_pad_linear_ones() {
        assert_eq!(range([0.02, 3.0].into_iter(), true), (0.01 * (1.0 - 1e-9), 10.0));
        assert_eq!(range([0.0, -1.0, 5.0].into_iter(), true), (1.0 - 1e-9, 10.0));
        let (lo, hi) = range([0.5, 1.0].into_iter(), false);
        assert!(lo < 0.5 && hi > 1.0);
        assert_eq!(range([0.1, 1.0].into_iter(), false).0, 0.0);
    }

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(&0.25), "0.25");
        assert_eq!(tick(&100.0), "100");
        assert_eq!(tick(&1e-6), "1e-6");
        assert_eq!(tick(&0.0), "0");
    }

    #[test]
    fn dashes_cover_part_of_a_line() {
        let segments = dashed(&[(0, 0), (100, 0)], Some((10, 10)), Scale(1));
        assert_eq!(segments.len(), 5);
        assert_eq!(dashed(&[(0, 0), (100, 0)], None, Scale(1)).len(), 1);
    }
}
