//! The report charts: pure functions from [`super::data`] types to SVG
//! strings, drawn with plotters' SVG backend into memory.
//!
//! Boundaries:
//! - No I/O and no fonts: the SVG names `font-family="sans-serif"` and
//!   whoever renders it (typst, for the PDFs) sets the text with its own
//!   embedded fonts. Text widths are only estimated here, so every label
//!   area is sized generously and long labels are shortened.
//! - Deterministic: the same data gives the same SVG bytes (no clocks, no
//!   hash-map iteration, fixed sizes).
//! - Never fails on thin data: an empty series or a chart whose values are
//!   all missing becomes a framed "no data" panel, not an error.
//! - Tier colours ([`tier_hex`]) are the ones the PDF tables use.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{CityMonth, DepartmentReport, MixShare, ParetoItem, Ranking, RankingRow, RiskTier, TrendPoint};
use crate::schema::Month;

/// Why a chart could not be drawn (only a backend failure; thin data is
/// drawn as "no data").
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("chart drawing failed: {0}")]
    Draw(String),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}

/// Width in SVG pixels of the charts that span a landscape page.
pub const WIDE: u32 = 1000;
/// Width in SVG pixels of the charts on a portrait page.
pub const NARROW: u32 = 720;
/// Width in SVG pixels of the Pareto, which shares its page with a table.
const PARETO_WIDTH: u32 = 700;

const FONT: &str = "sans-serif";
/// Label font size handed to plotters (it writes `size / 1.24` px).
const LABEL: u32 = 16;
const SMALL: u32 = 14;

const INK: RGBColor = RGBColor(0x22, 0x2b, 0x33);
const MUTED: RGBColor = RGBColor(0x6b, 0x74, 0x7d);
const GRID: RGBColor = RGBColor(0xe3, 0xe6, 0xea);
const DEPT: RGBColor = RGBColor(0x1f, 0x5f, 0x9e);
const PEER: RGBColor = RGBColor(0x8e, 0x44, 0xad);
const CITY: RGBColor = RGBColor(0x4d, 0x55, 0x5e);
const DART: RGBColor = RGBColor(0xd3, 0x54, 0x00);
const MONEY: RGBColor = RGBColor(0x5d, 0x8a, 0xa8);
const CITY_SHARE: RGBColor = RGBColor(0xb3, 0xba, 0xc2);

/// A tier's colour as `#rrggbb`, shared with the PDF tables.
pub fn tier_hex(tier: RiskTier) -> &'static str {
    match tier {
        RiskTier::High => "#c0392b",
        RiskTier::Elevated => "#e67e22",
        RiskTier::Moderate => "#f1c40f",
        RiskTier::Low => "#27ae60",
    }
}

fn tier_color(tier: RiskTier) -> RGBColor {
    let hex = tier_hex(tier).trim_start_matches('#');
    let channel = |i: usize| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).unwrap_or(0);
    RGBColor(channel(0), channel(2), channel(4))
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Runs `draw` on a white canvas of `size` pixels and returns the SVG.
fn render<F>(size: (u32, u32), draw: F) -> Result<String, ChartError>
where
    F: FnOnce(&Area<'_>) -> Result<(), ChartError>,
{
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root)?;
        root.present()?;
    }
    Ok(buf)
}

fn style(size: u32, color: RGBColor) -> TextStyle<'static> {
    TextStyle { color: color.to_backend_color(), ..TextStyle::from((FONT, size).into_font()) }
}

fn anchored(size: u32, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    style(size, color).pos(Pos::new(h, v))
}

/// A framed panel that says there is nothing to show.
fn no_data(area: &Area<'_>, title: &str, why: &str) -> Result<(), ChartError> {
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    area.draw(&Rectangle::new([(4, 4), (w - 4, h - 4)], GRID.stroke_width(2)))?;
    if !title.is_empty() {
        area.draw(&Text::new(title.to_string(), (16, 16), anchored(LABEL, INK, HPos::Left, VPos::Top)))?;
    }
    area.draw(&Text::new(why.to_string(), (w / 2, h / 2), anchored(LABEL + 2, MUTED, HPos::Center, VPos::Center)))?;
    Ok(())
}

/// A whole-canvas "no data" chart.
fn no_data_svg(size: (u32, u32), title: &str, why: &str) -> Result<String, ChartError> {
    render(size, |root| no_data(root, title, why))
}

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
enum Mark {
    Box(RGBColor),
    Line(RGBColor),
    Dashed(RGBColor),
    Whisker,
}

/// A one-line legend starting at `(x, y)` (its vertical centre), in root
/// pixels. Widths are estimated generously from the label lengths.
fn legend(area: &Area<'_>, (x, y): (i32, i32), items: &[(Mark, &str)]) -> Result<(), ChartError> {
    let mut x = x;
    for (mark, label) in items {
        match *mark {
            Mark::Box(c) => {
                area.draw(&Rectangle::new([(x, y - 6), (x + 14, y + 6)], c.filled()))?;
            }
            Mark::Line(c) => {
                area.draw(&PathElement::new(vec![(x - 2, y), (x + 18, y)], c.stroke_width(3)))?;
            }
            Mark::Dashed(c) => {
                area.draw(&DashedPathElement::new(vec![(x - 2, y), (x + 18, y)], 5, 3, c.stroke_width(2)))?;
            }
            Mark::Whisker => {
                let s = INK.stroke_width(2);
                area.draw(&PathElement::new(vec![(x, y), (x + 16, y)], s))?;
                area.draw(&PathElement::new(vec![(x, y - 5), (x, y + 5)], s))?;
                area.draw(&PathElement::new(vec![(x + 16, y - 5), (x + 16, y + 5)], s))?;
            }
        }
        area.draw(&Text::new(label.to_string(), (x + 24, y), anchored(SMALL, INK, HPos::Left, VPos::Center)))?;
        x += 24 + estimate_width(label, SMALL) + 22;
    }
    Ok(())
}

/// A generous estimate of a label's width in pixels at plotters size `size`.
fn estimate_width(text: &str, size: u32) -> i32 {
    (text.chars().count() as f64 * f64::from(size) * 0.47).ceil() as i32
}

/// `text` cut to `max` characters with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// Axis numbers: integers without decimals, small values with one or two.
fn axis_number(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 || (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}").trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Dollars for an axis: $0, $850, $12k, $1.2M.
fn axis_money(dollars: f64) -> String {
    let a = dollars.abs();
    if a >= 1_000_000.0 {
        format!("${:.1}M", dollars / 1_000_000.0)
    } else if a >= 10_000.0 {
        format!("${:.0}k", dollars / 1_000.0)
    } else if a >= 1_000.0 {
        format!("${:.1}k", dollars / 1_000.0)
    } else {
        format!("${dollars:.0}")
    }
}

fn percent(v: f64) -> String {
    format!("{:.0}%", v * 100.0)
}

/// An upper axis bound a little above `max` (and positive).
fn headroom(max: f64) -> f64 {
    if max.is_finite() && max > 0.0 { max * 1.1 } else { 1.0 }
}

const MONTH_NAMES: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn month_label(m: Month) -> String {
    format!("{} {}", MONTH_NAMES[(m.month() as usize - 1) % 12], m.year())
}

/// Month ticks for a time axis: every January and July over long spans,
/// every quarter over shorter ones, every month over a few.
fn month_ticks(first: i32, last: i32) -> Vec<f64> {
    let span = last - first + 1;
    let step = if span > 30 {
        6
    } else if span > 12 {
        3
    } else if span > 6 {
        2
    } else {
        1
    };
    (first..=last).filter(|&i| i.rem_euclid(12) % step == 0).map(f64::from).collect()
}

type Chart2d<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A backend (absolute) pixel as a coordinate of `area`.
fn local(area: &Area<'_>, (x, y): (i32, i32)) -> (i32, i32) {
    let (bx, by) = area.get_base_pixel();
    (x - bx, y - by)
}

/// Month grid lines and labels under a time axis whose x values are
/// month indices (plotters' own ticks would fall on arbitrary months).
fn month_axis(
    chart: &mut Chart2d<'_, '_>,
    area: &Area<'_>,
    (first, last): (i32, i32),
    ymax: f64,
) -> Result<(), ChartError> {
    for t in month_ticks(first, last) {
        chart.draw_series(std::iter::once(PathElement::new(vec![(t, 0.0), (t, ymax)], GRID.stroke_width(1))))?;
        let (px, py) = local(area, chart.backend_coord(&(t, 0.0)));
        area.draw(&PathElement::new(vec![(px, py), (px, py + 5)], MUTED.stroke_width(1)))?;
        area.draw(&Text::new(
            month_label(Month::from_index(t as i32)),
            (px, py + 9),
            anchored(SMALL, INK, HPos::Center, VPos::Top),
        ))?;
    }
    Ok(())
}

/// Contiguous runs of present values, so that a missing month breaks a
/// line instead of bridging it.
fn runs(points: impl Iterator<Item = (f64, Option<f64>)>) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut cur: Vec<(f64, f64)> = Vec::new();
    for (x, y) in points {
        match y.filter(|v| v.is_finite()) {
            Some(y) => cur.push((x, y)),
            None => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// One line of a time-series panel.
struct Series<'s> {
    label: &'s str,
    color: RGBColor,
    dashed: bool,
    width: u32,
    points: Vec<(f64, Option<f64>)>,
}

impl Series<'_> {
    fn mark(&self) -> Mark {
        if self.dashed { Mark::Dashed(self.color) } else { Mark::Line(self.color) }
    }
}

/// A panel of monthly lines over `months` (month indices) with a legend
/// above the plot; "no data" when every value is missing.
fn line_panel(
    area: &Area<'_>,
    title: &str,
    y_desc: &str,
    months: (i32, i32),
    series: &[Series<'_>],
) -> Result<(), ChartError> {
    let max = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.1))
        .filter(|v| v.is_finite())
        .fold(f64::NAN, f64::max);
    if max.is_nan() {
        return no_data(area, title, "no rates: hours worked are missing");
    }
    let (first, last) = months;
    let x_range = f64::from(first) - 0.5..f64::from(last) + 0.5;
    let ymax = headroom(max);
    let mut chart = ChartBuilder::on(area)
        .margin_top(44)
        .margin_left(8)
        .margin_right(24)
        .margin_bottom(4)
        .x_label_area_size(34)
        .y_label_area_size(66)
        .build_cartesian_2d(x_range, 0f64..ymax)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(MUTED.stroke_width(1))
        .y_label_formatter(&|v| axis_number(*v))
        .y_labels(6)
        .y_desc(y_desc)
        .label_style(style(SMALL, INK))
        .axis_desc_style(style(SMALL, MUTED))
        .draw()?;
    month_axis(&mut chart, area, months, ymax)?;
    for s in series {
        for run in runs(s.points.iter().copied()) {
            if run.len() == 1 {
                chart.draw_series(run.iter().map(|&p| Circle::new(p, 3, s.color.filled())))?;
            } else if s.dashed {
                chart.draw_series(DashedLineSeries::new(run, 7, 4, s.color.stroke_width(s.width)))?;
            } else {
                chart.draw_series(LineSeries::new(run, s.color.stroke_width(s.width)))?;
            }
        }
    }
    area.draw(&Text::new(title.to_string(), (14, 14), anchored(LABEL, INK, HPos::Left, VPos::Top)))?;
    let items: Vec<(Mark, &str)> = series.iter().map(|s| (s.mark(), s.label)).collect();
    let title_w = estimate_width(title, LABEL) + 40;
    legend(area, (title_w.max(200), 22), &items)?;
    Ok(())
}

/// A ranking bar: its value and, when known, its 90% interval.
type Bar = (f64, Option<(f64, f64)>);

/// The value a ranking bar shows and its 90% interval, in the chart's unit
/// (rate when the ranking is rated, cases otherwise). `None` when the row
/// has no rate in a rated ranking.
fn bar_value(row: &RankingRow, rated: bool) -> Option<Bar> {
    let low = row.predicted_cases_low as f64;
    let high = row.predicted_cases_high as f64;
    if !rated {
        return Some((row.predicted_cases, Some((low, high))));
    }
    let rate = row.predicted_rate.filter(|r| r.is_finite())?;
    let interval = (row.predicted_cases > 0.0).then(|| {
        let per_case = rate / row.predicted_cases;
        (low * per_case, high * per_case)
    });
    Some((rate, interval))
}

/// Predicted rate per department (rank 1 at the top), coloured by tier,
/// with 90% interval whiskers and a dashed line at the city-wide
/// predicted rate. Without hours (`rated == false`) it charts predicted
/// cases and their interval against the city's mean per department.
pub fn predicted_rates_svg(ranking: &Ranking) -> Result<String, ChartError> {
    let mut pages = predicted_rates_svgs(ranking, usize::MAX)?;
    Ok(pages.swap_remove(0))
}

/// [`predicted_rates_svg`] split into charts of at most `per_chart`
/// departments each (in rank order), all on the same value axis so they
/// can be compared across pages. Always at least one chart.
pub fn predicted_rates_svgs(ranking: &Ranking, per_chart: usize) -> Result<Vec<String>, ChartError> {
    let mut rows: Vec<&RankingRow> = ranking.rows.iter().collect();
    rows.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.department.cmp(&b.department)));
    if rows.is_empty() {
        return Ok(vec![no_data_svg((WIDE, 220), "", "no departments ranked")?]);
    }
    let values: Vec<Option<Bar>> = rows.iter().map(|r| bar_value(r, ranking.rated)).collect();
    let max = values
        .iter()
        .flatten()
        .flat_map(|(v, i)| [Some(*v), i.map(|i| i.1)])
        .flatten()
        .chain(std::iter::once(ranking.city_predicted))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let per_chart = per_chart.max(1);
    rows.chunks(per_chart)
        .zip(values.chunks(per_chart))
        .map(|(rows, values)| rates_chart(ranking, rows, values, headroom(max)))
        .collect()
}

fn rates_chart(
    ranking: &Ranking,
    rows: &[&RankingRow],
    values: &[Option<Bar>],
    xmax: f64,
) -> Result<String, ChartError> {
    let n = rows.len();
    let height = (90 + 24 * n.max(3) + 60) as u32;
    let labels: Vec<String> = rows.iter().map(|r| format!("{}. {}", r.rank, shorten(&r.name, 30))).collect();
    let label_w = labels.iter().map(|l| estimate_width(l, SMALL)).max().unwrap_or(0).clamp(120, 300) + 12;
    let next = if ranking.horizon == 1 { "next month".to_string() } else { format!("next {} months", ranking.horizon) };
    let x_desc = if ranking.rated {
        format!("predicted recordable cases per 200,000 hours, {next}")
    } else {
        format!("predicted recordable cases, {next} (no hours worked: rates unavailable)")
    };
    let city_label = if ranking.rated { "city-wide predicted rate" } else { "city mean per department" };
    render((WIDE, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(48)
            .margin_right(28)
            .margin_left(8)
            .x_label_area_size(46)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0f64..xmax, 0f64..n as f64)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID.stroke_width(1))
            .axis_style(MUTED.stroke_width(1))
            .x_labels(8)
            .x_label_formatter(&|v| axis_number(*v))
            .x_desc(x_desc.as_str())
            .label_style(style(SMALL, INK))
            .axis_desc_style(style(SMALL, MUTED))
            .draw()?;
        for (i, (row, value)) in rows.iter().zip(values.iter()).enumerate() {
            // Rank 1 in the top slot.
            let top = (n - i) as f64 - 0.18;
            let bottom = (n - i - 1) as f64 + 0.18;
            let centre = (n - i) as f64 - 0.5;
            let (lx, ly) = chart.backend_coord(&(0.0, centre));
            root.draw(&Text::new(labels[i].clone(), (lx - 8, ly), anchored(SMALL, INK, HPos::Right, VPos::Center)))?;
            match value {
                Some((v, interval)) => {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(0.0, bottom), (*v, top)],
                        tier_color(row.risk_tier).filled(),
                    )))?;
                    if let Some((lo, hi)) = interval {
                        let whisker = INK.stroke_width(2);
                        chart.draw_series(std::iter::once(PathElement::new(
                            vec![(*lo, centre), (*hi, centre)],
                            whisker,
                        )))?;
                        for x in [*lo, *hi] {
                            chart.draw_series(std::iter::once(PathElement::new(
                                vec![(x, centre - 0.2), (x, centre + 0.2)],
                                whisker,
                            )))?;
                        }
                    }
                }
                None => {
                    let (x, y) = chart.backend_coord(&(0.0, centre));
                    root.draw(&Text::new(
                        "no rate (no hours)".to_string(),
                        (x + 6, y),
                        anchored(SMALL, MUTED, HPos::Left, VPos::Center),
                    ))?;
                }
            }
        }
        let city = ranking.city_predicted;
        if city.is_finite() && city > 0.0 {
            chart.draw_series(DashedLineSeries::new(vec![(city, 0.0), (city, n as f64)], 8, 5, INK.stroke_width(2)))?;
            let (x, y) = chart.backend_coord(&(city, n as f64));
            root.draw(&Text::new(
                format!("city {}", axis_number(city)),
                (x + 4, y - 4),
                anchored(SMALL, INK, HPos::Left, VPos::Bottom),
            ))?;
        }
        legend(
            root,
            (label_w + 16, 20),
            &[
                (Mark::Box(tier_color(RiskTier::High)), "high"),
                (Mark::Box(tier_color(RiskTier::Elevated)), "elevated"),
                (Mark::Box(tier_color(RiskTier::Moderate)), "moderate"),
                (Mark::Box(tier_color(RiskTier::Low)), "low"),
                (Mark::Whisker, "90% interval"),
                (Mark::Dashed(INK), city_label),
            ],
        )?;
        Ok(())
    })
}

/// City-wide monthly TRIR and DART (top panel) and incurred dollars per
/// month (bottom panel), over the months given (normally 36).
pub fn city_trend_svg(months: &[CityMonth]) -> Result<String, ChartError> {
    let mut months: Vec<&CityMonth> = months.iter().collect();
    months.sort_by_key(|m| m.month);
    let (Some(first), Some(last)) = (months.first(), months.last()) else {
        return no_data_svg((WIDE, 300), "City-wide trend", "no months in the panel");
    };
    let span = (first.month.index(), last.month.index());
    let x = |m: &CityMonth| f64::from(m.month.index());
    let rates = [
        Series {
            label: "TRIR",
            color: DEPT,
            dashed: false,
            width: 3,
            points: months.iter().map(|m| (x(m), m.trir)).collect(),
        },
        Series {
            label: "DART",
            color: DART,
            dashed: false,
            width: 3,
            points: months.iter().map(|m| (x(m), m.dart)).collect(),
        },
    ];
    render((WIDE, 620), |root| {
        let (top, bottom) = root.split_vertically(350);
        line_panel(&top, "Recordable rates per 200,000 hours (monthly)", "rate", span, &rates)?;
        let max = months.iter().map(|m| m.incurred.dollars()).fold(0.0, f64::max);
        let x_range = f64::from(span.0) - 0.5..f64::from(span.1) + 0.5;
        let ymax = headroom(max);
        let mut chart = ChartBuilder::on(&bottom)
            .margin_top(40)
            .margin_left(8)
            .margin_right(24)
            .margin_bottom(4)
            .x_label_area_size(34)
            .y_label_area_size(66)
            .build_cartesian_2d(x_range, 0f64..ymax)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID.stroke_width(1))
            .axis_style(MUTED.stroke_width(1))
            .y_label_formatter(&|v| axis_money(*v))
            .y_labels(5)
            .label_style(style(SMALL, INK))
            .draw()?;
        month_axis(&mut chart, &bottom, span, ymax)?;
        chart.draw_series(months.iter().map(|m| {
            let c = x(m);
            Rectangle::new([(c - 0.38, 0.0), (c + 0.38, m.incurred.dollars().max(0.0))], MONEY.filled())
        }))?;
        bottom.draw(&Text::new(
            "Incurred on claims by injury month (at valuation)".to_string(),
            (14, 10),
            anchored(LABEL, INK, HPos::Left, VPos::Top),
        ))?;
        Ok(())
    })
}

/// The cause Pareto: one horizontal bar of cases per cause (largest at
/// the top, at most 15) and the cumulative share as a line against the
/// top axis, with a dashed 80% mark.
pub fn pareto_svg(items: &[ParetoItem]) -> Result<String, ChartError> {
    const MAX_ITEMS: usize = 15;
    let shown: Vec<&ParetoItem> = items.iter().take(MAX_ITEMS).collect();
    let n = shown.len();
    if n == 0 {
        return no_data_svg((PARETO_WIDTH, 220), "", "no cases with a cause in the last 12 months");
    }
    let labels: Vec<String> = shown.iter().map(|p| shorten(&p.label, 34)).collect();
    let label_w = labels.iter().map(|l| estimate_width(l, SMALL)).max().unwrap_or(0).clamp(100, 260) + 12;
    let max = shown.iter().map(|p| f64::from(p.cases)).fold(0.0, f64::max);
    let xmax = headroom(max);
    let height = (110 + 28 * n.max(3) + 40) as u32;
    render((PARETO_WIDTH, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin_top(44)
            .margin_right(28)
            .margin_left(8)
            .x_label_area_size(46)
            .top_x_label_area_size(30)
            .y_label_area_size(label_w)
            .build_cartesian_2d(0f64..xmax, 0f64..n as f64)?
            .set_secondary_coord(0f64..1.0, 0f64..n as f64);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID.stroke_width(1))
            .axis_style(MUTED.stroke_width(1))
            .x_labels(8)
            .x_label_formatter(&|v| axis_number(*v))
            .x_desc("cases, last 12 months (city-wide)")
            .label_style(style(SMALL, INK))
            .axis_desc_style(style(SMALL, MUTED))
            .draw()?;
        chart
            .configure_secondary_axes()
            .x_labels(6)
            .x_label_formatter(&|v| percent(*v))
            .axis_style(MUTED.stroke_width(1))
            .label_style(style(SMALL, DART))
            .draw()?;
        let centre = |i: usize| (n - i) as f64 - 0.5;
        for (i, p) in shown.iter().enumerate() {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, (n - i - 1) as f64 + 0.2), (f64::from(p.cases), (n - i) as f64 - 0.2)],
                MONEY.filled(),
            )))?;
            let (lx, ly) = chart.backend_coord(&(0.0, centre(i)));
            root.draw(&Text::new(labels[i].clone(), (lx - 8, ly), anchored(SMALL, INK, HPos::Right, VPos::Center)))?;
            // The count inside the bar when it fits (clear of the
            // cumulative line further right), else after the bar.
            let (bx, by) = chart.backend_coord(&(f64::from(p.cases), centre(i)));
            let value = format!("{} ({})", p.cases, percent(p.share));
            let text = if bx - lx > estimate_width(&value, SMALL - 2) + 14 {
                Text::new(value, (lx + 6, by), anchored(SMALL - 2, WHITE, HPos::Left, VPos::Center))
            } else {
                Text::new(value, (bx + 6, by), anchored(SMALL - 2, MUTED, HPos::Left, VPos::Center))
            };
            root.draw(&text)?;
        }
        chart.draw_secondary_series(DashedLineSeries::new(
            vec![(0.8, 0.0), (0.8, n as f64)],
            6,
            4,
            MUTED.stroke_width(1),
        ))?;
        let line: Vec<(f64, f64)> =
            shown.iter().enumerate().map(|(i, p)| (p.cumulative_share.clamp(0.0, 1.0), centre(i))).collect();
        chart.draw_secondary_series(LineSeries::new(line.clone(), DART.stroke_width(2)))?;
        chart.draw_secondary_series(line.iter().map(|&p| Circle::new(p, 4, DART.filled())))?;
        legend(
            root,
            (label_w + 16, 16),
            &[
                (Mark::Box(MONEY), "cases"),
                (Mark::Line(DART), "cumulative share (top axis)"),
                (Mark::Dashed(MUTED), "80%"),
            ],
        )?;
        Ok(())
    })
}

/// A department's trailing-12 TRIR (top) and DART (bottom) beside its peer
/// group and the city.
pub fn department_trend_svg(dept: &DepartmentReport) -> Result<String, ChartError> {
    let mut history: Vec<&TrendPoint> = dept.history.iter().collect();
    history.sort_by_key(|p| p.month);
    let (Some(first), Some(last)) = (history.first(), history.last()) else {
        return no_data_svg((NARROW, 260), "Trend", "no history for this department");
    };
    let span = (first.month.index(), last.month.index());
    let x = |p: &TrendPoint| f64::from(p.month.index());
    let series = |pick: fn(&TrendPoint) -> [Option<f64>; 3]| {
        let line = |k: usize, label, color, dashed, width| Series {
            label,
            color,
            dashed,
            width,
            points: history.iter().map(|p| (x(p), pick(p)[k])).collect(),
        };
        [
            line(0, "this department", DEPT, false, 3),
            line(1, "peer group", PEER, false, 2),
            line(2, "city", CITY, true, 2),
        ]
    };
    let trir = series(|p| [p.trir, p.peer_trir, p.city_trir]);
    let dart = series(|p| [p.dart, p.peer_dart, p.city_dart]);
    render((NARROW, 540), |root| {
        let (top, bottom) = root.split_vertically(270);
        line_panel(&top, "TRIR, trailing 12 months", "per 200,000 h", span, &trir)?;
        line_panel(&bottom, "DART, trailing 12 months", "per 200,000 h", span, &dart)?;
        Ok(())
    })
}

/// A department's share of cases per cause and per body part beside the
/// city's (last 12 months), as grouped horizontal bars in two panels.
pub fn mix_svg(dept: &DepartmentReport) -> Result<String, ChartError> {
    const PER_KIND: usize = 8;
    let pick = |kind: &str| -> Vec<&MixShare> {
        let mut v: Vec<&MixShare> = dept.mix.iter().filter(|m| m.kind == kind).collect();
        v.sort_by(|a, b| b.share.total_cmp(&a.share).then_with(|| a.label.cmp(&b.label)));
        v.truncate(PER_KIND);
        v
    };
    let causes = pick("cause");
    let parts = pick("body_part");
    let rows = |v: &Vec<&MixShare>| v.len().max(2);
    let h_causes = 70 + 36 * rows(&causes) + 36;
    let h_parts = 70 + 36 * rows(&parts) + 36;
    // One label width for both panels, so that their bars line up.
    let label_w = causes
        .iter()
        .chain(&parts)
        .map(|m| estimate_width(&shorten(&m.label, MIX_LABEL), SMALL))
        .max()
        .unwrap_or(0)
        .clamp(100, 270)
        + 12;
    // One share axis for both panels too.
    let max =
        causes.iter().chain(&parts).flat_map(|m| [m.share, m.city_share]).filter(|v| v.is_finite()).fold(0.0, f64::max);
    let xmax = if max > 0.0 { (max * 1.18).min(1.0) } else { 1.0 };
    render((NARROW, (h_causes + h_parts) as u32), |root| {
        let (top, bottom) = root.split_vertically(h_causes as u32);
        mix_panel(root, &top, "Cause of injury", &causes, (label_w, xmax))?;
        mix_panel(root, &bottom, "Part of body", &parts, (label_w, xmax))?;
        Ok(())
    })
}

/// Characters of a mix label before it is shortened.
const MIX_LABEL: usize = 34;

fn mix_panel(
    root: &Area<'_>,
    area: &Area<'_>,
    title: &str,
    items: &[&MixShare],
    (label_w, xmax): (i32, f64),
) -> Result<(), ChartError> {
    if items.is_empty() {
        return no_data(area, title, "no cases in the last 12 months");
    }
    let n = items.len();
    let labels: Vec<String> = items.iter().map(|m| shorten(&m.label, MIX_LABEL)).collect();
    let mut chart = ChartBuilder::on(area)
        .margin_top(48)
        .margin_right(24)
        .margin_left(8)
        .x_label_area_size(30)
        .y_label_area_size(label_w)
        .build_cartesian_2d(0f64..xmax, 0f64..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(MUTED.stroke_width(1))
        .x_labels(6)
        .x_label_formatter(&|v| percent(*v))
        .label_style(style(SMALL, INK))
        .draw()?;
    for (i, m) in items.iter().enumerate() {
        let base = (n - i - 1) as f64;
        let bars = [(m.share, base + 0.5, base + 0.86, DEPT), (m.city_share, base + 0.14, base + 0.5, CITY_SHARE)];
        for (v, y0, y1, color) in bars {
            let v = if v.is_finite() { v.max(0.0) } else { 0.0 };
            chart.draw_series(std::iter::once(Rectangle::new([(0.0, y0), (v, y1)], color.filled())))?;
        }
        let (bx, by) = chart.backend_coord(&(m.share.max(0.0), base + 0.68));
        root.draw(&Text::new(percent(m.share), (bx + 5, by), anchored(SMALL - 2, INK, HPos::Left, VPos::Center)))?;
        let (lx, ly) = chart.backend_coord(&(0.0, base + 0.5));
        root.draw(&Text::new(labels[i].clone(), (lx - 8, ly), anchored(SMALL, INK, HPos::Right, VPos::Center)))?;
    }
    area.draw(&Text::new(title.to_string(), (14, 10), anchored(LABEL, INK, HPos::Left, VPos::Top)))?;
    legend(
        area,
        (estimate_width(title, LABEL) + 50, 18),
        &[(Mark::Box(DEPT), "this department"), (Mark::Box(CITY_SHARE), "city")],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_colours_parse_from_hex() {
        assert_eq!(tier_color(RiskTier::High), RGBColor(0xc0, 0x39, 0x2b));
        assert_eq!(tier_color(RiskTier::Low), RGBColor(0x27, 0xae, 0x60));
    }

    #[test]
    fn runs_break_at_missing_values() {
        let pts = vec![(1.0, Some(1.0)), (2.0, None), (3.0, Some(3.0)), (4.0, Some(4.0)), (5.0, Some(f64::NAN))];
        assert_eq!(runs(pts.into_iter()), vec![vec![(1.0, 1.0)], vec![(3.0, 3.0), (4.0, 4.0)]]);
    }

    #[test]
    fn month_ticks_pick_january_and_july_over_long_spans() {
        let first = Month::new(2022, 7).map(Month::index).unwrap_or_default();
        let ticks = month_ticks(first, first + 35);
        let labels: Vec<String> = ticks.iter().map(|&t| month_label(Month::from_index(t as i32))).collect();
        assert_eq!(labels.first().map(String::as_str), Some("Jul 2022"));
        assert!(labels.iter().all(|l| l.starts_with("Jan") || l.starts_with("Jul")));
    }

    #[test]
    fn labels_are_shortened_by_characters() {
        assert_eq!(shorten("Ünïcödé names", 5), "Ünïc…");
        assert_eq!(shorten("short", 5), "short");
    }

    #[test]
    fn axis_formats() {
        assert_eq!(axis_number(2.5), "2.5");
        assert_eq!(axis_number(3.0), "3");
        assert_eq!(axis_money(1_234_567.0), "$1.2M");
        assert_eq!(axis_money(45_000.0), "$45k");
    }

    #[test]
    fn empty_inputs_draw_no_data() {
        let svg = city_trend_svg(&[]).unwrap_or_default();
        assert!(svg.contains("no months"));
        let svg = pareto_svg(&[]).unwrap_or_default();
        assert!(svg.contains("no cases"));
    }
}
