//! The Cabinet's budget page: the addressable excess, the recordable
//! cases and dollars a year each department would avoid at its peer
//! group's median predicted rate, ranked by dollars, with 90% ranges and
//! the city's total (see `crate::rank::simulate`).

use super::markup::{DASH, Entries, V, dollars, fixed, rate, s};
use crate::report::data::{RankingRow, ReportData};

/// Departments listed by name; the others are summed in one line.
const LISTED: usize = 15;

/// The page's entries: its introduction, the table and the total.
pub(super) fn excess(data: &ReportData) -> Entries {
    let r = &data.ranking;
    let city = &r.city_addressable;
    let mut rows: Vec<&RankingRow> = r.rows.iter().filter(|x| x.addressable_cases > 0.0).collect();
    rows.sort_by(|a, b| b.addressable_incurred.total_cmp(&a.addressable_incurred).then(a.rank.cmp(&b.rank)));
    let share = |x: f64| if city.incurred > 0.0 { format!("{:.0}%", 100.0 * x / city.incurred) } else { DASH.into() };
    let table: Vec<V> = rows
        .iter()
        .take(LISTED)
        .enumerate()
        .map(|(i, x)| {
            V::Dict(vec![
                ("order", s((i + 1).to_string())),
                ("name", s(&x.name)),
                ("code", s(&x.department)),
                ("group", s(x.group.clone().unwrap_or_else(|| DASH.to_string()))),
                ("value", s(rate(Some(x.value())))),
                ("median", s(rate(Some(x.peer_median)))),
                ("cases", s(range(x.addressable_cases, x.addressable_cases_low, x.addressable_cases_high))),
                ("dollars", s(dollars(x.addressable_incurred))),
                ("dollars-range", s(money_range(x.addressable_incurred_low, x.addressable_incurred_high))),
                ("share", s(share(x.addressable_incurred))),
            ])
        })
        .collect();
    let rest = rows.len().saturating_sub(LISTED);
    let none = r.rows.len() - rows.len();
    let unit = if r.rated { "predicted TRIR" } else { "predicted cases" };
    vec![
        (
            "excess-intro",
            s(format!(
                "What each department's excess over its peers is worth a year: the recordable cases it would avoid \
                 if its {unit} fell to its peer group's median, and their predicted incurred. The 90% range is \
                 that of a year's cases drawn from the model's predictive distribution. {} of {} departments are at \
                 or below their peer median and have none{}.",
                none,
                r.rows.len(),
                if rest > 0 {
                    format!("; {rest} more with a smaller excess are in ranking.csv")
                } else {
                    String::new()
                }
            )),
        ),
        ("excess-rows", V::Arr(table)),
        (
            "excess-total",
            V::Dict(vec![
                ("cases", s(range(city.cases, city.cases_low, city.cases_high))),
                ("dollars", s(dollars(city.incurred))),
                ("dollars-range", s(money_range(city.incurred_low, city.incurred_high))),
            ]),
        ),
    ]
}

/// "12.3 (5–20)".
fn range(point: f64, low: f64, high: f64) -> String {
    format!("{} ({}–{})", fixed(Some(point), 1), fixed(Some(low), 0), fixed(Some(high), 0))
}

fn money_range(low: f64, high: f64) -> String {
    format!("{}–{}", dollars(low), dollars(high))
}
