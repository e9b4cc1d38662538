//! A department's model drivers as a horizontal waterfall: the eight
//! log-scale contributions of [`crate::rank::explain`] stepping from the
//! city (0) to the department's ln(predicted rate / city rate), then the
//! total, on an axis labelled as factors on the rate.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    Area, Chart2d, ChartError, DEPT, GRID, INK, MUTED, Mark, NARROW, SMALL, ValueAxis, anchored, bar_builder,
    bar_label, estimate_width, legend, no_data_svg, render, shorten, style, tier_color, value_mesh,
};
use crate::rank::COMPONENTS;
use crate::report::data::{RankingRow, RiskTier};

/// Rows of the chart: the eight components and the total.
const ROWS: usize = COMPONENTS.len() + 1;

/// Contributions smaller than this are drawn as a tick, not a bar: a bar
/// a pixel wide reads as a rendering glitch.
const THIN: f64 = 0.005;

/// Plot margins above (the legend and the "city" label) and to the right.
const MARGIN_TOP: i32 = 44;
/// Pixels per bar: tight enough that the chart leaves page 1 of the
/// department report room for the change and what to do.
const ROW_HEIGHT: i32 = 21;
const MARGIN_RIGHT: i32 = 20;

/// Room in pixels kept beside the outermost bars for their factor text.
const TEXT_ROOM: i32 = 50;

/// The smallest span of the axis (about ×0.9 to ×1.1): a department near
/// the city would otherwise have its small steps blown up to full width.
const MIN_SPAN: f64 = 0.2;

/// Factors the axis may be labelled with (reciprocal pairs where the
/// reciprocal is itself a round number).
const NICE_FACTORS: [f64; 27] = [
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0, 4.0,
    5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0,
];

/// Least distance in pixels between two axis labels.
const TICK_GAP: i32 = 54;

/// A department's drivers as a waterfall: one row per component (in
/// [`COMPONENTS`] order) whose bar runs from the running sum before it to
/// the sum after it, red where it raises the rate and green where it
/// lowers it, then the total from the city (0) to the department, each
/// with its factor on the rate. Title-less; "no data" when there is
/// nothing to explain (every contribution zero).
pub fn drivers_waterfall_svg(row: &RankingRow) -> Result<String, ChartError> {
    // A non-finite contribution would wreck the axis; it explains nothing.
    let steps: Vec<f64> = row.contributions().0.iter().map(|&c| if c.is_finite() { c } else { 0.0 }).collect();
    if steps.iter().all(|&c| c == 0.0) {
        return no_data_svg((NARROW, 220), "", "no prediction to explain");
    }
    let sums: Vec<f64> = steps
        .iter()
        .scan(0.0, |s, &c| {
            *s += c;
            Some(*s)
        })
        .collect();
    let total = sums.last().copied().unwrap_or(0.0);
    let name = if row.name.trim().is_empty() { row.department.as_str() } else { row.name.as_str() };
    let total_label = format!("{} against the city", shorten(name, 24));
    let labels: Vec<&str> = COMPONENTS.iter().map(|c| c.label()).chain(std::iter::once(total_label.as_str())).collect();
    let label_w = labels.iter().map(|l| estimate_width(l, SMALL)).max().unwrap_or(0).clamp(100, 280) + 12;
    let plot_w = NARROW as i32 - 8 - label_w - MARGIN_RIGHT;
    let (lo, hi) = x_range(&sums, plot_w);
    let height = (MARGIN_TOP + ROW_HEIGHT * ROWS as i32 + 44) as u32;
    render((NARROW, height), |root| {
        let mut chart =
            bar_builder(root, (MARGIN_TOP, MARGIN_RIGHT), 44, label_w).build_cartesian_2d(lo..hi, 0f64..ROWS as f64)?;
        value_mesh(&mut chart, ValueAxis::X)
            .x_labels(0)
            .x_desc("factor on the predicted rate against the city (log scale)")
            .axis_desc_style(style(SMALL, MUTED))
            .draw()?;
        factor_axis(&mut chart, root, factor_ticks(lo, hi, plot_w))?;
        let mut before = 0.0;
        for (i, (&step, &after)) in steps.iter().zip(&sums).enumerate() {
            // The first component in the top slot.
            let slot = (ROWS - i) as f64;
            bar_label(root, labels[i], chart.backend_coord(&(lo, slot - 0.5)))?;
            step_bar(&mut chart, root, slot, (before, after), step)?;
            before = after;
        }
        bar_label(root, &total_label, chart.backend_coord(&(lo, 0.5)))?;
        total_bar(&mut chart, root, (lo, hi), total)?;
        city_line(&mut chart, root)?;
        legend(
            root,
            (label_w + 16, 14),
            &[
                (Mark::Box(tier_color(RiskTier::High)), "raises the rate"),
                (Mark::Box(tier_color(RiskTier::Low)), "lowers it"),
            ],
        )
    })
}

/// The axis' ends: every running sum and the city (0), spanning at least
/// [`MIN_SPAN`], widened so that [`TEXT_ROOM`] pixels are left on each
/// side of a plot `plot_w` pixels wide.
fn x_range(sums: &[f64], plot_w: i32) -> (f64, f64) {
    let lo = sums.iter().copied().fold(0.0, f64::min);
    let hi = sums.iter().copied().fold(0.0, f64::max);
    // Widened on both sides alike, so that the city stays where the data
    // put it (at the left edge for a department above the city).
    let short = (MIN_SPAN - (hi - lo)).max(0.0) / 2.0;
    let (lo, hi) = (lo - short, hi + short);
    let inner = f64::from((plot_w - 2 * TEXT_ROOM).max(40));
    let pad = (hi - lo) / inner * f64::from(TEXT_ROOM);
    (lo - pad, hi + pad)
}

/// The nice factors' logs inside `lo..hi`, thinned outward from ×1 so
/// that labels stay [`TICK_GAP`] pixels apart on a plot `plot_w` wide.
fn factor_ticks(lo: f64, hi: f64, plot_w: i32) -> Vec<f64> {
    let per_px = (hi - lo) / f64::from(plot_w.max(1));
    let gap = per_px * f64::from(TICK_GAP);
    // Keep the outermost tick's label inside the plot too.
    let (lo, hi) = (lo + gap / 2.0, hi - gap / 2.0);
    let logs: Vec<f64> = NICE_FACTORS.iter().map(|f| f.ln()).filter(|v| (lo..=hi).contains(v)).collect();
    let mut ticks = vec![0.0];
    let mut last = 0.0;
    for &v in logs.iter().filter(|v| **v > 0.0) {
        if v - last >= gap {
            ticks.push(v);
            last = v;
        }
    }
    last = 0.0;
    for &v in logs.iter().rev().filter(|v| **v < 0.0) {
        if last - v >= gap {
            ticks.push(v);
            last = v;
        }
    }
    ticks.sort_by(f64::total_cmp);
    ticks
}

/// A factor for the axis: ×1, ×1.25, ×0.5, ×20.
fn axis_factor(v: f64) -> String {
    let f = v.exp();
    let text = if f >= 10.0 { format!("{f:.0}") } else { format!("{f:.2}") };
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    format!("×{text}")
}

/// A bar's factor: ×1.91, ×0.97, ×12.4, ×150, ×0.048.
fn bar_factor(v: f64) -> String {
    let f = v.exp();
    if f < 0.095 {
        // Two decimals would print a large reduction as ×0.00.
        format!("×{f:.3}")
    } else if f >= 100.0 {
        format!("×{f:.0}")
    } else if f >= 10.0 {
        format!("×{f:.1}")
    } else {
        format!("×{f:.2}")
    }
}

/// Grid lines and factor labels at `ticks` (plotters' own ticks would fall
/// on round logs, not round factors).
fn factor_axis(chart: &mut Chart2d<'_, '_>, root: &Area<'_>, ticks: Vec<f64>) -> Result<(), ChartError> {
    for t in ticks {
        chart.draw_series(std::iter::once(PathElement::new(vec![(t, 0.0), (t, ROWS as f64)], GRID.stroke_width(1))))?;
        let (x, y) = chart.backend_coord(&(t, 0.0));
        root.draw(&PathElement::new(vec![(x, y), (x, y + 5)], MUTED.stroke_width(1)))?;
        root.draw(&Text::new(axis_factor(t), (x, y + 8), anchored(SMALL, INK, HPos::Center, VPos::Top)))?;
    }
    Ok(())
}

/// One component's bar in the slot below `slot` (its top), from the sum
/// `before` it to the sum `after` it, with a connector down to the next
/// row and its factor beside the bar's far end.
fn step_bar(
    chart: &mut Chart2d<'_, '_>,
    root: &Area<'_>,
    slot: f64,
    (before, after): (f64, f64),
    step: f64,
) -> Result<(), ChartError> {
    let (top, bottom, centre) = (slot - 0.2, slot - 0.8, slot - 0.5);
    // Where this step ends the next one starts.
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(after, bottom), (after, slot - 1.2)],
        MUTED.stroke_width(1),
    )))?;
    let text = bar_factor(step);
    if step.abs() < THIN {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(after, top), (after, bottom)],
            MUTED.stroke_width(2),
        )))?;
        let (x, y) = chart.backend_coord(&(after, centre));
        root.draw(&Text::new(text, (x + 6, y), anchored(SMALL - 2, MUTED, HPos::Left, VPos::Center)))?;
        return Ok(());
    }
    let color = if step > 0.0 { tier_color(RiskTier::High) } else { tier_color(RiskTier::Low) };
    chart.draw_series(std::iter::once(Rectangle::new([(before, bottom), (after, top)], color.filled())))?;
    let (x, y) = chart.backend_coord(&(after, centre));
    // The factor past the bar's end in the direction it moves the rate.
    let (x, h) = if step > 0.0 { (x + 5, HPos::Left) } else { (x - 5, HPos::Right) };
    root.draw(&Text::new(text, (x, y), anchored(SMALL - 2, INK, h, VPos::Center)))?;
    Ok(())
}

/// The total's bar in the bottom slot, from the city (0) to `total`, with
/// a rule above it that sets it apart from the components.
fn total_bar(chart: &mut Chart2d<'_, '_>, root: &Area<'_>, (lo, hi): (f64, f64), total: f64) -> Result<(), ChartError> {
    chart.draw_series(std::iter::once(PathElement::new(vec![(lo, 1.0), (hi, 1.0)], GRID.stroke_width(1))))?;
    let (top, bottom) = (0.85, 0.15);
    let text = bar_factor(total);
    if total.abs() < THIN {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(total, top), (total, bottom)],
            DEPT.stroke_width(3),
        )))?;
    } else {
        chart.draw_series(std::iter::once(Rectangle::new([(0.0, bottom), (total, top)], DEPT.filled())))?;
    }
    let (x, y) = chart.backend_coord(&(total, 0.5));
    let (x, h) = if total >= 0.0 { (x + 5, HPos::Left) } else { (x - 5, HPos::Right) };
    root.draw(&Text::new(text, (x, y), anchored(SMALL, INK, h, VPos::Center)))?;
    Ok(())
}

/// The dashed line at the city (×1) through every row, labelled on top.
fn city_line(chart: &mut Chart2d<'_, '_>, root: &Area<'_>) -> Result<(), ChartError> {
    chart.draw_series(DashedLineSeries::new(vec![(0.0, 0.0), (0.0, ROWS as f64)], 6, 4, INK.stroke_width(1)))?;
    let (x, y) = chart.backend_coord(&(0.0, ROWS as f64));
    root.draw(&Text::new("city".to_string(), (x, y - 4), anchored(SMALL, INK, HPos::Center, VPos::Bottom)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(contributions: [f64; 8]) -> RankingRow {
        let [peer, own, trend, season, mix, lost, lag, size] = contributions;
        RankingRow {
            department: "D07".to_string(),
            name: "Parks and Recreation".to_string(),
            contribution_peer_group: peer,
            contribution_own_level: own,
            contribution_trend: trend,
            contribution_season: season,
            contribution_case_mix: mix,
            contribution_lost_time: lost,
            contribution_report_lag: lag,
            contribution_size: size,
            ..RankingRow::default()
        }
    }

    fn sample() -> RankingRow {
        row([0.12, 0.65, -0.04, 0.02, 0.01, -0.01, 0.0, -0.02])
    }

    #[test]
    fn deterministic() {
        let a = drivers_waterfall_svg(&sample()).unwrap_or_default();
        let b = drivers_waterfall_svg(&sample()).unwrap_or_default();
        assert!(!a.is_empty());
        assert_eq!(a, b);
    }

    #[test]
    fn lists_every_component_and_the_total() {
        let svg = drivers_waterfall_svg(&sample()).unwrap_or_default();
        for c in COMPONENTS {
            assert!(svg.contains(c.label()), "{} missing", c.label());
        }
        assert!(svg.contains("Parks and Recreation against the city"));
        // The largest bar (own level, +0.65) with its factor.
        assert!(svg.contains(&bar_factor(0.65)));
        assert_eq!(bar_factor(0.65), "×1.92");
        // The total: e^0.73.
        assert!(svg.contains("×2.08"));
        assert!(!svg.contains("no prediction"));
    }

    #[test]
    fn nothing_to_explain_draws_no_data() {
        let svg = drivers_waterfall_svg(&row([0.0; 8])).unwrap_or_default();
        assert!(svg.contains("no prediction to explain"));
        let svg = drivers_waterfall_svg(&row([f64::NAN, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])).unwrap_or_default();
        assert!(svg.contains("no prediction to explain"));
    }

    #[test]
    fn below_the_city_and_tiny_values_still_draw() {
        let svg = drivers_waterfall_svg(&row([-0.3, -0.2, 0.001, 0.0, 0.0, 0.0, 0.0, 0.0])).unwrap_or_default();
        assert!(svg.contains("×0.61"));
        let svg = drivers_waterfall_svg(&row([0.001, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])).unwrap_or_default();
        assert!(svg.contains("size"));
    }

    #[test]
    fn ticks_are_round_factors_with_the_city() {
        let ticks = factor_ticks(0.8f64.ln(), 2.5f64.ln(), 400);
        assert!(ticks.contains(&0.0));
        let labels: Vec<String> = ticks.iter().map(|&t| axis_factor(t)).collect();
        assert!(labels.contains(&"×1".to_string()));
        assert!(labels.contains(&"×2".to_string()));
        assert_eq!(axis_factor(0.5f64.ln()), "×0.5");
        assert_eq!(axis_factor(20f64.ln()), "×20");
    }
}
