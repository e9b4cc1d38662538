//! The reports of a monthly run: the data they show ([`data`]), charts
//! (plotters, SVG) and PDFs (typst, confined to [`pdf`]).

pub mod advice;
pub mod build;
pub mod cases;
pub mod charts;
pub mod data;
pub mod html;
pub mod pdf;
