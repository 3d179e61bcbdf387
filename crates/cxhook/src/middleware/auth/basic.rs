//! HTTP Basic auth: `Authorization: Basic base64(username:password)`, as Dialogflow sends
//! the webhook's username and password.

use base64::Engine;
use subtle::ConstantTimeEq;

use super::credentials::{Authorization, Verdict};
use crate::secret::Secret;

/// The username and password pairs accepted.
#[derive(Debug, Clone)]
pub(super) struct Basic {
    pub(super) users: Vec<(String, Secret)>,
}

impl Basic {
    pub(super) fn check(&self, authorization: &Authorization<'_>) -> Verdict {
        let encoded = match authorization {
            Authorization::Basic(encoded) => encoded,
            Authorization::Malformed(why) => return Verdict::Malformed(why),
            Authorization::Absent | Authorization::Bearer(_) | Authorization::Other => {
                return Verdict::Missing;
            }
        };
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded) else {
            return Verdict::Malformed("the Basic credentials are not base64");
        };
        let Some(colon) = decoded.iter().position(|&b| b == b':') else {
            return Verdict::Malformed(
                "the Basic credentials have no `:` between user and password",
            );
        };
        let (user, password) = (&decoded[..colon], &decoded[colon + 1..]);
        let accepted = self
            .users
            .iter()
            .fold(subtle::Choice::from(0), |found, (name, secret)| {
                let same = name.as_bytes().ct_eq(user)
                    & subtle::Choice::from(u8::from(secret.matches(password)));
                found | same
            });
        if bool::from(accepted) {
            Verdict::Accepted
        } else {
            Verdict::Wrong("basic: the username or the password is wrong".to_owned())
        }
    }
}
