//! The PDF reports (Cabinet and department): laid out by `report::pdf`,
//! written here like every other format.

use super::{Exporter, FormatError};
use crate::report::pdf::{PdfDocument, render_pdf};

/// The Cabinet report's file name.
pub const CABINET_FILE: &str = "cabinet.pdf";

impl Exporter for PdfDocument<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(render_pdf(self)?)
    }
}
