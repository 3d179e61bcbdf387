//! Small lists of place names, for the geographic system entities offline.
//!
//! CX resolves places against Google's knowledge graph; these lists hold the world's most
//! populous and most visited cities, the countries, and the states and provinces of the
//! United States, Canada, Australia, Germany, Austria and Switzerland, each with its common
//! English and German names. A place not listed is found only by the cues `system.rs`
//! describes.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::text::{Token, words};

/// Cities: the name CX resolves to, then other names that mean it.
const CITIES: &[&[&str]] = &[
    &["Amsterdam"],
    &["Athens", "Athen"],
    &["Atlanta"],
    &["Auckland"],
    &["Austin"],
    &["Bangkok"],
    &["Barcelona"],
    &["Beijing", "Peking"],
    &["Berlin"],
    &["Bern"],
    &["Bogota"],
    &["Boston"],
    &["Brisbane"],
    &["Brussels", "Brüssel"],
    &["Budapest"],
    &["Buenos Aires"],
    &["Cairo", "Kairo"],
    &["Calgary"],
    &["Cape Town", "Kapstadt"],
    &["Chicago"],
    &["Cologne", "Köln"],
    &["Copenhagen", "Kopenhagen"],
    &["Dallas"],
    &["Delhi", "New Delhi"],
    &["Denver"],
    &["Dubai"],
    &["Dublin"],
    &["Dresden"],
    &["Düsseldorf"],
    &["Edinburgh"],
    &["Frankfurt", "Frankfurt am Main"],
    &["Geneva", "Genf"],
    &["Graz"],
    &["Hamburg"],
    &["Hanover", "Hannover"],
    &["Helsinki"],
    &["Hong Kong"],
    &["Houston"],
    &["Istanbul"],
    &["Jakarta"],
    &["Johannesburg"],
    &["Karachi"],
    &["Kyiv", "Kiev"],
    &["Lagos"],
    &["Leipzig"],
    &["Lima"],
    &["Linz"],
    &["Lisbon", "Lissabon"],
    &["London"],
    &["Los Angeles"],
    &["Lyon"],
    &["Madrid"],
    &["Manila"],
    &["Marseille"],
    &["Melbourne"],
    &["Mexico City", "Mexiko-Stadt"],
    &["Miami"],
    &["Milan", "Mailand"],
    &["Montreal"],
    &["Moscow", "Moskau"],
    &["Mumbai", "Bombay"],
    &["Munich", "München"],
    &["Nairobi"],
    &["Naples", "Neapel"],
    &["New Orleans"],
    &["New York", "New York City", "NYC"],
    &["Nuremberg", "Nürnberg"],
    &["Osaka"],
    &["Oslo"],
    &["Ottawa"],
    &["Paris"],
    &["Perth"],
    &["Philadelphia"],
    &["Phoenix"],
    &["Portland"],
    &["Prague", "Prag"],
    &["Rio de Janeiro"],
    &["Rome", "Rom"],
    &["Rotterdam"],
    &["Salzburg"],
    &["San Diego"],
    &["San Francisco"],
    &["San Jose"],
    &["Santiago"],
    &["São Paulo", "Sao Paulo"],
    &["Seattle"],
    &["Seoul"],
    &["Shanghai"],
    &["Singapore", "Singapur"],
    &["Stockholm"],
    &["Stuttgart"],
    &["Sydney"],
    &["Taipei"],
    &["Tel Aviv"],
    &["Tokyo", "Tokio"],
    &["Toronto"],
    &["Vancouver"],
    &["Venice", "Venedig"],
    &["Vienna", "Wien"],
    &["Warsaw", "Warschau"],
    &["Washington"],
    &["Zurich", "Zürich"],
];

/// Countries: the name CX resolves to, then other names that mean it.
const COUNTRIES: &[&[&str]] = &[
    &["Argentina", "Argentinien"],
    &["Australia", "Australien"],
    &["Austria", "Österreich"],
    &["Belgium", "Belgien"],
    &["Brazil", "Brasilien"],
    &["Canada", "Kanada"],
    &["Chile"],
    &["China"],
    &["Colombia", "Kolumbien"],
    &["Costa Rica"],
    &["Croatia", "Kroatien"],
    &["Czech Republic", "Czechia", "Tschechien"],
    &["Denmark", "Dänemark"],
    &["Ecuador"],
    &["Egypt", "Ägypten"],
    &["Finland", "Finnland"],
    &["France", "Frankreich"],
    &["Germany", "Deutschland"],
    &["Greece", "Griechenland"],
    &["Hungary", "Ungarn"],
    &["Iceland"],
    &["India", "Indien"],
    &["Indonesia", "Indonesien"],
    &["Ireland", "Irland"],
    &["Israel"],
    &["Italy", "Italien"],
    &["Japan"],
    &["Kenya", "Kenia"],
    &["Malaysia"],
    &["Maldives", "Malediven"],
    &["Mexico", "Mexiko"],
    &["Netherlands", "Holland", "Niederlande"],
    &["New Zealand", "Neuseeland"],
    &["Nigeria"],
    &["Norway", "Norwegen"],
    &["Peru"],
    &["Philippines", "Philippinen"],
    &["Poland", "Polen"],
    &["Portugal"],
    &["Russia", "Russland"],
    &["Saudi Arabia", "Saudi-Arabien"],
    &["Singapore", "Singapur"],
    &["South Africa", "Südafrika"],
    &["South Korea", "Korea", "Südkorea"],
    &["Spain", "Spanien"],
    &["Sudan"],
    &["Sweden", "Schweden"],
    &["Switzerland", "Schweiz"],
    &["Thailand"],
    &["Turkey", "Türkei"],
    &["Ukraine"],
    &["United Arab Emirates", "UAE", "VAE"],
    &[
        "United Kingdom",
        "UK",
        "Great Britain",
        "Britain",
        "England",
        "Großbritannien",
    ],
    &[
        "United States",
        "USA",
        "United States of America",
        "America",
        "Vereinigte Staaten",
    ],
    &["Vietnam"],
];

/// States and provinces: the name CX resolves to, then other names that mean it.
const STATES: &[&[&str]] = &[
    &["Alabama"],
    &["Alaska"],
    &["Arizona"],
    &["Arkansas"],
    &["California", "Kalifornien"],
    &["Colorado"],
    &["Connecticut"],
    &["Delaware"],
    &["Florida"],
    &["Georgia"],
    &["Hawaii"],
    &["Idaho"],
    &["Illinois"],
    &["Indiana"],
    &["Iowa"],
    &["Kansas"],
    &["Kentucky"],
    &["Louisiana"],
    &["Maine"],
    &["Maryland"],
    &["Massachusetts"],
    &["Michigan"],
    &["Minnesota"],
    &["Mississippi"],
    &["Missouri"],
    &["Montana"],
    &["Nebraska"],
    &["Nevada"],
    &["New Hampshire"],
    &["New Jersey"],
    &["New Mexico"],
    &["New York State"],
    &["North Carolina"],
    &["North Dakota"],
    &["Ohio"],
    &["Oklahoma"],
    &["Oregon"],
    &["Pennsylvania"],
    &["Rhode Island"],
    &["South Carolina"],
    &["South Dakota"],
    &["Tennessee"],
    &["Texas"],
    &["Utah"],
    &["Vermont"],
    &["Virginia"],
    &["Washington State"],
    &["West Virginia"],
    &["Wisconsin"],
    &["Wyoming"],
    &["Alberta"],
    &["British Columbia"],
    &["Manitoba"],
    &["New Brunswick"],
    &["Newfoundland and Labrador"],
    &["Nova Scotia"],
    &["Ontario"],
    &["Prince Edward Island"],
    &["Quebec"],
    &["Saskatchewan"],
    &["New South Wales", "NSW"],
    &["Queensland"],
    &["South Australia"],
    &["Tasmania"],
    &["Victoria"],
    &["Western Australia"],
    &["Northern Territory"],
    &["Australian Capital Territory"],
    &["Baden-Württemberg"],
    &["Bavaria", "Bayern"],
    &["Brandenburg"],
    &["Hesse", "Hessen"],
    &["Lower Saxony", "Niedersachsen"],
    &["Mecklenburg-Vorpommern"],
    &["North Rhine-Westphalia", "Nordrhein-Westfalen", "NRW"],
    &["Rhineland-Palatinate", "Rheinland-Pfalz"],
    &["Saarland"],
    &["Saxony", "Sachsen"],
    &["Saxony-Anhalt", "Sachsen-Anhalt"],
    &["Schleswig-Holstein"],
    &["Thuringia", "Thüringen"],
    &["Tyrol", "Tirol"],
    &["Carinthia", "Kärnten"],
    &["Styria", "Steiermark"],
    &["Upper Austria", "Oberösterreich"],
    &["Lower Austria", "Niederösterreich"],
];

/// A list of names folded for matching: folded words of each name to the name CX resolves to.
#[derive(Debug)]
pub(crate) struct Gazetteer {
    names: HashMap<Vec<String>, &'static str>,
    longest: usize,
}

impl Gazetteer {
    fn new(entries: &[&[&'static str]]) -> Self {
        let mut names = HashMap::new();
        for entry in entries {
            for name in *entry {
                names.insert(words(name), entry[0]);
            }
        }
        let longest = names.keys().map(Vec::len).max().unwrap_or(0);
        Self { names, longest }
    }

    /// Every listed name in `tokens`, longest first at each position, none overlapping: the
    /// token range and the name it resolves to.
    pub(crate) fn find(&self, tokens: &[Token]) -> Vec<(usize, usize, &'static str)> {
        let mut found = Vec::new();
        let mut from = 0;
        while from < tokens.len() {
            let longest = self.longest.min(tokens.len() - from);
            let hit = (1..=longest).rev().find_map(|size| {
                let key: Vec<String> = tokens[from..from + size]
                    .iter()
                    .map(|t| t.norm.clone())
                    .collect();
                self.names.get(&key).map(|name| (size, *name))
            });
            match hit {
                Some((size, name)) => {
                    found.push((from, from + size, name));
                    from += size;
                }
                None => from += 1,
            }
        }
        found
    }
}

/// Cities.
pub(crate) static CITY: LazyLock<Gazetteer> = LazyLock::new(|| Gazetteer::new(CITIES));
/// Countries.
pub(crate) static COUNTRY: LazyLock<Gazetteer> = LazyLock::new(|| Gazetteer::new(COUNTRIES));
/// States and provinces.
pub(crate) static STATE: LazyLock<Gazetteer> = LazyLock::new(|| Gazetteer::new(STATES));
