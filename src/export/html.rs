//! The dashboard pages (`dashboard/index.html`, `dashboard/departments/
//! <stem>.html`): laid out by `report::html`, written here like every other
//! format.

use super::{Exporter, FormatError};
use crate::report::html::{HtmlPage, render_html};

/// The Cabinet view's path inside the month's folder.
pub const INDEX: &str = "dashboard/index.html";

/// A department page's path inside the month's folder.
pub fn department_path(code: &str) -> String {
    format!("dashboard/{}", crate::report::html::department_path(code))
}

impl Exporter for HtmlPage<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(render_html(self)?.into_bytes())
    }
}
