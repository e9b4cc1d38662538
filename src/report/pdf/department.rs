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
use crate::report::advice;
use crate::report::charts;
use crate::report::data::{CaseLine, DepartmentReport, MixShare, PRIVACY_LABEL, ReportData};

/// How many cases each of a department PDF's two case lists (open claims,
/// lost-time cases) shows; its CSV has all of its cases.
pub const MAX_LISTED_CASES: usize = 25;

/// The department document's charts, as `(virtual file name, SVG)`.
pub(super) fn department_charts(dept: &DepartmentReport) -> Result<Vec<(String, String)>, PdfError> {
    Ok(vec![
        ("drivers.svg".to_string(), charts::drivers_waterfall_svg(&dept.row)?),
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
    let sections = [
        page.heading(),
        page.summary(),
        page.what_to_do(),
        targets,
        page.trend_and_mix(),
        page.cases(),
        page.privacy(),
    ];
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

    /// Page 1's answers: key figures, why it ranks here (sentence and
    /// waterfall), whether the change is real, and the standing paragraph.
    fn summary(&self) -> Entries {
        let dept = self.dept;
        let mut change = vec![s(&dept.change)];
        change.extend(dept.lean.iter().map(s));
        vec![
            ("stats", V::Arr(self.key_figures())),
            ("why", s(&dept.why)),
            (
                "drivers-caption",
                s(
                    "Each bar multiplies the city's predicted rate by what the model attributes to it (red raises, green \
                   lowers); together they give the department's. Own level: its own record after credibility; peer \
                   group: departments like it.",
                ),
            ),
            ("change", V::Arr(change)),
            ("standing", s(self.standing())),
        ]
    }

    /// What to do: the controls of its leading causes, and what reaching
    /// its peer group's median rate would be worth.
    fn what_to_do(&self) -> Entries {
        let row = &self.dept.row;
        let actions: Vec<V> = self
            .dept
            .actions
            .iter()
            .map(|a| {
                V::Dict(vec![
                    ("measure", s(&a.measure)),
                    (
                        "why",
                        s(format!(
                            "{}: {} of its recordable cases with a cause in the last 12 months ({}; city {})",
                            a.group,
                            count(u64::from(a.cases)),
                            pct(a.share),
                            pct(a.city_share)
                        )),
                    ),
                    ("detail", s(&a.detail)),
                    ("source", s(&a.source)),
                    ("url", s(&a.url)),
                ])
            })
            .collect();
        let unit = if self.data.ranking.rated { "rate" } else { "predicted cases" };
        let excess = if row.addressable_cases > 0.0 {
            format!(
                "At its peer group's median {unit} ({}), it would have about {} fewer recordable cases a year (90%: \
                 {}–{}), worth about {} in incurred.",
                rate(Some(row.peer_median)),
                fixed(Some(row.addressable_cases), 1),
                fixed(Some(row.addressable_cases_low), 0),
                fixed(Some(row.addressable_cases_high), 0),
                dollars(row.addressable_incurred)
            )
        } else {
            // The 95% point of a year's excess: what a bad year could bring
            // even at or below the median (nothing to add when it is zero).
            let bad_year = match row.addressable_cases_high.round() {
                n if n < 1.0 => String::new(),
                n if n < 2.0 => "; in a bad year it could still have 1 case above it".to_string(),
                n => format!("; in a bad year it could still have up to {n:.0} cases above it"),
            };
            format!(
                "Its predicted {unit} is at or below its peer group's median ({}): nothing to address against its \
                 peers{bad_year}.",
                rate(Some(row.peer_median)),
            )
        };
        vec![
            ("actions", V::Arr(actions)),
            (
                "actions-note",
                s("Recommended controls for the department's leading causes, from public guidance (OSHA, NIOSH, \
                   Cal/OSHA): a starting point for its plan, to review with its safety staff, not a prescription."),
            ),
            ("excess", s(excess)),
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
                if row.trailing12_incurred_low.is_some() {
                    "estimated ultimate incurred, last 12 months"
                } else {
                    "incurred to date, last 12 months"
                },
                Some(format!(
                    "{} · {} open {}",
                    advice::incurred_short(row),
                    count(dept.open_claims),
                    if dept.open_claims == 1 { "claim" } else { "claims" },
                )),
            ),
        ]
    }

    /// Rank, tier, cost rank, A/E and credibility (the move since the
    /// last run is the change sentence's).
    fn standing(&self) -> String {
        let r = &self.data.ranking;
        let row = &self.dept.row;
        let credibility = match (row.credibility_z, &self.data.credibility_note) {
            (Some(z), _) => format!(" Credibility of the department's own experience: z = {z:.2}."),
            (None, Some(note)) => format!(" {note}"),
            (None, None) => String::new(),
        };
        let unreported = advice::unreported_claims(row.trailing12_claims, row.trailing12_claims_ultimate)
            .map_or_else(String::new, |more| format!(" Claims of the last 12 months: {more}."));
        format!(
            "Rank {} of {total} by {} for {window} (90% rank range {}–{}); tier {}, {}. Cost rank {} of {total}, \
             with {} incurred predicted. Last 12 months' incurred: {}.{unreported} Actual to expected (trailing 12 \
             months): {}.{credibility}",
            row.rank,
            measure(r.rated),
            row.rank_low,
            row.rank_high,
            row.risk_tier.as_str(),
            row.versus_city.as_str(),
            row.cost_rank,
            dollars(row.predicted_incurred),
            advice::incurred_line(row),
            fixed(row.actual_to_expected, 2),
            total = self.total,
            window = self.window,
        )
    }

    /// The captions of the trend and mix charts, the mix table and the
    /// case-mix context.
    fn trend_and_mix(&self) -> Entries {
        let context = if self.dept.drivers.is_empty() {
            vec![s(crate::rank::drivers::NO_DRIVER)]
        } else {
            self.dept.drivers.iter().map(s).collect()
        };
        vec![
            ("mix-context", V::Arr(context)),
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
                s(
                    "Share of this department's recordable cases over the last 12 months by cause and by part of body (largest \
                   eight of each), against the city-wide share.",
                ),
            ),
            ("mix", V::Arr(mix_rows(self.dept))),
        ]
    }

    /// Its open claims by incurred and its lost-time cases; the full
    /// case list is the CSV's.
    fn cases(&self) -> Entries {
        let dept = self.dept;
        let open = dept.open_claim_cases();
        let lost = dept.lost_time_cases();
        let recordable = dept.cases.iter().filter(|c| c.osha_class.is_recordable()).count();
        let shown = |n: usize, what: &str| {
            if n > MAX_LISTED_CASES {
                format!("The {MAX_LISTED_CASES} {what} of {} are listed.", count(n as u64))
            } else {
                String::new()
            }
        };
        vec![
            (
                "cases-intro",
                s(format!(
                    "In the 12 months to {} the department logged {} cases of all kinds ({} recordable, the rest first \
                     aid and near misses); every one is in the department's CSV file. Listed here: its cases with an open \
                     claim, largest incurred first, and its lost-time cases (deaths and days away), newest first. \
                     Incurred is the linked claims' cost at valuation.",
                    month_long(self.data.ranking.as_of),
                    count(dept.cases.len() as u64),
                    count(recordable as u64),
                )),
            ),
            ("open-note", s(shown(open.len(), "largest"))),
            ("open-cases", V::Arr(open.into_iter().take(MAX_LISTED_CASES).map(case_value).collect())),
            ("lost-note", s(shown(lost.len(), "newest"))),
            ("lost-cases", V::Arr(lost.into_iter().take(MAX_LISTED_CASES).map(case_value).collect())),
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
