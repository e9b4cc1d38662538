//! The time-series charts: the city-wide monthly trend and a department's
//! trailing-12 trend, drawn as monthly lines on a month axis of their own.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    Area, CITY, Chart2d, ChartError, DART, DEPT, GRID, INK, LABEL, MONEY, MUTED, Mark, NARROW, PEER, SMALL, ValueAxis,
    WIDE, anchored, axis_money, axis_number, estimate_width, headroom, legend, no_data, no_data_svg, render, style,
    value_mesh,
};
use crate::report::data::{CityMonth, DepartmentReport, TrendPoint};
use crate::schema::Month;

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

/// A backend (absolute) pixel as a coordinate of `area`.
fn local(area: &Area<'_>, (x, y): (i32, i32)) -> (i32, i32) {
    let (bx, by) = area.get_base_pixel();
    (x - bx, y - by)
}

/// The plot of a time panel: x is the month index from `first` to `last`,
/// y runs from 0 to `ymax`; `margin_top` leaves room for the panel's title.
fn time_chart<'a, 'b>(
    area: &'a Area<'b>,
    margin_top: i32,
    (first, last): (i32, i32),
    ymax: f64,
) -> Result<Chart2d<'a, 'b>, ChartError> {
    let x_range = f64::from(first) - 0.5..f64::from(last) + 0.5;
    Ok(ChartBuilder::on(area)
        .margin_top(margin_top)
        .margin_left(8)
        .margin_right(24)
        .margin_bottom(4)
        .x_label_area_size(34)
        .y_label_area_size(66)
        .build_cartesian_2d(x_range, 0f64..ymax)?)
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
    let ymax = headroom(max);
    let mut chart = time_chart(area, 44, months, ymax)?;
    value_mesh(&mut chart, ValueAxis::Y)
        .y_label_formatter(&|v| axis_number(*v))
        .y_labels(6)
        .y_desc(y_desc)
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

fn city_x(m: &CityMonth) -> f64 {
    f64::from(m.month.index())
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
    let rates = [
        Series {
            label: "TRIR",
            color: DEPT,
            dashed: false,
            width: 3,
            points: months.iter().map(|m| (city_x(m), m.trir)).collect(),
        },
        Series {
            label: "DART",
            color: DART,
            dashed: false,
            width: 3,
            points: months.iter().map(|m| (city_x(m), m.dart)).collect(),
        },
    ];
    render((WIDE, 620), |root| {
        let (top, bottom) = root.split_vertically(350);
        line_panel(&top, "Recordable rates per 200,000 hours (monthly)", "rate", span, &rates)?;
        incurred_panel(&bottom, span, &months)
    })
}

/// The city trend's lower panel: incurred dollars as one bar per month.
fn incurred_panel(area: &Area<'_>, span: (i32, i32), months: &[&CityMonth]) -> Result<(), ChartError> {
    let max = months.iter().map(|m| m.incurred.dollars()).fold(0.0, f64::max);
    let ymax = headroom(max);
    let mut chart = time_chart(area, 40, span, ymax)?;
    value_mesh(&mut chart, ValueAxis::Y).y_label_formatter(&|v| axis_money(*v)).y_labels(5).draw()?;
    month_axis(&mut chart, area, span, ymax)?;
    chart.draw_series(months.iter().map(|m| {
        let c = city_x(m);
        Rectangle::new([(c - 0.38, 0.0), (c + 0.38, m.incurred.dollars().max(0.0))], MONEY.filled())
    }))?;
    area.draw(&Text::new(
        "Incurred on claims by injury month (at valuation)".to_string(),
        (14, 10),
        anchored(LABEL, INK, HPos::Left, VPos::Top),
    ))?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
