//! Every registered figure renders: a drawing whose text carries the figure's
//! title, panel titles and axis labels, and whose legend labels sit under
//! their own panel; an SVG whose glyphs are paths, a PDF that an independent
//! reader opens, and a PNG of the expected size that is not blank, each
//! carrying the figure's description; the numbers behind it come out as CSV.

use model_collapse::catalog::{figures, find};
use model_collapse::figure::{Figure, Style};
use model_collapse::mc::MonteCarlo;
use model_collapse::plot::{PNG_SCALE, canvas_size, drawing, layout, panel_ranges, title_fits};
use model_collapse::render::{Rendered, render};
use std::path::PathBuf;

/// Few replicates: these tests check the drawing, not the statistics.
const REPLICATES: u64 = 24;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("model-collapse-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Text as plotters writes it into SVG (XML-escaped; quotes as entities).
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&apos;")
}

fn build(id: &str) -> Figure {
    let spec = find(id).unwrap().figure;
    (spec.build)(&MonteCarlo::new(REPLICATES, 5, None).unwrap()).unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// The drawing (before its glyphs become paths) holds every title and label.
fn check_drawing(figure: &Figure, text: &str) {
    let id = &figure.id;
    let mut labels = vec![figure.title.as_str()];
    for p in &figure.panels {
        labels.extend([p.title.as_str(), p.x_label.as_str(), p.y_label.as_str()]);
    }
    for label in labels {
        let plain = text.contains(label) || text.contains(&escaped(label));
        assert!(plain, "{id}: the drawing lacks the text `{label}`");
    }
}

/// The `<text x=".." y="..">label</text>` elements of a drawing: position and text.
fn texts(drawing: &str) -> Vec<(f64, f64, String)> {
    let number = |tag: &str, name: &str| {
        let start = tag.find(&format!(" {name}=\"")).map(|i| i + name.len() + 3)?;
        tag[start..].split('"').next()?.parse::<f64>().ok()
    };
    drawing
        .split("<text")
        .skip(1)
        .filter_map(|rest| {
            let (tag, body) = rest.split_once('>')?;
            Some((number(tag, "x")?, number(tag, "y")?, body.split("</text>").next()?.trim().to_string()))
        })
        .collect()
}

/// Each panel's legend lists that panel's series and nothing else, and its
/// labels are drawn inside the legend's box, right under the panel's chart.
fn check_legends(figure: &Figure, drawing: &str) {
    let id = &figure.id;
    let places = layout(figure);
    assert_eq!(places.len(), figure.panels.len(), "{id}: one place per panel");
    let drawn = texts(drawing);
    for (k, (panel, place)) in figure.panels.iter().zip(&places).enumerate() {
        let mut own: Vec<&str> = Vec::new();
        for s in panel.series.iter().filter(|s| !s.label.is_empty()) {
            if !own.contains(&s.label.as_str()) {
                own.push(&s.label);
            }
        }
        let mut listed: Vec<&str> = place.labels.iter().map(String::as_str).collect();
        listed.dedup();
        assert_eq!(listed, own, "{id}: panel {k}'s legend is not its own series");
        let (cx, cy, cw, ch) = place.chart;
        let (lx, ly, lw, lh) = place.legend;
        assert!(lx == cx && lw == cw && ly == cy + ch, "{id}: panel {k}'s legend is not right under its chart");
        for label in &place.labels {
            let inside = drawn.iter().any(|(x, y, text)| {
                (text == label || *text == escaped(label))
                    && (f64::from(lx)..f64::from(lx + lw)).contains(x)
                    && (f64::from(ly)..f64::from(ly + lh)).contains(y)
            });
            assert!(inside, "{id}: the label `{label}` is not drawn in panel {k}'s legend box {:?}", place.legend);
        }
    }
}

/// Panels that compare one quantity share one vertical scale: the same
/// label, the same kind of axis and the same range.
fn check_shared_scales(figure: &Figure) {
    let id = &figure.id;
    for group in &figure.shared_y {
        let first = &figure.panels[group[0]];
        for &k in group {
            let panel = &figure.panels[k];
            assert!(panel.y_label == first.y_label && panel.y_log == first.y_log, "{id}: panel {k} shares a scale but not a quantity");
            assert_eq!(panel_ranges(figure, k).1, panel_ranges(figure, group[0]).1, "{id}: panel {k}'s vertical range");
        }
    }
}

/// The SVG: the figure's size, every glyph a path, the description in `<title>`, `<desc>` and `<metadata>`.
fn check_svg(figure: &Figure, text: &str) {
    let id = &figure.id;
    assert!(text.trim_start().starts_with("<svg") && text.trim_end().ends_with("</svg>"), "{id}: not an SVG document");
    let (w, h) = canvas_size(figure, 1);
    assert!(text.contains(&format!("width=\"{w}\"")) && text.contains(&format!("height=\"{h}\"")), "{id}: SVG size");
    assert!(!text.contains("<text") && !text.contains("font-family"), "{id}: the SVG still needs a font");
    assert!(text.contains(&format!("<title>{}</title>", xml(&figure.title))), "{id}: the SVG's title");
    assert!(text.contains(&format!("<desc>{}</desc>", xml(&figure.caption))), "{id}: the SVG's caption");
    assert!(text.contains("<metadata id=\"model-collapse\">") && text.contains(&xml(&figure.command)), "{id}: the SVG's metadata");
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The PDF opens in an independent reader (lopdf): one page the figure's size
/// in points, and the description in its document information.
fn check_pdf(figure: &Figure, pdf: &[u8]) {
    let id = &figure.id;
    assert!(pdf.starts_with(b"%PDF-") && pdf.trim_ascii_end().ends_with(b"%%EOF"), "{id}: not a PDF file");
    let document = lopdf::Document::load_mem(pdf).unwrap_or_else(|e| panic!("{id}: the PDF does not read: {e}"));
    let pages = document.get_pages();
    assert_eq!(pages.len(), 1, "{id}: one page");
    let page = document.get_dictionary(pages[&1]).unwrap();
    let media: Vec<f64> = page.get(b"MediaBox").unwrap().as_array().unwrap().iter().map(|v| v.as_float().unwrap() as f64).collect();
    let (w, h) = canvas_size(figure, 1);
    assert_eq!(media, vec![0.0, 0.0, f64::from(w), f64::from(h)], "{id}: the page's size");
    let info = document.trailer.get(b"Info").and_then(|r| document.dereference(r)).unwrap().1.as_dict().unwrap().clone();
    let text = |key: &[u8]| lopdf::decode_text_string(info.get(key).unwrap()).unwrap();
    assert_eq!(text(b"Title"), figure.title, "{id}: the PDF's title");
    assert_eq!(text(b"Subject"), figure.caption, "{id}: the PDF's subject (the caption)");
    assert_eq!(text(b"Creator"), figure.command, "{id}: the PDF's creator (the command)");
    assert!(text(b"Keywords").contains(&format!("Figure: {id}")), "{id}: the PDF's keywords");
}

fn check_png(figure: &Figure, bytes: &[u8]) {
    let id = &figure.id;
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), canvas_size(figure, PNG_SCALE), "{id}: PNG size");
    let chunks: Vec<(String, String)> = reader.info().utf8_text.iter().map(|c| (c.keyword.clone(), c.get_text().unwrap())).collect();
    for (key, value) in figure.metadata() {
        assert!(chunks.contains(&(key.to_string(), value.clone())), "{id}: the PNG lacks its {key}");
    }
    let channels = info.line_size / info.width as usize;
    let pixels = &pixels[..info.buffer_size()];
    let inked = pixels.chunks(channels).filter(|p| p[..3].iter().any(|&c| c < 200)).count();
    let share = inked as f64 / (info.width * info.height) as f64;
    // Axes, text and lines cover a few percent of a figure; a blank or failed
    // rendering is white (share 0), a flooded one near 1.
    assert!((0.01..0.6).contains(&share), "{id}: {:.3} of the PNG's pixels are inked", share);
    let coloured = pixels.chunks(channels).filter(|p| {
        let (max, min) = (p[..3].iter().max().unwrap(), p[..3].iter().min().unwrap());
        max - min > 60
    });
    assert!(coloured.count() > 100, "{id}: the PNG has no coloured series");
}

#[test]
fn every_figure_renders_to_svg_pdf_and_png() {
    for (id, _) in figures() {
        let figure = build(id.as_str());
        assert_eq!(figure.id, id.as_str());
        if id.as_str() == "linear-accumulate" {
            assert_eq!(figure.shared_y, vec![vec![0, 1, 2]], "replace, subsample and accumulate are compared on one scale");
        }
        assert!(!figure.panels.is_empty() && figure.panels.iter().all(|p| !p.series.is_empty()), "{id}: an empty panel");
        assert!(figure.caption.contains(&figure.command), "{id}: the caption lacks its command");
        assert!(figure.caption.contains(&format!("{REPLICATES} replicates, seed 5")), "{id}: the caption lacks its replication");
        assert!(figure.title.starts_with(id.as_str()), "{id}: the title `{}` does not name the theorem", figure.title);
        assert!(figure.panels.iter().flat_map(|p| &p.series).any(|s| s.style == Style::Theory), "{id}: no closed form is drawn");
        assert!(title_fits(&figure).unwrap(), "{id}: the title `{}` is clipped even at the smallest size", figure.title);
        let drawn = drawing(&figure).unwrap();
        check_drawing(&figure, &drawn);
        check_shared_scales(&figure);
        check_legends(&figure, &drawn);
        let Rendered { svg, pdf, png } = render(&figure).unwrap();
        check_svg(&figure, &svg);
        check_pdf(&figure, &pdf);
        check_png(&figure, &png);
        let rows: usize = figure.panels.iter().flat_map(|p| &p.series).map(|s| s.points.len()).sum();
        assert_eq!(figure.to_table().to_csv().lines().count(), rows + 1, "{id}: CSV rows");
    }
}

#[test]
fn the_same_seed_draws_the_same_figure() {
    let first = render(&build("categorical-fixation")).unwrap();
    assert_eq!(first, render(&build("categorical-fixation")).unwrap());
}

#[test]
fn cli_writes_figure_and_data_and_rejects_unknown_ids() {
    let dir = temp_dir("cli");
    let data = dir.join("fixation.csv");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_collapse"))
        .args(["plot", "categorical-fixation", "--replicates", "40", "--dir"])
        .arg(&dir)
        .arg("--data-out")
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for ext in ["svg", "pdf", "png"] {
        assert!(dir.join(format!("categorical-fixation.{ext}")).is_file());
    }
    // A folder holding a gallery is replaced only when asked.
    std::fs::write(dir.join("README.md"), "# Figures\n\nEvery figure ...\n").unwrap();
    let again = |extra: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_collapse"));
        command.args(["plot", "categorical-fixation", "--replicates", "40", "--dir"]).arg(&dir).args(extra);
        command.output().unwrap()
    };
    let refused = again(&[]);
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("holds a gallery of figures") && err.contains("--update-gallery"), "{err}");
    assert!(again(&["--update-gallery"]).status.success());
    let csv = std::fs::read_to_string(&data).unwrap();
    assert!(csv.starts_with("panel,series,style,x,y,low,high\n"), "{csv}");
    assert!(csv.contains(",simulation,") && csv.contains(",theory,"), "{csv}");
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_collapse")).args(["plot", "no-such-theorem", "--dir"]).arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: unknown theorem id `no-such-theorem`; known ids: all, "), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn collapse(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_collapse")).args(args).output().unwrap()
}

#[test]
fn a_sweep_becomes_a_figure_in_one_command() {
    let dir = temp_dir("data");
    let grid = dir.join("grid.parquet");
    let (grid_text, dir_text) = (grid.to_str().unwrap(), dir.to_str().unwrap());
    let sweep = ["sweep", "--family", "linear", "--vary", "dim=1,5", "--vary", "regime=replace,accumulate", "--set", "generations=8"];
    let out = collapse(&[&sweep[..], &["--replicates", "60", "-o", grid_text]].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = collapse(&["plot", "--data", grid_text, "--facet", "regime", "--dir", dir_text, "--data-out", &format!("{dir_text}/n.csv")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The figure's numbers are the table's: a theory line and a mean with its band per dim, a panel per regime.
    let numbers = std::fs::read_to_string(dir.join("n.csv")).unwrap();
    assert!(numbers.starts_with("panel,series,style,x,y,low,high\n"), "{numbers}");
    for (panel, series) in [("regime = replace", "dim = 1"), ("regime = accumulate", "dim = 5")] {
        for style in ["theory", "simulation"] {
            let rows = numbers.lines().filter(|l| l.starts_with(&format!("{panel},{series},{style},"))).count();
            assert_eq!(rows, 8, "{panel} {series} {style}: one point per generation\n{numbers}");
        }
    }
    // The panels of one metric share its scale.
    let svg = std::fs::read_to_string(dir.join("grid.svg")).unwrap();
    assert!(svg.contains("<title>test_error by generation, from "), "the figure's title");
    let pdf = std::fs::read(dir.join("grid.pdf")).unwrap();
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let info = document.trailer.get(b"Info").and_then(|r| document.dereference(r)).unwrap().1.as_dict().unwrap().clone();
    let creator = lopdf::decode_text_string(info.get(b"Creator").unwrap()).unwrap();
    assert_eq!(creator, format!("collapse plot --data {grid_text} --facet regime"));
    let subject = lopdf::decode_text_string(info.get(b"Subject").unwrap()).unwrap();
    assert!(subject.contains("(sweep of 4 cells of simulate linear, seed 1, 60 replicates)"), "{subject}");
    // Clear errors: an unknown facet, too many series, a file that is not a table of results.
    let refused = |args: &[&str], says: &str| {
        let out = collapse(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    };
    refused(&["plot", "--data", grid_text, "--facet", "sigma2", "--dir", dir_text], "--facet = sigma2: is not a column of");
    refused(&["plot", "--data", grid_text, "--where", "dim", "--dir", dir_text], "--where = dim: must be NAME=VALUE");
    refused(&["plot", "linear-replace", "--data", grid_text], "cannot be used with");
    let numbers_path = dir.join("n.csv");
    refused(&["plot", "--data", numbers_path.to_str().unwrap(), "--dir", dir_text], "a figure needs generation and theory or mean");
    let wide = dir.join("wide.csv");
    let many = ["sweep", "--family", "gaussian", "--command", "theory", "--vary", "samples=5,6,7,8,9,10,11", "--set", "generations=3"];
    assert!(collapse(&[&many[..], &["-o", wide.to_str().unwrap()]].concat()).status.success());
    refused(&["plot", "--data", wide.to_str().unwrap(), "--metric", "variance_ratio", "--dir", dir_text], "gives 7 series per panel");
    refused(&["plot", "--data", wide.to_str().unwrap(), "--dir", dir_text], "mixes the metrics");
    std::fs::remove_dir_all(&dir).unwrap();
}
