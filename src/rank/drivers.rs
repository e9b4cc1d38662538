//! The case mix of a department in plain words: the causes and body
//! parts whose share of its cases over the last 12 months most exceeds the
//! city's share. Context beside the model's drivers ([`super::explain`]),
//! which say why the department is ranked where it is; the department's
//! report lists a few.

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
                let label = table.label(kind, *code);
                let what = match kind {
                    CodeKind::BodyPart => format!("{} injuries", label.to_lowercase()),
                    _ => label.to_lowercase(),
                };
                let text = format!("{what}: {:.0}% of cases, {:.1}× the city share", share * 100.0, share / city_share);
                found.push(((share - city_share) * f64::from(cases).sqrt(), text));
            }
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        found.into_iter().take(n).map(|(_, t)| t).collect()
    }
}

/// Up to `n` plain-words drivers of a department (for its own report).
pub fn drivers(panel: &Panel, d: usize, as_of: Month, n: usize) -> Vec<String> {
    MixContext::new(panel, as_of).drivers(panel, d, n)
}
