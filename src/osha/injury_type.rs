//! The OSHA injury or illness type of a case (Form 300 column M): the
//! log's `injury_type` when given, else inferred from the WCIO Nature of
//! Injury code by [`NATURE_TYPES`]. A code the table leaves out (one WCIO
//! name that covers more than one OSHA type, or none) is *unmappable*: the
//! case is reported and counted in no M column, so the 300A's check
//! (cases = types) fails until `injury_type` is filled in. The table is in
//! the data contract (§11, "Injury and illness types").

use crate::ingest::osha::OshaCase;
use crate::schema::InjuryType;

/// WCIO Nature of Injury code → OSHA type, in code order. Every code of
/// the WCIO table is either here or in [`UNMAPPABLE`].
pub const NATURE_TYPES: &[(u16, InjuryType)] = &[
    (2, InjuryType::Injury),                // Amputation
    (4, InjuryType::Injury),                // Burn
    (7, InjuryType::Injury),                // Concussion
    (10, InjuryType::Injury),               // Contusion
    (13, InjuryType::Injury),               // Crushing
    (16, InjuryType::Injury),               // Dislocation
    (19, InjuryType::Injury),               // Electric Shock
    (22, InjuryType::Injury),               // Enucleation
    (25, InjuryType::Injury),               // Foreign Body
    (28, InjuryType::Injury),               // Fracture
    (30, InjuryType::OtherIllness),         // Freezing (frostbite: OSHA's "all other illnesses")
    (31, InjuryType::Injury),               // Hearing Loss or Impairment (traumatic, one event)
    (32, InjuryType::OtherIllness),         // Heat Prostration (effects of environmental heat)
    (34, InjuryType::Injury),               // Hernia
    (36, InjuryType::Injury),               // Infection (mostly of wounds)
    (37, InjuryType::Injury),               // Inflammation
    (40, InjuryType::Injury),               // Laceration
    (42, InjuryType::Poisoning),            // Poisoning - General (Not OD or Cumulative Injury)
    (43, InjuryType::Injury),               // Puncture
    (46, InjuryType::Injury),               // Rupture
    (47, InjuryType::Injury),               // Severance
    (49, InjuryType::Injury),               // Sprain or Tear
    (52, InjuryType::Injury),               // Strain or Tear
    (53, InjuryType::Injury),               // Syncope
    (54, InjuryType::Injury),               // Asphyxiation
    (55, InjuryType::Injury),               // Vascular
    (58, InjuryType::Injury),               // Vision Loss
    (59, InjuryType::Injury),               // All Other Specific Injuries, NOC
    (60, InjuryType::RespiratoryCondition), // Dust Disease, NOC
    (61, InjuryType::RespiratoryCondition), // Asbestosis
    (62, InjuryType::RespiratoryCondition), // Black Lung
    (63, InjuryType::RespiratoryCondition), // Byssinosis
    (64, InjuryType::RespiratoryCondition), // Silicosis
    (65, InjuryType::RespiratoryCondition), // Respiratory Disorders
    (66, InjuryType::Poisoning),            // Poisoning - Chemical (Other Than Metals)
    (67, InjuryType::Poisoning),            // Poisoning - Metal
    (68, InjuryType::SkinDisorder),         // Dermatitis
    (69, InjuryType::OtherIllness),         // Mental Disorder
    (70, InjuryType::OtherIllness),         // Radiation
    (71, InjuryType::OtherIllness),         // All Other Occupational Disease Injury, NOC
    (72, InjuryType::HearingLoss),          // Loss of Hearing
    (74, InjuryType::OtherIllness),         // Cancer
    (75, InjuryType::OtherIllness),         // AIDS
    (77, InjuryType::OtherIllness),         // Mental Stress
    (79, InjuryType::OtherIllness),         // Hepatitis C
    (83, InjuryType::RespiratoryCondition), // COVID-19 (OSHA records it as a respiratory illness)
    (90, InjuryType::Injury),               // Multiple Physical Injuries Only
];

/// WCIO nature codes that name no single OSHA type, and why.
pub const UNMAPPABLE: &[(u16, &str)] = &[
    (1, "No Physical Injury: the type depends on what was recorded"),
    (3, "Angina Pectoris: an injury or an illness, by how it arose"),
    (38, "Adverse Reaction to a Vaccination or Inoculation: the type depends on the reaction"),
    (41, "Myocardial Infarction: an injury or an illness, by how it arose"),
    (73, "Contagious Disease: tuberculosis is a respiratory condition, other diseases are other illnesses"),
    (76, "VDT-Related Diseases: eye strain and musculoskeletal disorders differ"),
    (78, "Carpal Tunnel Syndrome: OSHA lets the employer record it as an injury or an illness"),
    (80, "All Other Cumulative Injury, NOC: injury or illness"),
    (91, "Multiple Injuries Including Both Physical and Psychological: injury and illness"),
];

/// Where a case's type came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeSource {
    /// The log's `injury_type` column.
    Column(InjuryType),
    /// Inferred from the nature code.
    Nature(InjuryType),
    /// Neither: no column value, and a nature code that is missing or unmappable.
    Unknown,
}

impl TypeSource {
    pub fn injury_type(self) -> Option<InjuryType> {
        match self {
            TypeSource::Column(t) | TypeSource::Nature(t) => Some(t),
            TypeSource::Unknown => None,
        }
    }
}

/// The type a nature code implies, if it implies one.
pub fn from_nature(code: u16) -> Option<InjuryType> {
    NATURE_TYPES.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
}

/// A case's type: the column, else the nature code.
pub fn of_case(case: &OshaCase) -> TypeSource {
    match (case.injury_type, case.nature_code.and_then(from_nature)) {
        (Some(t), _) => TypeSource::Column(t),
        (None, Some(t)) => TypeSource::Nature(t),
        (None, None) => TypeSource::Unknown,
    }
}

/// Why a case has no type, for the validation report.
pub fn why_unknown(case: &OshaCase) -> String {
    match case.nature_code {
        None => "no injury_type and no nature_code".to_string(),
        Some(code) => match UNMAPPABLE.iter().find(|(c, _)| *c == code) {
            Some((_, why)) => format!("no injury_type, and nature code {code} ({why})"),
            None => format!("no injury_type, and nature code {code} is not in the WCIO table"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{CodeKind, CodeTable};

    #[test]
    fn every_wcio_nature_code_is_mapped_or_listed_as_unmappable() {
        let table = CodeTable::builtin();
        for code in 0..=u16::MAX {
            if table.get(CodeKind::Nature, code).is_some() {
                let mapped = from_nature(code).is_some();
                let listed = UNMAPPABLE.iter().any(|(c, _)| *c == code);
                assert!(mapped != listed, "nature code {code}: mapped {mapped}, listed unmappable {listed}");
            }
        }
        let codes = NATURE_TYPES.iter().map(|(c, _)| *c).chain(UNMAPPABLE.iter().map(|(c, _)| *c));
        for code in codes {
            assert!(table.get(CodeKind::Nature, code).is_some(), "{code} is not a WCIO nature code");
        }
    }

    #[test]
    fn the_column_wins_over_the_code() {
        assert_eq!(from_nature(68), Some(InjuryType::SkinDisorder));
        assert_eq!(from_nature(72), Some(InjuryType::HearingLoss));
        assert_eq!(from_nature(78), None);
    }
}
