//! The store seam: [`MemoryStore`], what a backend implements, and the keys and facts it
//! holds.

use std::time::SystemTime;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::handler::BoxFuture;
use crate::secret::Secret;

/// The secret the [`UserKey`]s are derived with: from an environment variable or a file
/// ([`Secret`]), never from configuration text. Changing it makes every stored fact
/// unreachable (and the retention sweep then erases them).
#[derive(Clone, Debug)]
pub struct MemorySecret(Secret);

impl MemorySecret {
    /// The key secret.
    pub fn new(secret: Secret) -> Self {
        Self(secret)
    }

    /// The key of the user with this identity (a user ID, a phone number).
    pub fn key(&self, identity: &str) -> UserKey {
        // HMAC takes a key of any length; `new_from_slice` fails for none.
        let mut mac = Hmac::<Sha256>::new_from_slice(self.0.expose().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(identity.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut hex = String::with_capacity(64);
        for byte in digest {
            hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
            hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
        }
        UserKey(hex)
    }
}

/// A user as the store knows them: 64 hex digits, the HMAC-SHA256 of their identity under
/// the [`MemorySecret`]. Its `Debug` and [`UserKey::short`] show the first 12 digits, enough
/// to follow one user through the logs.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserKey(String);

impl UserKey {
    /// A key read back from a store: 64 lowercase hex digits, or `None`.
    pub fn from_hex(hex: &str) -> Option<Self> {
        (hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Self(hex.to_owned()))
    }

    /// The 64 hex digits, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 12 hex digits, for logs.
    pub fn short(&self) -> &str {
        &self.0[..12]
    }
}

impl std::fmt::Debug for UserKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "UserKey({}…)", self.short())
    }
}

/// A fact remembered about a user: its name (`weather_city`), its value, and when it was
/// last written.
#[derive(Clone, PartialEq)]
pub struct Fact {
    /// The fact's name.
    pub name: String,
    /// Its value.
    pub value: serde_json::Value,
    /// When it was last written.
    pub updated_at: SystemTime,
}

impl std::fmt::Debug for Fact {
    /// The name and time; never the value, which may be personal.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fact")
            .field("name", &self.name)
            .field("updated_at", &self.updated_at)
            .finish_non_exhaustive()
    }
}

/// A change to one fact.
#[derive(Clone, PartialEq)]
pub enum Change {
    /// The fact now has this value.
    Set(serde_json::Value),
    /// The fact is forgotten.
    Forget,
}

impl std::fmt::Debug for Change {
    /// `Set` or `Forget`; never the value.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Set(_) => "Set(..)",
            Self::Forget => "Forget",
        })
    }
}

/// Why a store could not answer.
#[derive(Debug, thiserror::Error)]
#[error("the memory store failed: {0}")]
pub struct MemoryError(#[source] pub crate::error::BoxError);

impl MemoryError {
    /// Wraps a backend's error.
    pub fn new(error: impl Into<crate::error::BoxError>) -> Self {
        Self(error.into())
    }
}

/// Where facts about users are kept (SQLite, Postgres, or a backend of your own).
///
/// Every method takes what it needs by value and returns a `'static` future, so that a
/// backend can run its work on a blocking pool or a connection of its own. An
/// implementation is shared by every replica of a server: it must keep each fact's last
/// write (by `at`, not by arrival), and never lose one fact of a user to a concurrent
/// write of another.
pub trait MemoryStore: Send + Sync + 'static {
    /// The user's facts, in no particular order; none for a user the store does not know.
    fn recall(&self, user: UserKey) -> BoxFuture<Result<Vec<Fact>, MemoryError>>;

    /// Applies `changes` to the user's facts as written at `at`. Per fact, the later write
    /// wins: a change older than the fact's stored time is ignored, and a fact forgotten at
    /// `at` is not brought back by a write older than `at` (a backend may keep a
    /// tombstone, erased by the sweep, for that). Facts not named are left as they are.
    fn apply(
        &self,
        user: UserKey,
        changes: Vec<(String, Change)>,
        at: SystemTime,
    ) -> BoxFuture<Result<(), MemoryError>>;

    /// Erases everything about the user (every fact and tombstone); how many facts there
    /// were.
    fn forget_user(&self, user: UserKey) -> BoxFuture<Result<u64, MemoryError>>;

    /// Erases the facts (and tombstones) last written before `before`, for the retention
    /// period; how many rows went.
    fn sweep(&self, before: SystemTime) -> BoxFuture<Result<u64, MemoryError>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_hmac_of_the_identity_and_need_the_secret() {
        let secret = MemorySecret::new(Secret::new("s3cret").unwrap());
        let key = secret.key("+4915112345678");
        assert_eq!(key.as_str().len(), 64);
        assert_eq!(key, secret.key("+4915112345678"));
        assert_ne!(key, secret.key("+4915112345679"));
        let other = MemorySecret::new(Secret::new("another").unwrap());
        assert_ne!(key, other.key("+4915112345678"));
        assert!(!key.as_str().contains("4915112345678"));
        assert_eq!(UserKey::from_hex(key.as_str()), Some(key.clone()));
        assert_eq!(UserKey::from_hex("u-1001"), None);
        assert_eq!(
            format!("{key:?}"),
            format!("UserKey({}…)", &key.as_str()[..12])
        );
    }

    #[test]
    fn the_key_is_hmac_sha256_as_rfc_4231_gives_it() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        let secret = MemorySecret::new(Secret::new("Jefe").unwrap());
        assert_eq!(
            secret.key("what do ya want for nothing?").as_str(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn facts_and_changes_never_show_their_values() {
        let fact = Fact {
            name: "phone".to_owned(),
            value: serde_json::json!("+4915112345678"),
            updated_at: SystemTime::UNIX_EPOCH,
        };
        assert!(!format!("{fact:?}").contains("4915"));
        let change = Change::Set(serde_json::json!("+4915112345678"));
        assert_eq!(format!("{change:?}"), "Set(..)");
    }
}
