//! The target: when a claim counts as severe.
//!
//! A claim is severe ([`SevereRule`]) when its case had more than
//! `lost_days` (30) days away, or it is litigated (switchable), or its
//! incurred (paid + reserve at valuation) exceeds `incurred_threshold`
//! ($50,000 by default). On the actuarial-loss import, the only part that can
//! fire is the incurred one, and incurred there is the ultimate cost.

use serde::{Deserialize, Serialize};

use super::TriageClaim;
use crate::schema::Cents;

/// When a claim counts as severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SevereRule {
    /// Severe when the case had more days away than this.
    pub lost_days: u32,
    /// Severe when incurred (paid + reserve) is above this.
    pub incurred_threshold: Cents,
    /// Severe when litigated.
    pub include_litigated: bool,
}

impl Default for SevereRule {
    /// More than 30 days away, litigated, or incurred above $50,000.
    fn default() -> Self {
        SevereRule { lost_days: 30, incurred_threshold: Cents(5_000_000), include_litigated: true }
    }
}

impl SevereRule {
    pub fn severe(&self, claim: &TriageClaim) -> bool {
        claim.days_away.is_some_and(|d| d > self.lost_days)
            || (self.include_litigated && claim.litigated)
            || claim.incurred > self.incurred_threshold
    }
}
