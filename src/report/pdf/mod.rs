//! The PDF reports, composed with typst used as a library. All typst code
//! of the crate lives in this module, behind [`render_pdf`].
//!
//! How it works:
//! - [`cabinet_markup`] / [`department_markup`] turn [`ReportData`] into a
//!   typst source `/main.typ` that defines one dictionary `d` of
//!   ready-to-print values and calls the template. Every string from the
//!   data is written as a typst *string literal* ([`escape`]), so a
//!   department called `Parks #2 *[East]* $x_y @z <a>` is printed as is
//!   and never read as markup. Numbers are formatted here (rates with two
//!   decimals, money with thousands separators, shares as percentages);
//!   the template only lays them out.
//! - The template (`fonts/report.typ`, embedded with `include_str!`) is the
//!   virtual file `/report.typ`, the tier colours of
//!   [`super::charts::tier_hex`] are `/theme.typ`, and the charts of
//!   [`super::charts`] are the virtual files `/rates-N.svg`,
//!   `/city_trend.svg`, … read through the typst `World` of `world`.
//!   Nothing is read from disk.
//! - Fonts are embedded in the binary: DejaVu Sans (the `dejavu` crate) for
//!   text and charts, plus typst-kit's embedded fonts as fallbacks. System
//!   fonts are never scanned.
//! - Deterministic: `today()` is `None`, the document date is `none` and the
//!   creator string is fixed, so the same data gives the same PDF bytes.
//!
//! A department PDF only ever receives its own [`DepartmentReport`] plus
//! city-wide figures: no other department's name reaches its markup.
//!
//! The parts: `markup` (string literals, the value tree, number
//! formatting), `cabinet` and `department` (each document's data and
//! charts), `targets` (both documents' targets and progress), `world` (the typst world: virtual files, fonts, library).

mod cabinet;
mod department;
mod excess;
pub(crate) mod markup;
mod osha;
mod targets;
mod world;

use typst::foundations::Smart;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

pub use cabinet::cabinet_markup;
pub use department::{MAX_LISTED_CASES, department_markup};
pub use markup::escape;
pub use osha::{FormEstablishment, LOG_LINES_PER_PAGE, LogLine, OshaForm, SummaryFigures, osha_markup};

use super::charts::ChartError;
use super::data::{DepartmentReport, ReportData};
use world::{ReportWorld, describe};

/// Which PDF to render.
#[derive(Debug, Clone, Copy)]
pub enum PdfDocument<'a> {
    /// `cabinet.pdf`: the city-wide ranking for the Risk Reduction Cabinet.
    Cabinet(&'a ReportData),
    /// `departments/<dept>.pdf`: one department's own report.
    Department(&'a ReportData, &'a DepartmentReport),
    /// `osha/<year>/establishments/<id>/form_300.pdf` or `form_300a.pdf`:
    /// a confidential OSHA form of one establishment.
    Osha(OshaForm<'a>),
}

/// Why a PDF could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error(transparent)]
    Chart(#[from] ChartError),
    #[error("invalid virtual path {0:?}")]
    Path(String),
    #[error("typst compilation failed:\n{0}")]
    Compile(String),
    #[error("PDF export failed:\n{0}")]
    Export(String),
}

/// Renders one PDF to bytes.
pub fn render_pdf(doc: &PdfDocument<'_>) -> Result<Vec<u8>, PdfError> {
    let (markup, files, ident) = match *doc {
        PdfDocument::Cabinet(data) => {
            (cabinet_markup(data), cabinet::cabinet_charts(data)?, "riskrank-cabinet".to_string())
        }
        PdfDocument::Department(data, dept) => (
            department_markup(data, dept),
            department::department_charts(dept)?,
            format!("riskrank-department-{}", dept.row.department),
        ),
        PdfDocument::Osha(form) => (osha_markup(&form), Vec::new(), form.ident()),
    };
    let world = ReportWorld::new(markup, files)?;
    let warned = typst::compile::<PagedDocument>(&world);
    let document = warned.output.map_err(|diags| PdfError::Compile(describe(&world, &diags)))?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("{ident}-{}", data_period(doc))),
        creator: Smart::Custom(Some("riskrank (typst 0.15.1)".to_string())),
        timestamp: None,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|diags| PdfError::Export(describe(&world, &diags)))?;
    // Keep typst's memoisation cache from growing across many documents.
    typst::comemo::evict(0);
    Ok(pdf)
}

/// The period a document covers, for its identifier: the as-of month, or
/// the OSHA form's year.
fn data_period(doc: &PdfDocument<'_>) -> String {
    match *doc {
        PdfDocument::Cabinet(d) | PdfDocument::Department(d, _) => d.ranking.as_of.to_string(),
        PdfDocument::Osha(form) => form.year().to_string(),
    }
}
