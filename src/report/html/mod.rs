//! The dashboard: static HTML pages for the Cabinet meeting's screen, made
//! from the same [`ReportData`] as the PDFs. `dashboard/index.html` is the
//! Cabinet view (the ranking as a table that sorts and filters, the
//! predicted rates against the city, the city's trend, movers, the cause
//! Pareto); `dashboard/departments/<stem>.html` is one department's page
//! (its PDF's page 1: rank, why, change, what to do; its trends against
//! its peer group; its mix).
//!
//! Self-contained and offline: the templates, CSS and script are compiled
//! into the binary (minijinja, auto-escaping every value as HTML) and
//! written into each page; the charts are the PDFs' plotters SVGs, inline.
//! Nothing is fetched: no CDN, no web font, no request. A department page
//! carries only its own figures and city-wide aggregates, so it can be
//! sent to the department alone. The same data give the same bytes.
//!
//! The script reads its state (sort column and direction, group, tier,
//! search) from the page's `#fragment` and writes it back there, so a view
//! can be bookmarked and a test can open one.

use std::sync::LazyLock;

use minijinja::Environment;
use serde::Serialize;

use super::charts::{
    ChartError, city_trend_svg, department_trend_svg, drivers_waterfall_svg, mix_svg, pareto_svg, predicted_rates_svg,
};
use super::data::{DepartmentReport, ReportData};
use super::pdf::markup::{count, dollars, fixed, horizon_text, interval, month_long, pct, rank_change, rate};
use crate::rank::{RankingRow, RiskTier};
use crate::report::advice;

/// Which page to render.
#[derive(Debug, Clone, Copy)]
pub enum HtmlPage<'a> {
    /// `dashboard/index.html`.
    Cabinet(&'a ReportData),
    /// `dashboard/departments/<stem>.html`.
    Department(&'a ReportData, &'a DepartmentReport),
}

/// Why a page could not be made.
#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    #[error(transparent)]
    Chart(#[from] ChartError),
    #[error("a dashboard template does not parse: {0}")]
    Parse(String),
    #[error("the {template} template failed")]
    Template {
        template: &'static str,
        #[source]
        source: minijinja::Error,
    },
}

const CSS: &str = include_str!("dashboard.css");
const SCRIPT: &str = include_str!("dashboard.js");

/// The templates, parsed once; a template that does not parse (a bug the
/// tests catch) makes every render fail with its message.
static TEMPLATES: LazyLock<Result<Environment<'static>, String>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, text) in [
        ("base.html", include_str!("base.html")),
        ("cabinet.html", include_str!("cabinet.html")),
        ("department.html", include_str!("department.html")),
    ] {
        env.add_template(name, text).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(env)
});

/// `:root { --high: #…; … }`: the tiers' colours of the PDFs and charts.
fn tier_css() -> String {
    let vars: Vec<String> = [RiskTier::High, RiskTier::Elevated, RiskTier::Moderate, RiskTier::Low]
        .iter()
        .map(|t| format!("--{}: {};", t.as_str(), super::charts::tier_hex(*t)))
        .collect();
    format!(":root {{ {} }}", vars.join(" "))
}

/// An inline SVG for HTML: the XML namespace declarations (which HTML
/// does not need) are taken out, so no page holds an `http://` reference.
fn inline_svg(svg: String) -> String {
    svg.replace(" xmlns=\"http://www.w3.org/2000/svg\"", "")
        .replace(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"", "")
}

/// One row of the ranking table; `sort` keys are the raw values, the
/// other fields as displayed.
#[derive(Debug, Serialize)]
struct TableRow {
    rank: u32,
    department: String,
    name: String,
    group: String,
    tier: &'static str,
    versus_city: &'static str,
    predicted_rate: String,
    predicted_rate_value: f64,
    predicted_cases: String,
    predicted_cases_value: f64,
    interval: String,
    trailing12_trir: String,
    trailing12_trir_value: f64,
    trailing12_incurred: String,
    trailing12_incurred_value: f64,
    rank_change: String,
    rank_change_value: i64,
    top_driver: String,
    link: String,
}

impl TableRow {
    fn new(row: &RankingRow) -> TableRow {
        TableRow {
            rank: row.rank,
            department: row.department.clone(),
            name: row.name.clone(),
            group: row.group.clone().unwrap_or_default(),
            tier: row.risk_tier.as_str(),
            versus_city: row.versus_city.as_str(),
            predicted_rate: rate(row.predicted_rate),
            predicted_rate_value: row.predicted_rate.unwrap_or(-1.0),
            predicted_cases: fixed(Some(row.predicted_cases), 1),
            predicted_cases_value: row.predicted_cases,
            interval: interval(row),
            trailing12_trir: rate(row.trailing12_trir),
            trailing12_trir_value: row.trailing12_trir.unwrap_or(-1.0),
            trailing12_incurred: dollars(row.trailing12_incurred.dollars()),
            trailing12_incurred_value: row.trailing12_incurred.dollars(),
            rank_change: rank_change(row.rank_change),
            rank_change_value: row.rank_change.unwrap_or(0),
            top_driver: row.top_driver.clone(),
            link: department_path(&row.department),
        }
    }
}

/// A department page's path inside `dashboard/`.
pub fn department_path(code: &str) -> String {
    format!("departments/{}.html", crate::stem::file_stem(code))
}

#[derive(Debug, Serialize)]
struct Page<'a> {
    title: String,
    organisation: &'a str,
    month: String,
    window: String,
    data_warning: Option<&'a str>,
    css: &'static str,
    /// The tier colours as CSS variables, from the charts' palette.
    tier_css: String,
    script: &'static str,
}

impl<'a> Page<'a> {
    fn new(data: &'a ReportData, title: String) -> Page<'a> {
        let r = &data.ranking;
        Page {
            title,
            organisation: &data.organisation,
            month: month_long(r.as_of),
            window: horizon_text(r.as_of, r.horizon),
            data_warning: data.data_warning.as_deref(),
            css: CSS,
            tier_css: tier_css(),
            script: SCRIPT,
        }
    }
}

#[derive(Debug, Serialize)]
struct MoverRow {
    name: String,
    link: String,
    rank: u32,
    previous_rank: u32,
    change: String,
    significant: bool,
}

#[derive(Debug, Serialize)]
struct ParetoRow {
    label: String,
    cases: String,
    share: String,
    cumulative: String,
}

fn cabinet(data: &ReportData) -> Result<String, HtmlError> {
    let r = &data.ranking;
    let mut groups: Vec<String> = r.rows.iter().filter_map(|row| row.group.clone()).collect();
    groups.sort();
    groups.dedup();
    let movers: Vec<MoverRow> = data
        .movers
        .iter()
        .map(|m| MoverRow {
            name: m.name.clone(),
            link: department_path(&m.department),
            rank: m.rank,
            previous_rank: m.previous_rank,
            change: rank_change(Some(m.change)),
            significant: m.significant,
        })
        .collect();
    let pareto: Vec<ParetoRow> = data
        .cause_pareto
        .iter()
        .map(|p| ParetoRow {
            label: p.label.clone(),
            cases: count(u64::from(p.cases)),
            share: pct(p.share),
            cumulative: pct(p.cumulative_share),
        })
        .collect();
    let context = minijinja::context! {
        page => Page::new(data, format!("{} — {}", data.title, month_long(r.as_of))),
        rated => r.rated,
        city_rate => rate(Some(r.city_predicted)),
        summary => &data.summary,
        tier_rule => &data.tier_rule,
        incurred_basis => advice::incurred_basis(r) + " " + &advice::city_claims(r),
        rows => r.rows.iter().map(TableRow::new).collect::<Vec<_>>(),
        groups => groups,
        movers => movers,
        pareto => pareto,
        rates_svg => inline_svg(predicted_rates_svg(r)?),
        trend_svg => inline_svg(city_trend_svg(&data.city_history)?),
        pareto_svg => inline_svg(pareto_svg(&data.cause_pareto)?),
    };
    render("cabinet.html", context)
}

fn department(data: &ReportData, dept: &DepartmentReport) -> Result<String, HtmlError> {
    let r = &data.ranking;
    let row = &dept.row;
    let actions: Vec<_> = dept
        .actions
        .iter()
        .map(|a| {
            minijinja::context! {
                measure => &a.measure,
                why => format!("{}: {} of its recordable cases with a cause in the last 12 months ({}; city {})",
                    a.group, count(u64::from(a.cases)), pct(a.share), pct(a.city_share)),
                detail => &a.detail,
                source => &a.source,
                url => &a.url,
            }
        })
        .collect();
    let context = minijinja::context! {
        page => Page::new(data, format!("{} — department risk report {}", row.name, r.as_of)),
        rated => r.rated,
        row => TableRow::new(row),
        total => r.rows.len().max(row.rank as usize),
        city_rate => rate(Some(r.city_predicted)),
        why => &dept.why,
        change => &dept.change,
        lean => &dept.lean,
        developed => row.trailing12_incurred_low.is_some(),
        incurred => advice::incurred_short(row),
        unreported => advice::unreported_claims(row.trailing12_claims, row.trailing12_claims_ultimate),
        actions => actions,
        waterfall_svg => inline_svg(drivers_waterfall_svg(row)?),
        trend_svg => inline_svg(department_trend_svg(dept)?),
        mix_svg => inline_svg(mix_svg(dept)?),
    };
    render("department.html", context)
}

fn render(template: &'static str, context: minijinja::Value) -> Result<String, HtmlError> {
    let env = TEMPLATES.as_ref().map_err(|why| HtmlError::Parse(why.clone()))?;
    let error = |source| HtmlError::Template { template, source };
    env.get_template(template).map_err(error)?.render(context).map_err(error)
}

/// Renders one page.
pub fn render_html(page: &HtmlPage<'_>) -> Result<String, HtmlError> {
    match *page {
        HtmlPage::Cabinet(data) => cabinet(data),
        HtmlPage::Department(data, dept) => department(data, dept),
    }
}
