//! Static bearer tokens: `Authorization: Bearer <token>`, several accepted at once so that a
//! token can be rotated without downtime.

use super::credentials::{Authorization, Verdict};
use crate::secret::{Secret, any_matches};

/// The bearer tokens accepted.
#[derive(Debug, Clone)]
pub(super) struct Bearer {
    pub(super) tokens: Vec<Secret>,
}

impl Bearer {
    pub(super) fn check(&self, authorization: &Authorization<'_>) -> Verdict {
        match authorization {
            Authorization::Bearer(token) => {
                if any_matches(&self.tokens, token.as_bytes()) {
                    Verdict::Accepted
                } else {
                    Verdict::Wrong("bearer: the token is none of the accepted ones".to_owned())
                }
            }
            Authorization::Malformed(why) => Verdict::Malformed(why),
            Authorization::Absent | Authorization::Basic(_) | Authorization::Other => {
                Verdict::Missing
            }
        }
    }
}
