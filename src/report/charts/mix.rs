//! A department's case mix: its share of cases per cause and per body part
//! beside the city's, as grouped horizontal bars.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    Area, CITY_SHARE, ChartError, DEPT, INK, LABEL, Mark, NARROW, SMALL, ValueAxis, anchored, bar_builder, bar_label,
    estimate_width, legend, no_data, percent, render, shorten, value_mesh,
};
use crate::report::data::{DepartmentReport, MixShare};

/// Characters of a mix label before it is shortened.
const MIX_LABEL: usize = 34;

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

fn mix_panel(
    root: &Area<'_>,
    area: &Area<'_>,
    title: &str,
    items: &[&MixShare],
    (label_w, xmax): (i32, f64),
) -> Result<(), ChartError> {
    if items.is_empty() {
        return no_data(area, title, "no recordable cases in the last 12 months");
    }
    let n = items.len();
    let labels: Vec<String> = items.iter().map(|m| shorten(&m.label, MIX_LABEL)).collect();
    let mut chart = bar_builder(area, (48, 24), 30, label_w).build_cartesian_2d(0f64..xmax, 0f64..n as f64)?;
    value_mesh(&mut chart, ValueAxis::X).x_labels(6).x_label_formatter(&|v| percent(*v)).draw()?;
    for (i, m) in items.iter().enumerate() {
        let base = (n - i - 1) as f64;
        let bars = [(m.share, base + 0.5, base + 0.86, DEPT), (m.city_share, base + 0.14, base + 0.5, CITY_SHARE)];
        for (v, y0, y1, color) in bars {
            let v = if v.is_finite() { v.max(0.0) } else { 0.0 };
            chart.draw_series(std::iter::once(Rectangle::new([(0.0, y0), (v, y1)], color.filled())))?;
        }
        let (bx, by) = chart.backend_coord(&(m.share.max(0.0), base + 0.68));
        root.draw(&Text::new(percent(m.share), (bx + 5, by), anchored(SMALL - 2, INK, HPos::Left, VPos::Center)))?;
        bar_label(root, &labels[i], chart.backend_coord(&(0.0, base + 0.5)))?;
    }
    area.draw(&Text::new(title.to_string(), (14, 10), anchored(LABEL, INK, HPos::Left, VPos::Top)))?;
    legend(
        area,
        (estimate_width(title, LABEL) + 50, 18),
        &[(Mark::Box(DEPT), "this department"), (Mark::Box(CITY_SHARE), "city")],
    )?;
    Ok(())
}
