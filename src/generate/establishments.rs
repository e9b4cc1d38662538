//! The establishments of the generated city (`establishments.csv`, read by
//! `riskrank osha` only) and the OSHA columns of each case that depend on
//! them: which establishment logs the case, where it happened and, where
//! the nature code names no single OSHA type, the type a recordkeeper
//! chose.
//!
//! One employer, the city (one EIN, local government), runs one to three
//! establishments per department: one below 100 employees, else 1–3
//! drawn, named and addressed from the department's [`sites`] profile.
//! Each establishment has a fixed share of its department's hours and
//! headcount (U(0.5, 1.5) weights, normalised), and its cases are drawn in
//! proportion to it. A department with several establishments gets, per
//! calendar year of the window, a row with each establishment's annual
//! average employees and total hours: the department's figures as OSHA's
//! worksheet rounds them (the exposure's mean headcount rounded up, its
//! hours summed and rounded down) split by the shares into whole numbers
//! that add up to the department's exactly. A sole
//! establishment has no figures (`riskrank osha` takes them from
//! exposure.csv), except with `--no-exposure`, when every establishment
//! gets its year rows.
//!
//! Draws: stream [`ESTABLISHMENT_STREAM`] the EIN and then the
//! establishments department by department; stream `OSHA_STREAM + d` the
//! OSHA columns of department `d`'s cases, in file order. Neither moves any
//! other value of the generated files.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::departments::Dept;
use super::exposure::CellTruth;
use super::groups::Group;
use super::params::Window;
use super::random::{Cdf, ESTABLISHMENT_STREAM, stream};
use super::sites::{LOCATIONS, PLACES, Profile, STREETS, SiteDef, ZIPS, profile};
use crate::export::CsvRow;
use crate::schema::{InjuryType, OshaClass};

pub const ESTABLISHMENTS_FILE: &str = "establishments.csv";
pub const COMPANY: &str = "City of Los Angeles";
pub const CITY: &str = "Los Angeles";
pub const STATE: &str = "CA";
/// ITA's establishment type 3: local government.
pub const LOCAL_GOVERNMENT: &str = "3";
/// Departments with fewer employees run a single establishment.
const SPLIT_HEADCOUNT: f64 = 100.0;
const MAX_SITES: usize = 3;
/// The first two digits of an EIN are an IRS campus prefix; these are the
/// prefixes the IRS assigns (07–09, 17–19, 28, 29, 49, 69, 70, 78, 79, 89,
/// 96 and 97 are not).
const EIN_PREFIXES: [u8; 83] = [
    1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 25, 26, 27, 30, 31, 32, 33, 34, 35, 36, 37, 38,
    39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68,
    71, 72, 73, 74, 75, 76, 77, 80, 81, 82, 83, 84, 85, 86, 87, 88, 90, 91, 92, 93, 94, 95, 98, 99,
];
/// The share of recordable carpal tunnel cases (a nature code with no
/// single OSHA type) the recordkeeper records as an illness rather than an
/// injury.
const ILLNESS_SHARE: f64 = 0.75;
/// The profile of a department outside the table: a general government office.
static FALLBACK: Profile = Profile {
    code: "",
    sites: &[SiteDef {
        name: "{code} {place} Office",
        short: "{place} Office",
        numbers: 0,
        naics: "921190",
        industry: "Municipal government support",
    }],
};

/// One establishment of a department.
#[derive(Debug, Clone, PartialEq)]
pub struct Establishment {
    /// `<department>-<nn>`, numbered from 01 within the department.
    pub id: String,
    pub name: String,
    /// What its incident locations call it.
    pub short: String,
    pub street_address: String,
    pub zip: &'static str,
    pub naics: &'static str,
    pub industry: &'static str,
    /// Its share of the department's hours, headcount and cases.
    pub share: f64,
}

/// The city's EIN and every department's establishments (`Dept::sites`),
/// from their own stream.
pub fn assign(seed: u64, depts: &mut [Dept]) -> String {
    let mut rng = stream(seed, ESTABLISHMENT_STREAM);
    let prefix = EIN_PREFIXES[rng.gen_range(0..EIN_PREFIXES.len())];
    let ein = format!("{prefix:02}{:07}", rng.gen_range(0..10_000_000u32));
    for dept in depts.iter_mut() {
        dept.sites = draw_sites(&mut rng, dept);
    }
    ein
}

fn draw_sites(rng: &mut ChaCha8Rng, dept: &Dept) -> Vec<Establishment> {
    let profile = profile(dept.base_code).unwrap_or(&FALLBACK);
    let wanted = if dept.headcount < SPLIT_HEADCOUNT { 1 } else { rng.gen_range(1..=MAX_SITES) };
    let (mut places, mut numbers) = (Vec::new(), Vec::new());
    let mut sites = Vec::with_capacity(wanted);
    let mut weights = Vec::with_capacity(wanted);
    for i in 0..wanted {
        let def = &profile.sites[i % profile.sites.len()];
        let fixed = !def.name.contains("{place}") && def.numbers == 0;
        if fixed && i >= profile.sites.len() {
            break;
        }
        // Distinct places and numbers within a department, so names differ.
        let place = def.name.contains("{place}").then(|| distinct(rng, &mut places, PLACES.len()));
        let n = (def.numbers > 0).then(|| distinct(rng, &mut numbers, def.numbers as usize) + 1);
        let fill = |t: &str| {
            let t = t.replace("{code}", &dept.code).replace("{place}", place.map_or("", |p| PLACES[p]));
            t.replace("{n}", &n.map(|n| n.to_string()).unwrap_or_default())
        };
        weights.push(rng.gen_range(0.5..1.5));
        let number = rng.gen_range(100..20_000u32);
        let street = STREETS[rng.gen_range(0..STREETS.len())];
        sites.push(Establishment {
            id: format!("{}-{:02}", dept.code, i + 1),
            name: fill(def.name),
            short: fill(def.short),
            street_address: format!("{number} {street}"),
            zip: ZIPS[rng.gen_range(0..ZIPS.len())],
            naics: def.naics,
            industry: def.industry,
            share: 0.0,
        });
    }
    let total: f64 = weights.iter().sum();
    for (site, w) in sites.iter_mut().zip(weights) {
        site.share = w / total;
    }
    sites
}

/// An index below `len` not in `used` (then added to it); `used` is far
/// shorter than `len` (at most [`MAX_SITES`] of 8 or more).
fn distinct(rng: &mut ChaCha8Rng, used: &mut Vec<usize>, len: usize) -> usize {
    loop {
        let i = rng.gen_range(0..len);
        if !used.contains(&i) {
            used.push(i);
            return i;
        }
    }
}

/// One row of establishments.csv: a standing row (the details) or a year
/// row (the figures).
#[derive(Debug, Serialize)]
pub struct EstablishmentRecord<'a> {
    establishment: &'a str,
    department: &'a str,
    year: Option<i32>,
    name: Option<&'a str>,
    street_address: Option<&'a str>,
    city: Option<&'a str>,
    state: Option<&'a str>,
    zip: Option<&'a str>,
    naics_code: Option<&'a str>,
    industry_description: Option<&'a str>,
    ein: Option<&'a str>,
    company_name: Option<&'a str>,
    establishment_type: Option<&'a str>,
    annual_average_employees: Option<u64>,
    total_hours_worked: Option<u64>,
}

impl CsvRow for EstablishmentRecord<'_> {
    const COLUMNS: &'static [&'static str] = crate::ingest::osha::ESTABLISHMENT_COLUMNS;
}

/// The rows of establishments.csv, department by department: each
/// establishment's standing row, then its year rows when it has figures.
pub fn records<'a>(
    depts: &'a [Dept],
    cells: &[CellTruth],
    window: &Window,
    ein: &'a str,
    with_exposure: bool,
) -> Vec<EstablishmentRecord<'a>> {
    let mut out = Vec::new();
    for (d, dept) in depts.iter().enumerate() {
        let figures = (dept.sites.len() > 1 || !with_exposure).then(|| {
            let cells = &cells[d * window.months..(d + 1) * window.months];
            (window.start.year()..=window.end.year()).map(|y| (y, split(dept, cells, window, y))).collect::<Vec<_>>()
        });
        for (i, site) in dept.sites.iter().enumerate() {
            out.push(EstablishmentRecord {
                establishment: &site.id,
                department: &dept.code,
                year: None,
                name: Some(&site.name),
                street_address: Some(&site.street_address),
                city: Some(CITY),
                state: Some(STATE),
                zip: Some(site.zip),
                naics_code: Some(site.naics),
                industry_description: Some(site.industry),
                ein: Some(ein),
                company_name: Some(COMPANY),
                establishment_type: Some(LOCAL_GOVERNMENT),
                annual_average_employees: None,
                total_hours_worked: None,
            });
            for (year, parts) in figures.iter().flatten() {
                out.push(EstablishmentRecord {
                    year: Some(*year),
                    annual_average_employees: Some(parts[i].0),
                    total_hours_worked: Some(parts[i].1),
                    ..figures_only(&site.id, &dept.code)
                });
            }
        }
    }
    out
}

fn figures_only<'a>(id: &'a str, department: &'a str) -> EstablishmentRecord<'a> {
    EstablishmentRecord {
        establishment: id,
        department,
        year: None,
        name: None,
        street_address: None,
        city: None,
        state: None,
        zip: None,
        naics_code: None,
        industry_description: None,
        ein: None,
        company_name: None,
        establishment_type: None,
        annual_average_employees: None,
        total_hours_worked: None,
    }
}

/// A department's figures for `year` as `riskrank osha` computes them
/// from exposure.csv: (mean headcount rounded up, hours summed in month
/// order and rounded down).
pub fn department_figures(cells: &[CellTruth], window: &Window, year: i32) -> (u64, u64) {
    let months: Vec<&CellTruth> =
        cells.iter().enumerate().filter(|(t, _)| window.month(*t).year() == year).map(|(_, c)| c).collect();
    let hours: f64 = months.iter().map(|c| c.hours).sum();
    let heads: f64 = months.iter().map(|c| c.headcount).sum();
    let mean = if months.is_empty() { 0.0 } else { heads / months.len() as f64 };
    (mean.ceil() as u64, hours.floor() as u64)
}

/// Each establishment's (employees, hours) of `year`: the department's
/// figures apportioned by the shares.
fn split(dept: &Dept, cells: &[CellTruth], window: &Window, year: i32) -> Vec<(u64, u64)> {
    let (employees, hours) = department_figures(cells, window, year);
    let shares: Vec<f64> = dept.sites.iter().map(|s| s.share).collect();
    apportion(employees, &shares).into_iter().zip(apportion(hours, &shares)).collect()
}

/// `total` split into whole parts in proportion to `shares` (which sum
/// to one) by rounding the running total: each part is the rounded
/// cumulative share less the one before, and the last ends at `total`, so
/// the parts sum to `total` exactly whatever the floating-point error.
pub fn apportion(total: u64, shares: &[f64]) -> Vec<u64> {
    let (mut cumulative, mut before) = (0.0, 0u64);
    shares
        .iter()
        .enumerate()
        .map(|(i, share)| {
            cumulative += share;
            let upto =
                if i + 1 == shares.len() { total } else { ((cumulative * total as f64).round() as u64).min(total) };
            let part = upto.saturating_sub(before);
            before = before.max(upto);
            part
        })
        .collect()
}

/// Draws the OSHA columns of one department's cases, in file order, from
/// the department's own stream.
pub struct CaseSites {
    cdf: Cdf,
    rng: ChaCha8Rng,
}

/// What a case draws: its establishment (index into `Dept::sites`) and the
/// type a recordkeeper entered, if the nature code needs one.
pub struct CaseSite {
    pub site: usize,
    pub injury_type: Option<InjuryType>,
}

/// What the location and type of a case follow from.
pub struct CaseFacts {
    pub class: OshaClass,
    pub cause: usize,
    pub phrase: usize,
    pub nature: Option<u16>,
}

impl CaseSites {
    /// `rng`: the stream `OSHA_STREAM + d` of department `d`.
    pub fn new(dept: &Dept, rng: ChaCha8Rng) -> CaseSites {
        CaseSites { cdf: Cdf::new(dept.sites.iter().map(|s| s.share)), rng }
    }

    /// The establishment, location (into `location`) and type of one case.
    pub fn draw(&mut self, dept: &Dept, facts: &CaseFacts, location: &mut String) -> CaseSite {
        let rng = &mut self.rng;
        let site = self.cdf.sample(rng);
        write_location(rng, location, dept.group, facts, dept.sites.get(site).map_or("", |s| s.short.as_str()));
        let injury_type = needs_type(facts.class, facts.nature)
            .then(|| if rng.gen_bool(ILLNESS_SHARE) { InjuryType::OtherIllness } else { InjuryType::Injury });
        CaseSite { site, injury_type }
    }
}

/// Whether a recordkeeper must enter the type: a recordable case whose
/// nature code `riskrank osha`'s table cannot map.
pub fn needs_type(class: OshaClass, nature: Option<u16>) -> bool {
    class.is_recordable() && nature.is_some_and(|n| crate::osha::injury_type::from_nature(n).is_none())
}

fn write_location(rng: &mut ChaCha8Rng, out: &mut String, group: Group, facts: &CaseFacts, site: &str) {
    out.clear();
    let list = LOCATIONS[facts.cause % LOCATIONS.len()][group.idx()];
    let template = list[facts.phrase % list.len()];
    let with_site = template.replace("{site}", site);
    if with_site.contains("{street}") {
        let block = rng.gen_range(1..=150u32);
        let street = STREETS[rng.gen_range(0..STREETS.len())];
        out.push_str(&with_site.replace("{street}", &format!("{block}00 block of {street}")));
    } else {
        out.push_str(&with_site);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportioned_parts_sum_to_the_total() {
        assert_eq!(apportion(10, &[0.5, 0.25, 0.25]), [5, 3, 2]);
        assert_eq!(apportion(7, &[1.0]), [7]);
        assert_eq!(apportion(100, &[0.333, 0.333, 0.334]), [33, 34, 33]);
        for total in [0, 1, 2, 99, 12_345_678] {
            let parts = apportion(total, &[0.2, 0.45, 0.35]);
            assert_eq!(parts.iter().sum::<u64>(), total);
        }
    }

    #[test]
    fn eins_have_an_irs_prefix() {
        for seed in 0..50 {
            let ein = assign(seed, &mut []);
            assert_eq!(ein.len(), 9, "{ein}");
            assert!(ein.bytes().all(|b| b.is_ascii_digit()));
            assert!(EIN_PREFIXES.contains(&ein[..2].parse().unwrap()), "{ein}");
        }
    }
}
