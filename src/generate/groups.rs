//! The three peer groups of departments (public safety, field operations,
//! office) and the parameters each group sets: its recordable rate,
//! seasonality, OSHA class mix, first aid and near miss ratios, days away,
//! overtime, wage and claim cost level.

use crate::schema::OshaClass;

/// exp(base): recordables per 200,000 h of the reference level.
pub const BASE_RATE: f64 = 6.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    PublicSafety,
    FieldOperations,
    Office,
}

impl Group {
    pub fn idx(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Group::PublicSafety => "public_safety",
            Group::FieldOperations => "field_operations",
            Group::Office => "office",
        }
    }

    pub fn params(self) -> &'static GroupParams {
        &GROUPS[self.idx()]
    }
}

/// The group's term of the log rate: ln(rate_g / exp(base)).
pub fn group_effect(group: Group) -> f64 {
    (group.params().rate / BASE_RATE).ln()
}

pub struct GroupParams {
    /// Recordables per 200,000 h of an average department: exp(base + group effect).
    pub rate: f64,
    pub seasonal_amplitude: f64,
    /// death, days_away, restricted (other_recordable is the rest).
    pub class_mix: [f64; 3],
    pub first_aid_ratio: f64,
    pub near_miss_ratio: f64,
    pub days_away_median: f64,
    pub overtime: f64,
    pub wage: f64,
    pub cost_multiplier: f64,
}

pub static GROUPS: [GroupParams; 3] = [
    GroupParams {
        rate: 13.0,
        seasonal_amplitude: 0.12,
        class_mix: [0.0004, 0.36, 0.30],
        first_aid_ratio: 0.45,
        near_miss_ratio: 0.25,
        days_away_median: 14.0,
        overtime: 1.15,
        wage: 68.0,
        cost_multiplier: 1.3,
    },
    GroupParams {
        rate: 9.0,
        seasonal_amplitude: 0.15,
        class_mix: [0.0003, 0.30, 0.28],
        first_aid_ratio: 0.55,
        near_miss_ratio: 0.30,
        days_away_median: 12.0,
        overtime: 1.05,
        wage: 42.0,
        cost_multiplier: 1.0,
    },
    GroupParams {
        rate: 1.8,
        seasonal_amplitude: 0.06,
        class_mix: [0.0001, 0.22, 0.18],
        first_aid_ratio: 0.70,
        near_miss_ratio: 0.35,
        days_away_median: 10.0,
        overtime: 1.0,
        wage: 46.0,
        cost_multiplier: 0.9,
    },
];

/// The recordable classes in the order of [`GroupParams::class_probs`].
pub const RECORDABLE: [OshaClass; 4] =
    [OshaClass::Death, OshaClass::DaysAway, OshaClass::Restricted, OshaClass::OtherRecordable];

impl GroupParams {
    /// Probabilities of death, days away, restricted, other recordable.
    pub fn class_probs(&self) -> [f64; 4] {
        let [a, b, c] = self.class_mix;
        [a, b, c, 1.0 - a - b - c]
    }
}
