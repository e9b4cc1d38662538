//! One triangle developed by every method, and the method `selected` per
//! origin by its maturity. The rule: an origin whose reported share
//! 1/CDF (at its latest age) is at least [`Options::threshold`] (default
//! 0.5, "at least half of the ultimate is in") takes its chain-ladder
//! ultimate, which then rests mostly on its own losses; a younger one
//! takes Cape Cod, whose expected loss comes from every origin's
//! experience, or Bornhuetter-Ferguson when Cape Cod is not defined, or
//! the chain ladder when there is no exposure to weigh an expected loss.

use super::expected::{self, reported};
use super::factors::{self, FactorOptions, Factors};
use super::mack::{self, MackError};
use super::{Decrease, DevelopmentError, Triangle};

/// The selection threshold when none is given.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// How a triangle is developed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub factors: FactorOptions,
    /// Bornhuetter-Ferguson's ELR; None: from the data.
    pub elr: Option<f64>,
    /// The reported share from which an origin takes its chain-ladder ultimate.
    pub threshold: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options { factors: FactorOptions::default(), elr: None, threshold: DEFAULT_THRESHOLD }
    }
}

impl Options {
    /// Refuses options no method can use.
    pub fn check(&self) -> Result<(), DevelopmentError> {
        let bad = |what: String| Err(DevelopmentError::Option(what));
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return bad(format!("the selection threshold {} is not in (0, 1]", self.threshold));
        }
        if let Some(elr) = self.elr.filter(|e| !(e.is_finite() && *e >= 0.0)) {
            return bad(format!("the expected loss ratio {elr} is not a number from 0"));
        }
        if let factors::Tail::Constant(c) = self.factors.tail
            && !(c.is_finite() && c > 0.0)
        {
            return bad(format!("the tail factor {c} is not a positive number"));
        }
        if self.factors.diagonals == Some(0) {
            return bad("the number of diagonals is 0".into());
        }
        Ok(())
    }
}

/// The methods of the outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    ChainLadder,
    BornhuetterFerguson,
    CapeCod,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::ChainLadder => "chain_ladder",
            Method::BornhuetterFerguson => "bornhuetter_ferguson",
            Method::CapeCod => "cape_cod",
        }
    }
}

/// One origin under every method.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginEstimate {
    pub origin: i64,
    pub label: String,
    /// Its latest age (1-based).
    pub age: usize,
    pub latest: f64,
    /// The CDF from its latest age to ultimate.
    pub cdf: f64,
    pub chain_ladder: f64,
    pub mack: Option<MackError>,
    pub bornhuetter_ferguson: Option<f64>,
    pub cape_cod: Option<f64>,
    pub selected: Method,
}

impl OriginEstimate {
    /// The share of its ultimate reported, 1/CDF.
    pub fn reported(&self) -> f64 {
        reported(self.cdf)
    }

    pub fn ultimate(&self, method: Method) -> Option<f64> {
        match method {
            Method::ChainLadder => Some(self.chain_ladder),
            Method::BornhuetterFerguson => self.bornhuetter_ferguson,
            Method::CapeCod => self.cape_cod,
        }
    }

    pub fn selected_ultimate(&self) -> f64 {
        self.ultimate(self.selected).unwrap_or(self.chain_ladder)
    }
}

/// A triangle developed.
#[derive(Debug, Clone, PartialEq)]
pub struct Development {
    pub group: String,
    pub measure: String,
    pub factors: Factors,
    pub origins: Vec<OriginEstimate>,
    /// Mack's standard error of the total chain-ladder reserve.
    pub total_mack: Option<MackError>,
    pub bornhuetter_ferguson_elr: Option<f64>,
    pub cape_cod_elr: Option<f64>,
    pub decreases: Vec<Decrease>,
}

impl Development {
    /// Σ (ultimate − latest) of the chain ladder.
    pub fn total_ibnr(&self) -> f64 {
        self.origins.iter().map(|o| o.chain_ladder - o.latest).sum()
    }
}

/// Develops one triangle.
pub fn develop(t: &Triangle, options: &Options) -> Result<Development, DevelopmentError> {
    options.check()?;
    let factors = factors::estimate(t, &options.factors)?;
    let cl = mack::chain_ladder(t, &factors);
    let latest = t.latest();
    let cdf: Vec<f64> = t.rows.iter().map(|r| factors.cdf[r.len() - 1]).collect();
    let (bf, cc) = match &t.exposure {
        Some(e) => (
            expected::bornhuetter_ferguson(&latest, &cdf, e, &cl.ultimate, options.elr, options.threshold),
            expected::cape_cod(&latest, &cdf, e),
        ),
        None => (None, None),
    };
    let origins = (0..t.rows.len())
        .map(|i| {
            let bornhuetter_ferguson = bf.as_ref().map(|b| b.ultimate[i]);
            let cape_cod = cc.as_ref().map(|c| c.ultimate[i]);
            let selected = if reported(cdf[i]) >= options.threshold {
                Method::ChainLadder
            } else if cape_cod.is_some() {
                Method::CapeCod
            } else if bornhuetter_ferguson.is_some() {
                Method::BornhuetterFerguson
            } else {
                Method::ChainLadder
            };
            OriginEstimate {
                origin: t.first_origin + i as i64,
                label: t.origin_label(i),
                age: t.rows[i].len(),
                latest: latest[i],
                cdf: cdf[i],
                chain_ladder: cl.ultimate[i],
                mack: cl.std_err[i],
                bornhuetter_ferguson,
                cape_cod,
                selected,
            }
        })
        .collect();
    Ok(Development {
        group: t.group.clone(),
        measure: t.measure.clone(),
        factors,
        origins,
        total_mack: cl.total,
        bornhuetter_ferguson_elr: bf.map(|b| b.elr),
        cape_cod_elr: cc.map(|c| c.elr),
        decreases: t.decreases(),
    })
}
