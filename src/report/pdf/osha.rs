//! The OSHA forms as PDFs: the Form 300 log and the Form 300A summary of
//! one establishment, laid out by the template `fonts/osha.typ` after the
//! federal forms (Rev. 01/2004). The `osha` command fills [`OshaForm`]
//! with the cells it writes to its CSVs, so a PDF shows exactly the CSV's
//! figures; every total printed here is counted from those cells.
//!
//! The log is paged like the paper form, 15 cases a page, each page with
//! its page totals (the form's "Page totals" row) and the last one with
//! the totals of the whole log when it has more than one page. Blank
//! details (an establishment without an address, column B without a
//! name) print as empty lines to be filled in, never as invented text.

use super::markup::{Entries, V, main_file_of, s};

/// Cases per page of the log. OSHA's paper form has 13 lines; a printed
/// log may have more, and 15 lines whose location and description wrap
/// onto two lines still fit a US letter page in landscape with the page
/// totals (a city's biggest establishment logs several hundred cases a
/// year).
pub const LOG_LINES_PER_PAGE: usize = 15;

/// An establishment as both forms print it; an empty string prints as a
/// blank line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormEstablishment {
    pub id: String,
    pub name: String,
    pub street: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub industry: String,
    pub naics: String,
    pub employees: String,
    pub hours: String,
}

/// One case of the log: columns A to F as text (D already a date), G to
/// J the classification, K and L the days, M the injury type 1–6.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub text: [String; 6],
    /// G death, H days away, I job transfer or restriction, J other recordable.
    pub class: Option<usize>,
    pub days_away: u32,
    pub days_restricted: u32,
    /// M(1)–M(6), when known.
    pub injury_type: Option<u8>,
}

/// The 300A figures: G–J cases, K–L days, M(1)–M(6) types.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SummaryFigures {
    pub cases: [u32; 4],
    pub days: [u32; 2],
    pub types: [u32; 6],
}

impl SummaryFigures {
    /// The figures of a set of log lines, counted as the 300A counts them.
    pub fn of(lines: &[LogLine]) -> SummaryFigures {
        let mut f = SummaryFigures::default();
        for line in lines {
            if let Some(c) = line.class.filter(|c| *c < 4) {
                f.cases[c] += 1;
            }
            f.days[0] += line.days_away;
            f.days[1] += line.days_restricted;
            if let Some(t) = line.injury_type.filter(|t| (1..=6).contains(t)) {
                f.types[usize::from(t - 1)] += 1;
            }
        }
        f
    }

    fn cells(&self) -> Vec<V> {
        self.cases.iter().chain(&self.days).chain(&self.types).map(|n| s(n.to_string())).collect()
    }
}

/// Which OSHA form to render, for one establishment and year.
#[derive(Debug, Clone, Copy)]
pub enum OshaForm<'a> {
    /// Form 300, the log of the year's recordable cases.
    Log { year: i16, establishment: &'a FormEstablishment, lines: &'a [LogLine] },
    /// Form 300A, the year's summary, with the certification left to sign.
    Summary { year: i16, establishment: &'a FormEstablishment, figures: &'a SummaryFigures },
}

impl OshaForm<'_> {
    pub fn year(&self) -> i16 {
        match *self {
            OshaForm::Log { year, .. } | OshaForm::Summary { year, .. } => year,
        }
    }

    /// The PDF's identifier stem, e.g. `riskrank-osha300-ST1`.
    pub fn ident(&self) -> String {
        match *self {
            OshaForm::Log { establishment, .. } => format!("riskrank-osha300-{}", establishment.id),
            OshaForm::Summary { establishment, .. } => format!("riskrank-osha300a-{}", establishment.id),
        }
    }
}

fn establishment(e: &FormEstablishment) -> V {
    V::Dict(vec![
        ("name", s(&e.name)),
        ("street", s(&e.street)),
        ("city", s(&e.city)),
        ("state", s(&e.state)),
        ("zip", s(&e.zip)),
        ("industry", s(&e.industry)),
        ("naics", s(&e.naics)),
        ("employees", s(&e.employees)),
        ("hours", s(&e.hours)),
    ])
}

fn tick(on: bool) -> V {
    s(if on { "X" } else { "" })
}

/// A log line's 18 cells: A–F, G–J, K, L, M(1)–M(6).
fn line_cells(line: &LogLine) -> V {
    let mut cells: Vec<V> = line.text.iter().map(s).collect();
    cells.extend((0..4).map(|c| tick(line.class == Some(c))));
    cells.push(s(line.days_away.to_string()));
    cells.push(s(line.days_restricted.to_string()));
    cells.extend((1..=6).map(|t| tick(line.injury_type == Some(t))));
    V::Arr(cells)
}

/// The typst source of a form.
pub fn osha_markup(form: &OshaForm<'_>) -> String {
    match *form {
        OshaForm::Log { year, establishment: e, lines } => {
            let chunks: Vec<&[LogLine]> = lines.chunks(LOG_LINES_PER_PAGE).collect();
            let pages = chunks
                .iter()
                .map(|chunk| {
                    V::Dict(vec![
                        ("lines", V::Arr(chunk.iter().map(line_cells).collect())),
                        ("totals", V::Arr(SummaryFigures::of(chunk).cells())),
                    ])
                })
                .collect();
            let whole = (chunks.len() > 1).then(|| V::Arr(SummaryFigures::of(lines).cells()));
            let entries: Entries = vec![
                ("year", s(year.to_string())),
                ("establishment", establishment(e)),
                ("pages", V::Arr(pages)),
                ("whole", whole.unwrap_or(V::None)),
                ("cases", s(lines.len().to_string())),
            ];
            main_file_of("osha.typ", V::Dict(entries), "form300")
        }
        OshaForm::Summary { year, establishment: e, figures } => {
            let entries: Entries = vec![
                ("year", s(year.to_string())),
                ("next_year", s((i32::from(year) + 1).to_string())),
                ("establishment", establishment(e)),
                ("figures", V::Arr(figures.cells())),
            ];
            main_file_of("osha.typ", V::Dict(entries), "form300a")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(class: usize, away: u32, kind: u8) -> LogLine {
        LogLine {
            text: ["1".into(), String::new(), "Clerk".into(), "03/14".into(), "Office".into(), "Cut".into()],
            class: Some(class),
            days_away: away,
            days_restricted: 2,
            injury_type: Some(kind),
        }
    }

    #[test]
    fn figures_count_the_lines() {
        let lines = [line(1, 5, 1), line(1, 3, 6), line(3, 0, 1)];
        let f = SummaryFigures::of(&lines);
        assert_eq!(f.cases, [0, 2, 0, 1]);
        assert_eq!(f.days, [8, 6]);
        assert_eq!(f.types, [2, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn a_long_log_is_paged_with_page_and_log_totals() {
        let e = FormEstablishment { id: "ST1".into(), name: "Station \"1\" #[x]".into(), ..Default::default() };
        let lines: Vec<LogLine> = (0..40).map(|i| line(i % 4, 1, 1)).collect();
        let markup = osha_markup(&OshaForm::Log { year: 2025, establishment: &e, lines: &lines });
        assert_eq!(markup.matches("totals:").count(), 3, "40 cases on 3 pages");
        assert!(markup.contains("whole: ("), "log totals after several pages");
        assert!(markup.contains(r#""Station \"1\" #[x]""#), "names are string literals");
        assert!(markup.ends_with("#form300(d)\n"));
        let one = osha_markup(&OshaForm::Log { year: 2025, establishment: &e, lines: &lines[..2] });
        assert!(one.contains("whole: none"));
    }
}
