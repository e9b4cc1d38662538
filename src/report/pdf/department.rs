//! The department document, `departments/<dept>.pdf`: one department's own
//! report. Its charts (trend, case mix) and its data dictionary, built one
//! section at a time in the order the template prints them. Only the
//! department's own [`DepartmentReport`] and city-wide figures are used:
//! no other department is named.

use super::PdfError;
use super::markup::{
    DASH, Entries, V, class_word, count, dollars, fixed, horizon_text, interval, main_file, measure, money, month_long,
    opt_count, pct, rate, s, stat,
};
use crate::report::charts;
use crate::report::data::{CaseLine, DepartmentReport, MixShare, PRIVACY_LABEL, ReportData};

/// How many cases a department PDF lists (its CSV has all of them).
pub const MAX_LISTED_CASES: usize = 50;

/// The department document's charts, as `(virtual file name, SVG)`.
pub(super) fn department_charts(dept: &DepartmentReport) -> Result<Vec<(String, String)>, PdfError> {
    Ok(vec![
        ("dept_trend.svg".to_string(), charts::department_trend_svg(dept)?),
        ("mix.svg".to_string(), charts::mix_svg(dept)?),
    ])
}

/// The typst markup of one department's PDF (the main file; the template
/// is `fonts/report.typ`). Only `dept` and city-wide figures of `data` are
/// used: no other department is named.
pub fn department_markup(data: &ReportData, dept: &DepartmentReport) -> String {
    main_file(department_value(data, dept), "department")
}

fn department_value(data: &ReportData, dept: &DepartmentReport) -> V {
    let page = Department::new(data, dept);
    let targets = super::targets::department(data, dept);
    let sections = [page.heading(), page.summary(), targets, page.trend_and_mix(), page.cases(), page.privacy()];
    V::Dict(sections.into_iter().flatten().collect())
}

/// What the sections of a department document share.
struct Department<'a> {
    data: &'a ReportData,
    dept: &'a DepartmentReport,
    /// Departments ranked (at least the department's own rank).
    total: usize,
    /// The forecast window in words.
    window: String,
    /// The peer group, or a dash.
    group: String,
}

impl<'a> Department<'a> {
    fn new(data: &'a ReportData, dept: &'a DepartmentReport) -> Self {
        let r = &data.ranking;
        let row = &dept.row;
        Department {
            data,
            dept,
            total: r.rows.len().max(row.rank as usize),
            window: horizon_text(r.as_of, r.horizon),
            group: row.group.clone().unwrap_or_else(|| DASH.to_string()),
        }
    }

    /// Title, running footer and the department's identity and rank.
    fn heading(&self) -> Entries {
        let r = &self.data.ranking;
        let row = &self.dept.row;
        vec![
            ("title", s(format!("{} — department risk report {}", row.name, r.as_of))),
            ("organisation", s(&self.data.organisation)),
            ("data-warning", self.data.data_warning.as_ref().map_or(V::None, s)),
            ("name", s(&row.name)),
            ("month-long", s(month_long(r.as_of).to_uppercase())),
            ("footer", s(format!("{} · {}", row.department, r.as_of))),
            (
                "identity",
                s(format!("Department {} · peer group {} · forecast for {}", row.department, self.group, self.window)),
            ),
            ("rank", s(format!("{} of {}", row.rank, self.total))),
            ("tier", s(row.risk_tier.as_str())),
            ("rated", V::Bool(r.rated)),
        ]
    }

    /// Key figures, the drivers of the rank and the standing paragraph.
    fn summary(&self) -> Entries {
        vec![
            ("stats", V::Arr(self.key_figures())),
            ("drivers", V::Arr(self.dept.drivers.iter().map(s).collect())),
            ("standing", s(self.standing())),
        ]
    }

    /// Predicted cases, predicted rate, trailing-12 rates and cost.
    fn key_figures(&self) -> Vec<V> {
        let (r, dept) = (&self.data.ranking, self.dept);
        let row = &dept.row;
        vec![
            stat(
                fixed(Some(row.predicted_cases), 1),
                "predicted recordable cases",
                Some(format!("90% interval {}", interval(row))),
            ),
            if r.rated {
                stat(
                    rate(row.predicted_rate),
                    "predicted TRIR (per 200,000 h)",
                    Some(format!("city-wide {}", rate(Some(r.city_predicted)))),
                )
            } else {
                stat(DASH, "predicted TRIR", Some("unavailable: no hours worked".to_string()))
            },
            stat(
                rate(row.trailing12_trir),
                "TRIR, last 12 months",
                Some(format!("DART {}", rate(row.trailing12_dart))),
            ),
            stat(
                money(dept.incurred_t12),
                "incurred, last 12 months",
                Some(format!(
                    "{} open {} · {} predicted",
                    count(dept.open_claims),
                    if dept.open_claims == 1 { "claim" } else { "claims" },
                    dollars(row.predicted_incurred)
                )),
            ),
        ]
    }

    /// Rank, tier, move since the last run, cost rank, A/E and credibility.
    fn standing(&self) -> String {
        let r = &self.data.ranking;
        let row = &self.dept.row;
        let since = r.compared_with.map_or("the last run".to_string(), month_long);
        let within = match self.data.movers.iter().find(|m| m.department == row.department) {
            Some(m) if !m.significant => " That is within the uncertainty of the two ranks.",
            _ => "",
        };
        let moved = match row.rank_change {
            None => "There is no run of an earlier month to compare the rank with.".to_string(),
            Some(0) => format!("The rank is unchanged since {since}."),
            Some(c) if c > 0 => format!("It moved up {} since {since}.{within}", places(c)),
            Some(c) => format!("It moved down {} since {since}.{within}", places(-c)),
        };
        let credibility = match row.credibility_z {
            Some(z) => format!(" Credibility of the department's own experience: z = {z:.2}."),
            None => String::new(),
        };
        format!(
            "Rank {} of {total} by {} for {window}; tier {}. {moved} Cost rank {} of {total}. Actual to expected \
             (trailing 12 months): {}.{credibility}",
            row.rank,
            measure(r.rated),
            row.risk_tier.as_str(),
            row.cost_rank,
            fixed(row.actual_to_expected, 2),
            total = self.total,
            window = self.window,
        )
    }

    /// The captions of the trend and mix charts and the mix table.
    fn trend_and_mix(&self) -> Entries {
        vec![
            (
                "trend-caption",
                s(format!(
                    "Trailing-12-month TRIR and DART per 200,000 hours: this department, its peer group ({}) and the \
                     city. Peer group and city are aggregates; no other department is shown.",
                    self.group
                )),
            ),
            (
                "mix-caption",
                s("Share of this department's cases over the last 12 months by cause and by part of body (largest \
                   eight of each), against the city-wide share."),
            ),
            ("mix", V::Arr(mix_rows(self.dept))),
        ]
    }

    /// The case list: the newest cases, with what is left out.
    fn cases(&self) -> Entries {
        let (dept, row) = (self.dept, &self.dept.row);
        // A large department logs thousands of cases a year: the PDF lists the
        // newest ones, the department's CSV has them all.
        let cases: Vec<V> = dept.cases.iter().take(MAX_LISTED_CASES).map(case_value).collect();
        let recordable = dept.cases.iter().filter(|c| c.osha_class.is_recordable()).count();
        let listed = if dept.cases.len() > MAX_LISTED_CASES {
            format!(
                " The newest {MAX_LISTED_CASES} are listed here; all {} are in departments/{}.csv.",
                count(dept.cases.len() as u64),
                row.department
            )
        } else {
            String::new()
        };
        vec![
            (
                "cases-intro",
                s(format!(
                    "{} cases in the 12 months to {} ({} recordable), newest first.{listed} Incurred is the linked \
                     claims' cost at valuation; {DASH} where there is no claim or the value is missing.",
                    count(dept.cases.len() as u64),
                    month_long(self.data.ranking.as_of),
                    count(recordable as u64),
                )),
            ),
            ("cases", V::Arr(cases)),
        ]
    }

    /// What the report leaves out, and the tier rule.
    fn privacy(&self) -> Entries {
        vec![(
            "privacy-note",
            s(format!(
                "This report shows this department's own records and city-wide aggregates only; no names, employee \
                 ids or free-text descriptions are included. Tier rule: {}",
                self.data.tier_rule
            )),
        )]
    }
}

fn places(n: i64) -> String {
    if n == 1 { "1 place".to_string() } else { format!("{n} places") }
}

/// The mix table: causes first, then body parts, each largest share first.
fn mix_rows(dept: &DepartmentReport) -> Vec<V> {
    let mut m: Vec<&MixShare> = dept.mix.iter().collect();
    m.sort_by(|a, b| {
        (a.kind != "cause").cmp(&(b.kind != "cause")).then(b.share.total_cmp(&a.share)).then(a.label.cmp(&b.label))
    });
    m.into_iter().map(mix_row).collect()
}

/// One line of the mix table, with the difference to the city's share in
/// whole points.
fn mix_row(x: &MixShare) -> V {
    let diff = (x.share - x.city_share) * 100.0;
    let diff = if diff.abs() < 0.5 {
        "±0 pts".to_string()
    } else if diff > 0.0 {
        format!("+{diff:.0} pts")
    } else {
        format!("−{:.0} pts", -diff)
    };
    let kind = match x.kind.as_str() {
        "body_part" => "Body part",
        "cause" => "Cause",
        other => other,
    };
    V::Dict(vec![
        ("kind", s(kind)),
        ("label", s(&x.label)),
        ("cases", s(count(u64::from(x.cases)))),
        ("share", s(pct(x.share))),
        ("city-share", s(pct(x.city_share))),
        ("diff", s(diff)),
    ])
}

/// One row of the case table. A privacy concern case shows "privacy
/// case" where its cause would be, and nothing for its date and part of
/// body (a dash would read as "not recorded").
fn case_value(c: &CaseLine) -> V {
    let (cause, part) = if c.privacy_case { (PRIVACY_LABEL, "") } else { (DASH, DASH) };
    V::Dict(vec![
        ("id", s(&c.case_id)),
        // Only a privacy case has no date.
        ("date", s(c.event_date.map_or_else(String::new, |d| d.to_string()))),
        ("class", s(class_word(c.osha_class))),
        ("away", s(opt_count(c.days_away))),
        ("restricted", s(opt_count(c.days_restricted))),
        ("cause", s(c.cause.clone().unwrap_or_else(|| cause.to_string()))),
        ("part", s(c.body_part.clone().unwrap_or_else(|| part.to_string()))),
        ("incurred", s(c.incurred.map_or_else(|| DASH.to_string(), money))),
    ])
}
