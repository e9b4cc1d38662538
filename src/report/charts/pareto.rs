//! The cause Pareto: city-wide cases per cause as horizontal bars, with the
//! cumulative share as a line against a second (top) axis.

use plotters::chart::DualCoordChartContext;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    Area, Chart2d, ChartError, DART, MONEY, MUTED, Mark, SMALL, ValueAxis, anchored, axis_number, bar_builder,
    bar_label, estimate_width, headroom, legend, no_data_svg, percent, render, shorten, style, value_mesh,
};
use crate::report::data::ParetoItem;

/// Width in SVG pixels of the Pareto, which shares its page with a table.
const PARETO_WIDTH: u32 = 700;

/// Causes shown; the rest are left out of the chart.
const MAX_ITEMS: usize = 15;

type ParetoChart<'a, 'b> = DualCoordChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<RangedCoordf64, RangedCoordf64>,
    Cartesian2d<RangedCoordf64, RangedCoordf64>,
>;

/// The cause Pareto: one horizontal bar of cases per cause (largest at
/// the top, at most 15) and the cumulative share as a line against the
/// top axis, with a dashed 80% mark.
pub fn pareto_svg(items: &[ParetoItem]) -> Result<String, ChartError> {
    let shown: Vec<&ParetoItem> = items.iter().take(MAX_ITEMS).collect();
    let n = shown.len();
    if n == 0 {
        return no_data_svg((PARETO_WIDTH, 220), "", "no recordable case with a cause in the last 12 months");
    }
    let labels: Vec<String> = shown.iter().map(|p| shorten(&p.label, 34)).collect();
    let label_w = labels.iter().map(|l| estimate_width(l, SMALL)).max().unwrap_or(0).clamp(100, 260) + 12;
    let max = shown.iter().map(|p| f64::from(p.cases)).fold(0.0, f64::max);
    let xmax = headroom(max);
    let height = (110 + 28 * n.max(3) + 40) as u32;
    render((PARETO_WIDTH, height), |root| {
        let mut chart = bar_builder(root, (44, 28), 46, label_w)
            .top_x_label_area_size(30)
            .build_cartesian_2d(0f64..xmax, 0f64..n as f64)?
            .set_secondary_coord(0f64..1.0, 0f64..n as f64);
        value_mesh(&mut chart, ValueAxis::X)
            .x_labels(8)
            .x_label_formatter(&|v| axis_number(*v))
            .x_desc("recordable cases, last 12 months (city-wide)")
            .axis_desc_style(style(SMALL, MUTED))
            .draw()?;
        chart
            .configure_secondary_axes()
            .x_labels(6)
            .x_label_formatter(&|v| percent(*v))
            .axis_style(MUTED.stroke_width(1))
            .label_style(style(SMALL, DART))
            .draw()?;
        for (i, (p, label)) in shown.iter().zip(&labels).enumerate() {
            // The largest cause in the top slot.
            cause_bar(&mut chart, root, (n - i) as f64, p, label)?;
        }
        cumulative_line(&mut chart, &shown)?;
        legend(
            root,
            (label_w + 16, 16),
            &[
                (Mark::Box(MONEY), "cases"),
                (Mark::Line(DART), "cumulative share (top axis)"),
                (Mark::Dashed(MUTED), "80%"),
            ],
        )
    })
}

/// One cause's bar in the slot below `slot` (its top), labelled, with its
/// count and share.
fn cause_bar(
    chart: &mut Chart2d<'_, '_>,
    root: &Area<'_>,
    slot: f64,
    p: &ParetoItem,
    label: &str,
) -> Result<(), ChartError> {
    let centre = slot - 0.5;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(0.0, slot - 1.0 + 0.2), (f64::from(p.cases), slot - 0.2)],
        MONEY.filled(),
    )))?;
    let (lx, ly) = chart.backend_coord(&(0.0, centre));
    bar_label(root, label, (lx, ly))?;
    // The count inside the bar when it fits (clear of the cumulative line
    // further right), else after the bar.
    let (bx, by) = chart.backend_coord(&(f64::from(p.cases), centre));
    let value = format!("{} ({})", p.cases, percent(p.share));
    let text = if bx - lx > estimate_width(&value, SMALL - 2) + 14 {
        Text::new(value, (lx + 6, by), anchored(SMALL - 2, WHITE, HPos::Left, VPos::Center))
    } else {
        Text::new(value, (bx + 6, by), anchored(SMALL - 2, MUTED, HPos::Left, VPos::Center))
    };
    root.draw(&text)?;
    Ok(())
}

/// The cumulative share of the causes shown, against the top axis, and
/// the dashed 80% mark.
fn cumulative_line(chart: &mut ParetoChart<'_, '_>, shown: &[&ParetoItem]) -> Result<(), ChartError> {
    let n = shown.len();
    chart.draw_secondary_series(DashedLineSeries::new(
        vec![(0.8, 0.0), (0.8, n as f64)],
        6,
        4,
        MUTED.stroke_width(1),
    ))?;
    let line: Vec<(f64, f64)> =
        shown.iter().enumerate().map(|(i, p)| (p.cumulative_share.clamp(0.0, 1.0), (n - i) as f64 - 0.5)).collect();
    chart.draw_secondary_series(LineSeries::new(line.clone(), DART.stroke_width(2)))?;
    chart.draw_secondary_series(line.iter().map(|&p| Circle::new(p, 4, DART.filled())))?;
    Ok(())
}
