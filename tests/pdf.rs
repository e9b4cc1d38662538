//! End-to-end tests of the PDF reports: a hand-built `ReportData` (12
//! departments, one named with every typst markup character) rendered to
//! `cabinet.pdf` and department PDFs through typst.
//!
//! Where poppler-utils (`pdfinfo`, `pdftotext`) is installed the text of the
//! PDFs is checked too; without it those checks print a notice and are
//! skipped. Set `RISKRANK_PDF_OUT=<dir>` to keep the rendered PDFs.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use riskrank::report::charts;
use riskrank::report::data::{
    CaseLine, CityMonth, Coverage, DepartmentReport, FileCount, MixShare, Mover, ParetoItem, Ranking, RankingRow,
    ReportData, RiskTier, TrendPoint, Trust,
};
use riskrank::report::pdf::{PdfDocument, cabinet_markup, department_markup, escape, render_pdf};
use riskrank::schema::{Cents, Month, OshaClass};

const TRICKY: &str = "Parks & Rec #2 [East] *\"Q\"* $x_y @z <a>";

/// A small deterministic generator (no dependency on `rand`'s streams).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn month(y: i32, m: u32) -> Month {
    Month::new(y, m).expect("valid month")
}

const DEPARTMENTS: [(&str, &str, &str); 12] = [
    ("SAN", "Sanitation", "field operations"),
    ("PRK2", TRICKY, "field operations"),
    ("FIRE", "Fire Department", "public safety"),
    ("WTR", "Water & Sewer Utility", "utilities"),
    ("POL", "Police Department", "public safety"),
    ("STR", "Streets, Bridges and Traffic Engineering Division", "field operations"),
    ("LIB", "Public Library", "office and services"),
    ("FLT", "Fleet Maintenance", "utilities"),
    ("HLT", "Public Health", "office and services"),
    ("AIR", "Airport Operations", "utilities"),
    ("FIN", "Finance & Treasury", "office and services"),
    ("ITS", "Information Technology", "office and services"),
];

const CAUSES: [&str; 9] = [
    "Strain or injury by lifting",
    "Fall, slip or trip on same level",
    "Struck by object",
    "Motor vehicle",
    "Cut, puncture, scrape",
    "Caught in or between",
    "Repetitive motion",
    "Animal or insect bite",
    "Other",
];
const PARTS: [&str; 7] = ["Lower back", "Knee", "Shoulder", "Hand or fingers", "Ankle", "Head", "Multiple body parts"];

const TIERS: [RiskTier; 12] = [
    RiskTier::High,
    RiskTier::High,
    RiskTier::Elevated,
    RiskTier::Elevated,
    RiskTier::Elevated,
    RiskTier::Moderate,
    RiskTier::Moderate,
    RiskTier::Moderate,
    RiskTier::Low,
    RiskTier::Low,
    RiskTier::Low,
    RiskTier::Low,
];

const CITY_RATE: f64 = 4.12;

/// The report of a run as of June 2025, with rates when `rated`. One
/// generator feeds the ranking, the city history and the departments, in
/// that order, so the data is the same on every call.
fn report_data(rated: bool) -> ReportData {
    let as_of = month(2025, 6);
    let mut rng = Lcg(42);
    let rows = ranking_rows(rated, &mut rng);
    let city_history = city_history(as_of, rated, &mut rng);
    let cause_pareto = cause_pareto();
    let departments: Vec<DepartmentReport> =
        rows.iter().enumerate().map(|(i, row)| department_report(i, row, as_of, rated, &mut rng)).collect();
    ReportData {
        organisation: "Risk Reduction Cabinet".to_string(),
        title: "Workplace Safety Risk Ranking".to_string(),
        data_warning: None,
        ranking: Ranking {
            as_of,
            horizon: 3,
            rated,
            city_predicted: if rated { CITY_RATE } else { 12.4 },
            city_actual_to_expected: Some(1.0),
            compared_with: Some(as_of.plus(-1)),
            data_warning: None,
            city_addressable: Default::default(),
            experience_applied: true,
            rows: rows.clone(),
        },
        coverage: coverage(as_of),
        city_history,
        movers: vec![
            mover("LIB", "Public Library", 7, 11, true),
            mover("PRK2", TRICKY, 2, 5, true),
            mover("POL", "Police Department", 5, 3, false),
        ],
        cause_pareto,
        trust: Some(Trust {
            model_file: "models/default.json".to_string(),
            trained_to: month(2024, 12),
            skill_vs_trailing12: vec![(1, 0.043), (3, 0.121), (12, 0.187)],
            coverage_90: vec![(1, 0.912), (3, 0.874)],
            spearman_observed: Some(0.71),
            dispersion: 0.12,
        }),
        tier_rule: riskrank::rank::tier_rule(&Default::default()),
        summary: vec![
            "2 departments are in the high tier: Public Library and Parks.".to_string(),
            "Since November 2025, real changes: Public Library (11 → 7).".to_string(),
        ],
        credibility_note: None,
        definitions: definitions(),
        targets: None,
        departments,
    }
}

fn mover(code: &str, name: &str, rank: u32, previous_rank: u32, significant: bool) -> Mover {
    let change = i64::from(previous_rank) - i64::from(rank);
    Mover { department: code.into(), name: name.into(), rank, previous_rank, change, significant }
}

/// The twelve departments in rank order, rates falling with the rank.
fn ranking_rows(rated: bool, rng: &mut Lcg) -> Vec<RankingRow> {
    DEPARTMENTS
        .iter()
        .enumerate()
        .map(|(i, (code, name, group))| {
            let rate = 9.5 - 0.72 * i as f64 + rng.next() * 0.3;
            let cases = rate * (1.5 + 3.0 * rng.next());
            RankingRow {
                rank: i as u32 + 1,
                department: code.to_string(),
                name: name.to_string(),
                group: if i == 7 { None } else { Some(group.to_string()) },
                risk_tier: TIERS[i],
                predicted_cases: cases,
                predicted_cases_low: (cases * 0.45).floor() as u64,
                predicted_cases_high: (cases * 1.8).ceil() as u64,
                predicted_rate: rated.then_some(rate),
                predicted_incurred: cases * 14_250.0,
                trailing12_trir: rated.then_some(rate * (0.8 + 0.4 * rng.next())),
                trailing12_dart: rated.then_some(rate * 0.55),
                trailing12_incurred: Cents((cases * 4.0 * 1_425_000.0) as i64),
                actual_to_expected: if i == 11 { None } else { Some(0.7 + 0.6 * rng.next()) },
                rank_low: (i as u32).max(1),
                rank_high: i as u32 + 2,
                rank_change: match i {
                    0 => Some(0),
                    1 => Some(3),
                    4 => Some(-2),
                    6 => Some(4),
                    9 => None,
                    _ => Some(if i % 2 == 0 { 1 } else { -1 }),
                },
                cost_rank: ((i + 3) % 12) as u32 + 1,
                credibility_z: Some(0.35 + 0.05 * i as f64),
                top_driver: [
                    "lower-back share above the city's",
                    "recent rise in recordables",
                    "large department (hours)",
                ][i % 3]
                    .to_string(),
                ..RankingRow::default()
            }
        })
        .collect()
}

/// 36 seasonal months to `as_of`, the recent ones' incurred still low.
fn city_history(as_of: Month, rated: bool, rng: &mut Lcg) -> Vec<CityMonth> {
    (0..36)
        .map(|k| {
            let m = Month::from_index(as_of.index() - 35 + k);
            let season = ((k as f64) * std::f64::consts::TAU / 12.0).sin();
            let recordable = (110.0 + 15.0 * season + 10.0 * rng.next()) as u64;
            CityMonth {
                month: m,
                recordable,
                trir: rated.then_some(4.0 + 0.6 * season + 0.3 * rng.next()),
                dart: rated.then_some(2.1 + 0.3 * season + 0.2 * rng.next()),
                incurred: Cents(
                    ((400_000.0 + 150_000.0 * rng.next()) * (1.0 - (k as f64 / 40.0).powi(8))) as i64 * 100,
                ),
            }
        })
        .collect()
}

fn cause_pareto() -> Vec<ParetoItem> {
    let mut cumulative = 0.0;
    let counts = [212u32, 160, 121, 88, 64, 40, 31, 22, 18];
    let total: u32 = counts.iter().sum();
    CAUSES
        .iter()
        .zip(counts)
        .map(|(label, cases)| {
            let share = f64::from(cases) / f64::from(total);
            cumulative += share;
            ParetoItem { label: label.to_string(), cases, share, cumulative_share: cumulative }
        })
        .collect()
}

/// The report of the `i`-th department (`row`): its history first, then
/// its mix, drawn from `rng` in that order.
fn department_report(i: usize, row: &RankingRow, as_of: Month, rated: bool, rng: &mut Lcg) -> DepartmentReport {
    let history = department_history(row, as_of, rated, rng);
    let mix = department_mix(rng);
    // The first department has a long case list that must page-break.
    let n_cases = if i == 0 { 70 } else { 6 + i };
    DepartmentReport {
        row: row.clone(),
        history,
        mix,
        drivers: vec![
            format!("{} above the city's", row.top_driver),
            "lower-back share of cases 31% against 22% city-wide".to_string(),
            "more hours worked than a year ago (+8%)".to_string(),
        ],
        open_claims: 3 + i as u64,
        incurred_t12: row.trailing12_incurred,
        why: format!("Ranked {} of 12 mainly because its own injury level runs at 1.40× the city's.", row.rank),
        change: "It moved up 3 places since November 2025, within what chance allows: not news.".to_string(),
        lean: (i == 11).then(|| "With one recordable case in three years, its own record is too thin.".to_string()),
        actions: vec![riskrank::report::data::Action {
            group: "Lifting and manual handling".to_string(),
            cases: 4,
            share: 0.3,
            city_share: 0.2,
            measure: "Lift aids and ergonomic job review".to_string(),
            detail: "Provide lift aids.".to_string(),
            source: "NIOSH".to_string(),
            url: "https://www.cdc.gov/niosh/".to_string(),
        }],
        recordable_3y: 12,
        cases: (0..n_cases).map(|k| case_line(&row.department, k)).collect(),
        targets: None,
    }
}

fn department_history(row: &RankingRow, as_of: Month, rated: bool, rng: &mut Lcg) -> Vec<TrendPoint> {
    (0..36)
        .map(|k| {
            let m = Month::from_index(as_of.index() - 35 + k);
            let drift = 0.03 * k as f64;
            TrendPoint {
                month: m,
                trir: rated.then_some(row.predicted_rate.unwrap_or(6.0) * 0.8 + drift + rng.next()),
                peer_trir: rated.then_some(5.0 + 0.5 * rng.next()),
                city_trir: rated.then_some(CITY_RATE + 0.2 * rng.next()),
                dart: rated.then_some(2.0 + 0.5 * drift + rng.next()),
                peer_dart: rated.then_some(2.6 + 0.3 * rng.next()),
                city_dart: rated.then_some(2.1 + 0.1 * rng.next()),
            }
        })
        .collect()
}

/// Random shares over six causes and every body part, against an even
/// city-wide split.
fn department_mix(rng: &mut Lcg) -> Vec<MixShare> {
    let mut mix = Vec::new();
    for (kind, labels) in [("cause", &CAUSES[..6]), ("body_part", &PARTS[..])] {
        let weights: Vec<f64> = labels.iter().map(|_| 0.2 + rng.next()).collect();
        let sum: f64 = weights.iter().sum();
        for (label, w) in labels.iter().zip(&weights) {
            let share = w / sum;
            mix.push(MixShare {
                kind: kind.to_string(),
                label: label.to_string(),
                cases: (share * 40.0).round() as u32,
                share,
                city_share: 1.0 / labels.len() as f64,
            });
        }
    }
    mix
}

/// The `k`-th newest case of `department`.
fn case_line(department: &str, k: usize) -> CaseLine {
    let class = OshaClass::ALL[k % 5];
    let day = 28 - (k as i8 % 27);
    CaseLine {
        case_id: format!("{}-2025-{:04}", department, 900 - k),
        event_date: Some(jiff::civil::date(2025 - (k / 40) as i16, 6 - ((k / 8) % 6) as i8, day)),
        osha_class: class,
        days_away: (class == OshaClass::DaysAway).then_some(3 + k as u32 % 20),
        days_restricted: (class == OshaClass::Restricted).then_some(5 + k as u32 % 9),
        cause: (k % 7 != 3).then(|| CAUSES[k % CAUSES.len()].to_string()),
        body_part: Some(PARTS[k % PARTS.len()].to_string()),
        incurred: (!k.is_multiple_of(4)).then_some(Cents(((k * 7919) % 60_000 * 100 + 1_234) as i64)),
        claim_open: k.is_multiple_of(3),
        privacy_case: false,
    }
}

fn coverage(as_of: Month) -> Coverage {
    Coverage {
        panel_start: month(2022, 7),
        panel_end: as_of,
        departments: 12,
        files: vec![
            FileCount { file: "injuries.csv".to_string(), read: 4_812, accepted: 4_779, quarantined: 33 },
            FileCount { file: "claims.csv".to_string(), read: 2_950, accepted: 2_946, quarantined: 4 },
            FileCount { file: "exposure.csv".to_string(), read: 432, accepted: 432, quarantined: 0 },
            FileCount { file: "departments.csv".to_string(), read: 12, accepted: 12, quarantined: 0 },
        ],
        rows_quarantined: 37,
    }
}

fn definitions() -> Vec<(String, String)> {
    vec![
        ("TRIR".into(), "Recordable cases × 200,000 / hours worked (cases per 100 full-time workers a year).".into()),
        ("DART".into(), "Days-away and restricted (transfer) cases × 200,000 / hours worked.".into()),
        ("LTIR".into(), "Deaths plus days-away cases × 200,000 / hours worked.".into()),
        ("Incurred".into(), "Paid plus reserved cost of a claim at the valuation date.".into()),
        ("Credibility z".into(), "Weight of the department's own experience against its peer group (0–1).".into()),
    ]
}

fn render(doc: &PdfDocument<'_>, name: &str) -> Vec<u8> {
    let start = Instant::now();
    let pdf = render_pdf(doc).unwrap_or_else(|e| panic!("{name}: {e}"));
    eprintln!("{name}: {} bytes in {:.0} ms", pdf.len(), start.elapsed().as_secs_f64() * 1000.0);
    assert!(pdf.starts_with(b"%PDF"), "{name} is not a PDF");
    if let Some(dir) = std::env::var_os("RISKRANK_PDF_OUT") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("create output dir");
        std::fs::write(dir.join(name), &pdf).expect("write pdf");
    }
    pdf
}

/// Page count and text of a PDF via poppler-utils, or `None` (with a
/// notice) when the tools are missing.
fn poppler(pdf: &[u8], name: &str) -> Option<(u32, String)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, pdf).expect("write pdf");
    let info = match Command::new("pdfinfo").arg(&path).output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        _ => {
            eprintln!("notice: pdfinfo/pdftotext (poppler-utils) not found; skipping the text checks of {name}");
            return None;
        }
    };
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|p| p.trim().parse().ok())
        .expect("pdfinfo reports pages");
    let out = Command::new("pdftotext").arg(&path).arg("-").output().ok().filter(|o| o.status.success());
    let Some(out) = out else {
        eprintln!("notice: pdftotext (poppler-utils) not found; skipping the text checks of {name}");
        return None;
    };
    Some((pages, String::from_utf8_lossy(&out.stdout).into_owned()))
}

/// Text without any whitespace, so that wrapped table cells still match.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn cabinet_pdf_has_cover_ranking_and_every_department() {
    let data = report_data(true);
    let pdf = render(&PdfDocument::Cabinet(&data), "cabinet.pdf");
    let Some((pages, text)) = poppler(&pdf, "cabinet.pdf") else { return };
    assert!(pages >= 2, "{pages} pages");
    // The name with every markup character comes through verbatim; names
    // that wrap inside a table cell are checked word by word (text
    // extraction interleaves wrapped cells with their neighbours).
    assert!(text.contains(TRICKY), "cabinet.pdf lacks {TRICKY:?} verbatim");
    let words: std::collections::HashSet<&str> = text.split_whitespace().collect();
    for row in &data.ranking.rows {
        for word in row.name.split_whitespace() {
            assert!(words.contains(word), "cabinet.pdf lacks {word:?} of {:?}", row.name);
        }
    }
    for tier in ["high", "elevated", "moderate", "low"] {
        assert!(text.contains(tier), "no tier word {tier}");
    }
    for needle in [
        "Department ranking",
        "2025-06",
        "How far to trust this",
        "Tier rule",
        "Data coverage",
        "injuries.csv",
        "rows quarantined",
        "Biggest movers",
        "LTIR convention",
        &format!("of {pages}"),
    ] {
        assert!(text.contains(needle), "cabinet.pdf lacks {needle:?}");
    }
    assert!(!text.contains("Rates are unavailable"));
}

#[test]
fn department_pdfs_name_their_department_and_no_other() {
    let data = report_data(true);
    for (i, dept) in [&data.departments[1], &data.departments[0]].into_iter().enumerate() {
        let name = format!("dept-{i}.pdf");
        let pdf = render(&PdfDocument::Department(&data, dept), &name);
        let Some((pages, text)) = poppler(&pdf, &name) else { continue };
        let flat = squeeze(&text);
        assert!(flat.contains(&squeeze(&dept.row.name)), "{name} does not name {:?}", dept.row.name);
        assert!(text.contains(&format!("{} of 12", dept.row.rank)));
        assert!(text.contains(dept.row.risk_tier.as_str()));
        assert!(text.contains(&dept.cases[0].case_id));
        for other in data.ranking.rows.iter().filter(|r| r.department != dept.row.department) {
            assert!(!flat.contains(&squeeze(&other.name)), "{name} names another department {:?}", other.name);
        }
        if dept.cases.len() > 40 {
            // The long case list breaks over pages and repeats its header.
            assert!(pages >= 3, "{name}: {pages} pages");
            assert!(text.matches("Days restr.").count() >= 2, "{name}: case table header not repeated");
        } else {
            assert!(pages >= 2, "{name}: {pages} pages");
        }
    }
}

#[test]
fn same_data_gives_the_same_bytes() {
    let data = report_data(true);
    let a = render_pdf(&PdfDocument::Cabinet(&data)).expect("render");
    let b = render_pdf(&PdfDocument::Cabinet(&data)).expect("render");
    assert!(a == b, "cabinet.pdf differs between two renders");
    let dept = &data.departments[1];
    let a = render_pdf(&PdfDocument::Department(&data, dept)).expect("render");
    let b = render_pdf(&PdfDocument::Department(&data, dept)).expect("render");
    assert!(a == b, "department PDF differs between two renders");
    for svg in [charts::predicted_rates_svg(&data.ranking), charts::city_trend_svg(&data.city_history)] {
        let svg = svg.expect("chart");
        assert!(svg.starts_with("<svg"));
    }
    assert_eq!(charts::mix_svg(dept).ok(), charts::mix_svg(dept).ok());
}

#[test]
fn unrated_run_says_rates_are_unavailable() {
    let data = report_data(false);
    let markup = cabinet_markup(&data);
    assert!(markup.contains("rated: false"));
    assert!(markup.contains("rates are unavailable"));
    let pdf = render(&PdfDocument::Cabinet(&data), "cabinet-unrated.pdf");
    let dept_pdf = render(&PdfDocument::Department(&data, &data.departments[2]), "dept-unrated.pdf");
    let Some((_, text)) = poppler(&pdf, "cabinet-unrated.pdf") else { return };
    assert!(text.contains("Rates are unavailable"), "cover does not say rates are unavailable");
    assert!(text.contains("predicted cases"));
    assert!(text.contains("—"));
    let Some((_, text)) = poppler(&dept_pdf, "dept-unrated.pdf") else { return };
    assert!(text.contains("Rates are unavailable"));
}

#[test]
fn markup_carries_names_only_as_string_literals() {
    let data = report_data(true);
    let markup = cabinet_markup(&data);
    assert!(markup.contains(&escape(TRICKY)));
    assert!(markup.contains("\"Parks & Rec #2 [East] *\\\"Q\\\"* $x_y @z <a>\""));
    assert!(markup.starts_with("// Generated by riskrank"));
    assert!(markup.trim_end().ends_with("#cabinet(d)"));
    let dept = &data.departments[1];
    let markup = department_markup(&data, dept);
    assert!(markup.trim_end().ends_with("#department(d)"));
    for other in data.ranking.rows.iter().filter(|r| r.department != dept.row.department) {
        assert!(!markup.contains(&escape(&other.name)), "department markup names {:?}", other.name);
    }
}

#[test]
fn empty_data_still_renders() {
    let mut data = report_data(true);
    data.ranking.rows.clear();
    data.city_history.clear();
    data.cause_pareto.clear();
    data.movers.clear();
    data.trust = None;
    data.definitions.clear();
    data.coverage.files.clear();
    let mut dept = data.departments.swap_remove(3);
    data.departments.clear();
    dept.history.clear();
    dept.mix.clear();
    dept.cases.clear();
    dept.drivers.clear();
    render(&PdfDocument::Cabinet(&data), "cabinet-empty.pdf");
    render(&PdfDocument::Department(&data, &dept), "dept-empty.pdf");
}

#[test]
fn many_departments_break_over_pages_with_repeated_headers() {
    let mut data = report_data(true);
    let base = data.ranking.rows.clone();
    data.ranking.rows = (0..45)
        .map(|i| {
            let mut row = base[i % base.len()].clone();
            row.rank = i as u32 + 1;
            row.department = format!("D{i:02}");
            row.name = format!("Department number {i}");
            row.predicted_rate = row.predicted_rate.map(|r| r * (1.0 - i as f64 / 60.0));
            row
        })
        .collect();
    let pdf = render(&PdfDocument::Cabinet(&data), "cabinet-45.pdf");
    let Some((pages, text)) = poppler(&pdf, "cabinet-45.pdf") else { return };
    // Cover, two ranking pages, two chart pages, trend, movers, trust.
    assert!(pages >= 8, "{pages} pages");
    assert!(text.matches("Top driver").count() >= 2, "ranking header not repeated");
    assert!(text.contains("(continued)"), "rate chart not split");
    assert!(text.contains("45. Department number 44"));
}
