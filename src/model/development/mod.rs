//! Claim development on cumulative triangles: age-to-age factors and their
//! CDFs with an optional tail ([`factors`]), chain-ladder ultimates with
//! Mack's standard errors ([`mack`]), Bornhuetter-Ferguson and Cape Cod
//! ([`expected`]), the per-origin choice of method by maturity
//! ([`select`]) and the held-back-diagonal check ([`holdout`]). Pure
//! computation: the long CSV is read by `ingest::triangles`, the outputs
//! are written by `export::development`. The methods and their formulas
//! are in docs/development.md.
//!
//! A [`Triangle`] keeps, per origin, only the ages observed: the lower
//! triangle is absent, never a zero, and a zero is a zero (it is never
//! turned into a missing value).

pub mod expected;
pub mod factors;
pub mod holdout;
pub mod mack;
pub mod monthly;
pub mod select;

use std::collections::BTreeMap;

pub use crate::ingest::triangles::{Grain, LongTable};
pub use factors::{Average, FactorOptions, Factors, SigmaRule, Tail};
pub use select::{Development, Method, Options, OriginEstimate, develop};

/// Why a triangle could not be built or developed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DevelopmentError {
    #[error(
        "{group} / {measure}: origin {origin} has ages 1 to {found} but the triangle's valuation needs 1 to {expected} (every origin must be valued at the same date)"
    )]
    Ragged { group: String, measure: String, origin: String, found: usize, expected: usize },
    #[error(
        "{group}: origin {origin} has no age {age} (line {line} gives age {next}); ages must run 1, 2, … without gaps"
    )]
    Gap { group: String, origin: String, age: usize, next: usize, line: u64 },
    #[error(
        "{group}: no rows for origin {origin}, between {first} and {last}; give its cells (zeros if nothing was reported)"
    )]
    MissingOrigin { group: String, origin: String, first: String, last: String },
    #[error(
        "{group}: origin {origin}: the exposure is {first} on line {first_line} but {other} on line {line}; it must be one value per origin"
    )]
    ExposureNotConstant { group: String, origin: String, first: f64, first_line: u64, other: f64, line: u64 },
    #[error("{group} / {measure}: the exponential tail needs at least 2 factors above 1.00001 to fit, found {usable}")]
    TailFit { group: String, measure: String, usable: usize },
    #[error("{group} / {measure}: the exponential tail does not converge (fitted slope {slope} is not negative)")]
    TailDiverges { group: String, measure: String, slope: f64 },
    #[error("invalid option: {0}")]
    Option(String),
    #[error("the file has no rows")]
    Empty,
}

/// One group's cumulative triangle of one measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Triangle {
    pub group: String,
    pub measure: String,
    pub grain: Grain,
    /// The first origin's period index; origin `i` is `first_origin + i`.
    pub first_origin: i64,
    /// Per origin, the cumulative values at ages 1, 2, … as observed.
    pub rows: Vec<Vec<f64>>,
    /// Per origin, the exposure (constant over ages), when one was given.
    pub exposure: Option<Vec<f64>>,
}

/// A decrease of a cumulative value: allowed (incurred falls when
/// reserves are taken down, paid when salvage comes in), but reported.
#[derive(Debug, Clone, PartialEq)]
pub struct Decrease {
    pub origin: i64,
    /// The later age, whose value is below the one before it.
    pub age: usize,
    pub from: f64,
    pub to: f64,
}

impl Triangle {
    /// The number of development ages (the longest origin's).
    pub fn ages(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// The calendar period of the latest diagonal.
    pub fn valuation(&self) -> i64 {
        self.rows.iter().enumerate().map(|(i, r)| self.first_origin + i as i64 + r.len() as i64 - 1).max().unwrap_or(0)
    }

    pub fn origin_label(&self, i: usize) -> String {
        self.grain.label(self.first_origin + i as i64)
    }

    /// Each origin's latest value.
    pub fn latest(&self) -> Vec<f64> {
        self.rows.iter().map(|r| r.last().copied().unwrap_or(0.0)).collect()
    }

    /// Every decrease between consecutive ages.
    pub fn decreases(&self) -> Vec<Decrease> {
        let mut out = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            for (a, w) in row.windows(2).enumerate() {
                if w[1] < w[0] {
                    out.push(Decrease { origin: self.first_origin + i as i64, age: a + 2, from: w[0], to: w[1] });
                }
            }
        }
        out
    }

    /// The triangle as it stood `diagonals` periods earlier: the cells of
    /// the latest diagonals removed (origins left with no cell dropped).
    pub fn cut(&self, diagonals: usize) -> Triangle {
        let valuation = self.valuation() - diagonals as i64;
        let mut rows = Vec::new();
        let mut exposure = self.exposure.as_ref().map(|_| Vec::new());
        for (i, row) in self.rows.iter().enumerate() {
            let keep = (valuation - (self.first_origin + i as i64) + 1).clamp(0, row.len() as i64) as usize;
            if keep == 0 {
                break;
            }
            rows.push(row[..keep].to_vec());
            if let (Some(out), Some(all)) = (exposure.as_mut(), self.exposure.as_ref()) {
                out.push(all[i]);
            }
        }
        Triangle { rows, exposure, ..self.clone() }
    }
}

/// Builds every group's and measure's triangle from the long table, in
/// the order groups first appear in the file, measures in column order.
pub fn triangles(table: &LongTable) -> Result<Vec<Triangle>, DevelopmentError> {
    if table.rows.is_empty() {
        return Err(DevelopmentError::Empty);
    }
    let mut order: Vec<&str> = Vec::new();
    let mut by_group: BTreeMap<&str, BTreeMap<(i64, usize), &crate::ingest::triangles::LongRow>> = BTreeMap::new();
    for row in &table.rows {
        let cells = by_group.entry(&row.group).or_insert_with(|| {
            order.push(&row.group);
            BTreeMap::new()
        });
        cells.insert((row.origin, row.age), row);
    }
    let mut out = Vec::new();
    for group in order {
        let cells = &by_group[group];
        let (first, rows) = group_rows(table.grain, group, cells)?;
        let exposure = match table.exposure {
            Some(_) => Some(group_exposure(table.grain, group, first, &rows)?),
            None => None,
        };
        for (m, measure) in table.measures.iter().enumerate() {
            let triangle = Triangle {
                group: group.to_string(),
                measure: measure.clone(),
                grain: table.grain,
                first_origin: first,
                rows: rows.iter().map(|r| r.iter().map(|row| row.values[m]).collect()).collect(),
                exposure: exposure.clone(),
            };
            check_valuation(&triangle)?;
            out.push(triangle);
        }
    }
    Ok(out)
}

type Cells<'a> = BTreeMap<(i64, usize), &'a crate::ingest::triangles::LongRow>;
type Rows<'a> = Vec<Vec<&'a crate::ingest::triangles::LongRow>>;

/// A group's rows by origin, each origin's ages checked to run 1, 2, ….
fn group_rows<'a>(grain: Grain, group: &str, cells: &Cells<'a>) -> Result<(i64, Rows<'a>), DevelopmentError> {
    let first = cells.keys().map(|k| k.0).min().unwrap_or(0);
    let last = cells.keys().map(|k| k.0).max().unwrap_or(0);
    let mut rows = Vec::new();
    for origin in first..=last {
        let row: Vec<_> = cells.range((origin, 0)..(origin + 1, 0)).map(|(_, r)| *r).collect();
        if row.is_empty() {
            let (origin, first, last) = (grain.label(origin), grain.label(first), grain.label(last));
            return Err(DevelopmentError::MissingOrigin { group: group.to_string(), origin, first, last });
        }
        for (a, r) in row.iter().enumerate() {
            if r.age != a + 1 {
                let (origin, age, next, line) = (grain.label(origin), a + 1, r.age, r.line);
                return Err(DevelopmentError::Gap { group: group.to_string(), origin, age, next, line });
            }
        }
        rows.push(row);
    }
    Ok((first, rows))
}

/// One exposure per origin: every row of an origin must give the same.
fn group_exposure(grain: Grain, group: &str, first: i64, rows: &Rows) -> Result<Vec<f64>, DevelopmentError> {
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let base = row[0];
        let value = base.exposure.unwrap_or(0.0);
        if let Some(other) = row.iter().find(|r| r.exposure.unwrap_or(0.0) != value) {
            return Err(DevelopmentError::ExposureNotConstant {
                group: group.to_string(),
                origin: grain.label(first + i as i64),
                first: value,
                first_line: base.line,
                other: other.exposure.unwrap_or(0.0),
                line: other.line,
            });
        }
        out.push(value);
    }
    Ok(out)
}

/// Every origin valued at the triangle's one valuation date: origin `i`
/// has ages 1 to min(ages, valuation − origin + 1).
fn check_valuation(t: &Triangle) -> Result<(), DevelopmentError> {
    let (ages, valuation) = (t.ages(), t.valuation());
    for (i, row) in t.rows.iter().enumerate() {
        let expected = ((valuation - t.first_origin - i as i64 + 1) as usize).min(ages);
        if row.len() != expected {
            return Err(DevelopmentError::Ragged {
                group: t.group.clone(),
                measure: t.measure.clone(),
                origin: t.origin_label(i),
                found: row.len(),
                expected,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
