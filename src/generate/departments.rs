//! The departments of the generated city: a fixed list of city departments
//! and numbered districts of the large operational ones, each with its peer
//! group, job family, size and its own draws of the rate parameters
//! (department effect, trend, level shift, reporting culture).

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::establishments::Establishment;
use super::groups::{BASE_RATE, Group, group_effect};
use super::params::{GenerateParams, Window};
use super::random::{DEPT_STREAM, normal, stream};
use crate::export::truth::TruthDepartmentRow;
use crate::schema::Department;

const DEPARTMENT_EFFECT_SD: f64 = 0.35;
const TREND_MEAN: f64 = -0.03;
const TREND_SD: f64 = 0.05;
const BREAK_SHARE: f64 = 0.10;
const BREAK_SIZE: (f64, f64) = (0.25, 0.5);
const REPORTING_CULTURE_SD: f64 = 0.3;

#[derive(Debug, Clone, Copy)]
pub enum JobFamily {
    Police,
    Fire,
    Safety,
    Field,
    Office,
}

impl JobFamily {
    pub fn jobs(self) -> &'static [&'static str] {
        match self {
            JobFamily::Police => &[
                "Police Officer II",
                "Police Officer III",
                "Police Sergeant I",
                "Detention Officer",
                "Police Service Representative",
            ],
            JobFamily::Fire => &[
                "Firefighter III",
                "Fire Captain I",
                "Engineer of Fire Department",
                "Firefighter Paramedic",
                "Fire Inspector I",
            ],
            JobFamily::Safety => {
                &["Animal Control Officer", "Security Officer", "Park Ranger", "Traffic Officer II", "Lifeguard"]
            }
            JobFamily::Field => &[
                "Refuse Collection Truck Operator",
                "Maintenance Laborer",
                "Equipment Operator",
                "Tree Surgeon",
                "Electrician",
                "Motor Sweeper Operator",
                "Gardener Caretaker",
                "Heavy Duty Equipment Mechanic",
                "Street Services Worker",
                "Construction and Maintenance Supervisor",
            ],
            JobFamily::Office => &[
                "Clerk Typist",
                "Senior Administrative Clerk",
                "Management Analyst",
                "Accountant",
                "Systems Analyst",
                "Librarian",
                "Building Inspector",
                "Civil Engineer",
                "Custodian",
            ],
        }
    }
}

struct DeptDef {
    code: &'static str,
    name: &'static str,
    group: Group,
    size: f64,
    family: JobFamily,
    /// Large operational departments also get numbered districts.
    divisible: bool,
}

const fn dd(code: &'static str, name: &'static str, group: Group, size: f64, family: JobFamily) -> DeptDef {
    DeptDef { code, name, group, size, family, divisible: size >= 500.0 && !matches!(group, Group::Office) }
}

use Group::{FieldOperations as FO, Office as OF, PublicSafety as PS};
use JobFamily::{Field as JF, Fire as JR, Office as JO, Police as JP, Safety as JS};

/// The city's departments in the order they are taken.
static DEPARTMENT_TABLE: [DeptDef; 49] = [
    dd("LAPD", "Police", PS, 12000.0, JP),
    dd("LAFD", "Fire", PS, 3600.0, JR),
    dd("SAN", "Sanitation", FO, 3300.0, JF),
    dd("STS", "Street Services", FO, 1150.0, JF),
    dd("RAP", "Recreation and Parks", FO, 2900.0, JF),
    dd("DOT", "Transportation", FO, 1900.0, JF),
    dd("LAWA", "Airports", FO, 3900.0, JF),
    dd("HAR", "Harbor", FO, 950.0, JF),
    dd("LPL", "Library", OF, 1150.0, JO),
    dd("GSD", "General Services", FO, 1400.0, JF),
    dd("LADBS", "Building and Safety", OF, 1050.0, JO),
    dd("DWP", "Water and Power", FO, 9800.0, JF),
    dd("ANS", "Animal Services", PS, 330.0, JS),
    dd("PLN", "City Planning", OF, 420.0, JO),
    dd("DCA", "Cultural Affairs", OF, 75.0, JO),
    dd("PER", "Personnel", OF, 520.0, JO),
    dd("CTR", "Controller", OF, 160.0, JO),
    dd("ATY", "City Attorney", OF, 950.0, JO),
    dd("ITA", "Information Technology", OF, 430.0, JO),
    dd("ENG", "Public Works Engineering", OF, 800.0, JO),
    dd("BSL", "Street Lighting", FO, 260.0, JF),
    dd("ZOO", "Zoo", FO, 240.0, JF),
    dd("ELP", "El Pueblo", OF, 25.0, JO),
    dd("AGE", "Aging", OF, 45.0, JO),
    dd("EWD", "Economic Development", OF, 110.0, JO),
    dd("CNV", "Convention Center", FO, 60.0, JF),
    dd("EMD", "Emergency Management", PS, 40.0, JS),
    dd("HCI", "Housing", OF, 620.0, JO),
    dd("DNE", "Neighborhood Empowerment", OF, 30.0, JO),
    dd("DOD", "Disability", OF, 20.0, JO),
    dd("YDD", "Youth Development", OF, 22.0, JO),
    dd("FIN", "Finance", OF, 330.0, JO),
    dd("CLK", "City Clerk", OF, 120.0, JO),
    dd("DCR", "Cannabis Regulation", OF, 55.0, JO),
    dd("CRT", "Civil Rights", OF, 28.0, JO),
    dd("SEW", "Sewer Maintenance", FO, 750.0, JF),
    dd("FLT", "Fleet Services", FO, 480.0, JF),
    dd("FAC", "Facilities Maintenance", FO, 540.0, JF),
    dd("TRO", "Traffic Operations", FO, 380.0, JF),
    dd("UFD", "Urban Forestry", FO, 190.0, JF),
    dd("APD", "Airport Police", PS, 1100.0, JP),
    dd("PPD", "Port Police", PS, 210.0, JP),
    dd("TRF", "Traffic Officers", PS, 650.0, JS),
    dd("PRK", "Park Rangers", PS, 90.0, JS),
    dd("SSV", "Security Services", PS, 350.0, JS),
    dd("CNT", "Contract Administration", OF, 220.0, JO),
    dd("BPW", "Board of Public Works", OF, 90.0, JO),
    dd("ETH", "Ethics Commission", OF, 35.0, JO),
    dd("CIF", "Community Investment for Families", OF, 150.0, JO),
];

pub struct Dept {
    pub code: String,
    /// The code of its entry in the department table (a district's parent's).
    pub base_code: &'static str,
    pub name: String,
    pub group: Group,
    pub family: JobFamily,
    pub headcount: f64,
    pub effect: f64,
    pub trend: f64,
    /// (month index t, size)
    pub brk: Option<(usize, f64)>,
    pub first_aid_mult: f64,
    pub near_miss_mult: f64,
    pub employee_base: u32,
    pub employee_count: u32,
    /// Its establishments, drawn after the departments (`establishments::assign`).
    pub sites: Vec<Establishment>,
}

impl Dept {
    /// A job class of the department's job family, drawn uniformly.
    pub fn random_job(&self, rng: &mut ChaCha8Rng) -> &'static str {
        let jobs = self.family.jobs();
        jobs[rng.gen_range(0..jobs.len())]
    }

    /// An employee number from the department's own range (so repeat injuries happen).
    pub fn random_employee(&self, rng: &mut ChaCha8Rng) -> u32 {
        self.employee_base + rng.gen_range(0..self.employee_count)
    }

    /// Its row in departments.csv.
    pub fn record(&self) -> Department {
        Department {
            department: self.code.clone(),
            name: self.name.clone(),
            group: Some(self.group.as_str().to_string()),
        }
    }

    /// Its row in truth_departments.csv.
    pub fn truth_row(&self, window: &Window) -> TruthDepartmentRow<'_> {
        TruthDepartmentRow {
            department: &self.code,
            group: self.group.as_str(),
            base: BASE_RATE.ln(),
            group_effect: group_effect(self.group),
            department_effect: self.effect,
            seasonal_amplitude: self.group.params().seasonal_amplitude,
            trend: self.trend,
            break_month: self.brk.map(|(t, _)| window.month(t)),
            break_size: self.brk.map_or(0.0, |(_, s)| s),
        }
    }
}

/// The first `params.departments` departments with their parameters.
pub fn build_departments(params: &GenerateParams, window: &Window) -> Vec<Dept> {
    let mut rng = stream(params.seed, DEPT_STREAM);
    let divisible: Vec<&DeptDef> = DEPARTMENT_TABLE.iter().filter(|d| d.divisible).collect();
    let mut depts = Vec::with_capacity(params.departments);
    let mut employee_base: u32 = 10_000;
    for i in 0..params.departments {
        let (code, name, def, headcount) = if let Some(def) = DEPARTMENT_TABLE.get(i) {
            let hc = def.size * normal(&mut rng, 0.0, 0.1).exp();
            (def.code.to_string(), def.name.to_string(), def, hc)
        } else {
            let e = i - DEPARTMENT_TABLE.len();
            let def = divisible[e % divisible.len()];
            let n = 2 + e / divisible.len();
            let hc = def.size * rng.gen_range(0.1f64.ln()..0.5f64.ln()).exp();
            (format!("{}{n}", def.code), format!("{} District {n}", def.name), def, hc)
        };
        let headcount = headcount.round().max(10.0);
        let employee_count = (headcount * 1.2).ceil() as u32;
        let dept = Dept {
            code,
            base_code: def.code,
            name,
            group: def.group,
            family: def.family,
            headcount,
            effect: normal(&mut rng, 0.0, DEPARTMENT_EFFECT_SD),
            trend: normal(&mut rng, TREND_MEAN, TREND_SD),
            brk: None,
            first_aid_mult: normal(&mut rng, 0.0, REPORTING_CULTURE_SD).exp(),
            near_miss_mult: normal(&mut rng, 0.0, REPORTING_CULTURE_SD).exp(),
            employee_base,
            employee_count,
            sites: Vec::new(),
        };
        employee_base = employee_base.saturating_add(employee_count.div_ceil(1000) * 1000 + 1000);
        depts.push(dept);
    }
    assign_breaks(&mut rng, &mut depts, window);
    depts
}

/// Gives `round(0.1 D)` departments, chosen at random, a level shift from a
/// month away from the window's edges.
fn assign_breaks(rng: &mut ChaCha8Rng, depts: &mut [Dept], window: &Window) {
    let n_breaks = ((depts.len() as f64) * BREAK_SHARE).round() as usize;
    let margin = 6.min(window.months / 4);
    let chosen = rand::seq::index::sample(rng, depts.len(), n_breaks.min(depts.len()));
    let mut chosen: Vec<usize> = chosen.into_iter().collect();
    chosen.sort_unstable();
    for d in chosen {
        let lo = margin.max(1);
        let hi = (window.months - margin).max(lo + 1);
        let t = rng.gen_range(lo..hi).min(window.months - 1);
        let size = rng.gen_range(BREAK_SIZE.0..BREAK_SIZE.1) * if rng.gen_bool(0.5) { 1.0 } else { -1.0 };
        depts[d].brk = Some((t, size));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn department_codes_are_unique_upper_case() {
        let params = GenerateParams { departments: 130, ..GenerateParams::default() };
        let window = Window::new(&params).unwrap();
        let depts = build_departments(&params, &window);
        let mut codes: Vec<&str> = depts.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.iter().all(|c| c.len() >= 3 && c.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())));
        assert!(!codes.contains(&"ZZZ"));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 130);
        assert_eq!(depts[0].code, "LAPD");
        assert!(depts.iter().any(|d| d.name == "Sanitation District 2"));
        assert_eq!(depts.iter().filter(|d| d.brk.is_some()).count(), 13);
        let max = depts.iter().map(|d| d.headcount).fold(0.0, f64::max);
        assert_eq!(depts.iter().find(|d| d.headcount == max).map(|d| d.group), Some(Group::PublicSafety));
        assert!(depts.iter().all(|d| d.headcount >= 10.0 && d.headcount < 16_000.0));
    }
}
