//! The Cabinet document, `cabinet.pdf`: the city-wide ranking for the Risk
//! Reduction Cabinet. Its charts (the predicted rates over as many pages
//! as needed, the city trend, the cause Pareto) and its data dictionary,
//! built one page at a time in the order the template prints them.

use super::PdfError;
use super::markup::{
    DASH, Entries, V, count, dollars, fixed, horizon_text, interval, main_file, money, month_long, months_word,
    rank_change, rate, s, signed_pct, stat,
};
use crate::rank::VersusCity;
use crate::report::advice;
use crate::report::charts;
use crate::report::data::{Coverage, Mover, RankingRow, ReportData, RiskTier, Trust};

/// Departments per predicted-rate chart page (the charts share one axis).
const RATE_CHART_ROWS: usize = 20;

/// Content height available to a chart on a landscape A4 page, in pt
/// (page minus margins, heading and caption).
const LANDSCAPE_CHART_HEIGHT: f64 = 420.0;
/// Landscape A4 text width in pt (297 mm − 2 × 16 mm).
const LANDSCAPE_WIDTH: f64 = 751.0;

const LTIR_NOTE: &str = "LTIR convention: lost-time cases are deaths plus days-away cases (restricted-only cases are \
not lost time here, they count in DART), per 200,000 hours worked. Some agencies count restricted cases as lost \
time too; compare LTIR across sources only under the same convention.";

// ----------------------------------------------------------------- charts

fn rate_chart_names(count: usize) -> Vec<String> {
    (1..=count).map(|i| format!("rates-{i}.svg")).collect()
}

/// The Cabinet document's charts, as `(virtual file name, SVG)`.
pub(super) fn cabinet_charts(data: &ReportData) -> Result<Vec<(String, String)>, PdfError> {
    let rates = charts::predicted_rates_svgs(&data.ranking, RATE_CHART_ROWS)?;
    let mut files: Vec<(String, String)> = rate_chart_names(rates.len()).into_iter().zip(rates).collect();
    files.push(("city_trend.svg".to_string(), charts::city_trend_svg(&data.city_history)?));
    files.push(("pareto.svg".to_string(), charts::pareto_svg(&data.cause_pareto)?));
    Ok(files)
}

/// The `width` and `height` attributes of an SVG's root element.
fn svg_size(svg: &str) -> Option<(f64, f64)> {
    let head = &svg[..svg.find('>')?];
    let attr = |name: &str| -> Option<f64> {
        let start = head.find(&format!(" {name}=\""))? + name.len() + 3;
        let len = head[start..].find('"')?;
        head[start..start + len].parse().ok()
    };
    Some((attr("width")?, attr("height")?))
}

/// The width (percent of the text width) at which a landscape chart fits
/// its page.
fn landscape_fit(svg: &str) -> f64 {
    match svg_size(svg) {
        Some((w, h)) if w > 0.0 && h > 0.0 => {
            let full_height = LANDSCAPE_WIDTH * h / w;
            (LANDSCAPE_CHART_HEIGHT / full_height * 100.0).clamp(30.0, 100.0).floor()
        }
        _ => 100.0,
    }
}

// ----------------------------------------------------------------- markup

/// The typst markup of `cabinet.pdf` (the main file; the template is
/// `fonts/report.typ`).
pub fn cabinet_markup(data: &ReportData) -> String {
    main_file(cabinet_value(data), "cabinet")
}

fn cabinet_value(data: &ReportData) -> V {
    let cabinet = Cabinet::new(data);
    let pages = [
        cabinet.cover(),
        cabinet.ranking(),
        cabinet.rate_charts(),
        super::excess::excess(data),
        cabinet.city_trend(),
        super::targets::cabinet(data),
        cabinet.movers_and_causes(),
        cabinet.trust_and_definitions(),
    ];
    V::Dict(pages.into_iter().flatten().collect())
}

/// What the pages of the Cabinet document share: the data, the rows in
/// rank order and the forecast window in words.
struct Cabinet<'a> {
    data: &'a ReportData,
    rows: Vec<&'a RankingRow>,
    window: String,
}

impl<'a> Cabinet<'a> {
    fn new(data: &'a ReportData) -> Self {
        let mut rows: Vec<&RankingRow> = data.ranking.rows.iter().collect();
        rows.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.department.cmp(&b.department)));
        let window = horizon_text(data.ranking.as_of, data.ranking.horizon);
        Cabinet { data, rows, window }
    }

    /// The city-wide predicted rate, or the mean predicted cases per
    /// department without hours.
    fn city_value(&self) -> String {
        let r = &self.data.ranking;
        if r.rated { rate(Some(r.city_predicted)) } else { fixed(Some(r.city_predicted), 1) }
    }

    /// Cover: key figures, data coverage and the top of the ranking.
    fn cover(&self) -> Entries {
        let r = &self.data.ranking;
        let window = &self.window;
        vec![
            ("title", s(&self.data.title)),
            ("organisation", s(&self.data.organisation)),
            ("data-warning", self.data.data_warning.as_ref().map_or(V::None, s)),
            ("month", s(r.as_of.to_string())),
            (
                "subtitle",
                s(format!(
                    "{} · data to {} · forecast for {window}",
                    if r.rated {
                        "Ranking by predicted TRIR"
                    } else {
                        "Ranking by predicted cases (rates unavailable)"
                    },
                    month_long(r.as_of),
                )),
            ),
            ("rated", V::Bool(r.rated)),
            ("summary", V::Arr(self.data.summary.iter().map(s).collect())),
            ("stats", V::Arr(self.key_figures())),
            ("coverage", coverage_value(&self.data.coverage)),
            ("value-header", s(if r.rated { "Pred. TRIR" } else { "Pred. cases" })),
            ("top", V::Arr(self.top())),
            (
                "reading-note",
                s(if r.rated {
                    format!(
                        "Predicted TRIR: recordable cases expected per 200,000 hours worked over {window}. Tiers \
                         compare each department with the city-wide {}; the full ranking follows.",
                        rate(Some(r.city_predicted))
                    )
                } else {
                    format!(
                        "Predicted recordable cases over {window}; without hours worked no rate can be computed. \
                         The full ranking follows."
                    )
                }),
            ),
        ]
    }

    /// The cover's key figures: departments, high tier, city value, months
    /// of data and quarantined rows.
    fn key_figures(&self) -> Vec<V> {
        let r = &self.data.ranking;
        let cov = &self.data.coverage;
        let high: Vec<&str> =
            self.rows.iter().filter(|x| x.risk_tier == RiskTier::High).map(|x| x.name.as_str()).collect();
        let high_note = match high.len() {
            0 => None,
            1..=3 => Some(high.join("; ")),
            k => Some(format!("{}; and {} more", high[..2].join("; "), k - 2)),
        };
        vec![
            stat(count(self.rows.len() as u64), "departments ranked", Some(tier_counts(&r.rows))),
            stat(count(high.len() as u64), "in the high tier", high_note),
            stat(
                self.city_value(),
                if r.rated { "city-wide predicted TRIR" } else { "mean predicted cases per department" },
                Some(format!("{} ({})", self.window, months_word(r.horizon))),
            ),
            stat(
                count(panel_months(cov).max(0) as u64),
                "months of data",
                Some(format!("{} to {}", month_long(cov.panel_start), month_long(cov.panel_end))),
            ),
            stat(
                count(cov.rows_quarantined),
                "rows quarantined",
                Some(format!("of {} rows read", count(rows_read(cov)))),
            ),
        ]
    }

    /// The cover's short list: the high and elevated tiers, five to eight
    /// departments.
    fn top(&self) -> Vec<V> {
        let r = &self.data.ranking;
        let value_of =
            |x: &RankingRow| if r.rated { rate(x.predicted_rate) } else { fixed(Some(x.predicted_cases), 1) };
        let top_n =
            self.rows.iter().filter(|x| matches!(x.risk_tier, RiskTier::High | RiskTier::Elevated)).count().clamp(5, 8);
        self.rows
            .iter()
            .take(top_n)
            .map(|x| {
                V::Dict(vec![
                    ("rank", s(x.rank.to_string())),
                    ("name", s(&x.name)),
                    ("value", s(value_of(x))),
                    ("tier", s(x.risk_tier.as_str())),
                ])
            })
            .collect()
    }

    /// The ranking table of every department, with its introduction and
    /// notes.
    fn ranking(&self) -> Entries {
        let r = &self.data.ranking;
        let (n, window) = (self.rows.len(), &self.window);
        let intro = if r.rated {
            format!(
                "All {n} departments, ranked by predicted TRIR for {window}: recordable cases expected per 200,000 \
                 hours worked (100 full-time workers for a year). The city-wide predicted TRIR is {}. Tier colours \
                 follow the tier rule at the end of this report.",
                rate(Some(r.city_predicted))
            )
        } else {
            format!(
                "All {n} departments, ranked by predicted recordable cases for {window}, because rates are \
                 unavailable (no hours worked); rate columns show {DASH}. The city's mean is {} predicted cases per \
                 department.",
                fixed(Some(r.city_predicted), 1)
            )
        };
        let notes = format!(
            "Move: places moved since the last run (▲ up toward rank 1, ▼ down, = unchanged, {DASH} no previous \
             run). 90% interval: the range of recordable cases expected with 90% probability over {window}. t12: the \
             12 months to {}. {} A/E: trailing-12 recordables over what the model expected for them. {DASH}: not \
             available.",
            month_long(r.as_of),
            advice::incurred_basis(r) + " " + &advice::city_claims(r)
        );
        vec![
            ("ranking-rule", s(format!("Tier rule: {}", self.data.tier_rule))),
            ("ranking-intro", s(intro)),
            ("ranking-header", V::Arr(ranking_header(r.rated))),
            ("rows", V::Arr(self.rows.iter().map(|x| ranking_row(x)).collect())),
            ("ranking-notes", s(notes)),
        ]
    }

    /// The predicted-rate chart pages: each chart's file and the width at
    /// which it fits its page.
    fn rate_charts(&self) -> Entries {
        let r = &self.data.ranking;
        let window = &self.window;
        let rate_svgs = charts::predicted_rates_svgs(r, RATE_CHART_ROWS);
        let rate_charts: Vec<V> = match &rate_svgs {
            Ok(svgs) => rate_chart_names(svgs.len())
                .into_iter()
                .zip(svgs)
                .map(|(file, svg)| {
                    V::Dict(vec![("file", s(file)), ("width", V::Code(format!("{}%", landscape_fit(svg))))])
                })
                .collect(),
            Err(_) => vec![V::Dict(vec![("file", s("rates-1.svg")), ("width", V::Code("100%".into()))])],
        };
        let caption = if r.rated {
            format!(
                "Bars: predicted TRIR for {window}, coloured by tier. Whiskers: 90% interval (the case interval at \
                 the department's hours). Dashed line: city-wide predicted TRIR ({}).",
                rate(Some(r.city_predicted))
            )
        } else {
            format!(
                "Bars: predicted recordable cases for {window}, coloured by tier (rates unavailable: no hours \
                 worked). Whiskers: 90% interval. Dashed line: the city's mean per department ({}).",
                fixed(Some(r.city_predicted), 1)
            )
        };
        vec![
            ("rate-charts", V::Arr(rate_charts)),
            (
                "rate-chart-title",
                s(if r.rated { "Predicted TRIR by department" } else { "Predicted cases by department" }),
            ),
            ("rate-chart-caption", s(caption)),
        ]
    }

    /// The city trend page's caption.
    fn city_trend(&self) -> Entries {
        let history = &self.data.city_history;
        let trend_span = match (history.first(), history.last()) {
            (Some(a), Some(b)) => format!(", {} to {}", month_long(a.month), month_long(b.month)),
            _ => String::new(),
        };
        let caption = format!(
            "City-wide TRIR and DART per month (recordable and days-away/restricted cases per 200,000 hours) and \
             incurred on claims by injury month{trend_span}. {}",
            if advice::developed(&self.data.ranking) {
                "Incurred is each month's estimated ultimate (developed from the claim valuations)."
            } else {
                "Recent months' incurred is still developing (not developed: no claim valuations)."
            }
        );
        vec![("trend-caption", s(caption))]
    }

    /// The page of the biggest movers and the cause Pareto.
    fn movers_and_causes(&self) -> Entries {
        let movers = &self.data.movers;
        let within = movers.iter().filter(|m| !m.significant).count();
        let vs = match self.data.ranking.compared_with {
            Some(m) => format!("since {}", month_long(m)),
            None => "since the last run".to_string(),
        };
        let empty = match (self.data.ranking.compared_with, within) {
            (None, _) => "There is no run of an earlier month in the output folder to compare with.".to_string(),
            (Some(_), 0) => format!("No department changed rank {vs}."),
            (Some(_), k) => format!(
                "No department's rank or predicted rate changed beyond what chance allows {vs}: {k} rank change{} \
                 within the simulated 90% rank ranges, which is noise.",
                if k == 1 { " lies" } else { "s lie" }
            ),
        };
        let note = if within > 0 && movers.iter().any(|m| m.significant) {
            format!(
                "Shown: moves beyond the simulated 90% rank range, or predicted rates beyond their 90% interval. {k} \
                 rank change{} within the ranges {} noise and not shown.",
                if within == 1 { "" } else { "s" },
                if within == 1 { "is" } else { "are" },
                k = within
            )
        } else {
            String::new()
        };
        vec![
            ("movers", V::Arr(movers_value(movers))),
            ("movers-title", s(format!("Biggest movers {vs}"))),
            ("movers-empty", s(empty)),
            ("movers-note", s(note)),
            (
                "pareto-caption",
                s(format!(
                    "City-wide recordable cases by cause over the 12 months to {}, largest first, with the cumulative share.",
                    month_long(self.data.ranking.as_of)
                )),
            ),
        ]
    }

    /// The last page: how far to trust the ranking, the tier rule and the
    /// definitions.
    fn trust_and_definitions(&self) -> Entries {
        let data = self.data;
        let definitions: Vec<V> =
            data.definitions.iter().map(|(term, text)| V::Dict(vec![("term", s(term)), ("text", s(text))])).collect();
        vec![
            ("trust", data.trust.as_ref().map_or(V::None, trust_value)),
            (
                "trust-missing",
                s("The model file records no backtest, so how well this ranking predicts has not been measured. \
                   Read it as a structured summary of recent experience, not as a tested forecast."),
            ),
            ("tier-rule", s(&data.tier_rule)),
            ("definitions", V::Arr(definitions)),
            ("ltir-note", s(LTIR_NOTE)),
        ]
    }
}

/// Months from the panel's first to its last, both included.
fn panel_months(cov: &Coverage) -> i32 {
    cov.panel_end.index() - cov.panel_start.index() + 1
}

fn rows_read(cov: &Coverage) -> u64 {
    cov.files.iter().map(|f| f.read).sum()
}

fn tier_counts(rows: &[RankingRow]) -> String {
    [RiskTier::High, RiskTier::Elevated, RiskTier::Moderate, RiskTier::Low]
        .iter()
        .map(|t| format!("{} {}", rows.iter().filter(|r| r.risk_tier == *t).count(), t.as_str()))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The cover's data coverage box: the panel, rows per input file (and
/// their total when there are several) and what quarantine means.
fn coverage_value(cov: &Coverage) -> V {
    let read = rows_read(cov);
    let file_row = |file: &str, read: u64, accepted: u64, quarantined: u64| {
        V::Dict(vec![
            ("file", s(file)),
            ("read", s(count(read))),
            ("accepted", s(count(accepted))),
            ("quarantined", s(count(quarantined))),
        ])
    };
    let mut files: Vec<V> = cov.files.iter().map(|f| file_row(&f.file, f.read, f.accepted, f.quarantined)).collect();
    if cov.files.len() > 1 {
        files.push(file_row(
            "All files",
            read,
            cov.files.iter().map(|f| f.accepted).sum(),
            cov.files.iter().map(|f| f.quarantined).sum(),
        ));
    }
    V::Dict(vec![
        (
            "summary",
            s(format!(
                "Panel {} to {} ({}), {} departments. {} of {} rows read were quarantined.",
                month_long(cov.panel_start),
                month_long(cov.panel_end),
                months_word(panel_months(cov).max(0) as u32),
                count(cov.departments as u64),
                count(cov.rows_quarantined),
                count(read),
            )),
        ),
        ("files", V::Arr(files)),
        (
            "quarantine-note",
            s("Quarantined rows failed validation (unknown department, duplicate id, impossible date, malformed \
               line…). They are in no figure of this report and are kept unchanged, with the reason, in the \
               quarantine files for the data steward."),
        ),
    ])
}

fn ranking_header(rated: bool) -> Vec<V> {
    [
        "Rank",
        "Move",
        "Department",
        "Group",
        "Tier",
        "vs city",
        "Pred. cases",
        "90% interval",
        if rated { "Pred. TRIR" } else { "Pred. rate" },
        "TRIR t12",
        "DART t12",
        "Incurred t12",
        "Pred. incurred",
        "A/E",
        "Top driver",
    ]
    .into_iter()
    .map(s)
    .collect()
}

/// One department's line of the ranking table.
fn ranking_row(x: &RankingRow) -> V {
    V::Dict(vec![
        ("rank", s(x.rank.to_string())),
        ("change", s(rank_change(x.rank_change))),
        ("name", s(&x.name)),
        ("code", s(&x.department)),
        ("group", s(x.group.clone().unwrap_or_else(|| DASH.to_string()))),
        ("tier", s(x.risk_tier.as_str())),
        ("versus", s(versus_word(x.versus_city))),
        ("cases", s(fixed(Some(x.predicted_cases), 1))),
        ("interval", s(interval(x))),
        ("rate", s(rate(x.predicted_rate))),
        ("trir", s(rate(x.trailing12_trir))),
        ("dart", s(rate(x.trailing12_dart))),
        ("incurred", s(money(x.trailing12_incurred))),
        ("predicted-incurred", s(dollars(x.predicted_incurred))),
        ("ae", s(fixed(x.actual_to_expected, 2))),
        ("driver", s(&x.top_driver)),
    ])
}

/// The ranking table's short form of [`VersusCity`].
fn versus_word(v: VersusCity) -> &'static str {
    match v {
        VersusCity::ClearlyAbove => "above",
        VersusCity::NotDistinguishable => "≈ city",
        VersusCity::ClearlyBelow => "below",
    }
}

/// The twelve biggest changes beyond what chance allows (a rank outside
/// its simulated range, or a predicted rate outside its interval), largest
/// first.
fn movers_value(movers: &[Mover]) -> Vec<V> {
    let mut movers: Vec<&Mover> = movers.iter().filter(|m| m.significant).collect();
    movers.sort_by(|a, b| b.change.abs().cmp(&a.change.abs()).then(a.rank.cmp(&b.rank)));
    movers
        .into_iter()
        .take(12)
        .map(|m| {
            V::Dict(vec![
                ("name", s(&m.name)),
                ("code", s(&m.department)),
                ("previous", s(m.previous_rank.to_string())),
                ("rank", s(m.rank.to_string())),
                ("change", s(rank_change(Some(m.change)))),
            ])
        })
        .collect()
}

// ------------------------------------------------------------------ trust

fn skill_reading(skill: f64) -> &'static str {
    if skill >= 0.05 {
        "better than the baseline"
    } else if skill > -0.05 {
        "about the same as the baseline"
    } else {
        "worse than the baseline"
    }
}

/// What the estimated dispersion means for the intervals, in words. A
/// month's variance is μ + αμ²: at α = 0.1 a department expecting 10 cases
/// varies twice as much as Poisson would say.
pub(crate) fn dispersion_reading(alpha: f64) -> String {
    // The month size at which the extra variance equals the Poisson part.
    if alpha < 0.01 {
        return format!(
            "Dispersion {alpha:.3}: monthly counts vary about as much as chance alone (Poisson) predicts, so the \
             intervals are the Poisson ones."
        );
    }
    let doubled = 1.0 / alpha;
    format!(
        "Dispersion {alpha:.3}: monthly counts vary more than chance alone predicts (crews, weather, single bad \
         weeks), so the intervals are wider than Poisson ones: a department expecting {doubled:.0} cases a month \
         varies twice as much as Poisson would say, and larger departments more. A single month's jump is weaker \
         evidence of a real change than it looks."
    )
}

fn coverage_reading(c: f64) -> &'static str {
    if c < 0.85 {
        "too narrow: outcomes fall outside more often than 1 in 10"
    } else if c > 0.95 {
        "wider than needed"
    } else {
        "close to the 90% target"
    }
}

/// One table row per backtest horizon: the horizon, its figure and what
/// the figure means.
fn per_horizon(figures: &[(u32, f64)], value: fn(f64) -> String, reading: fn(f64) -> &'static str) -> Vec<V> {
    figures
        .iter()
        .map(|(h, x)| {
            V::Dict(vec![("horizon", s(months_word(*h))), ("value", s(value(*x))), ("reading", s(reading(*x)))])
        })
        .collect()
}

/// The verdict of the trust box, from the skill at the longest horizon.
fn trust_verdict(t: &Trust) -> String {
    let longest = t.skill_vs_trailing12.iter().max_by_key(|(h, _)| *h);
    match longest {
        Some((h, sk)) if *sk >= 0.05 => {
            format!("The model beats the simple baseline: {:.0}% less deviance at {}", sk * 100.0, months_word(*h))
        }
        Some((h, sk)) if *sk > -0.05 => {
            format!("The model is about as good as the simple baseline at {}", months_word(*h))
        }
        Some((h, _)) => format!("The model does worse than the simple baseline at {}: use with care", months_word(*h)),
        None => "Backtest".to_string(),
    }
}

fn trust_value(t: &Trust) -> V {
    let footer = match t.spearman_observed {
        Some(rho) => format!(
            "Rank agreement between the predicted ranking and what then happened (Spearman): {rho:.2} (1 = same \
             order, 0 = unrelated)."
        ),
        None => "Rank agreement with observed outcomes is not available for this model.".to_string(),
    };
    let footer = format!("{footer} {}", dispersion_reading(t.dispersion));
    V::Dict(vec![
        ("verdict", s(trust_verdict(t))),
        (
            "intro",
            s(format!(
                "Backtest of model {}, trained on data to {}: forecasts made from past months were compared with what \
                 happened next. Skill is the reduction in Poisson deviance against the trailing-12 baseline (each \
                 department's last 12 months carried forward): 0% is no better than the baseline, higher is better. \
                 Coverage is the share of actual outcomes inside the 90% interval; 90% is ideal.",
                t.model_file,
                month_long(t.trained_to)
            )),
        ),
        ("skill", V::Arr(per_horizon(&t.skill_vs_trailing12, signed_pct, skill_reading))),
        ("coverage", V::Arr(per_horizon(&t.coverage_90, |c| format!("{:.1}%", c * 100.0), coverage_reading))),
        ("footer", s(footer)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dispersion_is_read_out_for_the_intervals() {
        let poisson = dispersion_reading(0.004);
        assert!(poisson.contains("0.004") && poisson.contains("Poisson ones"), "{poisson}");
        let wide = dispersion_reading(0.2);
        assert!(wide.contains("0.200") && wide.contains("expecting 5 cases"), "{wide}");
    }

    #[test]
    fn svg_size_reads_the_root_element() {
        let svg = "<svg width=\"1000\" height=\"438\" viewBox=\"0 0 1000 438\" xmlns=\"x\">";
        assert_eq!(svg_size(svg), Some((1000.0, 438.0)));
    }
}
