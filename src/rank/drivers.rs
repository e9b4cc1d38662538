//! The case mix of a department in plain words: the causes and body
//! parts whose share of its cases over the last 12 months most exceeds the
//! city's share. Context beside the model's drivers ([`super::explain`]),
//! which say why the department is ranked where it is; the department's
//! report lists a few.
//!
//! A driver reads "<label>: 12% of recordable cases, 1.8× the city share", the label
//! being the code table's clean display label as it stands (sentence case,
//! "Neck (multiple injuries)", "Struck by fellow worker, patient or other
//! person"), so body parts and causes share one pattern and no word is
//! added to, or lower-cased out of, the table's wording.

use crate::codes::{CodeKind, CodeTable};
use crate::panel::{CodeMix, Panel};
use crate::schema::Month;

/// The city's code mix over the 12 months to the as-of month, for drivers.
pub(crate) struct MixContext {
    from: Month,
    to: Month,
    city: CodeMix,
}

/// A code needs this many of the department's cases to be named a driver.
const MIN_DRIVER_CASES: u32 = 3;

/// What `top_driver` says when no code qualifies.
pub const NO_DRIVER: &str = "No cause or body part stands out";

impl MixContext {
    pub(crate) fn new(panel: &Panel, as_of: Month) -> Self {
        let from = as_of.plus(-11);
        MixContext { from, to: as_of, city: panel.mix(None, from, as_of) }
    }

    /// Up to `n` drivers, strongest first.
    pub(crate) fn drivers(&self, panel: &Panel, d: usize, n: usize) -> Vec<String> {
        let mix = panel.mix(Some(d), self.from, self.to);
        let table = CodeTable::builtin();
        let mut found: Vec<(f64, String)> = Vec::new();
        for kind in [CodeKind::Cause, CodeKind::BodyPart] {
            let total: u32 = mix.of(kind).values().sum();
            let city_total: u32 = self.city.of(kind).values().sum();
            if total == 0 || city_total == 0 {
                continue;
            }
            for (code, &cases) in mix.of(kind) {
                let share = f64::from(cases) / f64::from(total);
                let city_share = f64::from(self.city.of(kind).get(code).copied().unwrap_or(0)) / f64::from(city_total);
                if cases < MIN_DRIVER_CASES || city_share <= 0.0 || share <= city_share * 1.1 {
                    continue;
                }
                let text = driver_text(table, kind, *code, share, city_share);
                found.push(((share - city_share) * f64::from(cases).sqrt(), text));
            }
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        found.into_iter().take(n).map(|(_, t)| t).collect()
    }
}

/// One driver in words; `city_share` is above zero (the caller skips
/// codes the city has not seen).
pub(crate) fn driver_text(table: &CodeTable, kind: CodeKind, code: u16, share: f64, city_share: f64) -> String {
    let label = table.display_label(kind, code);
    format!("{label}: {:.0}% of recordable cases, {:.1}× the city share", share * 100.0, share / city_share)
}

/// Up to `n` plain-words drivers of a department (for its own report).
pub fn drivers(panel: &Panel, d: usize, as_of: Month, n: usize) -> Vec<String> {
    MixContext::new(panel, as_of).drivers(panel, d, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::text_checks;

    #[test]
    fn every_code_makes_a_clean_driver() {
        let table = CodeTable::builtin();
        let acronyms = text_checks::acronyms();
        let mut bad = Vec::new();
        for kind in CodeKind::ALL {
            for e in table.entries(kind) {
                let text = driver_text(table, kind, e.code, 0.25, 0.125);
                assert!(text.starts_with(&e.label), "{text}");
                for p in text_checks::problems(&text, &acronyms) {
                    bad.push(format!("{kind} {}: {text:?}: {p}", e.code));
                }
            }
        }
        for text in [driver_text(table, CodeKind::BodyPart, 7, 0.3, 0.1), NO_DRIVER.to_string()] {
            assert!(text_checks::problems(&text, &acronyms).is_empty(), "{text}");
        }
        assert!(bad.is_empty(), "{}", bad.join("\n"));
    }

    #[test]
    fn drivers_read_as_the_label_then_the_shares() {
        let table = CodeTable::builtin();
        assert_eq!(
            driver_text(table, CodeKind::BodyPart, 20, 0.12, 0.12 / 1.8),
            "Neck (multiple injuries): 12% of recordable cases, 1.8× the city share"
        );
        assert_eq!(
            driver_text(table, CodeKind::Cause, 74, 0.25, 0.25 / 1.5),
            "Struck by fellow worker, patient or other person: 25% of recordable cases, 1.5× the city share"
        );
        assert_eq!(
            driver_text(table, CodeKind::Cause, 999, 0.2, 0.1),
            "Cause code 999 (not in the WCIO table): 20% of recordable cases, 2.0× the city share"
        );
    }
}
