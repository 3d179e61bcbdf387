//! Header secrets: a named header whose value is a shared secret (Dialogflow's "request
//! headers" and Secret Manager header options).

use http::{HeaderMap, HeaderName};

use super::credentials::Verdict;
use crate::secret::{Secret, any_matches};

/// A header and the values accepted in it.
#[derive(Debug, Clone)]
pub(super) struct HeaderSecret {
    pub(super) name: HeaderName,
    pub(super) values: Vec<Secret>,
}

impl HeaderSecret {
    pub(super) fn check(&self, headers: &HeaderMap) -> Verdict {
        let mut values = headers.get_all(&self.name).iter();
        let Some(value) = values.next() else {
            return Verdict::Missing;
        };
        if values.next().is_some() {
            return Verdict::Malformed("a secret header is given more than once");
        }
        if any_matches(&self.values, value.as_bytes()) {
            Verdict::Accepted
        } else {
            Verdict::Wrong(format!(
                "header: the value of {} is not accepted",
                self.name
            ))
        }
    }
}
