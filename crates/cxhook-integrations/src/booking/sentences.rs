//! What the booking handlers say, as messages of the [catalog](crate::messages) in the
//! call's language: refusals (several in one reply apologise once), what is still needed,
//! and the arguments that name a service and a slot.

use cxhook::Reply;
use cxhook::extract::Form;
use jiff::Zoned;

use super::schedule::{Refusal, Schedule, Slot};
use crate::messages::{FluentValue, Say};

/// A message's arguments, owned.
pub(super) type Arguments = Vec<(&'static str, FluentValue<'static>)>;

/// One sentence of a reply: a message id and its arguments.
pub(super) struct Sentence {
    id: &'static str,
    arguments: Arguments,
}

impl Sentence {
    pub(super) fn new(id: &'static str, arguments: Arguments) -> Self {
        Self { id, arguments }
    }

    /// Whether the sentence can open with an apology: it takes `$sorry`.
    fn apologises(&self) -> bool {
        matches!(
            self.id,
            "booking-not-offered"
                | "booking-which-date"
                | "booking-which-time"
                | "booking-taken"
                | "booking-just-taken"
        )
    }
}

/// The arguments that name a configured service: `$name` as configured (`Eyebrow tint`),
/// `$service` the key a translation selects its words on (`eyebrow-tint`: lower case, dashes
/// for spaces, as Fluent's variant keys are identifiers) and, for English's a/an, `$vowel`.
pub(super) fn service(name: &str) -> Arguments {
    let vowel = name
        .chars()
        .next()
        .is_some_and(|c| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u'));
    let key = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase();
    vec![
        ("service", key.into()),
        ("name", name.to_owned().into()),
        ("vowel", if vowel { "yes" } else { "no" }.into()),
    ]
}

/// The arguments that name when a slot starts: `$date` and `$time`.
pub(super) fn when(say: Say<'_>, start: &Zoned) -> Arguments {
    vec![
        ("date", say.date(start.date()).into()),
        ("time", say.time(start.time()).into()),
    ]
}

/// The configured services as an or-list.
pub(super) fn services(say: Say<'_>, schedule: &Schedule) -> String {
    let names: Vec<String> = schedule
        .service_names()
        .map(|name| say.text("booking-service", &service(name)))
        .collect();
    say.or_list(&names)
}

/// The refusals of one call: each parameter marked INVALID (and cleared) when the page's
/// form has it, and every reason said.
pub(super) struct Refusals<'a> {
    form: &'a Form,
    say: Say<'a>,
    reasons: Vec<(&'static str, Sentence)>,
}

impl<'a> Refusals<'a> {
    pub(super) fn new(form: &'a Form, say: Say<'a>) -> Self {
        Self {
            form,
            say,
            reasons: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, param: &'static str, reason: Sentence) {
        self.reasons.push((param, reason));
    }

    pub(super) fn refuse(&mut self, refusal: &Refusal, schedule: &Schedule) {
        let sentence = refusal_sentence(self.say, refusal, schedule.slot_minutes);
        self.add(refusal.param(), sentence);
    }

    pub(super) fn is_empty(&self) -> bool {
        self.reasons.is_empty()
    }

    /// The reply: every reason, the first that can apologise with its apology and the
    /// ones after it without, and each refused parameter marked.
    pub(super) fn reply(self) -> Reply {
        let mut sorry = true;
        let text: Vec<String> = self
            .reasons
            .iter()
            .map(|(_, reason)| {
                let mut arguments = reason.arguments.clone();
                if reason.apologises() {
                    arguments.push(("sorry", if sorry { "yes" } else { "no" }.into()));
                    sorry = false;
                }
                self.say.sentence(reason.id, &arguments)
            })
            .collect();
        let mut reply = Reply::text(text.join(" "));
        for (param, _) in &self.reasons {
            if self.form.contains(param) {
                reply = reply.invalidate(*param).clear_param(*param);
            }
        }
        reply
    }
}

/// Why `refusal`, in words.
fn refusal_sentence(say: Say<'_>, refusal: &Refusal, slot_minutes: u32) -> Sentence {
    let weekday = |day: jiff::civil::Weekday| ("weekday", day.to_monday_one_offset().into());
    match refusal {
        Refusal::PastDate => Sentence::new("booking-past-date", vec![]),
        Refusal::OutOfRange => Sentence::new("booking-out-of-range", vec![]),
        Refusal::ClosedDay(day) => Sentence::new("booking-closed-day", vec![weekday(*day)]),
        Refusal::PastTime => Sentence::new("booking-past-time", vec![]),
        Refusal::OutsideHours {
            weekday: day,
            hours,
        } => Sentence::new(
            "booking-outside-hours",
            vec![
                weekday(*day),
                ("open", say.time(hours.open).into()),
                ("close", say.time(hours.close).into()),
            ],
        ),
        Refusal::OffGrid => {
            Sentence::new("booking-off-grid", vec![("minutes", slot_minutes.into())])
        }
        Refusal::EndsAfterClosing {
            service: name,
            start,
            close,
            last_start,
        } => {
            let mut arguments = if name.is_empty() {
                vec![("service", "none".into())]
            } else {
                service(name)
            };
            arguments.push(("start", say.time(*start).into()));
            arguments.push(("close", say.time(*close).into()));
            match last_start {
                Some(last) => {
                    arguments.push(("last", say.time(*last).into()));
                    Sentence::new("booking-ends-after-closing", arguments)
                }
                None => Sentence::new("booking-ends-after-closing-that-day", arguments),
            }
        }
    }
}

/// The sentence for a slot held by another booking.
pub(super) fn taken(say: Say<'_>, slot: &Slot) -> Sentence {
    let mut arguments = when(say, &slot.start);
    arguments.extend(service(&slot.service.name));
    Sentence::new("booking-taken", arguments)
}

/// The sentence for a service that is not offered, naming those that are.
pub(super) fn not_offered(say: Say<'_>, said: &str, schedule: &Schedule) -> Sentence {
    Sentence::new(
        "booking-not-offered",
        vec![
            ("said", said.to_owned().into()),
            ("services", services(say, schedule).into()),
        ],
    )
}
