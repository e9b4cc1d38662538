//! Each establishment's forms as the recordkeeper keeps and posts them,
//! in `establishments/<id>/`: its Form 300 log and Form 300A summary, each
//! as a CSV (the rows of the employer-wide `form_300.csv` and
//! `form_300a.csv` that are its own) and as a PDF laid out after the
//! federal form; and the employer's workbook `osha_forms.xlsx` (sheets
//! Form 300A, Form 300, ITA validation), made from the very CSV bytes
//! written beside it.
//!
//! The PDFs are drawn from the cells the CSVs carry, so a PDF cannot show
//! another figure than its CSV; they are rendered in parallel, one
//! establishment per task.

use rayon::prelude::*;

use super::OshaError;
use super::establishment::Establishment;
use super::log::Form300Row;
use super::summary::Form300aRow;
use crate::export::xlsx::{CsvWorkbook, Kind};
use crate::export::{Bytes, Exporter, StagedFolder, output_csv};
use crate::report::pdf::{FormEstablishment, LogLine, OshaForm, PdfDocument, SummaryFigures};

/// The employer's workbook of the year's forms.
pub const WORKBOOK: &str = "osha_forms.xlsx";

/// Its sheets, in order, each the CSV of the same name.
pub const WORKBOOK_SHEETS: [(&str, &str); 3] =
    [("Form 300A", super::FORM_300A), ("Form 300", super::FORM_300), ("ITA validation", super::ITA_VALIDATION)];

/// An establishment's folder inside the year's folder (ids are free text,
/// so the folder name is the same safe stem a department's files get).
pub fn establishment_dir(id: &str) -> String {
    format!("establishments/{}", crate::stem::file_stem(id))
}

/// One establishment's forms.
#[derive(Debug, Clone)]
pub struct EstablishmentForms {
    pub id: String,
    pub summary: Form300aRow,
    pub log: Vec<Form300Row>,
}

impl EstablishmentForms {
    pub fn new(e: &Establishment, summary: Form300aRow, log: Vec<Form300Row>) -> Self {
        EstablishmentForms { id: e.id.clone(), summary, log }
    }

    fn header(&self) -> FormEstablishment {
        let s = &self.summary;
        FormEstablishment {
            id: self.id.clone(),
            name: s.establishment_name.clone(),
            street: s.street_address.clone(),
            city: s.city.clone(),
            state: s.state.clone(),
            zip: s.zip.clone(),
            industry: s.industry_description.clone(),
            naics: s.naics_code.clone(),
            employees: s.annual_average_employees.clone(),
            hours: s.total_hours_worked.clone(),
        }
    }

    fn figures(&self) -> SummaryFigures {
        let s = &self.summary;
        SummaryFigures {
            cases: [s.g_deaths, s.h_days_away_cases, s.i_transfer_restriction_cases, s.j_other_recordable_cases],
            days: [s.k_days_away, s.l_days_transfer_restriction],
            types: [
                s.m1_injuries,
                s.m2_skin_disorders,
                s.m3_respiratory_conditions,
                s.m4_poisonings,
                s.m5_hearing_loss,
                s.m6_other_illnesses,
            ],
        }
    }

    /// The four files of the establishment's folder: (path, bytes).
    fn render(&self, year: i16) -> Result<Vec<(String, Vec<u8>)>, OshaError> {
        let dir = establishment_dir(&self.id);
        let csv = |file: &'static str| move |source| OshaError::Csv { file, source };
        let header = self.header();
        let lines: Vec<LogLine> = self.log.iter().map(log_line).collect();
        let figures = self.figures();
        let pdf = |name: &str, form: OshaForm<'_>| {
            let path = format!("{dir}/{name}");
            PdfDocument::Osha(form)
                .serialize()
                .map(|bytes| (path.clone(), bytes))
                .map_err(|source| OshaError::Export(crate::export::ExportError::Format { file: path, source }))
        };
        Ok(vec![
            (format!("{dir}/{}", super::FORM_300), output_csv(&self.log).map_err(csv(super::FORM_300))?),
            pdf("form_300.pdf", OshaForm::Log { year, establishment: &header, lines: &lines })?,
            (format!("{dir}/{}", super::FORM_300A), output_csv([&self.summary]).map_err(csv(super::FORM_300A))?),
            pdf("form_300a.pdf", OshaForm::Summary { year, establishment: &header, figures: &figures })?,
        ])
    }
}

/// A log row as the PDF prints it: the date as the form's month/day.
fn log_line(row: &Form300Row) -> LogLine {
    let date = &row.d_date_of_injury;
    let month_day = date.get(5..7).zip(date.get(8..10)).map_or_else(|| date.clone(), |(m, d)| format!("{m}/{d}"));
    let ticks = [row.g_death, row.h_days_away, row.i_job_transfer_or_restriction, row.j_other_recordable];
    LogLine {
        text: [
            row.a_case_number.clone(),
            row.b_employee_name.clone(),
            row.c_job_title.clone(),
            month_day,
            row.e_where_event_occurred.clone(),
            row.f_description.clone(),
        ],
        class: ticks.iter().position(|t| !t.is_empty()),
        days_away: row.k_days_away,
        days_restricted: row.l_days_transfer_or_restriction,
        injury_type: row.m_injury_type.parse().ok(),
    }
}

/// Renders every establishment's files (in parallel) and stages them in
/// establishment order, so the folder is the same however the work split.
pub fn stage(staged: &mut StagedFolder, year: i16, forms: &[EstablishmentForms]) -> Result<(), OshaError> {
    let rendered: Vec<Vec<(String, Vec<u8>)>> = crate::export::with_render_threads(|| {
        forms.par_iter().map(|f| f.render(year)).collect::<Result<_, OshaError>>()
    })?;
    for (path, bytes) in rendered.iter().flatten() {
        staged.add_bytes(path, bytes)?;
    }
    Ok(())
}

/// The kind of a column of the OSHA CSVs in the workbook: the 300A's
/// figures (from `g_deaths` on), the log's days and type, the year,
/// employees and hours are numbers; codes (EIN, ZIP, NAICS, case numbers)
/// and every other column stay text, so a ZIP 02134 keeps its zero.
pub fn sheet_kind(column: &str) -> Kind {
    use crate::export::CsvRow;
    let figures = Form300aRow::COLUMNS.iter().skip_while(|c| **c != "g_deaths");
    let log = ["k_days_away", "l_days_transfer_or_restriction", "m_injury_type"];
    let others = ["year", "annual_average_employees", "total_hours_worked"];
    let count = figures.chain(&log).chain(&others).any(|c| *c == column);
    if count { Kind::Count } else { Kind::Text }
}

/// `osha_forms.xlsx` from the CSVs staged beside it.
pub fn workbook(year: i16, csvs: [&[u8]; 3]) -> Result<Vec<u8>, crate::export::FormatError> {
    let sheets = WORKBOOK_SHEETS.iter().zip(csvs).map(|((name, _), bytes)| (*name, bytes)).collect();
    CsvWorkbook { sheets, kind_of: sheet_kind, year: i32::from(year) }.serialize()
}

/// Stages the workbook, reading back the three CSVs already staged.
pub fn stage_workbook(staged: &mut StagedFolder, year: i16, csvs: [&[u8]; 3]) -> Result<(), OshaError> {
    let bytes = workbook(year, csvs)
        .map_err(|source| OshaError::Export(crate::export::ExportError::Format { file: WORKBOOK.into(), source }))?;
    staged.add(WORKBOOK, &Bytes(&bytes))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_stay_text_and_counts_are_numbers() {
        for text in ["a_case_number", "zip", "naics_code", "ein", "g_death", "h_days_away", "establishment"] {
            assert_eq!(sheet_kind(text), Kind::Text, "{text}");
        }
        for count in ["g_deaths", "h_days_away_cases", "k_days_away", "m6_other_illnesses", "total_hours_worked"] {
            assert_eq!(sheet_kind(count), Kind::Count, "{count}");
        }
    }
}
