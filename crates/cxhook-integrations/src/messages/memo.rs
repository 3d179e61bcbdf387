//! The forms a catalog has said: a date or a time, kept by language, region and value.
//!
//! A form depends only on the catalog's language, the region and the value, and formatting
//! one through Fluent (its arguments, the select on `$region`, the numbers) takes about
//! 7,000 instructions, two thirds of what a `booking.validate` refusal costs to say. Each
//! catalog keeps the forms it has said ([`Memo`], up to [`MEMO_CAP`] of them, about 100 KB
//! at most), and says one again for the cost of a lock, a lookup and a copy.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// How many forms a catalog keeps: a day of times in a few languages and regions, and the
/// dates a caller asks about. When it is full, forms are formatted each time.
pub(super) const MEMO_CAP: usize = 4096;

/// The forms a catalog has said, by language, region and value.
#[derive(Debug, Default)]
pub(super) struct Memo(Mutex<HashMap<Key, Box<str>>>);

/// What a form depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Key {
    /// The catalog's language that says it, as a subtag of at most 8 letters.
    language: [u8; 8],
    /// The region subtag of the call's language (`GB`, `419`), or none.
    region: Region,
    form: Form,
    /// The date (year, month and day packed) or the time (minutes since midnight).
    value: u32,
}

/// Which form of its value a form is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Form {
    Date,
    Day,
    Time,
}

impl Memo {
    /// How many forms it keeps.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// The form of `key`, said by `say` the first time.
    pub(super) fn said(&self, key: Option<Key>, say: impl FnOnce() -> String) -> String {
        let Some(key) = key else {
            return say();
        };
        let memo = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(said) = memo().get(&key) {
            return said.to_string();
        }
        let said = say();
        let mut memo = memo();
        if memo.len() < MEMO_CAP {
            memo.insert(key, said.as_str().into());
        }
        said
    }
}

impl Key {
    /// The key of a form of `language` (a catalog language, at most 8 letters; `None` for a
    /// longer one, which is not kept), the call's region and the value.
    pub(super) fn new(language: &str, region: Region, form: Form, value: u32) -> Option<Self> {
        let bytes = language.as_bytes();
        (bytes.len() <= 8).then(|| {
            let mut subtag = [0; 8];
            subtag[..bytes.len()].copy_from_slice(bytes);
            Self {
                language: subtag,
                region,
                form,
                value,
            }
        })
    }
}

/// The region subtag of a language tag in capitals (`GB` of `en-gb`, `419` of `es-419`,
/// `TW` of `zh-Hant-TW`), or none; read without an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Region([u8; 3]);

impl Region {
    pub(super) fn of(language_code: &str) -> Self {
        let mut subtags = language_code.trim().split(['-', '_']).skip(1);
        let region = subtags.find_map(|subtag| {
            let bytes = subtag.as_bytes();
            match bytes.len() {
                // A script (`Hant`) comes before the region.
                4 if bytes.iter().all(u8::is_ascii_alphabetic) => None,
                2 if bytes.iter().all(u8::is_ascii_alphabetic) => Some(Some([
                    bytes[0].to_ascii_uppercase(),
                    bytes[1].to_ascii_uppercase(),
                    0,
                ])),
                3 if bytes.iter().all(u8::is_ascii_digit) => {
                    Some(Some([bytes[0], bytes[1], bytes[2]]))
                }
                _ => Some(None),
            }
        });
        Self(region.flatten().unwrap_or([0; 3]))
    }

    /// The subtag, or `none`.
    pub(super) fn as_str(&self) -> &str {
        let len = self.0.iter().position(|b| *b == 0).unwrap_or(3);
        match std::str::from_utf8(&self.0[..len]) {
            Ok("") | Err(_) => "none",
            Ok(region) => region,
        }
    }
}
