//! The calendar rules: [`Clock`], opening hours in a time zone, services and their
//! durations, and what makes a requested slot bookable.

use std::collections::BTreeMap;

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// Where "now" comes from: the system clock, or a fixed instant for tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock(Option<Timestamp>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock that always says `now`.
    pub fn fixed(now: Timestamp) -> Self {
        Self(Some(now))
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        self.0.unwrap_or_else(Timestamp::now)
    }
}

/// One day's opening hours, local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Hours {
    pub(super) open: Time,
    pub(super) close: Time,
}

/// The checked calendar rules.
#[derive(Debug, Clone)]
pub(super) struct Schedule {
    pub(super) time_zone: TimeZone,
    /// Monday first; `None` is closed.
    pub(super) hours: [Option<Hours>; 7],
    /// Lower-cased name → (name as configured, minutes).
    pub(super) services: BTreeMap<String, (String, u32)>,
    pub(super) slot_minutes: u32,
    /// The shared resource, or `None` for one calendar per service.
    pub(super) resource: Option<String>,
}

/// A service as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Service {
    pub(super) name: String,
    pub(super) minutes: u32,
}

/// A bookable slot: a service at a local start, with its instants.
#[derive(Debug, Clone)]
pub(super) struct Slot {
    pub(super) service: Service,
    pub(super) resource: String,
    pub(super) start: Zoned,
    pub(super) end: Timestamp,
    /// The start of every grid cell the appointment covers.
    pub(super) cells: Vec<Timestamp>,
}

/// Why a date or a time cannot be booked ([`sentences`](super::sentences) says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// The date is before today (in the schedule's time zone).
    PastDate,
    /// Closed all that weekday.
    ClosedDay(Weekday),
    /// Today, but the time has passed.
    PastTime,
    /// The appointment would start before opening or at or after closing.
    OutsideHours { weekday: Weekday, hours: Hours },
    /// The appointment would start within the opening hours but end after closing.
    EndsAfterClosing {
        /// The service as configured (empty while none is known).
        service: String,
        start: Time,
        close: Time,
        /// The last start on the grid that ends by closing and has not passed, if any.
        last_start: Option<Time>,
    },
    /// Not on the slot grid.
    OffGrid,
    /// Beyond the calendar's range.
    OutOfRange,
}

impl Refusal {
    /// The form parameter the refusal is about.
    pub(super) fn param(&self) -> &'static str {
        match self {
            Self::PastDate | Self::ClosedDay(_) | Self::OutOfRange => "date",
            Self::PastTime | Self::OutsideHours { .. } | Self::OffGrid => "time",
            // With no start left that day, it is the day that has to change.
            Self::EndsAfterClosing { last_start, .. } => {
                if last_start.is_some() {
                    "time"
                } else {
                    "date"
                }
            }
        }
    }
}

impl Schedule {
    /// The configured service named `name` (any case), if there is one.
    pub(super) fn service(&self, name: &str) -> Option<Service> {
        self.services
            .get(&name.trim().to_lowercase())
            .map(|(name, minutes)| Service {
                name: name.clone(),
                minutes: *minutes,
            })
    }

    /// The service names as configured, for a reprompt.
    pub(super) fn service_names(&self) -> impl Iterator<Item = &str> {
        self.services.values().map(|(name, _)| name.as_str())
    }

    /// Today, in the schedule's time zone.
    pub(super) fn today(&self, now: Timestamp) -> Date {
        now.to_zoned(self.time_zone.clone()).date()
    }

    /// Whether `date` can have appointments at all.
    pub(super) fn check_date(&self, date: Date, now: Timestamp) -> Result<Hours, Refusal> {
        if date < self.today(now) {
            return Err(Refusal::PastDate);
        }
        let weekday = date.weekday();
        self.hours[weekday_index(weekday)].ok_or(Refusal::ClosedDay(weekday))
    }

    /// The slot for `service` at `time` on `date`, when it lies in the future, within the
    /// opening hours and on the grid. Whether it is free is the store's to say.
    pub(super) fn slot(
        &self,
        date: Date,
        time: Time,
        service: &Service,
        now: Timestamp,
    ) -> Result<Slot, Refusal> {
        let hours = self.check_date(date, now)?;
        // A local time in a DST gap moves forward, as clocks do; one in a fold takes the
        // earlier instant.
        let start = date
            .to_datetime(time)
            .to_zoned(self.time_zone.clone())
            .map_err(|_| Refusal::OutOfRange)?;
        if start.timestamp() <= now {
            return Err(Refusal::PastTime);
        }
        let minutes = i64::from(service.minutes);
        let opens = i64::from(hours.open.hour()) * 60 + i64::from(hours.open.minute());
        let closes = i64::from(hours.close.hour()) * 60 + i64::from(hours.close.minute());
        let starts = i64::from(time.hour()) * 60 + i64::from(time.minute());
        if starts < opens || starts >= closes {
            return Err(Refusal::OutsideHours {
                weekday: date.weekday(),
                hours,
            });
        }
        let grid = i64::from(self.slot_minutes);
        if time.second() != 0 || (starts - opens) % grid != 0 {
            return Err(Refusal::OffGrid);
        }
        if starts + minutes > closes {
            // The latest start on the grid that still ends by closing, when the service fits
            // the day at all and that start is still ahead.
            let latest = closes - minutes;
            let last_start = (latest >= opens)
                .then(|| opens + (latest - opens) / grid * grid)
                .and_then(|m| {
                    Time::new(i8::try_from(m / 60).ok()?, i8::try_from(m % 60).ok()?, 0, 0).ok()
                })
                .filter(|last| {
                    date.to_datetime(*last)
                        .to_zoned(self.time_zone.clone())
                        .is_ok_and(|at| at.timestamp() > now)
                });
            return Err(Refusal::EndsAfterClosing {
                service: service.name.clone(),
                start: time,
                close: hours.close,
                last_start,
            });
        }
        let step = jiff::SignedDuration::from_mins(i64::from(self.slot_minutes));
        let begin = start.timestamp();
        let cells: Vec<Timestamp> = (0..minutes / i64::from(self.slot_minutes))
            .filter_map(|i| begin.checked_add(step * i32::try_from(i).ok()?).ok())
            .collect();
        let end = begin
            .checked_add(jiff::SignedDuration::from_mins(minutes))
            .map_err(|_| Refusal::OutOfRange)?;
        Ok(Slot {
            resource: self
                .resource
                .clone()
                .unwrap_or_else(|| service.name.to_lowercase()),
            service: service.clone(),
            start,
            end,
            cells,
        })
    }

    /// A start instant in the schedule's time zone.
    pub(super) fn zoned(&self, start: Timestamp) -> Zoned {
        start.to_zoned(self.time_zone.clone())
    }
}

fn weekday_index(weekday: Weekday) -> usize {
    usize::try_from(weekday.to_monday_zero_offset()).unwrap_or(0)
}
