//! Bad-row injection: which (kind, file) pairs apply, where each planned bad
//! row goes among the good rows, and the hand-built single line of each,
//! with exactly one defect.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::GenerateError;
use super::departments::Dept;
use super::establishments::needs_type;
use super::exposure::CellTruth;
use super::files::DataFile;
use super::params::{GenerateParams, Window};
use super::random::{BAD_STREAM, Cdf, stream};
use super::sites::job_title;
use super::values::{Day, Money, MonthDays};
use super::wcio::{CAUSES, body_word, nature_word};
use crate::ingest::Reason;
use crate::schema::{InjuryType, Month, OshaClass};

/// Bad future dates lie this many months after `end`.
const FUTURE_MONTHS: i32 = 480;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    Injuries,
    Claims,
    Exposure,
}

impl FileKind {
    pub const ALL: [FileKind; 3] = [FileKind::Injuries, FileKind::Claims, FileKind::Exposure];

    fn idx(self) -> usize {
        self as usize
    }
}

/// Whether a bad row of `kind` can be injected into `file`. (Exhaustive on
/// purpose: a new quarantine reason must be taught to the generator.)
pub fn applies(kind: Reason, file: FileKind, params: &GenerateParams) -> bool {
    if file == FileKind::Exposure && !params.with_exposure {
        return false;
    }
    match kind {
        Reason::MissingValue
        | Reason::UnparsableValue
        | Reason::OutOfRange
        | Reason::DuplicateId
        | Reason::FutureDate
        | Reason::WrongFieldCount
        | Reason::MalformedQuoting => true,
        Reason::UnknownEnum => file != FileKind::Exposure,
        Reason::UnknownDepartment => params.with_departments,
        Reason::ReportedBeforeInjury | Reason::ClosedWithoutDate => file == FileKind::Claims,
        // Bad rows go to the four contract files; valuations are not among them.
        Reason::UnknownClaim => false,
    }
}

/// The (kind, file) pairs that apply, in [`Reason`] order then file order;
/// bad row i takes pair i, cycling.
pub fn applicable_pairs(params: &GenerateParams) -> Vec<(Reason, FileKind)> {
    Reason::ALL
        .iter()
        .flat_map(|&k| FileKind::ALL.iter().map(move |&f| (k, f)))
        .filter(|&(k, f)| applies(k, f, params))
        .collect()
}

/// One planned bad row.
#[derive(Debug, Clone, Copy)]
struct Planned {
    /// Injuries and claims: department-month cell; exposure: insert before good row `slot`.
    slot: usize,
    /// Position within the cell, as a fraction.
    u: f64,
    kind: Reason,
    /// How many earlier bad rows of this file and kind there are.
    occ: usize,
    /// Exposure duplicates: index of the repeated good row.
    dup_of: usize,
}

/// The planned bad rows of every file and what writing them needs to know.
pub struct BadRows {
    rng: ChaCha8Rng,
    window: Window,
    plans: [Vec<Planned>; 3],
    cursors: [usize; 3],
    /// Duplicates planned before the file had a good row to repeat.
    pending: [Vec<Planned>; 3],
    /// Per file, the id of the last good row written ("" before the first):
    /// what a duplicate_id row repeats.
    last_ids: [String; 3],
    /// Global bad-row counter (for ids).
    next_id: usize,
    /// Exposure keys: general and unknown-department counters.
    exposure_keys: usize,
    exposure_unknown: usize,
    departments: usize,
}

impl BadRows {
    /// Plans `params.bad_rows` bad rows, each file's in the order they are written.
    pub fn plan(params: &GenerateParams, window: &Window, cells: &[CellTruth]) -> Result<BadRows, GenerateError> {
        let departments = cells.len() / window.months;
        let mut rng = stream(params.seed, BAD_STREAM);
        let pairs = applicable_pairs(params);
        let mut plans: [Vec<Planned>; 3] = Default::default();
        // Cells for injury and claim rows, in proportion to their expected cases.
        let cell_cdf = Cdf::new(cells.iter().map(|c| c.mu + 1e-12));
        let n_cells = cells.len();
        let mut occ = [[0usize; Reason::ALL.len()]; 3];
        if params.bad_rows > 0 && pairs.is_empty() {
            return Err(GenerateError::InvalidParams("no kind of bad row applies".into()));
        }
        for i in 0..params.bad_rows {
            let (kind, file) = pairs[i % pairs.len()];
            let k = Reason::ALL.iter().position(|&r| r == kind).unwrap_or(0);
            let o = occ[file.idx()][k];
            occ[file.idx()][k] += 1;
            let planned = match file {
                FileKind::Exposure => {
                    if kind == Reason::DuplicateId {
                        let slot = rng.gen_range(1..=n_cells);
                        Planned { slot, u: 0.0, kind, occ: o, dup_of: rng.gen_range(0..slot) }
                    } else {
                        Planned { slot: rng.gen_range(0..=n_cells), u: 0.0, kind, occ: o, dup_of: 0 }
                    }
                }
                _ => Planned { slot: cell_cdf.sample(&mut rng), u: rng.r#gen::<f64>(), kind, occ: o, dup_of: 0 },
            };
            plans[file.idx()].push(planned);
        }
        for plan in &mut plans {
            // Stable: equal positions keep their planning order.
            plan.sort_by(|a, b| a.slot.cmp(&b.slot).then(a.u.total_cmp(&b.u)));
        }
        check_exposure_keys(params, window, &plans[FileKind::Exposure.idx()], departments)?;
        Ok(BadRows {
            rng,
            window: *window,
            plans,
            cursors: [0; 3],
            pending: Default::default(),
            last_ids: Default::default(),
            next_id: 1,
            exposure_keys: 0,
            exposure_unknown: 0,
            departments,
        })
    }

    /// Writes the `n` good rows of department-month `cell` of an injuries or
    /// claims file with the bad rows planned among them. `write_good(i, out,
    /// id)` writes good row `i` and leaves its id in `id`, for the
    /// duplicate_id rows after it to repeat.
    pub fn interleave(
        &mut self,
        file: FileKind,
        cell: usize,
        dept: &Dept,
        out: &mut DataFile,
        n: usize,
        mut write_good: impl FnMut(usize, &mut DataFile, &mut String) -> Result<(), GenerateError>,
    ) -> Result<(), GenerateError> {
        let due = self.due(file, cell, n);
        let mut k = 0;
        for i in 0..n {
            while k < due.len() && due[k].0 <= i {
                self.emit(file, due[k].1, out, dept)?;
                k += 1;
            }
            write_good(i, out, &mut self.last_ids[file.idx()])?;
            self.flush_pending(file, out, dept, cell % self.window.months)?;
        }
        for &(_, p) in &due[k..] {
            self.emit(file, p, out, dept)?;
        }
        Ok(())
    }

    /// The bad rows planned for `cell` of an injuries or claims file with
    /// `n` good rows in that cell, as (insert before good row i, plan).
    fn due(&mut self, file: FileKind, cell: usize, n: usize) -> Vec<(usize, Planned)> {
        let plan = &self.plans[file.idx()];
        let cursor = &mut self.cursors[file.idx()];
        let mut due = Vec::new();
        while *cursor < plan.len() && plan[*cursor].slot == cell {
            let p = plan[*cursor];
            due.push((((p.u * (n as f64 + 1.0)) as usize).min(n), p));
            *cursor += 1;
        }
        due
    }

    /// Writes one planned injuries or claims bad row (or keeps a duplicate
    /// for later when there is no earlier good row yet).
    fn emit(&mut self, file: FileKind, p: Planned, out: &mut DataFile, dept: &Dept) -> Result<(), GenerateError> {
        if p.kind == Reason::DuplicateId && self.last_ids[file.idx()].is_empty() {
            self.pending[file.idx()].push(p);
            return Ok(());
        }
        let template = Template::new(&mut self.rng, dept, &self.window, self.window.month(p.slot % self.window.months));
        self.write_bad(file, p, out, &template)
    }

    /// After a good row of `dept` in month `t`: writes the duplicates that
    /// were waiting for one (dated in that month).
    fn flush_pending(
        &mut self,
        file: FileKind,
        out: &mut DataFile,
        dept: &Dept,
        t: usize,
    ) -> Result<(), GenerateError> {
        if self.pending[file.idx()].is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending[file.idx()]);
        for p in pending {
            let template = Template::new(&mut self.rng, dept, &self.window, self.window.month(t));
            self.write_bad(file, p, out, &template)?;
        }
        Ok(())
    }

    /// At the end: duplicates still waiting (the file has no good row at
    /// all) are written as missing_value rows instead.
    pub fn finish_pending(
        &mut self,
        injuries: &mut DataFile,
        claims: &mut DataFile,
        depts: &[Dept],
    ) -> Result<(), GenerateError> {
        let months = self.window.months;
        for (file, out) in [(FileKind::Injuries, injuries), (FileKind::Claims, claims)] {
            let pending = std::mem::take(&mut self.pending[file.idx()]);
            for p in pending {
                let dept = &depts[(p.slot / months).min(depts.len().saturating_sub(1))];
                let template = Template::new(&mut self.rng, dept, &self.window, self.window.month(p.slot % months));
                self.write_bad(file, Planned { kind: Reason::MissingValue, ..p }, out, &template)?;
            }
        }
        Ok(())
    }

    fn write_bad(
        &mut self,
        file: FileKind,
        p: Planned,
        out: &mut DataFile,
        template: &Template,
    ) -> Result<(), GenerateError> {
        let id = self.next_id;
        self.next_id += 1;
        let last = &self.last_ids[file.idx()];
        let last_id = (!last.is_empty()).then_some(last.as_str());
        let line = match file {
            FileKind::Injuries => template.injury_line(&mut self.rng, p, id, last_id),
            FileKind::Claims => template.claim_line(&mut self.rng, p, id, last_id),
            FileKind::Exposure => return Err(GenerateError::InvalidParams("internal: exposure row as case".into())),
        };
        out.bad(&line, p.kind)
    }

    /// Writes the exposure bad rows planned before good row `position`.
    pub fn exposure_before(
        &mut self,
        position: usize,
        out: &mut DataFile,
        depts: &[Dept],
        cells: &[CellTruth],
    ) -> Result<(), GenerateError> {
        let f = FileKind::Exposure.idx();
        let window = self.window;
        while self.cursors[f] < self.plans[f].len() && self.plans[f][self.cursors[f]].slot == position {
            let p = self.plans[f][self.cursors[f]];
            self.cursors[f] += 1;
            let (dept, month, cell) = match p.kind {
                Reason::DuplicateId => {
                    let d = p.dup_of / window.months;
                    (depts[d].code.as_str(), window.month(p.dup_of % window.months), &cells[p.dup_of])
                }
                Reason::UnknownDepartment => {
                    let month = window.start.plus(-1 - self.exposure_unknown as i32);
                    self.exposure_unknown += 1;
                    let d = position.min(cells.len() - 1);
                    ("ZZZ", month, &cells[d])
                }
                _ => {
                    let k = self.exposure_keys;
                    self.exposure_keys += 1;
                    let d = k % self.departments;
                    let block = (k / self.departments) as i32;
                    let month = if p.kind == Reason::FutureDate {
                        window.end.plus(FUTURE_MONTHS + block)
                    } else {
                        window.start.plus(-1 - block)
                    };
                    (depts[d].code.as_str(), month, &cells[d * window.months])
                }
            };
            let line = bad_exposure(&mut self.rng, p, dept, month, cell);
            out.bad(&line, p.kind)?;
        }
        Ok(())
    }
}

/// Fresh exposure keys lie before the window or after `end`, one block of
/// months per round through the departments; they must stay within the
/// years 1900..=2200.
fn check_exposure_keys(
    params: &GenerateParams,
    window: &Window,
    exposure: &[Planned],
    departments: usize,
) -> Result<(), GenerateError> {
    let unknown = exposure.iter().filter(|p| p.kind == Reason::UnknownDepartment).count();
    let general =
        exposure.iter().filter(|p| !matches!(p.kind, Reason::UnknownDepartment | Reason::DuplicateId)).count();
    let before = window.start.since(Month::from_index(1900 * 12));
    let last_block = general.saturating_sub(1) / departments.max(1);
    let future_last = window.end.plus(FUTURE_MONTHS + last_block as i32);
    if (general > 0 && (last_block as i32 >= before || future_last.year() > 2200)) || unknown as i32 > before {
        return Err(GenerateError::InvalidParams(format!(
            "{} bad rows are too many for the window: the fresh exposure keys would leave the years 1900-2200",
            params.bad_rows
        )));
    }
    Ok(())
}

/// Valid values for a bad injury or claim row, before its one defect.
struct Template {
    dept: String,
    day: i32,
    cause: u16,
    nature: u16,
    body: u16,
    job: &'static str,
    employee: u32,
    description: String,
    /// The OSHA columns: the department's first establishment and its
    /// short name as the location (no draw of their own, so the bad rows'
    /// other values did not move when the columns were added).
    establishment: String,
    location: String,
    valuation: i32,
    /// The month `FUTURE_MONTHS` after `end`.
    future: MonthDays,
}

impl Template {
    fn new(rng: &mut ChaCha8Rng, dept: &Dept, window: &Window, month: Month) -> Template {
        let c = rng.gen_range(0..CAUSES.len());
        let cause = &CAUSES[c];
        let nature = cause.natures[rng.gen_range(0..cause.natures.len())].0;
        let body = cause.bodies[rng.gen_range(0..cause.bodies.len())].0;
        let phrases = cause.phrases[dept.group.idx()];
        let phrase = phrases[rng.gen_range(0..phrases.len())];
        Template {
            dept: dept.code.clone(),
            day: MonthDays::of(month).random_day(rng),
            cause: cause.code,
            nature,
            body,
            job: dept.random_job(rng),
            employee: dept.random_employee(rng),
            description: format!("{phrase} and {} {}", nature_word(nature), body_word(body)),
            establishment: dept.sites.first().map(|s| s.id.clone()).unwrap_or_default(),
            location: dept.sites.first().map(|s| s.short.clone()).unwrap_or_default(),
            valuation: window.valuation,
            future: MonthDays::of(window.end.plus(FUTURE_MONTHS)),
        }
    }

    fn future_day(&self, rng: &mut ChaCha8Rng) -> Day {
        Day(self.future.random_day(rng))
    }

    /// A bad injuries.csv line: a valid row from the template, then its one defect.
    fn injury_line(&self, rng: &mut ChaCha8Rng, p: Planned, id: usize, last_id: Option<&str>) -> String {
        let year = Day(self.day).ymd().0;
        let mut f: Vec<String> = vec![
            format!("BAD-I-{id:05}"),
            self.dept.clone(),
            Day(self.day).to_string(),
            "other_recordable".into(),
            "0".into(),
            "0".into(),
            self.cause.to_string(),
            self.nature.to_string(),
            self.body.to_string(),
            self.job.into(),
            format!("E{:07}", self.employee),
            self.description.clone(),
        ];
        match p.kind {
            Reason::MissingValue => f[[0, 1, 2, 3][p.occ % 4]].clear(),
            Reason::UnparsableValue => match p.occ % 3 {
                0 => f[2] = format!("{year}-13-45"),
                1 => {
                    f[3] = "days_away".into();
                    f[4] = "abc".into();
                }
                _ => f[8] = "knee".into(),
            },
            Reason::OutOfRange => {
                if p.occ.is_multiple_of(2) {
                    f[3] = "days_away".into();
                    f[4] = "-3".into();
                } else {
                    f[3] = "restricted".into();
                    f[5] = "-7".into();
                }
            }
            Reason::UnknownEnum => f[3] = "serious".into(),
            Reason::UnknownDepartment => f[1] = "ZZZ".into(),
            Reason::DuplicateId => f[0] = last_id.unwrap_or_default().to_string(),
            Reason::FutureDate => f[2] = self.future_day(rng).to_string(),
            Reason::WrongFieldCount => wrong_count(&mut f, p.occ),
            Reason::MalformedQuoting => f[11] = malformed(&self.description, p.occ),
            Reason::ReportedBeforeInjury | Reason::ClosedWithoutDate | Reason::UnknownClaim => {}
        }
        // The OSHA columns after the defect, so that the line without them
        // is the line as it was before they were added.
        let injury_type = needs_type(OshaClass::OtherRecordable, Some(self.nature)).then_some(InjuryType::OtherIllness);
        f.extend([
            self.establishment.clone(),
            injury_type.map(InjuryType::as_str).unwrap_or_default().to_string(),
            job_title(self.job).to_string(),
            self.location.clone(),
        ]);
        f.join(",")
    }

    /// A bad claims.csv line: a valid open claim from the template, then its one defect.
    fn claim_line(&self, rng: &mut ChaCha8Rng, p: Planned, id: usize, last_id: Option<&str>) -> String {
        let year = Day(self.day).ymd().0;
        let reported = (self.day + rng.gen_range(0..10)).min(self.valuation);
        let paid = rng.gen_range(20_000..400_000i64);
        let mut f: Vec<String> = vec![
            format!("BAD-C-{id:05}"),
            String::new(),
            self.dept.clone(),
            Day(self.day).to_string(),
            Day(reported).to_string(),
            Day(self.valuation).to_string(),
            "open".into(),
            String::new(),
            Money(paid * 9 / 10).to_string(),
            "0.00".into(),
            Money(paid - paid * 9 / 10).to_string(),
            Money(paid * 2).to_string(),
            "false".into(),
            self.cause.to_string(),
            self.nature.to_string(),
            self.body.to_string(),
            self.job.into(),
            format!("E{:07}", self.employee),
            // initial_incurred: whole dollars, from the amounts above (no extra draw).
            Money(paid / 200 * 100).to_string(),
        ];
        match p.kind {
            Reason::MissingValue => f[[0, 2, 3, 6][p.occ % 4]].clear(),
            Reason::UnparsableValue => match p.occ % 4 {
                0 => f[8] = "12..5".into(),
                1 => f[4] = format!("{year}-02-30"),
                2 => f[12] = "maybe".into(),
                _ => f[3] = format!("{year}-13-45"),
            },
            Reason::OutOfRange => match p.occ % 3 {
                0 => f[8] = "-125.00".into(),
                1 => f[11] = "-50.00".into(),
                _ => f[9] = "-10.00".into(),
            },
            Reason::UnknownEnum => f[6] = "pending".into(),
            Reason::UnknownDepartment => f[2] = "ZZZ".into(),
            Reason::DuplicateId => f[0] = last_id.unwrap_or_default().to_string(),
            Reason::FutureDate => {
                let day = self.future_day(rng).to_string();
                f[3] = day.clone();
                f[4] = day;
                f[5].clear();
            }
            Reason::ReportedBeforeInjury => f[4] = Day(self.day - rng.gen_range(1..=30)).to_string(),
            Reason::ClosedWithoutDate => {
                f[6] = "closed".into();
                f[11] = "0.00".into();
            }
            Reason::WrongFieldCount => wrong_count(&mut f, p.occ),
            Reason::MalformedQuoting => {
                f[16] = if p.occ.is_multiple_of(2) {
                    format!("{} \"acting\"", self.job)
                } else {
                    format!("\"{}\" acting", self.job)
                }
            }
            Reason::UnknownClaim => {}
        }
        f.join(",")
    }
}

/// A bad exposure.csv line for the key (`dept`, `month`), with amounts near
/// those of `cell`, then its one defect (none of its own when the key is it).
fn bad_exposure(rng: &mut ChaCha8Rng, p: Planned, dept: &str, month: Month, cell: &CellTruth) -> String {
    let noise = rng.gen_range(0.95..1.05);
    let mut f: Vec<String> = vec![
        dept.to_string(),
        month.to_string(),
        format!("{:.1}", cell.hours * noise),
        format!("{:.1}", cell.headcount * noise),
        Money((cell.payroll_cents as f64 * noise).round() as i64).to_string(),
    ];
    match p.kind {
        Reason::MissingValue => f[p.occ % 3].clear(),
        Reason::UnparsableValue => match p.occ % 3 {
            0 => f[2] = "17x3.5".into(),
            // Months 13-24: the string stays as unique as the fresh key.
            1 => f[1] = format!("{}-{}", month.year(), 12 + month.month()),
            _ => f[4] = "12..5".into(),
        },
        Reason::OutOfRange => match p.occ % 3 {
            0 => f[2] = "0".into(),
            1 => f[2] = "-120.5".into(),
            _ => f[4] = "-1000.00".into(),
        },
        Reason::WrongFieldCount => wrong_count(&mut f, p.occ),
        Reason::MalformedQuoting => {
            let split = dept.char_indices().nth(1).map_or(dept.len(), |(i, _)| i);
            f[0] = format!("\"{}\"{}", &dept[..split], &dept[split..]);
        }
        // The key chosen by the caller is the defect.
        Reason::UnknownDepartment | Reason::DuplicateId | Reason::FutureDate => {}
        Reason::UnknownEnum | Reason::ReportedBeforeInjury | Reason::ClosedWithoutDate | Reason::UnknownClaim => {}
    }
    f.join(",")
}

/// One field short or one extra, alternately.
fn wrong_count(fields: &mut Vec<String>, occ: usize) {
    if occ.is_multiple_of(2) {
        fields.pop();
    } else {
        fields.push("extra".into());
    }
}

/// Free text with malformed quoting that stays on one line (two quote characters).
fn malformed(text: &str, occ: usize) -> String {
    if occ.is_multiple_of(2) { format!("{text} at Main \"Street\" yard") } else { format!("\"{text}\" near the truck") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_applies_somewhere() {
        let params = GenerateParams::default();
        // An unknown claim is a defect of claim_valuations.csv only, which
        // takes no bad rows (its tests are the reader's).
        for kind in Reason::ALL.into_iter().filter(|&k| k != Reason::UnknownClaim) {
            assert!(FileKind::ALL.iter().any(|&f| applies(kind, f, &params)), "{kind:?}");
        }
        let n: usize =
            FileKind::ALL.iter().map(|&f| Reason::ALL.iter().filter(|&&k| applies(k, f, &params)).count()).sum();
        assert_eq!(n, 28);
    }
}
