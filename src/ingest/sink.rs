//! What the reader hands accepted records to: the [`RecordSink`] trait,
//! its forks and merges (so rayon can fill forks in parallel and keep
//! file order), and the combinators a job uses to feed several sinks from
//! one pass (pairs, optional sinks, [`Discard`]).

use super::valuations::ValuationRecord;
use crate::schema::{ClaimRecord, ExposureRecord, InjuryRecord};

/// Receives accepted records. Work is split over forks (`fork` makes an
/// empty sink with the same settings) whose records follow each other in
/// file order, and `merge` appends a later fork to an earlier one, so a
/// sink that keeps records sees them in file order.
pub trait RecordSink: Send + Sync + Sized {
    /// An empty sink with the same settings.
    fn fork(&self) -> Self;
    fn merge(&mut self, other: Self);
    fn injury(&mut self, _record: &InjuryRecord<'_>) {}
    fn claim(&mut self, _record: &ClaimRecord<'_>) {}
    fn exposure(&mut self, _record: &ExposureRecord<'_>) {}
    fn valuation(&mut self, _record: &ValuationRecord<'_>) {}
}

/// Two sinks fed by one pass over the files.
impl<A: RecordSink, B: RecordSink> RecordSink for (A, B) {
    fn fork(&self) -> Self {
        (self.0.fork(), self.1.fork())
    }
    fn merge(&mut self, other: Self) {
        self.0.merge(other.0);
        self.1.merge(other.1);
    }
    fn injury(&mut self, record: &InjuryRecord<'_>) {
        self.0.injury(record);
        self.1.injury(record);
    }
    fn claim(&mut self, record: &ClaimRecord<'_>) {
        self.0.claim(record);
        self.1.claim(record);
    }
    fn exposure(&mut self, record: &ExposureRecord<'_>) {
        self.0.exposure(record);
        self.1.exposure(record);
    }
    fn valuation(&mut self, record: &ValuationRecord<'_>) {
        self.0.valuation(record);
        self.1.valuation(record);
    }
}

/// A sink a job may or may not need, decided before the files are read.
impl<S: RecordSink> RecordSink for Option<S> {
    fn fork(&self) -> Self {
        self.as_ref().map(S::fork)
    }
    fn merge(&mut self, other: Self) {
        if let (Some(a), Some(b)) = (self.as_mut(), other) {
            a.merge(b);
        }
    }
    fn injury(&mut self, record: &InjuryRecord<'_>) {
        if let Some(s) = self {
            s.injury(record);
        }
    }
    fn claim(&mut self, record: &ClaimRecord<'_>) {
        if let Some(s) = self {
            s.claim(record);
        }
    }
    fn exposure(&mut self, record: &ExposureRecord<'_>) {
        if let Some(s) = self {
            s.exposure(record);
        }
    }
    fn valuation(&mut self, record: &ValuationRecord<'_>) {
        if let Some(s) = self {
            s.valuation(record);
        }
    }
}

/// A sink that keeps nothing, for callers that only want the account.
#[derive(Debug, Default, Clone, Copy)]
pub struct Discard;

impl RecordSink for Discard {
    fn fork(&self) -> Self {
        Discard
    }
    fn merge(&mut self, _other: Self) {}
}
