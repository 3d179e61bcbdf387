//! The `booking.validate`, `booking.create` and `booking.cancel` handlers, and the
//! reconciliation of pending external bookings.

use std::sync::Arc;

use cxhook::extract::{Form, LanguageCode, Params, Request, Session, State, Tag};
use cxhook::memory::Memory;
use cxhook::{BoxFuture, Reply};
use jiff::civil::{Date, Time};

use super::external::{Answer, ExternalApi};
use super::said::Said;
use super::schedule::{Clock, Schedule, Service, Slot};
use super::sentences::{self, Refusals, Sentence};
use super::store::{Booking, BookingStore, Created, NewBooking, Status, StoreError};
use crate::messages::{Catalog, Say, ssml};

/// The session parameter the confirmation number is kept in.
pub(super) const CONFIRMATION_ID: &str = "confirmation_id";
/// The parameter a caller may say a confirmation number in.
const CONFIRMATION: &str = "confirmation";
/// The parameter naming the service, and the fact the service last booked is remembered
/// under (`[memory] remember`).
const SERVICE: &str = "service";
/// The parameter naming the service offered from memory.
const SERVICE_SUGGESTED: &str = "service_suggested";

/// How many pending bookings a sweep claims at a time.
const CLAIM_BATCH: u32 = 8;

/// What one booking of a sweep may take beyond its API call: recording the answer.
const CALL_MARGIN: std::time::Duration = std::time::Duration::from_secs(2);

/// How long a sweep's claim on a batch lasts: long enough for every call of the batch and
/// the recording of its answer, so that no other sweep takes a booking still being sent.
fn claim_lease(call_timeout: std::time::Duration) -> std::time::Duration {
    (call_timeout + CALL_MARGIN) * CLAIM_BATCH
}

/// The handlers' state.
#[derive(Clone)]
pub(super) struct Bookings(Arc<Inner>);

struct Inner {
    store: Arc<dyn BookingStore>,
    schedule: Schedule,
    clock: Clock,
    external: Option<ExternalApi>,
    /// What the handlers say, by language.
    messages: Arc<Catalog>,
}

impl Bookings {
    pub(super) fn new(
        store: Arc<dyn BookingStore>,
        schedule: Schedule,
        clock: Clock,
        external: Option<ExternalApi>,
        messages: Arc<Catalog>,
    ) -> Self {
        Self(Arc::new(Inner {
            store,
            schedule,
            clock,
            external,
            messages,
        }))
    }

    /// The start-up task that reconciles the pending bookings, when there is an external
    /// API: a pass right away, then one every `reconcile_interval_ms`, for as long as the
    /// handlers' state lives. It holds the state weakly, so that the loop ends with the
    /// router rather than keep its store open.
    pub(super) fn reconciling(&self) -> Option<impl Fn() -> BoxFuture<()> + Send + Sync + 'static> {
        let every = self.0.external.as_ref()?.reconcile_every();
        let state = Arc::downgrade(&self.0);
        Some(move || -> BoxFuture<()> {
            let state = state.clone();
            Box::pin(async move {
                let mut ticks = tokio::time::interval(every);
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    ticks.tick().await;
                    let Some(inner) = state.upgrade() else {
                        return;
                    };
                    Bookings(inner).reconcile().await;
                }
            })
        })
    }

    /// Sends the pending bookings to the external API again, with their idempotency keys:
    /// those this sweep claims ([`BookingStore::claim_pending`], a batch at a time), so that
    /// of the sweeps of every replica on one database one alone sends each booking. A
    /// booking is sent only while its claim still covers the whole call; the rest of a batch
    /// whose claim ran out is left to a later sweep. The claims on the bookings the API did
    /// not settle are ended when the sweep ends, so that the next sweep sends them again.
    async fn reconcile(&self) {
        let Some(api) = &self.0.external else {
            return;
        };
        let lease = claim_lease(api.timeout());
        let mut unsettled = Vec::new();
        loop {
            let claimed_at = std::time::Instant::now();
            let claimed = match self.0.store.claim_pending(lease, CLAIM_BATCH).await {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::error!(error = %error, "cannot claim the pending bookings to reconcile");
                    break;
                }
            };
            if claimed.is_empty() {
                break;
            }
            for booking in claimed {
                if claimed_at.elapsed() + api.timeout() + CALL_MARGIN > lease {
                    break;
                }
                let (id, confirmation) = (booking.id, booking.confirmation.clone());
                match self.settle(booking).await {
                    Ok(Settled::Confirmed(_)) => {
                        tracing::info!(%confirmation, "reconciled a pending booking");
                    }
                    Ok(Settled::Refused) => {
                        tracing::warn!(%confirmation, "the scheduling API refused a pending booking");
                    }
                    Ok(Settled::Pending(_)) => unsettled.push(id),
                    Err(error) => {
                        tracing::error!(%confirmation, error = %error, "cannot reconcile a booking");
                        unsettled.push(id);
                    }
                }
            }
        }
        for id in unsettled {
            self.unclaim(id).await;
        }
    }

    /// Ends the claim on a pending booking the API did not settle, so that the next sweep
    /// sends it again; failing that, the claim ends with its lease.
    async fn unclaim(&self, id: i64) {
        if let Err(error) = self.0.store.unclaim(id).await {
            tracing::warn!(error = %error, "cannot end the claim on a pending booking");
        }
    }

    /// Asks the external API to book a pending booking and records its answer. Without an
    /// external API, the booking is what it is.
    async fn settle(&self, booking: Booking) -> Result<Settled, StoreError> {
        let Some(api) = &self.0.external else {
            return Ok(Settled::Confirmed(booking));
        };
        match api.book(&booking).await {
            Ok(Answer::Booked(external_id)) => {
                if let Err(error) = self.0.store.confirm(booking.id, &external_id).await {
                    // Not recorded (a failed write leaves nothing): it is pending, as stored.
                    tracing::warn!(
                        confirmation = %booking.confirmation,
                        error = %error,
                        "the booking stays pending"
                    );
                    return Ok(Settled::Pending(booking));
                }
                Ok(Settled::Confirmed(Booking {
                    status: Status::Confirmed,
                    external_id: Some(external_id),
                    ..booking
                }))
            }
            Ok(Answer::Refused(status)) => {
                tracing::warn!(confirmation = %booking.confirmation, %status, "the scheduling API refused the slot");
                self.0.store.release(booking.id, Status::Rejected).await?;
                Ok(Settled::Refused)
            }
            Err(error) => {
                tracing::warn!(
                    confirmation = %booking.confirmation,
                    error = %error,
                    "the booking stays pending"
                );
                Ok(Settled::Pending(booking))
            }
        }
    }
}

/// Where a booking ended after [`Bookings::settle`].
enum Settled {
    Confirmed(Booking),
    Pending(Booking),
    Refused,
}

/// `booking.validate`: checks whichever of `service`, `date` and `time` are known; marks each
/// that cannot be booked INVALID with a sentence saying why. Without a service said, and
/// nothing refused, it offers the service the caller booked last time, when remembered.
pub(super) async fn validate(
    State(bookings): State<Bookings>,
    Params(said): Params<Said>,
    form: Form,
    LanguageCode(language): LanguageCode,
    memory: Option<Memory>,
) -> Result<Reply, cxhook::Error> {
    let inner = &bookings.0;
    let schedule = &inner.schedule;
    let now = inner.clock.now();
    let say = Say::new(&inner.messages, &language);
    let mut refusals = Refusals::new(&form, say);
    let service_unsaid = said.service.is_none();

    let service = match said.service {
        None => None,
        Some(None) => {
            refusals.add("service", Sentence::new("booking-which-service", vec![]));
            None
        }
        Some(Some(name)) => {
            let service = schedule.service(&name);
            if service.is_none() {
                refusals.add("service", sentences::not_offered(say, &name, schedule));
            }
            service
        }
    };
    let date = match said.date {
        None => None,
        Some(None) => {
            refusals.add("date", Sentence::new("booking-which-date", vec![]));
            None
        }
        Some(Some(date)) => match schedule.check_date(date, now) {
            Ok(_) => Some(date),
            Err(refusal) => {
                refusals.refuse(&refusal, schedule);
                None
            }
        },
    };
    let time = match said.time {
        None => None,
        Some(None) => {
            refusals.add("time", Sentence::new("booking-which-time", vec![]));
            None
        }
        Some(Some(time)) => Some(time),
    };
    let mut available = None;
    if let (Some(date), Some(time)) = (date, time) {
        // Without a service yet, the hours are checked for the shortest booking, one cell.
        let probe = service.clone().unwrap_or(Service {
            name: String::new(),
            minutes: schedule.slot_minutes,
        });
        match schedule.slot(date, time, &probe, now) {
            Err(refusal) => refusals.refuse(&refusal, schedule),
            Ok(slot) if service.is_some() => {
                let taken = inner
                    .store
                    .is_taken(&slot.resource, &slot.cells)
                    .await
                    .map_err(|e| unavailable(e, say))?;
                if taken {
                    refusals.add("time", sentences::taken(say, &slot));
                } else {
                    available = Some(slot);
                }
            }
            Ok(_) => {}
        }
    }
    if !refusals.is_empty() {
        return Ok(refusals.reply());
    }
    Ok(match available {
        Some(slot) => {
            let mut arguments = sentences::when(say, &slot.start);
            arguments.extend(sentences::service(&slot.service.name));
            Reply::text(say.sentence("booking-available", &arguments))
        }
        None if service_unsaid => match remembered_service(memory.as_ref(), schedule).await {
            Some(service) => suggested(Reply::text(offer(&service, say)), &service),
            None => Reply::new(),
        },
        None => Reply::new(),
    })
}

/// `booking.create`: books the slot in `service`, `date` and `time`, once per turn. Without a
/// service said, it asks for what is missing and offers the service the caller booked last
/// time, when remembered; it books nothing until the service is said.
#[allow(clippy::too_many_arguments)]
pub(super) async fn create(
    State(bookings): State<Bookings>,
    Request(request): Request,
    Tag(tag): Tag,
    session: Session,
    Params(said): Params<Said>,
    form: Form,
    LanguageCode(language): LanguageCode,
    memory: Option<Memory>,
) -> Result<Reply, cxhook::Error> {
    let inner = &bookings.0;
    let schedule = &inner.schedule;
    let now = inner.clock.now();
    let say = Say::new(&inner.messages, &language);

    let service_unsaid = said.service.is_none();
    let said_service = said.service.flatten();
    let service = said_service
        .as_deref()
        .and_then(|name| schedule.service(name));
    let date = said.date.flatten();
    let time = said.time.flatten();
    let (Some(service), Some(date), Some(time)) = (service.clone(), date, time) else {
        let known = Known {
            said_service: said_service.as_deref(),
            service: service.as_ref(),
            date,
            time,
        };
        let remembered = match service {
            None if service_unsaid => remembered_service(memory.as_ref(), schedule).await,
            _ => None,
        };
        return Ok(ask_for_the_rest(
            &form,
            schedule,
            &known,
            remembered.as_ref(),
            say,
        ));
    };
    let slot = match schedule.slot(date, time, &service, now) {
        Ok(slot) => slot,
        Err(refusal) => {
            let mut refusals = Refusals::new(&form, say);
            refusals.refuse(&refusal, schedule);
            return Ok(refusals.reply());
        }
    };
    // A turn ID is only unique within its session: another session sending the same one
    // (by accident or on purpose) is another turn, never a way to this session's booking.
    let turn_key = Some(&request.detect_intent_response_id)
        .filter(|id| !id.is_empty())
        .map(|id| format!("{}#{id}#{tag}", session.name()));
    let new = NewBooking {
        idempotency_key: idempotency_key(turn_key.as_deref()),
        turn_key,
        session: session.name().to_owned(),
        service: service.name.clone(),
        resource: slot.resource.clone(),
        start: slot.start.timestamp(),
        end: slot.end,
        cells: slot.cells.clone(),
        status: if inner.external.is_some() {
            Status::Pending
        } else {
            Status::Confirmed
        },
        created_at: now,
    };
    // Whether the slot was held before this turn: a slot lost to a booking that committed
    // between this check and the claim was "just taken"; one held all along is "already
    // taken". The same session's own booking of the slot is returned by `create` instead.
    let held_before = inner
        .store
        .is_taken(&slot.resource, &slot.cells)
        .await
        .map_err(|e| unavailable(e, say))?;
    let (booking, created) = match inner
        .store
        .create(new)
        .await
        .map_err(|e| unavailable(e, say))?
    {
        Created::New(booking) => (booking, true),
        Created::Existing(booking) => (booking, false),
        Created::Taken if held_before => return Ok(already_taken(&form, &slot, say)),
        Created::Taken => return Ok(just_taken(&form, &slot, say)),
    };
    let booking = match booking.status {
        Status::Pending => match bookings
            .settle(booking)
            .await
            .map_err(|e| unavailable(e, say))?
        {
            Settled::Confirmed(booking) => booking,
            Settled::Pending(booking) => {
                if created {
                    // Created claimed for this call: the next sweep sends it again.
                    bookings.unclaim(booking.id).await;
                }
                return Ok(
                    say_booking_aloud(say, "booking-pending", schedule, &booking)
                        .set_param(CONFIRMATION_ID, &booking.confirmation)
                        .set_param("booking_status", Status::Pending.as_str()),
                );
            }
            Settled::Refused => return Ok(already_taken(&form, &slot, say)),
        },
        Status::Confirmed => booking,
        Status::Rejected => return Ok(already_taken(&form, &slot, say)),
        Status::Cancelled => {
            return Ok(Reply::text(say.sentence(
                "booking-no-longer-active",
                &[("confirmation", booking.confirmation.as_str().into())],
            ))
            .clear_param(CONFIRMATION_ID)
            .set_param("booking_status", booking.status.as_str()));
        }
    };
    Ok(
        say_booking_aloud(say, "booking-confirmed", schedule, &booking)
            .set_param(CONFIRMATION_ID, &booking.confirmation)
            .set_param("booking_status", Status::Confirmed.as_str()),
    )
}

/// `booking.cancel`: cancels the booking named by `confirmation` (or `confirmation_id`),
/// when this session made it.
pub(super) async fn cancel(
    State(bookings): State<Bookings>,
    session: Session,
    Params(params): Params<Said>,
    form: Form,
    LanguageCode(language): LanguageCode,
) -> Result<Reply, cxhook::Error> {
    let inner = &bookings.0;
    let say = Say::new(&inner.messages, &language);
    let said = [
        (CONFIRMATION, params.confirmation),
        (CONFIRMATION_ID, params.confirmation_id),
    ]
    .into_iter()
    .find_map(|(name, value)| value.flatten().map(|said| (name, said)));
    let Some((param, said)) = said else {
        return Ok(Reply::text(say.sentence("booking-which-to-cancel", &[])));
    };
    let Some(confirmation) = normalize(&said) else {
        return Ok(not_found(&form, param, &said, say));
    };
    let found = inner
        .store
        .find(&confirmation, session.name())
        .await
        .map_err(|e| unavailable(e, say))?;
    let Some(booking) = found else {
        return Ok(not_found(&form, param, &confirmation, say));
    };
    if matches!(booking.status, Status::Cancelled | Status::Rejected) {
        return Ok(Reply::text(say_booking(
            say,
            "booking-already-cancelled",
            &inner.schedule,
            &booking,
        ))
        .set_param("booking_found", true)
        .set_param("booking_status", booking.status.as_str()));
    }
    if let (Some(api), Some(external_id)) = (&inner.external, &booking.external_id) {
        api.cancel(external_id)
            .await
            .map_err(|e| cxhook::Error::new(e).say(say.sentence("booking-cancel-failed", &[])))?;
    }
    inner
        .store
        .release(booking.id, Status::Cancelled)
        .await
        .map_err(|e| unavailable(e, say))?;
    let mut reply = Reply::text(say_booking(
        say,
        "booking-cancelled",
        &inner.schedule,
        &booking,
    ))
    .set_param("booking_found", true)
    .set_param("booking_status", Status::Cancelled.as_str());
    if session.str_param(CONFIRMATION_ID).and_then(normalize) == Some(confirmation) {
        reply = reply.clear_param(CONFIRMATION_ID);
    }
    Ok(reply)
}

/// Message `id` about `booking`: its service, when it starts and its confirmation number.
fn say_booking(say: Say<'_>, id: &str, schedule: &Schedule, booking: &Booking) -> String {
    say.sentence(id, &booking_arguments(say, schedule, booking))
}

/// The reply of message `id` about `booking`, with an SSML variant that spells the
/// confirmation number out when the catalog speaks SSML.
fn say_booking_aloud(say: Say<'_>, id: &str, schedule: &Schedule, booking: &Booking) -> Reply {
    let arguments = booking_arguments(say, schedule, booking);
    let reply = Reply::text(say.sentence(id, &arguments));
    if !say.speaks_ssml() {
        return reply;
    }
    let number = ssml::characters(&booking.confirmation);
    reply.ssml(say.ssml(id, &arguments, &[("confirmation", number)]))
}

/// The arguments of a message about `booking`.
fn booking_arguments(say: Say<'_>, schedule: &Schedule, booking: &Booking) -> sentences::Arguments {
    let mut arguments = sentences::when(say, &schedule.zoned(booking.start));
    arguments.extend(sentences::service(&booking.service));
    arguments.push(("confirmation", booking.confirmation.clone().into()));
    arguments
}

/// The service remembered for the caller under [`SERVICE`], when the schedule still offers
/// it; `None` without memory, or when the store cannot be read (then nothing is offered).
async fn remembered_service(memory: Option<&Memory>, schedule: &Schedule) -> Option<Service> {
    let memory = memory?;
    match memory.value(SERVICE).await {
        Ok(value) => schedule.service(value?.as_str()?),
        Err(error) => {
            tracing::warn!(
                user = memory.user().map(|user| user.short()),
                error = %error,
                "booking: the remembered service could not be read"
            );
            None
        }
    }
}

/// The sentence offering `service` again.
fn offer(service: &Service, say: Say<'_>) -> String {
    say.sentence("booking-suggest", &sentences::service(&service.name))
}

/// `reply`, which offers `service` again, with [`SERVICE_SUGGESTED`] naming it. The
/// service itself stays unset (cleared, so that a recall of memory into the session does
/// not fill it either): the caller says yes, or another service, before anything is
/// booked.
fn suggested(reply: Reply, service: &Service) -> Reply {
    reply
        .clear_param(SERVICE)
        .set_param(SERVICE_SUGGESTED, &service.name)
}

/// The reply for a slot that a concurrent booking claimed during this turn.
fn just_taken(form: &Form, slot: &Slot, say: Say<'_>) -> Reply {
    let mut refusals = Refusals::new(form, say);
    refusals.add(
        "time",
        Sentence::new("booking-just-taken", sentences::when(say, &slot.start)),
    );
    refusals.reply()
}

/// The reply for a slot that was held before this turn asked for it.
fn already_taken(form: &Form, slot: &Slot, say: Say<'_>) -> Reply {
    let mut refusals = Refusals::new(form, say);
    refusals.add("time", sentences::taken(say, slot));
    refusals.reply()
}

/// What `booking.create` was told of the slot when some of it is missing.
struct Known<'a> {
    /// The service as said, known or not.
    said_service: Option<&'a str>,
    /// The configured service said.
    service: Option<&'a Service>,
    date: Option<Date>,
    time: Option<Time>,
}

/// The reply of a `booking.create` that lacks some of service, date and time: it names what
/// it has and asks for the rest only (an unknown service is said to be unknown), marking
/// each missing parameter of the form; without a service, it offers the `remembered` one.
fn ask_for_the_rest(
    form: &Form,
    schedule: &Schedule,
    known: &Known<'_>,
    remembered: Option<&Service>,
    say: Say<'_>,
) -> Reply {
    let mut missing = Vec::new();
    if known.service.is_none() {
        let services = sentences::services(say, schedule);
        let need = say.text("booking-need-service", &[("services", services.into())]);
        missing.push(("service", need));
    }
    if known.date.is_none() {
        missing.push(("date", say.text("booking-need-date", &[])));
    }
    if known.time.is_none() {
        missing.push(("time", say.text("booking-need-time", &[])));
    }
    let needed: Vec<String> = missing.iter().map(|(_, what)| what.clone()).collect();
    let mut arguments = match known.service {
        Some(service) => sentences::service(&service.name),
        None => vec![("service", "none".into())],
    };
    let date = known
        .date
        .map_or_else(|| "none".to_owned(), |date| say.date(date));
    let time = known
        .time
        .map_or_else(|| "none".to_owned(), |time| say.time(time));
    arguments.extend([
        ("date", date.into()),
        ("time", time.into()),
        ("needed", say.and_list(&needed).into()),
    ]);
    let mut text = say.sentence("booking-need", &arguments);
    if let (Some(name), None) = (known.said_service, known.service) {
        let sorry = say.sentence("booking-not-offered-short", &[("said", name.into())]);
        text = format!("{sorry} {text}");
    }
    if let Some(service) = remembered {
        text = format!("{text} {}", offer(service, say));
    }
    let reply = missing
        .iter()
        .filter(|(param, _)| form.contains(param))
        .fold(Reply::text(text), |reply, (param, _)| {
            reply.invalidate(*param).clear_param(*param)
        });
    match remembered {
        Some(service) => suggested(reply, service),
        None => reply,
    }
}

/// The reply for a confirmation number that names no booking of this session (or none at
/// all): said to be unknown, and marked INVALID when the page's form collects it.
fn not_found(form: &Form, param: &'static str, said: &str, say: Say<'_>) -> Reply {
    let shown: String = said.chars().take(SAID_MAX_CHARS).collect();
    let reply =
        Reply::text(say.sentence("booking-not-found", &[("said", shown.trim_end().into())]))
            .set_param("booking_found", false);
    if form.contains(param) {
        reply.invalidate(param).clear_param(param)
    } else {
        reply
    }
}

/// How much of an unreadable confirmation number is said back.
const SAID_MAX_CHARS: usize = 24;

/// A confirmation number as said: case, spaces and the `BK-` prefix are optional.
fn normalize(said: &str) -> Option<String> {
    let code: String = said
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let code = match code.strip_prefix("BK") {
        Some(rest) if code.len() == 8 => rest,
        _ => &code,
    };
    (code.len() == 6).then(|| format!("BK-{code}"))
}

/// The `Idempotency-Key` of a booking: derived from its turn, so a repeated turn repeats it;
/// random for a call without a turn ID.
fn idempotency_key(turn_key: Option<&str>) -> String {
    let hash = |salt: u8, text: &str| {
        use std::hash::Hasher;
        let mut hasher = fnv::FnvHasher::default();
        hasher.write_u8(salt);
        hasher.write(text.as_bytes());
        hasher.finish()
    };
    match turn_key {
        Some(turn) => format!("cxhook-{:016x}{:016x}", hash(1, turn), hash(2, turn)),
        None => format!(
            "cxhook-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        ),
    }
}

/// A store failure as the error the recover layer answers for.
fn unavailable(error: StoreError, say: Say<'_>) -> cxhook::Error {
    cxhook::Error::new(error).say(say.sentence("booking-unavailable", &[]))
}

#[cfg(test)]
mod tests {
    use cxhook::Router;
    use cxhook_sim::{AGENT, RequestBuilder, TestClient};
    use serde_json::json;

    use super::*;
    use crate::booking::{BookingConfig, DatabaseConfig, SqliteBookingStore};

    #[tokio::test]
    async fn with_ssml_a_confirmation_spells_its_number_out() {
        let dir = tempfile::tempdir().unwrap();
        let config = BookingConfig {
            database: dir.path().join("cxhook.db"),
            ..BookingConfig::default()
        };
        let store = SqliteBookingStore::open(&config.database_options()).unwrap();
        // Monday, 30 November 2026, 10:00 in New York.
        let clock = Clock::fixed("2026-11-30T15:00:00Z".parse().unwrap());
        let messages = Arc::new(Catalog::new().with_ssml(true));
        let state = Bookings::new(
            Arc::new(store),
            config.schedule().unwrap(),
            clock,
            None,
            messages,
        );
        let client = TestClient::new(
            Router::new()
                .route("booking.create", create)
                .with_state(state),
        );
        let reply = client
            .send(
                RequestBuilder::new()
                    .tag("booking.create")
                    .lang("fr")
                    .session(format!("{AGENT}/sessions/s-1"))
                    .response_id("r-1")
                    .param("service", "haircut")
                    .param("date", json!({"year": 2026.0, "month": 12.0, "day": 1.0}))
                    .param("time", json!({"hours": 9.0, "minutes": 0.0})),
            )
            .await;
        let number = reply
            .param("confirmation_id")
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned();
        let said = format!(
            "C’est réservé\u{202f}: coupe de cheveux le mardi 1er décembre à 9 h 00. \
             Votre numéro de confirmation est {number}."
        );
        assert_eq!(reply.text(), said);
        let messages = &reply.json()["fulfillmentResponse"]["messages"];
        assert_eq!(
            messages[1]["outputAudioText"]["ssml"],
            format!(
                "<speak>{}</speak>",
                said.replace(
                    &number,
                    &format!("<say-as interpret-as=\"characters\">{number}</say-as>")
                )
            )
        );
    }
}
