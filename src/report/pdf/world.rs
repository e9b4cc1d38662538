//! The closed typst world a PDF is compiled in: the generated `/main.typ`,
//! the template `/report.typ`, the tier colours `/theme.typ` and the chart
//! SVGs as virtual files, plus the embedded fonts and the standard library.
//! Fonts and library are built once per process and shared by every
//! document; nothing is read from disk.

use std::fmt::Write as _;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

use super::PdfError;
use super::markup::escape;
use crate::report::charts;
use crate::report::data::RiskTier;

/// The typst template, shared by both reports.
const TEMPLATE: &str = include_str!("../fonts/report.typ");

/// The template of the OSHA forms.
const OSHA_TEMPLATE: &str = include_str!("../fonts/osha.typ");

/// The fonts: DejaVu Sans for text, typst's embedded fonts as fallbacks.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let dejavu: [&'static [u8]; 6] = [
        dejavu::sans::regular(),
        dejavu::sans::bold(),
        dejavu::sans::oblique(),
        dejavu::sans::bold_oblique(),
        dejavu::sans_condensed::regular(),
        dejavu::sans_condensed::bold(),
    ];
    let mut fonts: Vec<Font> = dejavu.into_iter().flat_map(|data| Font::iter(Bytes::new(data))).collect();
    fonts.extend(typst_kit::fonts::embedded().map(|(font, _)| font));
    let book = FontBook::from_fonts(&fonts);
    Fonts { book: LazyHash::new(book), fonts }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// A closed world: the generated main file, the template and the charts.
pub(super) struct ReportWorld {
    main: FileId,
    sources: Vec<(FileId, Source)>,
    files: Vec<(FileId, Bytes)>,
}

fn file_id(path: &str) -> Result<FileId, PdfError> {
    let vpath = VirtualPath::new(path).map_err(|e| PdfError::Path(format!("{path}: {e}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl ReportWorld {
    /// The world of one document: `markup` is `/main.typ`, each chart
    /// `(name, svg)` is the file `/name`.
    pub(super) fn new(markup: String, charts: Vec<(String, String)>) -> Result<Self, PdfError> {
        let main = file_id("/main.typ")?;
        let template = file_id("/report.typ")?;
        let theme = file_id("/theme.typ")?;
        let osha = file_id("/osha.typ")?;
        let sources = vec![
            (main, Source::new(main, markup)),
            (template, Source::new(template, TEMPLATE.to_string())),
            (theme, Source::new(theme, theme_markup())),
            (osha, Source::new(osha, OSHA_TEMPLATE.to_string())),
        ];
        let files = charts
            .into_iter()
            .map(|(name, svg)| Ok((file_id(&format!("/{name}"))?, Bytes::from_string(svg))))
            .collect::<Result<Vec<_>, PdfError>>()?;
        Ok(ReportWorld { main, sources, files })
    }
}

/// `/theme.typ`: the tier colours of [`charts::tier_hex`] as a typst
/// dictionary, so that table cells and chart bars share one definition.
fn theme_markup() -> String {
    let mut out = String::from("#let tier-fill = (\n");
    for tier in [RiskTier::High, RiskTier::Elevated, RiskTier::Moderate, RiskTier::Low] {
        let _ = writeln!(out, "  {}: rgb({}),", tier.as_str(), escape(charts::tier_hex(tier)));
    }
    out.push_str(")\n");
    out
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.sources.iter().find(|(i, _)| *i == id).map(|(_, s)| s.clone()).ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some((_, bytes)) = self.files.iter().find(|(i, _)| *i == id) {
            return Ok(bytes.clone());
        }
        self.source(id).map(|s| Bytes::from_string(s.text().to_string()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Diagnostics as text: one line each, with the file and line they point at.
pub(super) fn describe(world: &ReportWorld, diags: &[SourceDiagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let place = d
            .span
            .id()
            .and_then(|id| {
                let source = world.source(id).ok()?;
                let range = world.range(d.span)?;
                let (line, col) = source.lines().byte_to_line_column(range.start)?;
                Some(format!(" at {}:{}:{}", id.vpath().get_without_slash(), line + 1, col + 1))
            })
            .unwrap_or_default();
        let _ = write!(out, "{severity}{place}: {}", d.message);
        for hint in &d.hints {
            let _ = write!(out, " (hint: {})", hint.v);
        }
        out.push('\n');
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use typst_layout::PagedDocument;

    use super::*;

    #[test]
    fn compile_errors_name_the_place() {
        let world = ReportWorld::new("= Title\n#let x = (\n".to_string(), Vec::new());
        let Ok(world) = world else { panic!("world") };
        let Err(diags) = typst::compile::<PagedDocument>(&world).output else { panic!("compiled") };
        let message = describe(&world, &diags);
        assert!(message.starts_with("error at main.typ:"), "{message}");
    }

    #[test]
    fn theme_defines_every_tier() {
        let theme = theme_markup();
        for tier in ["high", "elevated", "moderate", "low"] {
            assert!(theme.contains(&format!("  {tier}: rgb(\"#")), "{theme}");
        }
    }
}
