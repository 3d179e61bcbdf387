//! The parameters the booking handlers read, as said: a service name, a date, a time and a
//! confirmation number, each read straight from the request into what the handler checks.
//!
//! A parameter is absent (`None`), said but unreadable (`Some(None)`: the handler asks
//! again rather than reject the call), or read (`Some(Some(_))`). Reading straight from
//! the request's values, rather than copying each into a `serde_json::Value` first, saves
//! the copy of every date and time struct and its drop: 11 allocations and about 14,000
//! instructions of a `booking.validate` call, by callgrind.

use jiff::civil::{Date, Time};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The largest integer a double holds exactly: 2^53.
const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// The parameters the handlers read (the form's value over the session's, see
/// [`Params`](cxhook::extract::Params)). `null` is absent.
#[derive(Deserialize)]
pub(super) struct Said {
    /// The service's name: a non-blank string, trimmed.
    #[serde(default, deserialize_with = "heard::<_, ServiceName>")]
    pub(super) service: Option<Option<String>>,
    /// An `@sys.date` struct, or an ISO date string (`2026-12-01`, as `cxhook send -p`
    /// gives).
    #[serde(default, deserialize_with = "heard::<_, Date>")]
    pub(super) date: Option<Option<Date>>,
    /// An `@sys.time` struct, or a string like `14:30`.
    #[serde(default, deserialize_with = "heard::<_, Time>")]
    pub(super) time: Option<Option<Time>>,
    /// A confirmation number: a non-blank string, trimmed, or a whole number (CX sends
    /// numbers as doubles).
    #[serde(default, deserialize_with = "heard::<_, Confirmation>")]
    pub(super) confirmation: Option<Option<String>>,
    /// The confirmation number the session keeps, read as [`Said::confirmation`].
    #[serde(default, deserialize_with = "heard::<_, Confirmation>")]
    pub(super) confirmation_id: Option<Option<String>>,
}

/// How a parameter is read from the shapes a value may have.
trait Reading {
    /// What it reads as.
    type Value;
    /// The fields of a struct it reads, in the order [`Reading::fields`] gets them.
    const FIELDS: &'static [&'static str] = &[];

    /// Reads a string.
    fn text(_text: &str) -> Option<Self::Value> {
        None
    }

    /// Reads a number.
    fn number(_number: f64) -> Option<Self::Value> {
        None
    }

    /// Reads a struct from its [`FIELDS`](Reading::FIELDS).
    fn fields(_fields: &[Field]) -> Option<Self::Value> {
        None
    }
}

/// A field of a struct as read: absent, `null`, an integer, or something else.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Field {
    Absent,
    Null,
    Integer(i64),
    Other,
}

impl Field {
    /// The integer, for a present field; `None` when it is absent, `null` or not integral.
    fn integer(self) -> Option<i64> {
        match self {
            Self::Integer(n) => Some(n),
            Self::Absent | Self::Null | Self::Other => None,
        }
    }
}

struct ServiceName;

impl Reading for ServiceName {
    type Value = String;

    fn text(text: &str) -> Option<String> {
        Some(text.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    }
}

struct Confirmation;

impl Reading for Confirmation {
    type Value = String;

    fn text(text: &str) -> Option<String> {
        ServiceName::text(text)
    }

    fn number(number: f64) -> Option<String> {
        integral(number).map(|n| n.to_string())
    }
}

impl Reading for Date {
    type Value = Date;
    const FIELDS: &'static [&'static str] = &["year", "month", "day"];

    fn text(text: &str) -> Option<Date> {
        text.trim().get(..10)?.parse().ok()
    }

    fn fields(fields: &[Field]) -> Option<Date> {
        let [year, month, day] = fields else {
            return None;
        };
        let year = i16::try_from(year.integer()?).ok()?;
        let month = i8::try_from(month.integer()?).ok()?;
        let day = i8::try_from(day.integer()?).ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day))
            .then(|| Date::new(year, month, day).ok())
            .flatten()
    }
}

impl Reading for Time {
    type Value = Time;
    const FIELDS: &'static [&'static str] = &["hours", "minutes", "seconds"];

    fn text(text: &str) -> Option<Time> {
        text.trim().parse().ok()
    }

    fn fields(fields: &[Field]) -> Option<Time> {
        let [hours, minutes, seconds] = fields else {
            return None;
        };
        // A missing or `null` minute or second is 0.
        let part = |field: Field| match field {
            Field::Absent | Field::Null => Some(0),
            Field::Integer(n) => i8::try_from(n).ok(),
            Field::Other => None,
        };
        let hours = i8::try_from(hours.integer()?).ok()?;
        Time::new(hours, part(*minutes)?, part(*seconds)?, 0).ok()
    }
}

/// An integral double within ±2^53 as an integer.
fn integral(number: f64) -> Option<i64> {
    // Integral and within the exact range, so the cast is exact.
    #[allow(clippy::cast_possible_truncation)]
    (number.fract() == 0.0 && number.abs() <= MAX_EXACT_INTEGER).then_some(number as i64)
}

/// Reads a parameter leniently: `null` is absent, a value `R` cannot read is `Some(None)`,
/// and no value is an error.
fn heard<'de, D, R>(deserializer: D) -> Result<Option<Option<R::Value>>, D::Error>
where
    D: Deserializer<'de>,
    R: Reading,
{
    deserializer.deserialize_option(Heard::<R>(std::marker::PhantomData))
}

/// The visitor of [`heard`]: every shape is accepted, and read by `R` where it can.
struct Heard<R>(std::marker::PhantomData<R>);

impl<'de, R: Reading> Visitor<'de> for Heard<R> {
    type Value = Option<Option<R::Value>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any value")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Some(None))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
        #[allow(clippy::cast_precision_loss)]
        Ok(Some(R::number(n as f64)))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
        #[allow(clippy::cast_precision_loss)]
        Ok(Some(R::number(n as f64)))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
        Ok(Some(R::number(n)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Some(R::text(text)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Some(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = [Field::Absent; 4];
        let fields = &mut fields[..R::FIELDS.len().min(4)];
        while let Some(key) = map.next_key::<FieldName<R>>()? {
            match key.0 {
                Some(at) if at < fields.len() => fields[at] = map.next_value::<AnyField>()?.0,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Some(if R::FIELDS.is_empty() {
            None
        } else {
            R::fields(fields)
        }))
    }
}

/// A struct's key: the index of the field of `R` it names, if any.
struct FieldName<R>(Option<usize>, std::marker::PhantomData<R>);

impl<'de, R: Reading> Deserialize<'de> for FieldName<R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Names<R>(std::marker::PhantomData<R>);

        impl<R: Reading> Visitor<'_> for Names<R> {
            type Value = FieldName<R>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name")
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
                let at = R::FIELDS.iter().position(|field| *field == name);
                Ok(FieldName(at, std::marker::PhantomData))
            }
        }

        deserializer.deserialize_identifier(Names::<R>(std::marker::PhantomData))
    }
}

/// A struct field's value, whatever its shape.
struct AnyField(Field);

impl<'de> Deserialize<'de> for AnyField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Any;

        impl<'de> Visitor<'de> for Any {
            type Value = AnyField;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any value")
            }

            fn visit_unit<E: de::Error>(self) -> Result<AnyField, E> {
                Ok(AnyField(Field::Null))
            }

            fn visit_none<E: de::Error>(self) -> Result<AnyField, E> {
                Ok(AnyField(Field::Null))
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<AnyField, D::Error> {
                d.deserialize_any(self)
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<AnyField, E> {
                Ok(AnyField(Field::Other))
            }

            fn visit_i64<E: de::Error>(self, n: i64) -> Result<AnyField, E> {
                Ok(AnyField(Field::Integer(n)))
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<AnyField, E> {
                Ok(AnyField(
                    i64::try_from(n).map_or(Field::Other, Field::Integer),
                ))
            }

            fn visit_f64<E: de::Error>(self, n: f64) -> Result<AnyField, E> {
                Ok(AnyField(integral(n).map_or(Field::Other, Field::Integer)))
            }

            fn visit_str<E: de::Error>(self, _: &str) -> Result<AnyField, E> {
                Ok(AnyField(Field::Other))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AnyField, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(AnyField(Field::Other))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyField, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(AnyField(Field::Other))
            }
        }

        deserializer.deserialize_any(Any)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn said(params: serde_json::Value) -> Said {
        Said::deserialize(&params).unwrap()
    }

    #[test]
    fn absent_and_null_are_not_said() {
        let said = said(json!({"service": null, "channel": "web"}));
        assert_eq!(said.service, None);
        assert_eq!(said.date, None);
        assert_eq!(said.confirmation, None);
    }

    #[test]
    fn dates_read_from_structs_and_iso_strings() {
        let date = |value| said(json!({ "date": value })).date;
        let dec_2 = Some(Some(Date::new(2030, 12, 2).unwrap()));
        assert_eq!(
            date(json!({"year": 2030.0, "month": 12.0, "day": 2.0})),
            dec_2
        );
        assert_eq!(
            date(json!({"day": 2, "month": 12, "year": 2030, "x": [1]})),
            dec_2
        );
        assert_eq!(date(json!(" 2030-12-02T00:00:00 ")), dec_2);
        for unreadable in [
            json!({"year": 2030, "month": 13, "day": 2}),
            json!({"year": 2030, "month": 2, "day": 30}),
            json!({"year": 2030, "month": 12}),
            json!({"year": 2030, "month": 12, "day": 2.5}),
            json!({"year": "2030", "month": 12, "day": 2}),
            json!("next week"),
            json!(7),
            json!(true),
            json!([2030, 12, 2]),
        ] {
            assert_eq!(date(unreadable.clone()), Some(None), "{unreadable}");
        }
    }

    #[test]
    fn times_read_from_structs_and_strings() {
        let time = |value| said(json!({ "time": value })).time;
        let at = |h, m| Some(Some(Time::new(h, m, 0, 0).unwrap()));
        assert_eq!(
            time(json!({"hours": 19.0, "minutes": 30.0, "seconds": 0.0, "nanos": 0.0})),
            at(19, 30)
        );
        assert_eq!(time(json!({"hours": 9, "minutes": null})), at(9, 0));
        assert_eq!(time(json!("14:30")), at(14, 30));
        for unreadable in [
            json!({"hours": 24}),
            json!({"minutes": 30}),
            json!({"hours": 9, "minutes": 60}),
            json!({"hours": 9, "minutes": "30"}),
            json!("half past"),
        ] {
            assert_eq!(time(unreadable.clone()), Some(None), "{unreadable}");
        }
    }

    #[test]
    fn names_and_confirmation_numbers_are_trimmed_and_numbers_read_whole() {
        let said = said(json!({
            "service": "  haircut ",
            "confirmation": 12345.0,
            "confirmation_id": " BK-7 ",
        }));
        assert_eq!(said.service, Some(Some("haircut".to_owned())));
        assert_eq!(said.confirmation, Some(Some("12345".to_owned())));
        assert_eq!(said.confirmation_id, Some(Some("BK-7".to_owned())));
        let unreadable = super::tests::said(json!({"service": "  ", "confirmation": 1.5}));
        assert_eq!(unreadable.service, Some(None));
        assert_eq!(unreadable.confirmation, Some(None));
    }
}
