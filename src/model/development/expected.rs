//! The expected-loss methods, with an exposure per origin: an origin's
//! ultimate is what it has reported plus the share still to come of an
//! expected loss, U = C + (1 − 1/CDF)·ELR·E.
//!
//! - Bornhuetter-Ferguson: the ELR is given, or taken from the data as
//!   the chain-ladder loss ratio of the mature origins (those whose
//!   reported share 1/CDF reaches the selection threshold; all origins when
//!   none does): Σ U_CL / Σ E over them.
//! - Cape Cod (Stanard-Bühlmann, no trend, no decay, as chainladder-python's
//!   `CapeCod(trend=0, decay=1)`): ELR = Σ C / Σ (E / CDF), the reported
//!   losses over the exposure "used up" so far.
//!
//! An ELR whose denominator is zero (no exposure, or none used up) is not
//! defined: the method is then not computed (None), never NaN.

/// The expected-loss ratio and ultimates of one method.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub elr: f64,
    pub ultimate: Vec<f64>,
}

/// The share of the ultimate reported at a CDF, 1/CDF. A CDF of zero (a
/// factor of 0: the measure falls to nothing) counts as fully reported.
pub fn reported(cdf: f64) -> f64 {
    if cdf > 0.0 { 1.0 / cdf } else { 1.0 }
}

/// The ultimates for a given ELR.
pub fn ultimates(latest: &[f64], cdf: &[f64], exposure: &[f64], elr: f64) -> Vec<f64> {
    latest.iter().zip(cdf).zip(exposure).map(|((c, &cdf), e)| c + (1.0 - reported(cdf)) * elr * e).collect()
}

/// Bornhuetter-Ferguson; `given` is the ELR, else it comes from the mature
/// origins' chain-ladder ultimates (see the module docs).
pub fn bornhuetter_ferguson(
    latest: &[f64],
    cdf: &[f64],
    exposure: &[f64],
    chain_ladder: &[f64],
    given: Option<f64>,
    threshold: f64,
) -> Option<Expected> {
    let elr = match given {
        Some(elr) => elr,
        None => {
            let mature: Vec<usize> = (0..cdf.len()).filter(|&i| reported(cdf[i]) >= threshold).collect();
            let pick = if mature.is_empty() { (0..cdf.len()).collect() } else { mature };
            let exposure: f64 = pick.iter().map(|&i| exposure[i]).sum();
            if exposure == 0.0 {
                return None;
            }
            pick.iter().map(|&i| chain_ladder[i]).sum::<f64>() / exposure
        }
    };
    Some(Expected { elr, ultimate: ultimates(latest, cdf, exposure, elr) })
}

/// Cape Cod.
pub fn cape_cod(latest: &[f64], cdf: &[f64], exposure: &[f64]) -> Option<Expected> {
    let used: f64 = exposure.iter().zip(cdf).map(|(e, &cdf)| e * reported(cdf)).sum();
    if used == 0.0 {
        return None;
    }
    let elr = latest.iter().sum::<f64>() / used;
    Some(Expected { elr, ultimate: ultimates(latest, cdf, exposure, elr) })
}
