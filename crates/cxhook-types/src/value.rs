//! Parameter values as CX sends them, and the small serde helpers the wire types share.
//!
//! Every number inside a protobuf `Value` is an IEEE double: Google's serializers print `4.0`,
//! other callers `4`. [`normalize_numbers`] gives both the same form (an integer when the
//! double is integral and exactly representable), so that typed extraction of an integer
//! works whichever way the number was written, and two requests that mean the same compare
//! equal. [`Date`] and [`Time`] read the structs of the `@sys.date` and `@sys.time` entities.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Number, Value};

use crate::Struct;

/// The largest integer a double holds exactly: 2^53.
const MAX_EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

/// Rewrites, in place and at any depth, every integral number within ±2^53 as an integer.
///
/// ```
/// let mut value = serde_json::json!({"party_size": 4.0, "ratio": 0.5, "list": [2.0, 3]});
/// cxhook_types::value::normalize_numbers(&mut value);
/// assert_eq!(value, serde_json::json!({"party_size": 4, "ratio": 0.5, "list": [2, 3]}));
/// ```
pub fn normalize_numbers(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64())
                && f.fract() == 0.0
                && f.abs() <= MAX_EXACT_INTEGER
            {
                // The guard above makes the conversion exact.
                #[allow(clippy::cast_possible_truncation)]
                let i = f as i64;
                *n = Number::from(i);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize_numbers),
        Value::Object(map) => map.values_mut().for_each(normalize_numbers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

/// Reads a JSON number leniently as an integer: `4` and `4.0` give 4, `4.5` gives `None`.
pub fn as_i64(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        let f = value.as_f64()?;
        // Integral and within the exact range, so the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        (f.fract() == 0.0 && f.abs() <= MAX_EXACT_INTEGER).then_some(f as i64)
    })
}

/// A calendar date as the `@sys.date` entity resolves it: `{"year": 2024, "month": 5, "day": 3}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// The year, e.g. 2024.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, 1 to 31.
    pub day: u8,
}

impl Date {
    /// Reads a date struct; `None` when a field is missing or out of range.
    pub fn from_value(value: &Value) -> Option<Self> {
        let year = i32::try_from(as_i64(value.get("year")?)?).ok()?;
        let month = u8::try_from(as_i64(value.get("month")?)?).ok()?;
        let day = u8::try_from(as_i64(value.get("day")?)?).ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Self { year, month, day })
    }
}

/// A time of day as the `@sys.time` entity resolves it: `{"hours": 19, "minutes": 30, "seconds": 0}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Time {
    /// The hour, 0 to 23.
    pub hours: u8,
    /// The minute, 0 to 59.
    pub minutes: u8,
    /// The second, 0 to 59.
    pub seconds: u8,
}

impl Time {
    /// Reads a time struct; a missing `minutes` or `seconds` is 0, out-of-range fields give `None`.
    pub fn from_value(value: &Value) -> Option<Self> {
        let field = |name: &str| match value.get(name) {
            None | Some(Value::Null) => Some(0),
            Some(v) => u8::try_from(as_i64(v)?).ok(),
        };
        let hours = u8::try_from(as_i64(value.get("hours")?)?).ok()?;
        let (minutes, seconds) = (field("minutes")?, field("seconds")?);
        (hours < 24 && minutes < 60 && seconds < 60).then_some(Self {
            hours,
            minutes,
            seconds,
        })
    }
}

/// Reads `null` as the type's default, as protobuf's JSON mapping reads `null` as "unset".
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Reads a JSON object whose keys are unique (`null` as an empty one), as serde reads a
/// struct: a key given twice is an error naming it, where `serde_json::Map` would keep the
/// last value without a word.
pub(crate) fn unique_keys<'de, D>(deserializer: D) -> Result<Struct, D::Error>
where
    D: Deserializer<'de>,
{
    struct Keys;

    impl<'de> Visitor<'de> for Keys {
        type Value = Struct;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Struct, E> {
            Ok(Struct::new())
        }

        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Struct, A::Error> {
            let mut map = Struct::new();
            while let Some(key) = access.next_key::<String>()? {
                if map.contains_key(&key) {
                    return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
                }
                let value = access.next_value()?;
                map.insert(key, value);
            }
            Ok(map)
        }
    }

    deserializer.deserialize_any(Keys)
}

/// Collects the members of a protobuf one-of and refuses more than one.
pub(crate) struct OneOf<T> {
    group: &'static str,
    found: Option<(&'static str, T)>,
    clash: Option<(&'static str, &'static str)>,
}

impl<T> OneOf<T> {
    pub(crate) fn new(group: &'static str) -> Self {
        Self {
            group,
            found: None,
            clash: None,
        }
    }

    pub(crate) fn member(mut self, name: &'static str, value: Option<T>) -> Self {
        if let Some(value) = value {
            match &self.found {
                Some((first, _)) => {
                    self.clash.get_or_insert((first, name));
                }
                None => self.found = Some((name, value)),
            }
        }
        self
    }

    pub(crate) fn finish(self) -> Result<Option<T>, String> {
        match self.clash {
            Some((a, b)) => Err(format!(
                "{} sets both `{a}` and `{b}`; they are one-of members, set one at most",
                self.group
            )),
            None => Ok(self.found.map(|(_, value)| value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn integral_doubles_become_integers_and_fractions_stay() {
        let mut v = json!([4.0, 4, -2.0, 0.25, 1e300, 9007199254740993.0, "4.0"]);
        normalize_numbers(&mut v);
        assert_eq!(v[0], json!(4));
        assert_eq!(v[0], v[1]);
        assert_eq!(v[2], json!(-2));
        assert_eq!(v[3], json!(0.25));
        assert!(v[4].is_f64(), "out of the exact range stays a double");
        assert_eq!(v[6], json!("4.0"), "strings are left alone");
    }

    #[test]
    fn lenient_integers() {
        assert_eq!(as_i64(&json!(4.0)), Some(4));
        assert_eq!(as_i64(&json!(4)), Some(4));
        assert_eq!(as_i64(&json!(4.5)), None);
        assert_eq!(as_i64(&json!("4")), None);
    }

    #[test]
    fn sys_date_and_time_structs() {
        let date = Date::from_value(&json!({"year": 2024.0, "month": 5.0, "day": 3.0}));
        assert_eq!(
            date,
            Some(Date {
                year: 2024,
                month: 5,
                day: 3
            })
        );
        assert_eq!(
            Date::from_value(&json!({"year": 2024, "month": 13, "day": 3})),
            None
        );
        assert_eq!(Date::from_value(&json!("2024-05-03")), None);
        let time = Time::from_value(&json!({"hours": 19.0, "minutes": 30.0}));
        assert_eq!(
            time,
            Some(Time {
                hours: 19,
                minutes: 30,
                seconds: 0
            })
        );
        assert_eq!(Time::from_value(&json!({"hours": 24})), None);
    }

    #[test]
    fn one_of_refuses_two_members() {
        let ok = OneOf::new("G")
            .member("a", None)
            .member("b", Some(2))
            .finish();
        assert_eq!(ok, Ok(Some(2)));
        let err = OneOf::new("G")
            .member("a", Some(1))
            .member("b", Some(2))
            .finish();
        assert_eq!(
            err.unwrap_err(),
            "G sets both `a` and `b`; they are one-of members, set one at most"
        );
    }
}
