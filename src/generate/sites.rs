//! The fixed vocabulary of the generated OSHA columns: what kind of
//! establishments each department runs (name pattern, NAICS 2022 code,
//! industry description), the places, streets and ZIP codes their
//! addresses and names are drawn from, where in or around an establishment
//! each kind of accident happens, and the job title of each job class.
//! Nothing here is a person's name: the words are places, streets (chosen
//! among those not named after a person), trades and rooms.

/// One kind of establishment of a department. `name` and `short` may hold
/// `{code}` (the department's code), `{place}` (a neighbourhood of
/// [`PLACES`]) and `{n}` (a number 1..=`numbers`); `short` is what the
/// incident locations call it ("Station 27 apparatus bay").
pub struct SiteDef {
    pub name: &'static str,
    pub short: &'static str,
    /// The highest `{n}`; 0 when the pattern has none.
    pub numbers: u32,
    /// NAICS 2022 six-digit code (checked against `data/naics_2022.csv` by a test).
    pub naics: &'static str,
    pub industry: &'static str,
}

const fn at(name: &'static str, short: &'static str, naics: &'static str, industry: &'static str) -> SiteDef {
    SiteDef { name, short, numbers: 0, naics, industry }
}

const fn numbered(
    name: &'static str,
    short: &'static str,
    numbers: u32,
    naics: &'static str,
    industry: &'static str,
) -> SiteDef {
    SiteDef { name, short, numbers, naics, industry }
}

/// The establishments a department (by the code of its entry in the
/// department table; districts share their parent's) may run.
pub struct Profile {
    pub code: &'static str,
    pub sites: &'static [SiteDef],
}

const fn p(code: &'static str, sites: &'static [SiteDef]) -> Profile {
    Profile { code, sites }
}

/// A government office of `{code}` in a neighbourhood, for the office departments.
macro_rules! office {
    ($code:literal, $naics:literal, $industry:literal) => {
        p($code, &[at("{code} {place} Office", "{place} Office", $naics, $industry)])
    };
}

/// Every department of the table, in its order.
pub static PROFILES: [Profile; 49] = [
    p(
        "LAPD",
        &[at("{code} {place} Community Police Station", "{place} Station", "922120", "Municipal police protection")],
    ),
    p("LAFD", &[numbered("{code} Station {n}", "Station {n}", 112, "922160", "Municipal fire protection and rescue")]),
    p(
        "SAN",
        &[
            at("{code} {place} Collection Yard", "{place} Yard", "562111", "Municipal solid waste collection"),
            at("{code} {place} Water Reclamation Plant", "{place} Plant", "221320", "Municipal wastewater treatment"),
        ],
    ),
    p("STS", &[at("{code} {place} Street Maintenance Yard", "{place} Yard", "237310", "Municipal street maintenance")]),
    p(
        "RAP",
        &[
            at(
                "{code} {place} Recreation Center",
                "{place} Recreation Center",
                "713940",
                "Municipal recreation centers",
            ),
            at("{code} {place} Park Maintenance Yard", "{place} Park Yard", "712190", "Municipal parks"),
        ],
    ),
    p(
        "DOT",
        &[
            at("{code} {place} Transit Yard", "{place} Transit Yard", "485113", "Municipal bus transit"),
            at("{code} {place} Signal Shop", "{place} Signal Shop", "488490", "Municipal traffic signal support"),
        ],
    ),
    p("LAWA", &[numbered("{code} Terminal {n}", "Terminal {n}", 8, "488119", "Municipal airport operations")]),
    p("HAR", &[numbered("{code} Berth {n} Terminal", "Berth {n}", 250, "488310", "Municipal port operations")]),
    p("LPL", &[at("{code} {place} Branch Library", "{place} Branch", "519210", "Municipal public libraries")]),
    office!("GSD", "921190", "Municipal general services"),
    office!("LADBS", "926150", "Municipal building inspection"),
    p(
        "DWP",
        &[
            at("{code} {place} Water Distribution Yard", "{place} Water Yard", "221310", "Municipal water supply"),
            at(
                "{code} {place} Power Distribution Yard",
                "{place} Power Yard",
                "221122",
                "Municipal power distribution",
            ),
        ],
    ),
    p("ANS", &[at("{code} {place} Animal Care Center", "{place} Care Center", "922190", "Municipal animal control")]),
    office!("PLN", "925120", "Municipal urban planning"),
    p("DCA", &[at("{code} {place} Arts Center", "{place} Arts Center", "712110", "Municipal arts centers")]),
    office!("PER", "921190", "Municipal personnel administration"),
    office!("CTR", "921130", "Municipal audit and accounting"),
    office!("ATY", "922130", "Municipal legal counsel and prosecution"),
    p("ITA", &[at("{code} {place} Data Center", "{place} Data Center", "921190", "Municipal information technology")]),
    office!("ENG", "541330", "Municipal public works engineering"),
    p("BSL", &[at("{code} {place} Lighting Yard", "{place} Yard", "238210", "Municipal street lighting repair")]),
    p("ZOO", &[at("Zoo and Botanical Gardens", "Zoo", "712130", "Municipal zoo and botanical gardens")]),
    p("ELP", &[at("El Pueblo Historical Monument", "Historical Monument", "712120", "Municipal historic site")]),
    p(
        "AGE",
        &[at("{code} {place} Senior Center", "{place} Senior Center", "923130", "Municipal services for older adults")],
    ),
    office!("EWD", "926110", "Municipal economic development"),
    p("CNV", &[at("Convention Center", "Convention Center", "531120", "Municipal convention center")]),
    p("EMD", &[at("Emergency Operations Center", "Operations Center", "922190", "Municipal emergency management")]),
    office!("HCI", "925110", "Municipal housing programs"),
    office!("DNE", "925120", "Municipal neighborhood council support"),
    office!("DOD", "923130", "Municipal disability services"),
    p("YDD", &[at("{code} {place} Youth Center", "{place} Youth Center", "923130", "Municipal youth programs")]),
    office!("FIN", "921130", "Municipal tax and finance"),
    office!("CLK", "921190", "Municipal clerk and elections"),
    office!("DCR", "926150", "Municipal cannabis licensing"),
    office!("CRT", "921190", "Municipal civil rights programs"),
    p("SEW", &[at("{code} {place} Sewer Yard", "{place} Yard", "221320", "Municipal sewer maintenance")]),
    p("FLT", &[at("{code} {place} Fleet Shop", "{place} Shop", "811111", "Municipal fleet repair")]),
    p("FAC", &[at("{code} {place} Facilities Yard", "{place} Yard", "561210", "Municipal facilities maintenance")]),
    p("TRO", &[at("{code} {place} Signal Yard", "{place} Yard", "488490", "Municipal traffic operations")]),
    p("UFD", &[at("{code} {place} Tree Yard", "{place} Yard", "561730", "Municipal tree care")]),
    p("APD", &[numbered("{code} Substation {n}", "Substation {n}", 9, "922120", "Airport police protection")]),
    p("PPD", &[numbered("{code} Substation {n}", "Substation {n}", 9, "922120", "Port police protection")]),
    p("TRF", &[at("{code} {place} Traffic Division", "{place} Division", "922120", "Municipal traffic enforcement")]),
    p("PRK", &[at("{code} {place} Ranger Station", "{place} Ranger Station", "712190", "Park ranger services")]),
    p("SSV", &[at("{code} {place} Security Post", "{place} Security Post", "561612", "Municipal security services")]),
    office!("CNT", "921190", "Municipal contract administration"),
    office!("BPW", "921190", "Municipal public works administration"),
    office!("ETH", "921190", "Municipal ethics commission"),
    office!("CIF", "923130", "Municipal family services"),
];

/// The profile of a department-table code.
pub fn profile(code: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.code == code)
}

/// Neighbourhoods, for establishment names.
pub const PLACES: [&str; 30] = [
    "Central",
    "Hollywood",
    "Harbor",
    "West Valley",
    "North Hollywood",
    "Mission",
    "Foothill",
    "Topanga",
    "Rampart",
    "Newton",
    "Southeast",
    "Southwest",
    "Northeast",
    "Olympic",
    "Pacific",
    "West Los Angeles",
    "East Valley",
    "South Los Angeles",
    "Eagle Rock",
    "Silver Lake",
    "Westchester",
    "San Pedro",
    "Wilmington",
    "Highland Park",
    "Boyle Heights",
    "Sun Valley",
    "Sylmar",
    "Canoga Park",
    "Venice",
    "Echo Park",
];

/// Streets (none named after a person), for addresses and off-site locations.
pub const STREETS: [&str; 24] = [
    "S Main St",
    "S Spring St",
    "S Broadway",
    "S Hill St",
    "S Olive St",
    "S Grand Ave",
    "S Flower St",
    "W Sunset Blvd",
    "W Olympic Blvd",
    "W Venice Blvd",
    "N Vermont Ave",
    "S Western Ave",
    "S Central Ave",
    "N Alameda St",
    "Riverside Dr",
    "Beverly Blvd",
    "Hollywood Blvd",
    "Vine St",
    "Melrose Ave",
    "Florence Ave",
    "W Manchester Ave",
    "W Century Blvd",
    "Ventura Blvd",
    "Victory Blvd",
];

/// ZIP codes of the city's post offices.
pub const ZIPS: [&str; 40] = [
    "90001", "90002", "90003", "90004", "90005", "90006", "90007", "90008", "90010", "90011", "90012", "90013",
    "90014", "90015", "90016", "90017", "90018", "90019", "90020", "90021", "90023", "90024", "90025", "90026",
    "90027", "90028", "90029", "90031", "90032", "90033", "90034", "90035", "90036", "90037", "90038", "90039",
    "90041", "90042", "90043", "90044",
];

/// Where each kind of accident happens, in the shape of `wcio::CAUSES`'
/// phrases (cause, then group, then phrase), so that a case's location fits
/// its description: `{site}` is the establishment's short name, `{street}`
/// a block of a street ("1200 block of S Main St").
pub static LOCATIONS: [[&[&str]; 3]; 9] = [
    // 56 lifting
    [
        &["patient residence, {street}", "{site} apparatus bay", "{site} hose rack", "{site} apparatus bay"],
        &[
            "collection route, {street}",
            "street work zone, {street}",
            "{site} storage yard",
            "job site, {street}",
            "meter vault, {street}",
        ],
        &["{site} file room", "{site} supply room", "{site} stacks", "{site} office"],
    ],
    // 29 fall on same level
    [
        &["{site} kitchen", "incident scene, {street}", "{site} vehicle ramp"],
        &["street work zone, {street}", "{site} shop floor", "{site} grounds"],
        &["{site} lobby", "{site} break room", "{site} restroom"],
    ],
    // 31 fall, slip or trip
    [
        &["incident scene, {street}", "sidewalk, {street}", "incident scene, {street}"],
        &["{site} warehouse", "sidewalk, {street}", "{site} yard"],
        &["{site} office", "{site} entrance", "{site} stairwell"],
    ],
    // 81 struck by
    [
        &["incident scene, {street}", "{site} parking lot", "{site} vehicle bay"],
        &["street work zone, {street}", "{site} yard gate", "{site} shop"],
        &["{site} office", "{site} storage room", "{site} file room"],
    ],
    // 97 repetitive motion
    [
        &["{site} report room", "{site} front desk"],
        &["{site} grounds", "{site} shop", "equipment cab, {street}"],
        &["{site} office", "{site} office", "{site} records room"],
    ],
    // 60 jumping
    [
        &["{site} apparatus bay", "pursuit, {street}", "{site} parking lot"],
        &["{site} yard", "{site} loading dock", "trench, {street}"],
        &["{site} supply room", "{site} meeting hall"],
    ],
    // 45 collision of motor vehicles
    [
        &["city vehicle, {street}", "city vehicle, {street}"],
        &["city truck, {street}", "city truck, {street}"],
        &["city car, {street}", "city car, {street}"],
    ],
    // 74 fellow worker, patient or other person
    [
        &["arrest, {street}", "patient residence, {street}", "{site} holding area"],
        &["sidewalk, {street}", "{site} grounds"],
        &["{site} lobby", "{site} public counter"],
    ],
    // 19 cut, puncture, scrape
    [
        &["incident scene, {street}", "incident scene, {street}", "collision scene, {street}"],
        &["{site} shop", "collection route, {street}", "{site} grounds"],
        &["{site} mail room", "{site} copy room", "{site} office"],
    ],
];

/// The job title of a job class (Form 300 column C): the class without its
/// pay grade, or the title a fire department uses for it.
pub fn job_title(class: &str) -> &str {
    match class {
        "Engineer of Fire Department" => "Fire Engineer",
        "Firefighter Paramedic" => "Firefighter/Paramedic",
        _ => class.trim_end_matches(" III").trim_end_matches(" II").trim_end_matches(" I"),
    }
}

/// Every job class of every family, for the tests.
#[cfg(test)]
pub fn all_job_classes() -> impl Iterator<Item = &'static str> {
    use super::departments::JobFamily;
    [JobFamily::Police, JobFamily::Fire, JobFamily::Safety, JobFamily::Field, JobFamily::Office]
        .into_iter()
        .flat_map(|f| f.jobs().iter().copied())
}

#[cfg(test)]
mod tests {
    use super::super::wcio::CAUSES;
    use super::*;
    use crate::naics::NaicsTable;

    #[test]
    fn every_site_has_a_2022_naics_code_and_plain_ascii_text() {
        let table = NaicsTable::builtin();
        for profile in &PROFILES {
            for site in profile.sites {
                assert!(table.check(site.naics).is_ok(), "{}: {}", profile.code, site.naics);
                for text in [site.name, site.short, site.industry] {
                    assert!(text.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'<' && b != b'>'), "{text}");
                }
                assert_eq!(site.name.contains("{n}"), site.numbers > 0, "{}", site.name);
                assert_eq!(site.name.contains("{place}"), site.short.contains("{place}"), "{}", site.name);
                assert_eq!(site.name.contains("{n}"), site.short.contains("{n}"), "{}", site.name);
            }
        }
    }

    #[test]
    fn locations_follow_the_shape_of_the_causes() {
        for (cause, locations) in CAUSES.iter().zip(&LOCATIONS) {
            for (g, (phrases, places)) in cause.phrases.iter().zip(locations).enumerate() {
                assert_eq!(phrases.len(), places.len(), "cause {} group {g}", cause.code);
            }
        }
    }

    #[test]
    fn job_titles_drop_the_grade() {
        assert_eq!(job_title("Firefighter III"), "Firefighter");
        assert_eq!(job_title("Police Officer II"), "Police Officer");
        assert_eq!(job_title("Police Sergeant I"), "Police Sergeant");
        assert_eq!(job_title("Refuse Collection Truck Operator"), "Refuse Collection Truck Operator");
        assert!(all_job_classes().all(|c| !job_title(c).is_empty() && !job_title(c).ends_with(" I")));
    }
}
