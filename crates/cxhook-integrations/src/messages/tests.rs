use std::fs;

use super::*;

/// Each shipped catalog, parsed, with its messages' arguments.
fn shipped_shapes() -> Vec<(&'static str, BTreeMap<String, BTreeSet<String>>)> {
    SHIPPED
        .iter()
        .map(|(language, source)| {
            let resource = FluentResource::try_new((*source).to_owned())
                .unwrap_or_else(|(_, errors)| panic!("{language}.ftl: {errors:?}"));
            (*language, arguments_of(&resource))
        })
        .collect()
}

/// The parts of a date or a time that only some languages need: English selects on the
/// region for the British forms and says the 12-hour clock's hour and AM/PM; German
/// does neither. And English's a/an. The code passes every part to every language.
const FORM_PARTS: [&str; 4] = ["region", "hour12", "period", "vowel"];

/// Every shipped language has every message of English, and no other. Each message takes
/// the same arguments in every language (its own `$variables` and those of the messages it
/// takes a piece from, such as `{ weekday }` or `{ booking-service-a }`), with one
/// exception: of the parts of a form ([`FORM_PARTS`]), a language uses only those it needs.
/// So no translation drops a name, an amount, a date, a count or a confirmation number, and
/// none uses an argument the code does not pass.
#[test]
fn every_shipped_language_has_every_message_with_the_same_arguments() {
    let shapes = shipped_shapes();
    let (_, english) = &shapes[0];
    assert!(english.len() >= 50, "{english:?}");
    let content = |arguments: &BTreeSet<String>| -> BTreeSet<String> {
        arguments
            .iter()
            .filter(|a| !FORM_PARTS.contains(&a.as_str()))
            .cloned()
            .collect()
    };
    for (language, shape) in &shapes[1..] {
        let missing: Vec<_> = english
            .keys()
            .filter(|id| !shape.contains_key(*id))
            .collect();
        let extra: Vec<_> = shape
            .keys()
            .filter(|id| !english.contains_key(*id))
            .collect();
        assert!(missing.is_empty(), "{language}.ftl lacks {missing:?}");
        assert!(extra.is_empty(), "{language}.ftl has unknown {extra:?}");
        for (id, arguments) in english {
            assert!(
                shape[id].is_subset(arguments),
                "{language}.ftl: {id} uses {:?}, which English does not take",
                shape[id].difference(arguments).collect::<Vec<_>>()
            );
            assert_eq!(
                content(&shape[id]),
                content(arguments),
                "{language}.ftl: the arguments of {id}"
            );
        }
    }
}

#[test]
fn no_shipped_message_formats_with_an_error() {
    let catalog = Catalog::shipped();
    let english = &shipped_shapes()[0].1;
    for (language, _) in SHIPPED {
        let bundle = &catalog.languages[language];
        for (id, arguments) in english {
            let args: FluentArgs<'_> = arguments.iter().map(|a| (a.as_str(), "x")).collect();
            let pattern = bundle.get_message(id).and_then(|m| m.value()).unwrap();
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
            assert!(errors.is_empty(), "{language} {id}: {errors:?}");
            assert!(!text.contains('\u{2068}'), "no isolation marks: {text:?}");
        }
    }
}

#[test]
fn no_translation_is_left_in_english() {
    let catalog = Catalog::shipped();
    let english = &shipped_shapes()[0].1;
    // Every argument is "0", so the letters of a formatted message are the message's own.
    let say = |language: &str, id: &str, arguments: &BTreeSet<String>| {
        let arguments: Vec<(&str, FluentValue<'_>)> =
            arguments.iter().map(|a| (a.as_str(), "0".into())).collect();
        catalog.say(language, id, &arguments)
    };
    for (language, _) in &SHIPPED[1..] {
        for (id, arguments) in english {
            let english_text = say("en", id, arguments);
            if english_text.chars().any(char::is_alphabetic) {
                assert_ne!(
                    say(language, id, arguments),
                    english_text,
                    "{language}.ftl: {id} is the English sentence"
                );
            }
        }
    }
}

#[test]
fn languages_match_on_the_language_subtag_and_fall_back_to_english() {
    let catalog = Catalog::shipped();
    assert_eq!(catalog.languages(), ["de", "en", "es", "fr"]);
    for (code, language) in [
        ("de", "de"),
        ("de-AT", "de"),
        ("DE-ch", "de"),
        ("en-GB", "en"),
        ("fr-CA", "fr"),
        ("es-419", "es"),
        ("es_MX", "es"),
        ("it", "en"),
        ("ja-JP", "en"),
        ("", "en"),
    ] {
        assert_eq!(catalog.language_for(code), language, "{code}");
    }
    let user = [("user_id", FluentValue::from("u-1"))];
    assert_eq!(
        catalog.say("de-AT", "account-unknown", &user),
        catalog.say("de", "account-unknown", &user)
    );
    assert_eq!(
        catalog.say("it-IT", "account-no-transactions", &user),
        "There are no transactions on account u-1 yet."
    );
}

#[test]
fn counts_take_the_plural_form_of_each_language() {
    let catalog = Catalog::shipped();
    let heading = |language: &str, count: usize| {
        catalog.say(
            language,
            "account-transactions",
            &[("user_id", "u-1".into()), ("count", count.into())],
        )
    };
    for (language, one, two) in [
        (
            "en",
            "The last transaction on account u-1:",
            "The last 2 transactions on account u-1:",
        ),
        (
            "de",
            "Der letzte Umsatz auf dem Konto u-1:",
            "Die letzten 2 Umsätze auf dem Konto u-1:",
        ),
        (
            "fr",
            "La dernière opération sur le compte u-1\u{202f}:",
            "Les 2 dernières opérations sur le compte u-1\u{202f}:",
        ),
        (
            "es",
            "El último movimiento de la cuenta u-1:",
            "Los últimos 2 movimientos de la cuenta u-1:",
        ),
    ] {
        assert_eq!(heading(language, 1), one);
        assert_eq!(heading(language, 2), two);
    }
}

#[test]
fn the_slot_grid_takes_the_plural_form_of_each_language() {
    let catalog = Catalog::shipped();
    let grid = |language: &str, minutes: u32| {
        catalog.say(language, "booking-off-grid", &[("minutes", minutes.into())])
    };
    for (language, one, many) in [
        ("en", "every minute", "every 30 minutes"),
        ("de", "jede Minute", "alle 30 Minuten"),
        ("fr", "toutes les minutes", "toutes les 30 minutes"),
        ("es", "cada minuto", "cada 30 minutos"),
    ] {
        assert!(grid(language, 1).contains(one), "{}", grid(language, 1));
        assert!(grid(language, 30).contains(many), "{}", grid(language, 30));
    }
}

#[test]
fn an_override_rewords_a_message_adds_a_language_and_leaves_the_rest_shipped() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("de.ftl"),
        "# Unser Ton.\naccount-balance = Auf Ihrem Konto { $user_id } sind { $balance }.\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("it.ftl"),
        "account-balance = Il saldo del conto { $user_id } è { $balance }.\n",
    )
    .unwrap();
    fs::write(dir.path().join("README.md"), "not a catalog").unwrap();
    let catalog = Catalog::with_overrides(dir.path()).unwrap();
    assert_eq!(catalog.languages(), ["de", "en", "es", "fr", "it"]);
    let balance = [("user_id", "u-1".into()), ("balance", "5,00 €".into())];
    assert_eq!(
        catalog.say("de-DE", "account-balance", &balance),
        "Auf Ihrem Konto u-1 sind 5,00 €."
    );
    assert_eq!(
        catalog.say("it", "account-balance", &balance),
        "Il saldo del conto u-1 è 5,00 €."
    );
    let user = [("user_id", FluentValue::from("u-1"))];
    assert_eq!(
        catalog.say("de", "account-no-transactions", &user),
        Catalog::shipped().say("de", "account-no-transactions", &user),
        "a message the override lacks is the shipped one"
    );
    assert_eq!(
        catalog.say("it", "account-no-transactions", &user),
        "There are no transactions on account u-1 yet.",
        "a message an added language lacks is English"
    );
    assert_eq!(
        Catalog::shipped().say("de", "account-balance", &balance),
        "Der Kontostand von Konto u-1 beträgt 5,00 €.",
        "the shipped catalog is untouched"
    );
}

#[test]
fn an_override_names_a_business_s_own_service_and_may_use_the_arguments_of_its_forms() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("de.ftl"),
        "booking-service =\n    { $service ->\n        [eyebrow-tint] Augenbrauenfärben\n       \
         *[other] { $name }\n    }\n\
         booking-available = Frei am { $date } um { $time }: { $name }.\n",
    )
    .unwrap();
    let catalog = Catalog::with_overrides(dir.path()).unwrap();
    let tint = [
        ("service", "eyebrow-tint".into()),
        ("name", "Eyebrow tint".into()),
        ("vowel", "yes".into()),
    ];
    assert_eq!(
        catalog.say("de", "booking-service", &tint),
        "Augenbrauenfärben"
    );
    assert_eq!(
        catalog.say("de", "booking-service-a", &tint),
        "Augenbrauenfärben",
        "the shipped form takes the override's name"
    );
    assert_eq!(
        catalog.say("en", "booking-service-a", &tint),
        "an Eyebrow tint"
    );
    let when = [
        ("date", "Dienstag, 1. Dezember".into()),
        ("time", "9:00 Uhr".into()),
        ("name", "Eyebrow tint".into()),
    ];
    assert_eq!(
        catalog.say("de", "booking-available", &when),
        "Frei am Dienstag, 1. Dezember um 9:00 Uhr: Eyebrow tint."
    );
}

/// The load error of a directory holding only `name` with `text`.
fn refused(name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(name), text).unwrap();
    let error = Catalog::with_overrides(dir.path()).unwrap_err();
    let shown = error.to_string();
    let path = dir.path().join(name).display().to_string();
    shown
        .strip_prefix(&path)
        .unwrap_or_else(|| panic!("names the file: {shown}"))
        .to_owned()
}

#[test]
fn a_broken_override_is_refused_with_its_file_and_line() {
    assert_eq!(
        refused(
            "de.ftl",
            "account-balance = Stand: { $balance }.\n\naccount-balanse = Stand: { $balance }.\n",
        ),
        ":3: `account-balanse` is not a message of the shipped catalog"
    );
    assert_eq!(
        refused(
            "fr.ftl",
            "account-unknown =\n    Aucun compte { $user_id }\n    pour { $name }.\n",
        ),
        ":3: `$name` is not an argument of `account-unknown` (its arguments: $user_id)"
    );
    assert_eq!(
        refused(
            "es.ftl",
            "account-which = Hola\naccount-balance = { $balance\n"
        ),
        ":2: not valid Fluent: Expected a token starting with \"}\""
    );
    assert!(
        refused("deutsch.ftl", "account-which = Welches Konto?\n")
            .starts_with(":1: `deutsch` is not a language subtag"),
    );
    let missing = tempfile::tempdir().unwrap().path().join("gone");
    assert!(matches!(
        Catalog::with_overrides(&missing),
        Err(LoadError::Read { .. })
    ));
}

#[test]
fn a_catalog_is_shared_by_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Catalog>();
}
