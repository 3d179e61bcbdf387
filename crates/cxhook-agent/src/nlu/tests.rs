//! Matching and extraction on the test agents' own intents and entity types.

use std::fs;
use std::path::Path;

use jiff::civil::{Date, date};
use serde_json::{Value, json};

use super::*;
use crate::model::{Entity, EntityKind, ExcludedPhrase, IntentParameter, Part, TrainingPhrase};

/// Sunday, 6 December 2026.
const TODAY: Date = date(2026, 12, 6);

/// CX's default classification threshold.
const THRESHOLD: f64 = 0.3;

/// Reads a JSON file.
fn json_file(path: &Path) -> Value {
    let text =
        fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The files of a resource folder's language subfolder, by language code.
fn per_language(folder: &Path, list: &str) -> Vec<(String, Value)> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .map(|entry| entry.expect("entry").path())
        .map(|path| {
            let language = path
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned();
            (language, json_file(&path)[list].take())
        })
        .collect()
}

/// The intents and entity types of a test agent, read with serde into the model.
fn agent(name: &str) -> (Vec<Intent>, Vec<EntityType>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/agents")
        .join(name);
    let folders = |kind: &str| -> Vec<std::path::PathBuf> {
        let mut folders: Vec<_> = fs::read_dir(root.join(kind))
            .map(|entries| entries.map(|entry| entry.expect("entry").path()).collect())
            .unwrap_or_default();
        folders.sort();
        folders
    };
    let resource = |folder: &Path| {
        let file = folder.join(format!(
            "{}.json",
            folder.file_name().expect("name").to_string_lossy()
        ));
        let mut value = json_file(&file);
        // Exports write labels as a list of {key, value}; matching does not read them.
        value.as_object_mut().expect("object").remove("labels");
        value
    };
    let intents = folders("intents")
        .iter()
        .map(|folder| {
            let mut intent: Intent = serde_json::from_value(resource(folder)).expect("intent");
            for (language, phrases) in
                per_language(&folder.join("trainingPhrases"), "trainingPhrases")
            {
                intent
                    .training_phrases
                    .insert(language, serde_json::from_value(phrases).expect("phrases"));
            }
            intent
        })
        .collect();
    let entity_types = folders("entityTypes")
        .iter()
        .map(|folder| {
            let mut entity_type: EntityType =
                serde_json::from_value(resource(folder)).expect("entity type");
            for (language, entities) in per_language(&folder.join("entities"), "entities") {
                entity_type.entities.insert(
                    language,
                    serde_json::from_value(entities).expect("entities"),
                );
            }
            for (language, phrases) in
                per_language(&folder.join("excludedPhrases"), "excludedPhrases")
            {
                entity_type
                    .excluded_phrases
                    .insert(language, serde_json::from_value(phrases).expect("excluded"));
            }
            entity_type
        })
        .collect();
    (intents, entity_types)
}

/// The NLU of a test agent.
fn nlu(name: &str) -> Nlu {
    let (intents, entity_types) = agent(name);
    let nlu = Nlu::new(&intents, &entity_types);
    assert_eq!(nlu.warnings(), &[] as &[String]);
    nlu
}

/// A parameter's original and resolved value in a match.
fn param<'a>(matched: &'a IntentMatch, id: &str) -> Option<(&'a str, &'a Value)> {
    let parameter = matched
        .parameters
        .iter()
        .find(|parameter| parameter.id == id)?;
    Some((parameter.original.as_str(), &parameter.resolved))
}

const DIVEBOOKER: &[&str] = &["head.send.group.request", "Default Welcome Intent"];

const GRAFFITI_START: &[&str] = &[
    "Default Welcome Intent",
    "head.report-graffiti",
    "thank you",
];

#[test]
fn a_paraphrase_matches_by_similarity_and_scans_for_parameters() {
    let nlu = nlu("divebooker");
    let matched = nlu
        .match_intent(
            "I always wanted to dive in Socorro Islands",
            "en",
            TODAY,
            DIVEBOOKER,
            THRESHOLD,
        )
        .expect("a match");
    assert_eq!(matched.display_name, "head.send.group.request");
    assert!(
        matched.confidence >= THRESHOLD && matched.confidence < 1.0,
        "{}",
        matched.confidence
    );
    assert_eq!(
        param(&matched, "destination"),
        Some(("Socorro Islands", &json!("Mexico")))
    );
    assert_eq!(param(&matched, "number-of-guests"), None);
}

#[test]
fn a_template_phrase_fills_its_slots_with_the_words_in_their_place() {
    let nlu = nlu("divebooker");
    let text = "I would like to make a group booking for 12 divers to Cocos Islands";
    let matched = nlu
        .match_intent(text, "en-US", TODAY, DIVEBOOKER, THRESHOLD)
        .expect("a match");
    assert_eq!(matched.confidence, 1.0);
    assert_eq!(
        param(&matched, "number-of-guests"),
        Some(("12", &json!("12")))
    );
    assert_eq!(
        param(&matched, "destination"),
        Some(("Cocos Islands", &json!("Costa Rica")))
    );

    let text = "Do you have any special offers to Thailand in June?";
    let matched = nlu
        .match_intent(text, "en", TODAY, DIVEBOOKER, THRESHOLD)
        .expect("a match");
    let june = json!({"startDate": {"year": 2027.0, "month": 6.0, "day": 1.0}, "endDate": {"year": 2027.0, "month": 6.0, "day": 30.0}});
    assert_eq!(matched.confidence, 1.0);
    assert_eq!(param(&matched, "departure-month"), Some(("in June", &june)));
}

#[test]
fn exact_and_normalised_phrases_match_with_confidence_one() {
    let nlu = nlu("goodbye-graffiti");
    let exact = nlu
        .match_intent("hello there", "en", TODAY, GRAFFITI_START, THRESHOLD)
        .expect("exact");
    assert_eq!(
        (exact.display_name.as_str(), exact.confidence),
        ("Default Welcome Intent", 1.0)
    );
    let folded = nlu
        .match_intent("  Hello,   THERE! ", "en", TODAY, GRAFFITI_START, THRESHOLD)
        .expect("normalised");
    assert_eq!(
        (folded.display_name.as_str(), folded.confidence),
        ("Default Welcome Intent", 1.0)
    );
}

#[test]
fn graffiti_reports_match_the_report_intent() {
    let nlu = nlu("goodbye-graffiti");
    for text in [
        "I want to report graffiti on my house",
        "someone sprayed graffiti on the fountain in the park",
        "how do I report grafitti?",
        "My property has been vandalised with graffiti",
    ] {
        let matched = nlu.match_intent(text, "en", TODAY, GRAFFITI_START, THRESHOLD);
        assert_eq!(
            matched.as_ref().map(|m| m.display_name.as_str()),
            Some("head.report-graffiti"),
            "{text}"
        );
    }
    let matched = nlu
        .match_intent(
            "I'd like to report graffiti on my house",
            "en",
            TODAY,
            GRAFFITI_START,
            THRESHOLD,
        )
        .expect("a match");
    assert_eq!(
        param(&matched, "type-of-property"),
        Some(("house", &json!("residential")))
    );
}

#[test]
fn unrelated_text_and_intents_out_of_scope_do_not_match() {
    let nlu = nlu("goodbye-graffiti");
    for text in [
        "What is the capital of Mongolia?",
        "blue whales eat krill",
        "",
    ] {
        assert_eq!(
            nlu.match_intent(text, "en", TODAY, GRAFFITI_START, THRESHOLD),
            None,
            "{text}"
        );
    }
    // "hello" is a phrase of the welcome intent, which is not in scope here.
    assert_eq!(
        nlu.match_intent("hello", "en", TODAY, &["head.report-graffiti"], THRESHOLD),
        None
    );
    // A language the agent has no phrases in matches nothing.
    assert_eq!(
        nlu.match_intent("hello", "fr", TODAY, GRAFFITI_START, THRESHOLD),
        None
    );
}

#[test]
fn the_address_collection_intents_tell_their_phrases_apart() {
    let nlu = nlu("goodbye-graffiti");
    let scope = [
        "prebuilt_components_confirmation_yes",
        "prebuilt_components_confirmation_no",
        "prebuilt_components_address_collection_postal_code",
        "prebuilt_components_address_collection_route",
        "prebuilt_components_address_collection_street_number",
        "prebuilt_components_address_collection_locality",
    ];
    for (text, expected) in [
        ("yes", "prebuilt_components_confirmation_yes"),
        ("yes that's right", "prebuilt_components_confirmation_yes"),
        ("no, that's wrong", "prebuilt_components_confirmation_no"),
        (
            "the zip code is not right",
            "prebuilt_components_address_collection_postal_code",
        ),
        (
            "please change the street name",
            "prebuilt_components_address_collection_route",
        ),
        (
            "the house number is wrong",
            "prebuilt_components_address_collection_street_number",
        ),
    ] {
        let matched = nlu.match_intent(text, "en", TODAY, &scope, THRESHOLD);
        assert_eq!(
            matched.as_ref().map(|m| m.display_name.as_str()),
            Some(expected),
            "{text}"
        );
    }
}

/// An intent with plain phrases.
fn intent(name: &str, priority: Option<i64>, phrases: &[&str]) -> Intent {
    let phrases = phrases
        .iter()
        .map(|text| TrainingPhrase {
            parts: vec![Part {
                text: (*text).to_owned(),
                parameter_id: None,
            }],
            repeat_count: Some(1),
            language_code: "en".to_owned(),
        })
        .collect();
    Intent {
        display_name: name.to_owned(),
        priority,
        training_phrases: [("en".to_owned(), phrases)].into(),
        ..Intent::default()
    }
}

#[test]
fn priorities_break_ties_and_a_negative_one_disables() {
    let intents = [
        intent("low", Some(100), &["book a table"]),
        intent("high", Some(900_000), &["book a table"]),
        intent("off", Some(-1), &["cancel my booking"]),
    ];
    let nlu = Nlu::new(&intents, &[]);
    let all = ["low", "high", "off"];
    let matched = nlu
        .match_intent("book a table", "en", TODAY, &all, THRESHOLD)
        .expect("a match");
    assert_eq!(matched.display_name, "high");
    assert_eq!(
        nlu.match_intent("cancel my booking", "en", TODAY, &all, THRESHOLD),
        None
    );
}

#[test]
fn the_negative_intent_suppresses_what_it_matches() {
    let intents = [
        intent(
            "book",
            None,
            &["book a table", "reserve a table for tonight"],
        ),
        intent("Default Negative Intent", None, &["book a flight"]),
    ];
    let nlu = Nlu::new(&intents, &[]);
    assert_eq!(
        nlu.match_intent("book a flight", "en", TODAY, &["book"], THRESHOLD),
        None
    );
    assert_eq!(
        nlu.match_intent("please book a flight", "en", TODAY, &["book"], THRESHOLD),
        None
    );
    let matched = nlu
        .match_intent("book a table please", "en", TODAY, &["book"], THRESHOLD)
        .expect("a match");
    assert_eq!(matched.display_name, "book");
}

#[test]
fn the_threshold_decides_similarity_matches() {
    let intents = [intent("weather", None, &["what is the weather like today"])];
    let nlu = Nlu::new(&intents, &[]);
    let loose = nlu
        .match_intent("weather today", "en", TODAY, &["weather"], 0.3)
        .expect("a loose match");
    assert!(loose.confidence < 0.9);
    assert_eq!(
        nlu.match_intent("weather today", "en", TODAY, &["weather"], 0.9),
        None
    );
}

#[test]
fn list_parameters_collect_every_value() {
    let mut intents = [intent("trip", None, &[])];
    intents[0].parameters = vec![IntentParameter {
        id: "places".to_owned(),
        entity_type: "@destination".to_owned(),
        is_list: true,
        redact: false,
    }];
    intents[0].training_phrases.insert(
        "en".to_owned(),
        vec![TrainingPhrase {
            parts: vec![
                Part {
                    text: "I want to go to ".to_owned(),
                    parameter_id: None,
                },
                Part {
                    text: "Mexico".to_owned(),
                    parameter_id: Some("places".to_owned()),
                },
            ],
            repeat_count: None,
            language_code: "en".to_owned(),
        }],
    );
    let (_, entity_types) = agent("divebooker");
    let nlu = Nlu::new(&intents, &entity_types);
    let matched = nlu
        .match_intent(
            "I'd love to go to Costa Rica and the Galapagos",
            "en",
            TODAY,
            &["trip"],
            THRESHOLD,
        )
        .expect("a match");
    assert_eq!(
        param(&matched, "places"),
        Some((
            "Costa Rica, Galapagos",
            &json!(["Costa Rica", "Galapagos Islands"])
        ))
    );
}

#[test]
fn custom_types_extract_for_form_slots() {
    let nlu = nlu("divebooker");
    let destination = nlu
        .extract("@destination", "Sea of Cortez please", "en", TODAY)
        .expect("a destination");
    assert_eq!(
        destination,
        Extracted {
            original: "Sea of Cortez".to_owned(),
            resolved: json!("Mexico")
        }
    );
    assert_eq!(nlu.extract("@destination", "Europe", "en", TODAY), None);
    let guests = nlu
        .extract("@number-of-guests", "we are 8 people", "en", TODAY)
        .expect("guests");
    assert_eq!(guests.resolved, json!("8"));
    assert_eq!(
        nlu.extract("@number-of-guests", "we are 30", "en", TODAY),
        None
    );
    let both = nlu.extract_list("@destination", "Galapagos or Mexico", "en", TODAY);
    let resolved: Vec<&Value> = both.iter().map(|value| &value.resolved).collect();
    assert_eq!(resolved, [&json!("Galapagos Islands"), &json!("Mexico")]);
    assert!(nlu.is_supported("@destination") && nlu.is_supported("@sys.date"));
    assert!(!nlu.is_supported("@sys.color") && !nlu.is_supported("@nowhere"));
}

#[test]
fn an_excluded_phrase_blocks_a_synonym_inside_it() {
    let entity_type = EntityType {
        display_name: "sea".to_owned(),
        kind: EntityKind::Map,
        entities: [(
            "en".to_owned(),
            vec![Entity {
                value: "Red Sea".to_owned(),
                synonyms: vec!["red sea".to_owned()],
                language_code: "en".to_owned(),
            }],
        )]
        .into(),
        excluded_phrases: [(
            "en".to_owned(),
            vec![ExcludedPhrase {
                value: "dead red sea".to_owned(),
                language_code: "en".to_owned(),
            }],
        )]
        .into(),
        ..EntityType::default()
    };
    let nlu = Nlu::new(&[], &[entity_type]);
    assert_eq!(nlu.extract("@sea", "the dead red sea", "en", TODAY), None);
    assert!(nlu.extract("@sea", "the red sea", "en", TODAY).is_some());
}

/// The resolved value of a system entity in a text.
fn system(entity: &str, text: &str, language: &str) -> Option<(String, Value)> {
    let nlu = Nlu::new(&[], &[]);
    nlu.extract(entity, text, language, TODAY)
        .map(|found| (found.original, found.resolved))
}

#[test]
fn system_any_and_numbers() {
    assert_eq!(
        system("@sys.any", "  anything at all ", "en"),
        Some(("anything at all".to_owned(), json!("anything at all")))
    );
    assert_eq!(system("@sys.any", "   ", "en"), None);
    assert_eq!(
        system("@sys.number", "about 2.5 metres", "en"),
        Some(("2.5".to_owned(), json!(2.5)))
    );
    assert_eq!(
        system("@sys.number", "twenty two", "en"),
        Some(("twenty two".to_owned(), json!(22.0)))
    );
    assert_eq!(
        system("@sys.number", "zweiundvierzig", "de"),
        Some(("zweiundvierzig".to_owned(), json!(42.0)))
    );
    assert_eq!(
        system("@sys.number-integer", "I am 34 years old", "en"),
        Some(("34".to_owned(), json!(34.0)))
    );
    assert_eq!(system("@sys.number-integer", "2.5", "en"), None);
}

#[test]
fn system_dates_times_and_periods() {
    let ymd = |y: f64, m: f64, d: f64| json!({"year": y, "month": m, "day": d});
    assert_eq!(
        system("@sys.date", "tomorrow", "en").map(|f| f.1),
        Some(ymd(2026.0, 12.0, 7.0))
    );
    assert_eq!(
        system("@sys.date", "next Monday", "en").map(|f| f.1),
        Some(ymd(2026.0, 12.0, 7.0))
    );
    assert_eq!(
        system("@sys.date", "am 3. Dezember", "de"),
        Some(("3. Dezember".to_owned(), ymd(2027.0, 12.0, 3.0)))
    );
    assert_eq!(
        system("@sys.date", "morgen", "de").map(|f| f.1),
        Some(ymd(2026.0, 12.0, 7.0))
    );
    assert_eq!(
        system("@sys.time", "um 10 Uhr", "de").map(|f| f.1),
        Some(json!({"hours": 10.0, "minutes": 0.0, "seconds": 0.0, "nanos": 0.0}))
    );
    assert_eq!(
        system("@sys.date-period", "next month", "en").map(|f| f.1),
        Some(json!({"startDate": ymd(2027.0, 1.0, 1.0), "endDate": ymd(2027.0, 1.0, 31.0)}))
    );
    assert_eq!(
        system("@sys.duration", "give me a minute", "en").map(|f| f.1),
        Some(json!({"amount": 1.0, "unit": "min"}))
    );
}

#[test]
fn system_contacts() {
    assert_eq!(
        system(
            "@sys.email",
            "it's Ann.Lee+dive@example.co.uk, thanks",
            "en"
        )
        .map(|f| f.1),
        Some(json!("Ann.Lee+dive@example.co.uk"))
    );
    assert_eq!(system("@sys.email", "ann at example", "en"), None);
    assert_eq!(
        system("@sys.phone-number", "call +1 (650) 253-0000 now", "en").map(|f| f.0),
        Some("+1 (650) 253-0000".to_owned())
    );
    assert_eq!(system("@sys.phone-number", "room 12", "en"), None);
    assert_eq!(
        system("@sys.person", "my name is Ann Lee and I dive", "en").map(|f| f.1),
        Some(json!({"name": "Ann Lee"}))
    );
    assert_eq!(
        system("@sys.person", "ich heiße Jürgen", "de").map(|f| f.1),
        Some(json!({"name": "Jürgen"}))
    );
    assert_eq!(
        system("@sys.person", "Maria Schmidt", "de").map(|f| f.1),
        Some(json!({"name": "Maria Schmidt"}))
    );
    assert_eq!(system("@sys.person", "I am looking for a boat", "en"), None);
    assert_eq!(system("@sys.person", "Yes Please", "en"), None);
}

#[test]
fn system_places() {
    assert_eq!(
        system("@sys.geo-city", "I live in München", "de").map(|f| f.1),
        Some(json!("Munich"))
    );
    assert_eq!(
        system("@sys.geo-city", "we fly from Springfield tomorrow", "en").map(|f| f.1),
        Some(json!("Springfield"))
    );
    assert_eq!(system("@sys.geo-city", "I live in Mexico", "en"), None);
    assert_eq!(system("@sys.geo-city", "Hello", "en"), None);
    assert_eq!(
        system("@sys.geo-city", "Springfield", "en").map(|f| f.1),
        Some(json!("Springfield"))
    );
    assert_eq!(system("@sys.address", "No way", "en"), None);
    assert_eq!(
        system("@sys.geo-country", "Deutschland", "de").map(|f| f.1),
        Some(json!("Germany"))
    );
    assert_eq!(
        system("@sys.geo-state", "in Victoria", "en").map(|f| f.1),
        Some(json!("Victoria"))
    );
    assert_eq!(
        system("@sys.zip-code", "it is 94043", "en").map(|f| f.1),
        Some(json!("94043"))
    );
    assert_eq!(
        system(
            "@sys.address",
            "I live at 1600 Amphitheatre Parkway, Mountain View, CA 94043",
            "en"
        )
        .map(|f| f.1),
        Some(json!("1600 Amphitheatre Parkway, Mountain View, CA 94043"))
    );
    assert_eq!(
        system("@sys.address", "Hauptstraße 5", "de").map(|f| f.1),
        Some(json!("Hauptstraße 5"))
    );
    assert_eq!(
        system(
            "@sys.address",
            "Ich wohne in der Goethestr. 12, Berlin",
            "de"
        )
        .map(|f| f.1),
        Some(json!("Goethestr. 12, Berlin"))
    );
    assert_eq!(
        system(
            "@sys.address",
            "on the windows of St Patrick's church",
            "en"
        ),
        None
    );
    assert_eq!(
        system(
            "@sys.location",
            "graffiti at the corner of Collins St and Lt Bourke St in Melbourne",
            "en"
        )
        .map(|f| f.1),
        Some(json!({"street-address": "Collins St", "city": "Melbourne"}))
    );
    assert_eq!(system("@sys.location", "somewhere nice", "en"), None);
}

#[test]
fn german_phrases_match_without_their_umlauts_and_fill_dates() {
    let mut termin = intent("termin", None, &[]);
    termin.parameters = vec![IntentParameter {
        id: "tag".to_owned(),
        entity_type: "@sys.date".to_owned(),
        is_list: false,
        redact: false,
    }];
    termin.training_phrases.insert(
        "de".to_owned(),
        vec![TrainingPhrase {
            parts: vec![
                Part {
                    text: "Ich möchte einen Termin am ".to_owned(),
                    parameter_id: None,
                },
                Part {
                    text: "Montag".to_owned(),
                    parameter_id: Some("tag".to_owned()),
                },
            ],
            repeat_count: None,
            language_code: "de".to_owned(),
        }],
    );
    let nlu = Nlu::new(&[termin], &[]);
    let matched = nlu
        .match_intent(
            "ich mochte einen termin am 3. Dezember",
            "de-DE",
            TODAY,
            &["termin"],
            THRESHOLD,
        )
        .expect("a match");
    assert_eq!(matched.confidence, 1.0);
    assert_eq!(
        param(&matched, "tag"),
        Some((
            "3. Dezember",
            &json!({"year": 2027.0, "month": 12.0, "day": 3.0})
        ))
    );
    let matched = nlu
        .match_intent("Termin morgen, bitte", "de", TODAY, &["termin"], THRESHOLD)
        .expect("a match");
    assert_eq!(
        param(&matched, "tag"),
        Some((
            "morgen",
            &json!({"year": 2026.0, "month": 12.0, "day": 7.0})
        ))
    );
}

#[test]
fn every_training_phrase_matches_an_intent_that_has_it() {
    for name in ["blood-donation", "divebooker", "goodbye-graffiti"] {
        let (intents, entity_types) = agent(name);
        let nlu = Nlu::new(&intents, &entity_types);
        let scope: Vec<&str> = intents
            .iter()
            .map(|intent| intent.display_name.as_str())
            .collect();
        let mut phrases = 0;
        for intent in &intents {
            for phrase in intent.training_phrases.get("en").into_iter().flatten() {
                let text = phrase.text();
                let matched = nlu
                    .match_intent(&text, "en", TODAY, &scope, THRESHOLD)
                    .expect(&text);
                assert_eq!(matched.confidence, 1.0, "{name}: {text}");
                let holder = intents
                    .iter()
                    .find(|other| other.display_name == matched.display_name)
                    .expect("intent");
                let says_it = holder.training_phrases["en"]
                    .iter()
                    .any(|other| normalize(&other.text()) == normalize(&text));
                assert!(says_it, "{name}: {text} matched {}", matched.display_name);
                phrases += 1;
            }
        }
        assert!(phrases > 0, "{name}");
    }
}

#[test]
fn unknown_words_count_as_the_phrase_word_they_misspell_or_share_a_stem_with() {
    let intents = [
        intent("quiz", None, &["check my eligibility for donating"]),
        intent("other", None, &["something else entirely"]),
    ];
    let nlu = Nlu::new(&intents, &[]);
    let scope = ["quiz", "other"];
    for text in [
        "check my eligibilty for donating",
        "check my eligible for donations",
    ] {
        let matched = nlu
            .match_intent(text, "en", TODAY, &scope, 0.9)
            .expect(text);
        assert_eq!(matched.display_name, "quiz", "{text}");
    }
    assert_eq!(
        nlu.match_intent("check my elephant for donuts", "en", TODAY, &scope, 0.7),
        None
    );
}

#[test]
fn absurd_amounts_are_no_panic() {
    let nlu = Nlu::new(&[], &[]);
    let text = "in 99999999999999 days, nine hundred million million million million million";
    for entity in [
        "@sys.date",
        "@sys.date-period",
        "@sys.number",
        "@sys.duration",
        "@sys.date-time",
    ] {
        nlu.extract(entity, text, "en", TODAY);
    }
    assert_eq!(
        nlu.extract("@sys.date", "in 99999999999999 days", "en", TODAY),
        None
    );
}

#[test]
fn a_long_text_is_matched_by_similarity_alone() {
    let nlu = nlu("divebooker");
    let long = "I am looking for a private boat to Galapagos Islands ".repeat(200);
    let matched = nlu
        .match_intent(&long, "en", TODAY, DIVEBOOKER, THRESHOLD)
        .expect("a match");
    assert_eq!(matched.display_name, "head.send.group.request");
    assert!(matched.confidence < 1.0);
}

#[test]
fn one_nlu_serves_many_sessions_at_once() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Nlu>();
}
