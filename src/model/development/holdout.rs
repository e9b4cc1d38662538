//! The held-back-diagonal check: cut the latest diagonals off a triangle,
//! develop what is left, and predict each origin's cell on the cut latest
//! diagonal (the value it has today) from its value then, by the chain
//! ladder and by the method `selected`. A method's prediction to an age
//! short of ultimate is its development to that age: the chain ladder
//! multiplies by CDF(then)/CDF(now); Cape Cod and Bornhuetter-Ferguson add
//! (1/CDF(now) − 1/CDF(then))·ELR·E, the expected loss for the reported
//! share gained in between.

use super::expected::reported;
use super::select::{Method, Options, develop};
use super::{DevelopmentError, Triangle};

/// One origin's held-back cell and its predictions.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub label: String,
    /// The origin's latest age in the cut triangle, and in the full one.
    pub from_age: usize,
    pub to_age: usize,
    /// The reported share at the cut (1/CDF of the cut triangle).
    pub reported: f64,
    /// The method `selected` chose at the cut.
    pub method: Method,
    pub actual: f64,
    pub chain_ladder: f64,
    pub selected: f64,
}

/// Predicts the latest diagonal of `t` from `t` cut by `diagonals`.
pub fn predict(t: &Triangle, diagonals: usize, options: &Options) -> Result<Vec<Prediction>, DevelopmentError> {
    let cut = t.cut(diagonals);
    let dev = develop(&cut, options)?;
    let f = &dev.factors;
    let cdf_at = |age: usize| f.cdf.get(age - 1).copied().unwrap_or(f.tail);
    let mut out = Vec::new();
    for (i, o) in dev.origins.iter().enumerate() {
        let to_age = t.rows[i].len();
        if to_age == o.age {
            continue;
        }
        let actual = t.rows[i][to_age - 1];
        let (then, now) = (cdf_at(o.age), cdf_at(to_age));
        let chain_ladder = if now > 0.0 { o.latest * then / now } else { o.latest };
        let elr = match o.selected {
            Method::ChainLadder => None,
            Method::CapeCod => dev.cape_cod_elr,
            Method::BornhuetterFerguson => dev.bornhuetter_ferguson_elr,
        };
        let exposure = cut.exposure.as_ref().map_or(0.0, |e| e[i]);
        let selected = match elr {
            Some(elr) => o.latest + (reported(now) - reported(then)) * elr * exposure,
            None => chain_ladder,
        };
        out.push(Prediction {
            label: o.label.clone(),
            from_age: o.age,
            to_age,
            reported: o.reported(),
            method: o.selected,
            actual,
            chain_ladder,
            selected,
        });
    }
    Ok(out)
}
