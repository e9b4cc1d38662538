//! The establishments of a year and the cases each one logs. With
//! `establishments.csv`, an establishment's details are its row for the
//! year (its non-empty cells) over its standing row (no `year`); without
//! it, each department is one establishment, named by the department, and
//! every detail it cannot give (EIN, address, NAICS …) stays empty, to be
//! reported as missing. The annual average employees and total hours come
//! from that row when it has them, else from the department's exposure
//! when the department has only this establishment, else nowhere.

use std::collections::BTreeMap;

use crate::ingest::osha::{ESTABLISHMENT_DETAILS, EstablishmentRow, ExposureMonth, OshaCase, OshaLoaded};

/// Where a figure (employees, hours) came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureSource {
    EstablishmentsFile,
    Exposure,
    Missing,
}

/// One establishment of the year.
#[derive(Debug, Clone, PartialEq)]
pub struct Establishment {
    pub id: String,
    pub department: String,
    /// The details, in [`ESTABLISHMENT_DETAILS`] order, as written.
    pub details: Vec<Option<String>>,
    pub figures_from: FigureSource,
    /// Exposure months of the year behind the figures (0 unless from exposure).
    pub exposure_months: usize,
}

impl Establishment {
    /// A detail by its column name in `establishments.csv`.
    pub fn detail(&self, column: &str) -> Option<&str> {
        let i = ESTABLISHMENT_DETAILS.iter().position(|c| *c == column)?;
        self.details.get(i).and_then(|d| d.as_deref())
    }

    fn set(&mut self, column: &str, value: Option<String>) {
        if let Some(i) = ESTABLISHMENT_DETAILS.iter().position(|c| *c == column) {
            self.details[i] = value;
        }
    }
}

/// A case the forms cannot place, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unplaced {
    pub case_id: String,
    pub reason: String,
}

/// The year's establishments, each with the indices of its cases (into
/// `OshaLoaded::cases`), sorted by id; and the cases no establishment takes.
#[derive(Debug)]
pub struct Placement {
    pub establishments: Vec<(Establishment, Vec<usize>)>,
    pub unplaced: Vec<Unplaced>,
    /// Whether the establishments came from establishments.csv.
    pub from_file: bool,
}

/// Resolves the establishments of `year` and places every case of the year.
pub fn place(loaded: &OshaLoaded, year: i16) -> Placement {
    let from_file = loaded.establishments.is_some();
    let mut list = match &loaded.establishments {
        Some(rows) => from_rows(rows, year),
        None => from_departments(loaded),
    };
    fill_figures(&mut list, &loaded.exposure);
    let mut cases: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for (i, case) in loaded.cases.iter().enumerate() {
        match establishment_of(case, &list, from_file) {
            Ok(e) => cases.entry(e).or_default().push(i),
            Err(reason) => unplaced.push(Unplaced { case_id: case.case_id.clone(), reason }),
        }
    }
    let establishments = list.into_iter().enumerate().map(|(i, e)| (e, cases.remove(&i).unwrap_or_default())).collect();
    Placement { establishments, unplaced, from_file }
}

fn establishment_of(case: &OshaCase, list: &[Establishment], from_file: bool) -> Result<usize, String> {
    let of_department: Vec<usize> =
        list.iter().enumerate().filter(|(_, e)| e.department == case.department).map(|(i, _)| i).collect();
    match (&case.establishment, from_file) {
        (Some(id), true) => list
            .iter()
            .position(|e| &e.id == id)
            .ok_or_else(|| format!("establishment {id:?} is not in establishments.csv for the year")),
        (_, false) | (None, true) => match of_department.as_slice() {
            [one] => Ok(*one),
            [] => Err(format!("department {:?} has no establishment in establishments.csv", case.department)),
            many => Err(format!(
                "department {:?} has {} establishments; the case's `establishment` is empty",
                case.department,
                many.len()
            )),
        },
    }
}

/// Each establishment's row for the year over its standing row. One with
/// rows for other years only is not an establishment of this year.
fn from_rows(rows: &[EstablishmentRow], year: i16) -> Vec<Establishment> {
    let mut by_id: BTreeMap<&str, (Option<&EstablishmentRow>, Option<&EstablishmentRow>)> = BTreeMap::new();
    for r in rows {
        let slot = by_id.entry(r.establishment.as_str()).or_default();
        match r.year {
            None => slot.0 = Some(r),
            Some(y) if y == year => slot.1 = Some(r),
            Some(_) => {}
        }
    }
    by_id
        .into_values()
        .filter_map(|(standing, this_year)| {
            let base = this_year.or(standing)?;
            let details = (0..ESTABLISHMENT_DETAILS.len())
                .map(|i| {
                    let cell = |r: Option<&EstablishmentRow>| r.and_then(|r| r.details.get(i).cloned().flatten());
                    cell(this_year).or_else(|| cell(standing))
                })
                .collect();
            Some(Establishment {
                id: base.establishment.clone(),
                department: base.department.clone(),
                details,
                figures_from: FigureSource::Missing,
                exposure_months: 0,
            })
        })
        .collect()
}

/// One establishment per department: those of departments.csv, else every
/// department of the year's cases and exposure.
fn from_departments(loaded: &OshaLoaded) -> Vec<Establishment> {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    match &loaded.departments {
        Some(list) => names.extend(list.iter().map(|d| (d.department.clone(), d.name.clone()))),
        None => {
            let codes = loaded.cases.iter().map(|c| &c.department).chain(loaded.exposure.iter().map(|e| &e.department));
            names.extend(codes.map(|c| (c.clone(), c.clone())));
        }
    }
    names
        .into_iter()
        .map(|(code, name)| {
            let mut e = Establishment {
                id: code.clone(),
                department: code,
                details: vec![None; ESTABLISHMENT_DETAILS.len()],
                figures_from: FigureSource::Missing,
                exposure_months: 0,
            };
            e.set("name", Some(name));
            e
        })
        .collect()
}

/// The figures of establishments whose row lacks them, from the exposure of
/// a department that has no other establishment. OSHA's worksheet: the
/// average employees rounded up to a whole number, the hours rounded down.
fn fill_figures(list: &mut [Establishment], exposure: &[ExposureMonth]) {
    let mut per_department: BTreeMap<&str, usize> = BTreeMap::new();
    for e in list.iter() {
        *per_department.entry(e.department.as_str()).or_default() += 1;
    }
    let counts: BTreeMap<String, usize> = per_department.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    for e in list.iter_mut() {
        let has = e.detail("annual_average_employees").is_some() || e.detail("total_hours_worked").is_some();
        if has {
            e.figures_from = FigureSource::EstablishmentsFile;
            continue;
        }
        let months: Vec<&ExposureMonth> = exposure.iter().filter(|m| m.department == e.department).collect();
        if counts.get(&e.department) != Some(&1) || months.is_empty() {
            continue;
        }
        let hours: f64 = months.iter().map(|m| m.hours_worked).sum();
        let heads: Option<Vec<f64>> = months.iter().map(|m| m.headcount).collect();
        e.set("total_hours_worked", Some(format!("{}", hours.floor() as u64)));
        if let Some(heads) = heads {
            let average = heads.iter().sum::<f64>() / heads.len() as f64;
            e.set("annual_average_employees", Some(format!("{}", average.ceil() as u64)));
        }
        e.figures_from = FigureSource::Exposure;
        e.exposure_months = months.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Month;

    fn row(id: &str, dept: &str, year: Option<i16>, name: Option<&str>, hours: Option<&str>) -> EstablishmentRow {
        let mut details = vec![None; ESTABLISHMENT_DETAILS.len()];
        details[0] = name.map(String::from);
        details[11] = hours.map(String::from);
        EstablishmentRow { establishment: id.into(), department: dept.into(), year, details }
    }

    #[test]
    fn the_year_row_overrides_the_standing_row_cell_by_cell() {
        let rows = [
            row("A", "FIRE", None, Some("Station A"), None),
            row("A", "FIRE", Some(2025), None, Some("5000")),
            row("B", "FIRE", Some(2024), Some("gone"), None),
        ];
        let list = from_rows(&rows, 2025);
        assert_eq!(list.len(), 1, "B has only a 2024 row");
        assert_eq!(list[0].detail("name"), Some("Station A"));
        assert_eq!(list[0].detail("total_hours_worked"), Some("5000"));
    }

    #[test]
    fn exposure_fills_a_sole_establishment_rounding_as_osha_says() {
        let m = |month: &str, h: f64, c: f64| ExposureMonth {
            department: "FIRE".into(),
            month: month.parse::<Month>().unwrap(),
            hours_worked: h,
            headcount: Some(c),
        };
        let mut list = from_rows(&[row("A", "FIRE", None, Some("A"), None)], 2025);
        fill_figures(&mut list, &[m("2025-01", 100.9, 10.2), m("2025-02", 100.9, 10.0)]);
        assert_eq!(list[0].detail("total_hours_worked"), Some("201"));
        assert_eq!(list[0].detail("annual_average_employees"), Some("11"));
        assert_eq!(list[0].figures_from, FigureSource::Exposure);
        let mut two = from_rows(&[row("A", "FIRE", None, None, None), row("B", "FIRE", None, None, None)], 2025);
        fill_figures(&mut two, &[m("2025-01", 100.0, 10.0)]);
        assert_eq!(two[0].figures_from, FigureSource::Missing, "a department's hours cannot be split");
    }
}
