//! The reports of a monthly run: the data they show ([`data`]), charts
//! (plotters, SVG), PDFs (typst, confined to [`pdf`], which also lays out
//! the OSHA forms) and the dashboard's HTML ([`html`]).

pub mod advice;
pub mod build;
pub mod cases;
pub mod charts;
pub mod data;
pub mod html;
pub mod pdf;
