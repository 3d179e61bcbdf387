//! Every booking reply in English, German, French and Spanish, from the message catalog:
//! a refusal of each kind, what is still needed, a booking, a taken slot, a cancellation
//! and its repeat, over a real SQLite file. The messages no call reaches here easily (a
//! database that fails, a pending external booking) are held by the catalog's own tests:
//! every message exists in every language, formats without an error and is not English.

use std::sync::Arc;

use cxhook::types::ParameterState;
use cxhook_integrations::booking::jiff::Timestamp;
use cxhook_integrations::booking::{
    self, BookingConfig, Clock, DatabaseConfig, SqliteBookingStore,
};
use cxhook_sim::{AGENT, RequestBuilder, TestClient};
use serde_json::{Value, json};

use crate::support::answer;

/// Monday, 30 November 2026, 10:00 in New York.
const NOW: &str = "2026-11-30T15:00:00Z";

/// A narrow no-break space, which French puts before `?`, `:` and inside « ».
const NNBSP: &str = "\u{202f}";

fn open(dir: &std::path::Path) -> TestClient {
    let config = BookingConfig {
        database: dir.join("cxhook.db"),
        ..BookingConfig::default()
    };
    let store = SqliteBookingStore::open(&config.database_options()).unwrap();
    let parts = booking::Parts {
        store: Arc::new(store),
        clock: Clock::fixed(NOW.parse::<Timestamp>().unwrap()),
        messages: cxhook_integrations::messages::Catalog::shipped(),
    };
    TestClient::new(booking::router_with(&config, parts).unwrap())
}

fn date(day: u32) -> Value {
    json!({"year": 2026.0, "month": 12.0, "day": f64::from(day)})
}

fn time(hours: u32, minutes: u32) -> Value {
    json!({"hours": f64::from(hours), "minutes": f64::from(minutes), "seconds": 0.0})
}

/// A call of `tag` in `language` from session `session`, with `params` as session
/// parameters; with `form`, from a page whose form has `service`, `date` and `time`.
fn call(tag: &str, language: &str, session: &str, params: Value, form: bool) -> RequestBuilder {
    let params = params.as_object().cloned().unwrap_or_default();
    let mut call = RequestBuilder::new()
        .tag(tag)
        .text("…")
        .lang(language)
        .session(format!("{AGENT}/sessions/{session}"))
        .response_id(format!("{session}-{tag}-{}", params.len()));
    if form {
        call = call.page("Book");
        for name in ["service", "date", "time"] {
            call = match params.get(name) {
                Some(value) => call.form_param(name, ParameterState::Filled, Some(value.clone())),
                None => call.form_param(name, ParameterState::Empty, None),
            }
            .form_required(name, true);
        }
    }
    params
        .into_iter()
        .fold(call, |call, (name, value)| call.param(name, value))
}

/// What one language says at each step of [`every_booking_reply_is_said_in_the_callers_language`];
/// `{c}` stands for the confirmation number.
struct Said {
    language: &'static str,
    available: &'static str,
    closed: &'static str,
    outside_hours: &'static str,
    ends_after_closing: &'static str,
    off_grid: &'static str,
    not_offered_and_which_date: &'static str,
    past_date: &'static str,
    need_time: &'static str,
    need_service_and_date: &'static str,
    booked: &'static str,
    taken: &'static str,
    cancelled: &'static str,
    already_cancelled: &'static str,
    not_found: &'static str,
    which_to_cancel: &'static str,
}

fn languages() -> Vec<Said> {
    vec![
        Said {
            language: "en",
            available: "Haircut on Tuesday, December 1 at 9:00 AM is available.",
            closed: "We're closed on Sundays. Which other day works for you?",
            outside_hours: "On Tuesdays we're open from 9:00 AM to 5:00 PM. \
                            Which time in between works for you?",
            ends_after_closing: "A massage at 4:30 PM would end after we close at 5:00 PM. \
                                 The last start time is 4:00 PM.",
            off_grid: "Appointments start every 30 minutes from opening time. \
                       Which time would you like?",
            not_offered_and_which_date: "Sorry, we don't offer tattoo. You can book a \
                                         consultation, haircut or massage. Which date was that?",
            past_date: "That date is in the past. Which day would you like?",
            need_time: "To book your massage on Tuesday, December 1, I need a time.",
            need_service_and_date: "To book at 3:00 PM, I need a service (consultation, \
                                    haircut or massage) and a date.",
            booked: "You're booked: haircut on Tuesday, December 1 at 9:00 AM. \
                     Your confirmation number is {c}.",
            taken: "Sorry, Tuesday, December 1 at 9:00 AM is already taken for a haircut. \
                    Which other time works for you?",
            cancelled: "Your haircut on Tuesday, December 1 at 9:00 AM ({c}) is cancelled.",
            already_cancelled: "Your haircut on Tuesday, December 1 at 9:00 AM ({c}) \
                                was already cancelled.",
            not_found: "I can't find a booking with confirmation number BK-000000. \
                        Please check the number and tell me again.",
            which_to_cancel: "Which booking should I cancel? Please tell me its confirmation number.",
        },
        Said {
            language: "de",
            available: "Am Dienstag, 1. Dezember, um 9:00 Uhr ist ein Termin für einen \
                        Haarschnitt frei.",
            closed: "Wir haben sonntags geschlossen. Welcher andere Tag passt Ihnen?",
            outside_hours: "Wir haben dienstags von 9:00 Uhr bis 17:00 Uhr geöffnet. \
                            Welche Uhrzeit dazwischen passt Ihnen?",
            ends_after_closing: "Für eine Massage um 16:30 Uhr reicht die Zeit nicht: Wir \
                                 schließen um 17:00 Uhr. Der letzte mögliche Beginn ist 16:00 Uhr.",
            off_grid: "Termine beginnen ab Öffnung alle 30 Minuten. Welche Uhrzeit möchten Sie?",
            not_offered_and_which_date: "Leider bieten wir „tattoo“ nicht an. Buchen können \
                                         Sie: Beratung, Haarschnitt oder Massage. Welches \
                                         Datum meinten Sie?",
            past_date: "Dieses Datum liegt in der Vergangenheit. An welchem Tag möchten Sie kommen?",
            need_time: "Für eine Massage am Dienstag, 1. Dezember, brauche ich noch eine Uhrzeit.",
            need_service_and_date: "Für einen Termin um 15:00 Uhr brauche ich noch eine \
                                    Leistung (Beratung, Haarschnitt oder Massage) und ein Datum.",
            booked: "Ihr Termin ist gebucht: Haarschnitt am Dienstag, 1. Dezember, um 9:00 Uhr. \
                     Ihre Buchungsnummer lautet {c}.",
            taken: "Leider ist am Dienstag, 1. Dezember, um 9:00 Uhr kein Termin für einen \
                    Haarschnitt mehr frei. Welche andere Uhrzeit passt Ihnen?",
            cancelled: "Ihr Termin {c} (Haarschnitt am Dienstag, 1. Dezember, um 9:00 Uhr) \
                        ist storniert.",
            already_cancelled: "Ihr Termin {c} (Haarschnitt am Dienstag, 1. Dezember, um \
                                9:00 Uhr) war schon storniert.",
            not_found: "Eine Buchung mit der Nummer BK-000000 finde ich nicht. Bitte prüfen \
                        Sie die Nummer und nennen Sie sie mir noch einmal.",
            which_to_cancel: "Welche Buchung soll ich stornieren? Bitte nennen Sie mir die \
                              Buchungsnummer.",
        },
        Said {
            language: "fr",
            available: "Le créneau du mardi 1er décembre à 9 h 00 est libre pour une coupe \
                        de cheveux.",
            closed: "Nous sommes fermés le dimanche. Quel autre jour vous conviendrait ?",
            outside_hours: "Nous sommes ouverts le mardi de 9 h 00 à 17 h 00. Quelle heure \
                            dans cette plage vous conviendrait ?",
            ends_after_closing: "Un massage à 16 h 30 finirait après notre fermeture à \
                                 17 h 00. Le dernier horaire possible est 16 h 00.",
            off_grid: "Les rendez-vous commencent toutes les 30 minutes à partir de \
                       l’ouverture. À quelle heure souhaitez-vous venir ?",
            not_offered_and_which_date: "Désolé, nous ne proposons pas « tattoo ». Vous \
                                         pouvez réserver : consultation, coupe de cheveux \
                                         ou massage. Quelle date avez-vous dite ?",
            past_date: "Cette date est déjà passée. Quel jour vous conviendrait ?",
            need_time: "Pour réserver un massage le mardi 1er décembre, il me faut encore \
                        une heure.",
            need_service_and_date: "Pour réserver un rendez-vous à 15 h 00, il me faut \
                                    encore une prestation (consultation, coupe de cheveux \
                                    ou massage) et une date.",
            booked: "C’est réservé : coupe de cheveux le mardi 1er décembre à 9 h 00. \
                     Votre numéro de confirmation est {c}.",
            taken: "Désolé, le créneau du mardi 1er décembre à 9 h 00 est déjà pris pour \
                    une coupe de cheveux. Quelle autre heure vous conviendrait ?",
            cancelled: "Votre rendez-vous {c} (coupe de cheveux le mardi 1er décembre à \
                        9 h 00) est annulé.",
            already_cancelled: "Votre rendez-vous {c} (coupe de cheveux le mardi 1er \
                                décembre à 9 h 00) était déjà annulé.",
            not_found: "Je ne trouve aucune réservation avec le numéro de confirmation \
                        BK-000000. Pouvez-vous vérifier le numéro et me le redonner ?",
            which_to_cancel: "Quelle réservation dois-je annuler ? Merci de m’indiquer son \
                              numéro de confirmation.",
        },
        Said {
            language: "es",
            available: "El martes, 1 de diciembre a las 9:00 hay disponibilidad para un \
                        corte de pelo.",
            closed: "Cerramos los domingos. ¿Qué otro día le viene bien?",
            outside_hours: "Abrimos los martes de 9:00 a 17:00. ¿Qué hora dentro de ese \
                            horario le viene bien?",
            ends_after_closing: "Un masaje a las 16:30 terminaría después de que cerremos a \
                                 las 17:00. La última hora de inicio es a las 16:00.",
            off_grid: "Las citas empiezan cada 30 minutos desde la apertura. ¿A qué hora le \
                       gustaría?",
            not_offered_and_which_date: "Lo siento, no ofrecemos «tattoo». Puede reservar: \
                                         consulta, corte de pelo o masaje. ¿Qué fecha era?",
            past_date: "Esa fecha ya ha pasado. ¿Qué día le gustaría?",
            need_time: "Para reservar un masaje el martes, 1 de diciembre, necesito una hora.",
            need_service_and_date: "Para reservar una cita a las 15:00, necesito un servicio \
                                    (consulta, corte de pelo o masaje) y una fecha.",
            booked: "Listo, ya tiene su cita: corte de pelo el martes, 1 de diciembre a las \
                     9:00. Su número de confirmación es {c}.",
            taken: "Lo siento, el martes, 1 de diciembre a las 9:00 ya está ocupado para un \
                    corte de pelo. ¿Qué otra hora le viene bien?",
            cancelled: "Su cita {c} (corte de pelo el martes, 1 de diciembre a las 9:00) \
                        está cancelada.",
            already_cancelled: "Su cita {c} (corte de pelo el martes, 1 de diciembre a las \
                                9:00) ya estaba cancelada.",
            not_found: "No encuentro ninguna reserva con el número de confirmación BK-000000. \
                        Compruebe el número y dígamelo de nuevo, por favor.",
            which_to_cancel: "¿Qué reserva debo cancelar? Dígame su número de confirmación, \
                              por favor.",
        },
    ]
}

/// French's spaces: the ones written before `?`, `:` and inside « » are narrow no-break
/// spaces.
fn typeset(language: &str, text: &str) -> String {
    if language != "fr" {
        return text.to_owned();
    }
    text.replace(" ?", &format!("{NNBSP}?"))
        .replace(" :", &format!("{NNBSP}:"))
        .replace(" ;", &format!("{NNBSP};"))
        .replace("« ", &format!("«{NNBSP}"))
        .replace(" »", &format!("{NNBSP}»"))
}

#[tokio::test]
async fn every_booking_reply_is_said_in_the_callers_language() {
    for said in languages() {
        let l = said.language;
        let expect = |text: &str| typeset(l, text);
        let dir = tempfile::tempdir().unwrap();
        let client = open(dir.path());
        let validate = |params: Value| call("booking.validate", l, "s-1", params, true);

        let cases = [
            (
                json!({"service": "haircut", "date": date(1), "time": time(9, 0)}),
                said.available,
            ),
            (json!({"date": date(6)}), said.closed),
            (
                json!({"date": date(1), "time": time(8, 0)}),
                said.outside_hours,
            ),
            (
                json!({"service": "massage", "date": date(1), "time": time(16, 30)}),
                said.ends_after_closing,
            ),
            (json!({"date": date(1), "time": time(9, 15)}), said.off_grid),
            (
                json!({"service": "tattoo", "date": "someday"}),
                said.not_offered_and_which_date,
            ),
            (
                json!({"date": {"year": 2026.0, "month": 11.0, "day": 20.0}}),
                said.past_date,
            ),
        ];
        for (params, text) in cases {
            answer(&client, validate(params.clone()))
                .await
                .assert_text(&expect(text));
        }

        let create =
            |session: &str, params: Value| call("booking.create", l, session, params, false);
        answer(
            &client,
            create("s-1", json!({"service": "massage", "date": date(1)})),
        )
        .await
        .assert_text(&expect(said.need_time));
        answer(&client, create("s-1", json!({"time": time(15, 0)})))
            .await
            .assert_text(&expect(said.need_service_and_date));
        let booked = answer(
            &client,
            create(
                "s-1",
                json!({"service": "haircut", "date": date(1), "time": time(9, 0)}),
            ),
        )
        .await;
        let confirmation = booked
            .param("confirmation_id")
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned();
        let with_number = |text: &str| expect(&text.replace("{c}", &confirmation));
        booked.assert_text(&with_number(said.booked));
        answer(
            &client,
            call(
                "booking.validate",
                l,
                "s-2",
                json!({"service": "haircut", "date": date(1), "time": time(9, 0)}),
                true,
            ),
        )
        .await
        .assert_text(&expect(said.taken));

        let cancel =
            |session: &str, params: Value| call("booking.cancel", l, session, params, false);
        answer(
            &client,
            cancel("s-1", json!({"confirmation_id": confirmation})),
        )
        .await
        .assert_text(&with_number(said.cancelled));
        answer(
            &client,
            cancel("s-1", json!({"confirmation": confirmation})),
        )
        .await
        .assert_text(&with_number(said.already_cancelled));
        answer(&client, cancel("s-1", json!({"confirmation": "bk-000000"})))
            .await
            .assert_text(&expect(said.not_found));
        answer(&client, cancel("s-3", json!({})))
            .await
            .assert_text(&expect(said.which_to_cancel));
    }
}

#[tokio::test]
async fn regions_pick_their_forms_and_a_language_the_catalog_lacks_hears_english() {
    let dir = tempfile::tempdir().unwrap();
    let client = open(dir.path());
    let slot = json!({"service": "haircut", "date": date(1), "time": time(16, 0)});
    for (language, text) in [
        (
            "en-US",
            "Haircut on Tuesday, December 1 at 4:00 PM is available.",
        ),
        (
            "en-GB",
            "Haircut on Tuesday 1 December at 16:00 is available.",
        ),
        (
            "de-AT",
            "Am Dienstag, 1. Dezember, um 16:00 Uhr ist ein Termin für einen Haarschnitt frei.",
        ),
        (
            "fr-CA",
            "Le créneau du mardi 1er décembre à 16 h 00 est libre pour une coupe de cheveux.",
        ),
        (
            "es-MX",
            "El martes, 1 de diciembre a las 16:00 hay disponibilidad para un corte de pelo.",
        ),
        (
            "it-IT",
            "Haircut on Tuesday 1 December at 16:00 is available.",
        ),
        (
            "ja",
            "Haircut on Tuesday, December 1 at 4:00 PM is available.",
        ),
    ] {
        answer(
            &client,
            call("booking.validate", language, "s-1", slot.clone(), true),
        )
        .await
        .assert_text(text);
    }
}
