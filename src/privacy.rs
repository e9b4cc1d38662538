//! OSHA privacy concern cases (29 CFR 1904.29(b)(7)): which injuries are
//! listed without their cause, part of body and date. A case is one when
//! the optional `privacy_case` column of `injuries.csv` says so; where that
//! column is absent or empty, when its WCIO Nature of Injury code names one
//! of the rule's categories (mental illness; HIV, hepatitis or tuberculosis
//! infection). The list and what codes cannot tell are in the data
//! contract ("Privacy concern cases").
//!
//! Only what the reports *list* changes: every count, rate and mix still
//! includes these cases, so the ranking does not depend on the flag.

use crate::schema::InjuryRecord;

/// The categories of 29 CFR 1904.29(b)(7) that a WCIO code can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrivacyCategory {
    /// (b)(7)(iv) mental illness.
    MentalIllness,
    /// (b)(7)(v) HIV infection.
    Hiv,
    /// (b)(7)(v) hepatitis.
    Hepatitis,
    /// (b)(7)(v) tuberculosis: WCIO has no code of its own for it, so the
    /// contagious-disease code stands for it (and may flag more than TB).
    ContagiousDisease,
}

/// WCIO Nature of Injury codes that name a privacy concern category, in
/// code order. Names as in `data/wcio_codes.csv`. Left out on purpose,
/// because they name a kind of injury far wider than the rule's: 36
/// Infection (mostly infected wounds), 43 Puncture (needlesticks are a few
/// of them, and WCIO cannot say whether the sharp was contaminated), 83
/// COVID-19 (not a listed category; an employee may still ask, through the
/// column).
pub const NATURE_CODES: [(u16, PrivacyCategory); 6] = [
    (69, PrivacyCategory::MentalIllness),     // Mental Disorder
    (73, PrivacyCategory::ContagiousDisease), // Contagious Disease
    (75, PrivacyCategory::Hiv),               // AIDS
    (77, PrivacyCategory::MentalIllness),     // Mental Stress
    (79, PrivacyCategory::Hepatitis),         // Hepatitis C
    (91, PrivacyCategory::MentalIllness),     // Multiple Injuries Including Both Physical and Psychological
];

/// The category a nature code names, if any.
pub fn nature_category(nature_code: u16) -> Option<PrivacyCategory> {
    NATURE_CODES.iter().find(|(code, _)| *code == nature_code).map(|(_, category)| *category)
}

/// The category the codes of a case name. Only the nature code can: no
/// WCIO Part of Body code is an intimate body part or the reproductive
/// system (61 "Abdomen Including Groin", 62 "Buttocks" and 46 "Pelvis" are
/// far wider), and no Cause of Injury code is sexual assault (89 "Person
/// in Act of a Crime" and 74 "Fellow Worker, Patient or Other Person" are
/// any assault) or a needlestick. The parameters say so in the signature,
/// so a caller cannot believe the body part or cause was consulted.
pub fn inferred(nature_code: Option<u16>) -> Option<PrivacyCategory> {
    nature_code.and_then(nature_category)
}

/// Whether an injury is listed as a privacy case: the employer's flag when
/// the column has a value (an explicit `false` is the recordkeeper's
/// decision and stands), else what the nature code implies.
pub fn is_privacy_case(record: &InjuryRecord<'_>) -> bool {
    record.privacy_case.unwrap_or_else(|| inferred(record.nature_code).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{CodeKind, CodeTable};
    use crate::schema::OshaClass;

    fn record(nature: Option<u16>, flag: Option<bool>) -> InjuryRecord<'static> {
        InjuryRecord {
            case_id: "C1".into(),
            department: "FIRE".into(),
            event_date: jiff::civil::Date::constant(2024, 3, 1),
            osha_class: OshaClass::OtherRecordable,
            days_away: None,
            days_restricted: None,
            cause_code: Some(89),
            nature_code: nature,
            body_part_code: Some(61),
            job_class: None,
            privacy_case: flag,
        }
    }

    #[test]
    fn every_listed_nature_code_is_inferred_with_its_category() {
        use PrivacyCategory::*;
        let want = [
            (69, MentalIllness),
            (73, ContagiousDisease),
            (75, Hiv),
            (77, MentalIllness),
            (79, Hepatitis),
            (91, MentalIllness),
        ];
        for (code, category) in want {
            assert_eq!(nature_category(code), Some(category), "nature {code}");
            assert!(is_privacy_case(&record(Some(code), None)), "nature {code}");
        }
        assert_eq!(NATURE_CODES.len(), want.len(), "a code was added or dropped: update the contract too");
    }

    #[test]
    fn the_listed_codes_mean_what_the_list_says_in_the_wcio_table() {
        let table = CodeTable::builtin();
        let names: Vec<_> = NATURE_CODES.iter().map(|(c, _)| table.name(CodeKind::Nature, *c)).collect();
        assert_eq!(
            names,
            [
                Some("Mental Disorder"),
                Some("Contagious Disease"),
                Some("AIDS"),
                Some("Mental Stress"),
                Some("Hepatitis C"),
                Some("Multiple Injuries Including Both Physical and Psychological"),
            ]
        );
    }

    #[test]
    fn every_other_nature_code_is_not_a_privacy_case() {
        let listed: Vec<u16> = NATURE_CODES.iter().map(|(c, _)| *c).collect();
        let others = CodeTable::builtin().entries(CodeKind::Nature).map(|e| e.code).filter(|c| !listed.contains(c));
        let mut n = 0;
        for code in others {
            assert_eq!(nature_category(code), None, "nature {code}");
            // The record's cause (89, crime) and body part (61, groin) alone flag nothing.
            assert!(!is_privacy_case(&record(Some(code), None)), "nature {code}");
            n += 1;
        }
        assert!(n > 40, "the WCIO nature table has {n} other codes");
        for wide in [36, 43, 83] {
            assert_eq!(nature_category(wide), None, "nature {wide} is wider than the rule");
        }
        assert!(!is_privacy_case(&record(None, None)));
    }

    #[test]
    fn the_column_decides_when_it_has_a_value() {
        assert!(is_privacy_case(&record(Some(52), Some(true))), "flagged without a listed code");
        assert!(is_privacy_case(&record(None, Some(true))));
        assert!(!is_privacy_case(&record(Some(77), Some(false))), "an explicit false stands");
    }
}
