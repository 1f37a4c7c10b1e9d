//! Every registered figure renders: a valid SVG whose text carries the
//! figure's title, panel titles and axis labels, and a PNG of the expected
//! size that is not blank; the numbers behind it come out as CSV.

use model_collapse::catalog::{figures, find};
use model_collapse::figure::{Figure, Style};
use model_collapse::mc::MonteCarlo;
use model_collapse::plot::{PNG_SCALE, canvas_size, svg, title_fits, write_png, write_svg};
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

fn check_svg(figure: &Figure, text: &str) {
    let id = figure.id;
    assert!(text.trim_start().starts_with("<svg") && text.trim_end().ends_with("</svg>"), "{id}: not an SVG document");
    let (w, h) = canvas_size(figure, 1);
    assert!(text.contains(&format!("width=\"{w}\"")) && text.contains(&format!("height=\"{h}\"")), "{id}: SVG size");
    let mut labels = vec![figure.title.as_str()];
    for p in &figure.panels {
        labels.extend([p.title.as_str(), p.x_label.as_str(), p.y_label.as_str()]);
    }
    for label in labels {
        let plain = text.contains(label) || text.contains(&escaped(label));
        assert!(plain, "{id}: the SVG lacks the text `{label}`");
    }
}

fn check_png(figure: &Figure, path: &std::path::Path) {
    let id = figure.id;
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), canvas_size(figure, PNG_SCALE), "{id}: PNG size");
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
fn every_figure_renders_to_svg_and_png() {
    let dir = temp_dir("figures");
    for (id, _) in figures() {
        let figure = build(id.as_str());
        assert_eq!(figure.id, id);
        assert!(!figure.panels.is_empty() && figure.panels.iter().all(|p| !p.series.is_empty()), "{id}: an empty panel");
        assert!(figure.caption.contains(&format!("collapse plot {id}")), "{id}: the caption lacks its command");
        assert!(figure.caption.contains(&format!("{REPLICATES} replicates, seed 5")), "{id}: the caption lacks its replication");
        assert!(figure.title.starts_with(id.as_str()), "{id}: the title `{}` does not name the theorem", figure.title);
        assert!(figure.panels.iter().flat_map(|p| &p.series).any(|s| s.style == Style::Theory), "{id}: no closed form is drawn");
        assert!(title_fits(&figure).unwrap(), "{id}: the title `{}` is clipped even at the smallest size", figure.title);
        let svg_path = dir.join(format!("{id}.svg"));
        let png_path = dir.join(format!("{id}.png"));
        write_svg(&figure, &svg_path).unwrap();
        write_png(&figure, &png_path).unwrap();
        check_svg(&figure, &std::fs::read_to_string(&svg_path).unwrap());
        check_png(&figure, &png_path);
        let rows: usize = figure.panels.iter().flat_map(|p| &p.series).map(|s| s.points.len()).sum();
        assert_eq!(figure.to_table().to_csv().lines().count(), rows + 1, "{id}: CSV rows");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_same_seed_draws_the_same_figure() {
    let first = svg(&build("categorical-fixation")).unwrap();
    assert_eq!(first, svg(&build("categorical-fixation")).unwrap());
}

#[test]
fn cli_writes_figure_and_data_and_rejects_unknown_ids() {
    let dir = temp_dir("cli");
    let data = dir.join("fixation.csv");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_collapse"))
        .args(["plot", "categorical-fixation", "--replicates", "40", "--dir"])
        .arg(&dir)
        .arg("--data")
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for ext in ["svg", "png"] {
        assert!(dir.join(format!("categorical-fixation.{ext}")).is_file());
    }
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
