//! `mix.csv`: each department's cause, nature and body-part mix over the
//! trailing 12 months and the whole panel, beside the city's shares.

use serde::Serialize;

use super::{CsvRow, Exporter, Fixed4, FormatError, output_csv};
use crate::codes::{CodeKind, CodeTable};
use crate::panel::{CodeMix, Panel};

/// The file's name.
pub const FILE: &str = "mix.csv";

/// The panel's mix as `mix.csv`, labelled from a code table.
pub struct MixCsv<'a>(pub &'a Panel, pub &'a CodeTable);

impl Exporter for MixCsv<'_> {
    fn serialize(&self) -> Result<Vec<u8>, FormatError> {
        Ok(output_csv(rows(self.0, self.1))?)
    }
}

/// The rows of `mix.csv`: each department's code mix over the trailing
/// 12 months and over the whole panel, beside the city's shares.
pub fn rows(panel: &Panel, table: &CodeTable) -> Vec<MixRow> {
    let (t12_from, all_from) = (panel.end.plus(-11), panel.start);
    let city_t12 = panel.mix(None, t12_from, panel.end);
    let mut rows = Vec::new();
    for (d, dept) in panel.departments.iter().enumerate() {
        let t12 = panel.mix(Some(d), t12_from, panel.end);
        let all = panel.mix(Some(d), all_from, panel.end);
        for kind in CodeKind::ALL {
            let share = |mix: &CodeMix, code: u16| {
                let total: u32 = mix.of(kind).values().sum();
                let n = mix.of(kind).get(&code).copied().unwrap_or(0);
                (n, (total > 0).then(|| Fixed4(f64::from(n) / f64::from(total))))
            };
            for &code in all.of(kind).keys() {
                let (cases_t12, share_t12) = share(&t12, code);
                let (cases_all, share_all) = share(&all, code);
                rows.push(MixRow {
                    department: dept.code.clone(),
                    kind,
                    code,
                    name: table.label(kind, code),
                    category: table.get(kind, code).map(|e| e.category.clone()).unwrap_or_default(),
                    cases_t12,
                    share_t12,
                    city_share_t12: share(&city_t12, code).1,
                    cases_all,
                    share_all,
                });
            }
        }
    }
    rows
}

/// One line of `mix.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct MixRow {
    pub department: String,
    pub kind: CodeKind,
    pub code: u16,
    pub name: String,
    pub category: String,
    pub cases_t12: u32,
    pub share_t12: Option<Fixed4>,
    pub city_share_t12: Option<Fixed4>,
    pub cases_all: u32,
    pub share_all: Option<Fixed4>,
}

impl CsvRow for MixRow {
    const COLUMNS: &'static [&'static str] = &[
        "department",
        "kind",
        "code",
        "name",
        "category",
        "cases_t12",
        "share_t12",
        "city_share_t12",
        "cases_all",
        "share_all",
    ];
}
