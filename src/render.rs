//! A figure's files: the drawing that [`crate::plot`] makes, read once with
//! the bundled font, then written as SVG (every glyph a path), PDF and PNG,
//! each carrying the figure's description ([`Figure::metadata`]). All pure
//! Rust: usvg reads and writes the SVG, svg2pdf makes the PDF, resvg the PNG.

use crate::error::{Error, Result};
use crate::figure::Figure;
use crate::output::{Writer, write_together};
use crate::plot::{PNG_SCALE, drawing};
use resvg::usvg;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// A figure in the three formats, all from one drawing, each carrying the
/// figure's description ([`Figure::metadata`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// SVG with every glyph as a path: it looks the same wherever it is opened.
    pub svg: String,
    /// PDF (one page the figure's size, in points), its text selectable in the embedded font.
    pub pdf: Vec<u8>,
    /// PNG at [`PNG_SCALE`] times the SVG's pixels.
    pub png: Vec<u8>,
}

/// Renders `figure` as SVG, PDF and PNG.
pub fn render(figure: &Figure) -> Result<Rendered> {
    let tree = read_svg(&drawing(figure)?)?;
    let meta = figure.metadata();
    Ok(Rendered { svg: svg_document(&tree, &meta), pdf: pdf_document(&tree, &meta)?, png: png_image(&tree, &meta)? })
}

/// Writes `figure` as SVG, PDF and PNG, and the `more` files beside them (the
/// numbers behind it), all together or none ([`write_together`]).
pub fn write_files<'a>(figure: &'a Figure, paths: [&'a Path; 3], more: Vec<(&'a Path, Writer<'a>)>) -> Result<()> {
    let Rendered { svg, pdf, png } = render(figure)?;
    let [svg_path, pdf_path, png_path] = paths;
    let mut files: Vec<(&Path, Writer<'_>)> = vec![
        (svg_path, Box::new(move |p| std::fs::write(p, svg.as_bytes()))),
        (pdf_path, Box::new(move |p| std::fs::write(p, &pdf))),
        (png_path, Box::new(move |p| std::fs::write(p, &png))),
    ];
    files.extend(more);
    write_together(files)
}

/// The bundled fonts as the SVG reader sees them, `sans-serif` being DejaVu Sans.
fn font_database() -> Arc<usvg::fontdb::Database> {
    static DATABASE: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DATABASE
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(dejavu::sans::regular().to_vec());
            db.load_font_data(dejavu::sans::bold().to_vec());
            db.set_sans_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

/// Reads a drawing, its text laid out in the bundled font.
fn read_svg(drawing: &str) -> Result<usvg::Tree> {
    let options = usvg::Options { fontdb: font_database(), ..usvg::Options::default() };
    usvg::Tree::from_str(drawing, &options).map_err(|e| Error::Render(format!("cannot read the drawing: {e}")))
}

/// Text for XML content.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The SVG document: every glyph a path, and the description as `<title>`
/// (the figure's title), `<desc>` (its caption) and `<metadata>` (all of it, as JSON).
fn svg_document(tree: &usvg::Tree, meta: &[(&str, String)]) -> String {
    // Coordinates to a hundredth of a pixel: finer than any screen or printer shows.
    let body = tree.to_string(&usvg::WriteOptions { coordinates_precision: 2, ..usvg::WriteOptions::default() });
    let field = |key: &str| meta.iter().find(|(k, _)| *k == key).map_or(String::new(), |(_, v)| xml(v));
    let json: serde_json::Map<String, serde_json::Value> = meta.iter().map(|(k, v)| (k.to_string(), v.as_str().into())).collect();
    let head = format!(
        "<title>{}</title><desc>{}</desc><metadata id=\"model-collapse\">{}</metadata>",
        field("Title"),
        field("Description"),
        xml(&serde_json::Value::Object(json).to_string())
    );
    match body.find("<svg").and_then(|start| body[start..].find('>').map(|end| start + end + 1)) {
        Some(at) => format!("{}{head}{}", &body[..at], &body[at..]),
        None => body,
    }
}

/// The PNG image at [`PNG_SCALE`], its description in text chunks (UTF-8).
fn png_image(tree: &usvg::Tree, meta: &[(&str, String)]) -> Result<Vec<u8>> {
    let size = tree.size().to_int_size().scale_by(PNG_SCALE as f32).ok_or_else(|| Error::Render("the figure has no size".into()))?;
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| Error::Render("the figure has no size".into()))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(tree, resvg::tiny_skia::Transform::from_scale(PNG_SCALE as f32, PNG_SCALE as f32), &mut pixmap.as_mut());
    // Opaque on white, so the premultiplied pixels are the straight ones.
    let rgba: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect();
    let mut bytes = Vec::new();
    let failed = |e: png::EncodingError| Error::Render(format!("cannot encode the PNG: {e}"));
    {
        let mut encoder = png::Encoder::new(&mut bytes, size.width(), size.height());
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Best);
        encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        for (key, value) in meta {
            encoder.add_itxt_chunk(key.to_string(), value.clone()).map_err(failed)?;
        }
        let mut writer = encoder.write_header().map_err(failed)?;
        writer.write_image_data(&rgba).map_err(failed)?;
        writer.finish().map_err(failed)?;
    }
    Ok(bytes)
}

/// The PDF document: one page the drawing's size (one pixel is one point),
/// the drawing as a form with its glyphs as paths (like the SVG's, and so
/// that the file is the same bytes every time: the converter writes embedded
/// fonts in no fixed order), and the description in the document
/// information (Title, Subject: the caption, Keywords: the id, seed and
/// replicates, Creator: the command).
fn pdf_document(tree: &usvg::Tree, meta: &[(&str, String)]) -> Result<Vec<u8>> {
    use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, TextStr};
    let options = svg2pdf::ConversionOptions { embed_text: false, ..svg2pdf::ConversionOptions::default() };
    let (chunk, form) = svg2pdf::to_chunk(tree, options).map_err(|e| Error::Render(format!("cannot convert the drawing to PDF: {e}")))?;
    let mut next = Ref::new(1);
    let (catalog, pages, page, content, info) = (next.bump(), next.bump(), next.bump(), next.bump(), next.bump());
    let mut renumbered = std::collections::HashMap::new();
    let chunk = chunk.renumber(|old| *renumbered.entry(old).or_insert_with(|| next.bump()));
    let form = renumbered.get(&form).copied().ok_or_else(|| Error::Render("the converted drawing lost its form".into()))?;
    let (w, h) = (tree.size().width(), tree.size().height());
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, w, h)).parent(pages).contents(content);
    p.resources().x_objects().pair(Name(b"Figure"), form);
    p.finish();
    let mut stream = Content::new();
    stream.transform([w, 0.0, 0.0, h, 0.0, 0.0]).x_object(Name(b"Figure"));
    pdf.stream(content, &stream.finish());
    pdf.extend(&chunk);
    let field = |key: &str| meta.iter().find(|(k, _)| *k == key).map_or("", |(_, v)| v.as_str());
    let mut document = pdf.document_info(info);
    document.title(TextStr(field("Title"))).subject(TextStr(field("Description"))).creator(TextStr(field("Command")));
    document.keywords(TextStr(
        &meta
            .iter()
            .filter(|(k, _)| !["Title", "Description", "Command"].contains(k))
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("; "),
    ));
    document.producer(TextStr(field("Software")));
    document.finish();
    Ok(sorted_resources(pdf.finish()))
}

/// The PDF with the entries of every resource dictionary in name order: the
/// converter writes them in a hash map's order, which changes from run to
/// run. Each entry is one line (`/xo12 30 0 R`) and sorting lines keeps the
/// file's length and every object's offset; streams are left alone (a
/// resource dictionary's opening line, `/XObject <<`, is never in one).
fn sorted_resources(pdf: Vec<u8>) -> Vec<u8> {
    const OPENINGS: [&[u8]; 5] = [b"/XObject <<", b"/ExtGState <<", b"/Pattern <<", b"/Shading <<", b"/Font <<"];
    let entry = |line: &[u8]| {
        let text = line.trim_ascii();
        text.starts_with(b"/") && text.ends_with(b" 0 R") && text.iter().filter(|&&b| b == b' ').count() == 3
    };
    let mut out = Vec::with_capacity(pdf.len());
    let mut lines = pdf.split_inclusive(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        out.extend_from_slice(line);
        if OPENINGS.iter().any(|o| line.trim_ascii() == *o) {
            let mut run: Vec<&[u8]> = Vec::new();
            while let Some(next) = lines.next_if(|l| entry(l) && l.ends_with(b"\n")) {
                run.push(next);
            }
            run.sort();
            run.iter().for_each(|l| out.extend_from_slice(l));
        }
    }
    out
}
