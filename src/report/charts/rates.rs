//! The predicted-rate ranking chart: one horizontal bar per department in
//! rank order, coloured by tier, split over as many charts as the PDF
//! needs pages, all on one value axis.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    Area, Chart2d, ChartError, INK, MUTED, Mark, SMALL, ValueAxis, WIDE, anchored, axis_number, bar_builder, bar_label,
    estimate_width, headroom, legend, no_data_svg, render, shorten, style, tier_color, value_mesh,
};
use crate::report::data::{Ranking, RankingRow, RiskTier};

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

/// The value axis' title: what is predicted and over which months.
fn value_axis_desc(ranking: &Ranking) -> String {
    let next = if ranking.horizon == 1 { "next month".to_string() } else { format!("next {} months", ranking.horizon) };
    if ranking.rated {
        format!("predicted recordable cases per 200,000 hours, {next}")
    } else {
        format!("predicted recordable cases, {next} (no hours worked: rates unavailable)")
    }
}

/// One chart of `rows` (in rank order) with their `values`, on a value
/// axis from 0 to `xmax`.
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
    let x_desc = value_axis_desc(ranking);
    render((WIDE, height), |root| {
        let mut chart = bar_builder(root, (48, 28), 46, label_w).build_cartesian_2d(0f64..xmax, 0f64..n as f64)?;
        value_mesh(&mut chart, ValueAxis::X)
            .x_labels(8)
            .x_label_formatter(&|v| axis_number(*v))
            .x_desc(x_desc.as_str())
            .axis_desc_style(style(SMALL, MUTED))
            .draw()?;
        for (i, (row, value)) in rows.iter().zip(values.iter()).enumerate() {
            // Rank 1 in the top slot.
            let slot = (n - i) as f64;
            bar_label(root, &labels[i], chart.backend_coord(&(0.0, slot - 0.5)))?;
            rate_bar(&mut chart, root, slot, row.risk_tier, value.as_ref())?;
        }
        city_line(&mut chart, root, ranking.city_predicted, n as f64)?;
        rates_legend(root, label_w, ranking.rated)
    })
}

/// One department's bar in the slot below `slot` (its top), with its
/// interval whiskers, or a note when it has no rate.
fn rate_bar(
    chart: &mut Chart2d<'_, '_>,
    root: &Area<'_>,
    slot: f64,
    tier: RiskTier,
    value: Option<&Bar>,
) -> Result<(), ChartError> {
    let top = slot - 0.18;
    let bottom = slot - 1.0 + 0.18;
    let centre = slot - 0.5;
    let Some((v, interval)) = value else {
        let (x, y) = chart.backend_coord(&(0.0, centre));
        root.draw(&Text::new(
            "no rate (no hours)".to_string(),
            (x + 6, y),
            anchored(SMALL, MUTED, HPos::Left, VPos::Center),
        ))?;
        return Ok(());
    };
    chart.draw_series(std::iter::once(Rectangle::new([(0.0, bottom), (*v, top)], tier_color(tier).filled())))?;
    if let Some((lo, hi)) = interval {
        let whisker = INK.stroke_width(2);
        chart.draw_series(std::iter::once(PathElement::new(vec![(*lo, centre), (*hi, centre)], whisker)))?;
        for x in [*lo, *hi] {
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(x, centre - 0.2), (x, centre + 0.2)], whisker)))?;
        }
    }
    Ok(())
}

/// The dashed line at the city-wide value across all `rows` slots, with
/// its value on top; nothing when there is no positive city value.
fn city_line(chart: &mut Chart2d<'_, '_>, root: &Area<'_>, city: f64, rows: f64) -> Result<(), ChartError> {
    if !(city.is_finite() && city > 0.0) {
        return Ok(());
    }
    chart.draw_series(DashedLineSeries::new(vec![(city, 0.0), (city, rows)], 8, 5, INK.stroke_width(2)))?;
    let (x, y) = chart.backend_coord(&(city, rows));
    root.draw(&Text::new(
        format!("city {}", axis_number(city)),
        (x + 4, y - 4),
        anchored(SMALL, INK, HPos::Left, VPos::Bottom),
    ))?;
    Ok(())
}

/// The tiers, the whisker and the city line, above the plot.
fn rates_legend(root: &Area<'_>, label_w: i32, rated: bool) -> Result<(), ChartError> {
    let city_label = if rated { "city-wide predicted rate" } else { "city mean per department" };
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
    )
}
