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
//!
//! This file holds what every chart shares (canvas, text styles, legend,
//! axis formats, the frame of a horizontal bar chart); each chart kind has
//! its own module: `rates` (the predicted-rate ranking), `trend` (the
//! monthly lines), `pareto` (causes), `mix` (a department's case mix) and
//! `waterfall` (a department's model drivers, from the city to its rate).

mod mix;
mod pareto;
mod rates;
mod trend;
mod waterfall;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub use mix::mix_svg;
pub use pareto::pareto_svg;
pub use rates::{predicted_rates_svg, predicted_rates_svgs};
pub use trend::{city_trend_svg, department_trend_svg};
pub use waterfall::drivers_waterfall_svg;

use super::data::RiskTier;

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

type Chart2d<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The frame of a horizontal bar chart: one row per bar, the value axis
/// at the bottom and the bar labels in a left area `label_w` wide. The
/// caller adds what else it needs and builds the coordinates.
fn bar_builder<'a, 'b>(
    area: &'a Area<'b>,
    (margin_top, margin_right): (i32, i32),
    x_label_area: i32,
    label_w: i32,
) -> ChartBuilder<'a, 'static, SVGBackend<'b>> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(margin_top)
        .margin_right(margin_right)
        .margin_left(8)
        .x_label_area_size(x_label_area)
        .y_label_area_size(label_w);
    builder
}

/// Which axis of a chart carries the values; the other one is labelled by
/// hand (bar labels, month ticks).
#[derive(Clone, Copy)]
enum ValueAxis {
    X,
    Y,
}

/// The mesh every chart shares: grid lines across the value axis only,
/// no plotters labels on the other axis, muted axes. The caller adds the
/// value labels and draws it.
fn value_mesh<'a, 'b, 'c>(
    chart: &'c mut Chart2d<'a, 'b>,
    values: ValueAxis,
) -> MeshStyle<'a, 'c, RangedCoordf64, RangedCoordf64, SVGBackend<'b>> {
    let mut mesh = chart.configure_mesh();
    match values {
        ValueAxis::X => mesh.disable_y_mesh().y_labels(0),
        ValueAxis::Y => mesh.disable_x_mesh().x_labels(0),
    };
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(1))
        .axis_style(MUTED.stroke_width(1))
        .label_style(style(SMALL, INK));
    mesh
}

/// A bar's label, right-aligned just left of `(x, y)`: the backend pixel
/// where the bar's row meets the value axis' zero.
fn bar_label(root: &Area<'_>, label: &str, (x, y): (i32, i32)) -> Result<(), ChartError> {
    root.draw(&Text::new(label.to_string(), (x - 8, y), anchored(SMALL, INK, HPos::Right, VPos::Center)))?;
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
        assert!(svg.contains("no recordable case"));
    }
}
