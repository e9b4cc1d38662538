//! WCIO cause, nature and body part codes: which causes each peer group
//! draws, which injuries and body parts follow from a cause, and the words
//! the descriptions are built from.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::groups::{GROUPS, Group};
use super::random::Cdf;

pub struct CauseDef {
    pub code: u16,
    /// Weight in public safety, field operations, office.
    pub weight: [f64; 3],
    pub natures: &'static [(u16, f64)],
    pub bodies: &'static [(u16, f64)],
    /// What happened, per group.
    pub phrases: [&'static [&'static str]; 3],
}

pub static CAUSES: [CauseDef; 9] = [
    CauseDef {
        code: 56,
        weight: [14.0, 24.0, 12.0],
        natures: &[(52, 7.0), (49, 2.0), (37, 1.0)],
        bodies: &[(42, 6.0), (38, 2.5), (20, 1.0), (34, 0.5)],
        phrases: [
            &["lifted patient onto gurney", "lifted equipment bag", "lifted hose bundle", "lifted ladder off engine"],
            &[
                "lifted trash bin",
                "lifted manhole cover",
                "lifted sandbags",
                "lifted bag of concrete",
                "lifted water meter lid",
            ],
            &["lifted box of files", "lifted case of printer paper", "lifted book cart", "lifted computer monitor"],
        ],
    },
    CauseDef {
        code: 29,
        weight: [8.0, 10.0, 20.0],
        natures: &[(10, 3.5), (49, 3.0), (28, 1.5), (52, 1.5), (16, 0.5)],
        bodies: &[(53, 3.0), (55, 2.0), (34, 1.5), (42, 1.5), (90, 2.0)],
        phrases: [
            &["slipped on wet station floor", "slipped on loose gravel at scene", "slipped on wet ramp"],
            &["slipped on wet pavement", "slipped on oily shop floor", "slipped on wet grass"],
            &["slipped on wet lobby floor", "slipped on spilled coffee", "slipped on wet restroom floor"],
        ],
    },
    CauseDef {
        code: 31,
        weight: [10.0, 12.0, 18.0],
        natures: &[(10, 3.0), (49, 3.5), (28, 1.0), (52, 2.0), (16, 0.5)],
        bodies: &[(53, 3.0), (55, 3.0), (34, 1.5), (35, 1.0), (90, 1.5)],
        phrases: [
            &["tripped over hose line", "tripped on curb during pursuit", "tripped on debris at scene"],
            &["tripped over pallet", "tripped on uneven sidewalk", "tripped over hose"],
            &["tripped over power cord", "tripped on floor mat", "tripped on stairs"],
        ],
    },
    CauseDef {
        code: 81,
        weight: [8.0, 16.0, 8.0],
        natures: &[(10, 5.0), (40, 2.5), (28, 1.5), (49, 1.0)],
        bodies: &[(35, 2.0), (36, 2.0), (90, 2.0), (53, 1.5), (38, 1.0), (20, 1.5)],
        phrases: [
            &["struck by falling debris", "struck by door of vehicle", "struck by tool"],
            &["struck by falling branch", "struck by swinging gate", "struck by tool"],
            &["struck by cabinet door", "struck by falling box", "struck by shelf"],
        ],
    },
    CauseDef {
        code: 97,
        weight: [4.0, 8.0, 30.0],
        natures: &[(78, 4.5), (37, 4.5), (52, 1.0)],
        bodies: &[(34, 5.0), (35, 2.0), (38, 2.0), (36, 1.0)],
        phrases: [
            &["repetitive report writing", "repetitive radio and keyboard use"],
            &["repetitive raking", "repetitive tool use", "repetitive operating controls"],
            &["repetitive typing", "repetitive data entry", "repetitive scanning"],
        ],
    },
    CauseDef {
        code: 60,
        weight: [8.0, 6.0, 1.0],
        natures: &[(49, 5.0), (52, 3.0), (28, 1.0), (16, 1.0)],
        bodies: &[(55, 5.0), (53, 5.0)],
        phrases: [
            &["jumped from engine tailboard", "jumped over fence in pursuit", "jumped from patrol car step"],
            &["jumped from truck step", "jumped from loading dock", "jumped down from trench"],
            &["jumped from step stool", "jumped down from stage"],
        ],
    },
    CauseDef {
        code: 45,
        weight: [12.0, 6.0, 3.0],
        natures: &[(52, 4.0), (10, 3.5), (28, 1.0), (49, 1.5)],
        bodies: &[(20, 4.0), (42, 2.5), (90, 2.5), (38, 1.0)],
        phrases: [
            &["vehicle collision while on patrol", "vehicle collision responding to call"],
            &["vehicle collision while driving route", "rear-ended in city truck"],
            &["vehicle collision driving to site visit", "rear-ended in city car"],
        ],
    },
    CauseDef {
        code: 74,
        weight: [22.0, 3.0, 5.0],
        natures: &[(10, 4.0), (49, 2.0), (52, 2.0), (40, 1.0), (28, 1.0)],
        bodies: &[(35, 2.0), (90, 2.5), (38, 2.0), (34, 1.5), (53, 1.0), (20, 1.0)],
        phrases: [
            &["assaulted by suspect during arrest", "kicked by combative patient", "assaulted by inmate"],
            &["pushed by member of the public", "assaulted by park visitor"],
            &["pushed by member of the public", "assaulted at public counter"],
        ],
    },
    CauseDef {
        code: 19,
        weight: [6.0, 15.0, 3.0],
        natures: &[(40, 9.0), (10, 1.0)],
        bodies: &[(36, 5.0), (35, 4.0), (34, 1.0)],
        phrases: [
            &["cut by broken glass", "punctured by needle", "cut by sheet metal during extrication"],
            &["cut by sheet metal", "punctured by needle in trash", "cut by broken bottle"],
            &["cut by box cutter", "cut by paper trimmer", "punctured by staple remover"],
        ],
    },
];

pub fn nature_word(code: u16) -> &'static str {
    match code {
        52 => "strained",
        49 => "sprained",
        10 => "bruised",
        40 => "lacerated",
        37 => "inflamed",
        78 => "numbness in",
        16 => "dislocated",
        28 => "fractured",
        _ => "injured",
    }
}

pub fn body_word(code: u16) -> &'static str {
    match code {
        42 => "lower back",
        53 => "knee",
        38 => "shoulder",
        35 => "hand",
        36 => "finger",
        34 => "wrist",
        20 => "neck",
        90 => "multiple body parts",
        55 => "ankle",
        _ => "body",
    }
}

pub const REMARKS: [&str; 3] = ["felt a pop", "it just gave out", "never saw it coming"];
pub const FOLLOW_UPS: [&str; 3] = ["seen at occupational clinic", "returned to modified duty", "MRI scheduled"];

/// The sampling tables of the codes and the OSHA class, built once per run.
pub struct Tables {
    cause_by_group: [Cdf; 3],
    nature_by_cause: Vec<Cdf>,
    body_by_cause: Vec<Cdf>,
    pub class_by_group: [Cdf; 3],
}

impl Tables {
    pub fn new() -> Tables {
        let cause = |g: usize| Cdf::new(CAUSES.iter().map(|c| c.weight[g]));
        let class = |g: usize| Cdf::new(GROUPS[g].class_probs());
        Tables {
            cause_by_group: [cause(0), cause(1), cause(2)],
            nature_by_cause: CAUSES.iter().map(|c| Cdf::new(c.natures.iter().map(|n| n.1))).collect(),
            body_by_cause: CAUSES.iter().map(|c| Cdf::new(c.bodies.iter().map(|b| b.1))).collect(),
            class_by_group: [class(0), class(1), class(2)],
        }
    }

    /// (cause index, nature code, body part code, phrase index).
    pub fn codes(&self, rng: &mut ChaCha8Rng, group: Group) -> (u8, u16, u16, u8) {
        let c = self.cause_by_group[group.idx()].sample(rng);
        let cause = &CAUSES[c];
        let nature = cause.natures[self.nature_by_cause[c].sample(rng)].0;
        let body = cause.bodies[self.body_by_cause[c].sample(rng)].0;
        let phrase = rng.gen_range(0..cause.phrases[group.idx()].len());
        (c as u8, nature, body, phrase as u8)
    }
}

/// The WCIO code of cause `index` (as [`Tables::codes`] draws it).
pub fn cause_code(index: u8) -> u16 {
    CAUSES[usize::from(index)].code
}
