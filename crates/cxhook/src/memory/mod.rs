//! Memory of users across sessions: facts about a caller kept between conversations, keyed
//! so that a copy of the store does not say who anyone is.
//!
//! Dialogflow CX forgets a session's parameters about 30 minutes after its last turn. A
//! [`MemoryStore`] keeps what a business chooses to remember (the city a caller asked the
//! weather for, the service they book) under a [`UserKey`]: the HMAC-SHA256 of the caller's
//! identity (a user ID, a phone number) under a server secret ([`MemorySecret`]). The
//! store never sees the identity itself, so a dump of its table holds no user ID and no
//! phone number, and the keys cannot be recomputed without the secret.
//!
//! Each fact is a JSON value with the time it was last written, and writes are per fact:
//! two replicas writing different facts of one user at once keep both, and of two writes
//! of the same fact the later one wins ([`MemoryStore::apply`]).

//!
//! A handler reads and writes the caller's facts with the [`Memory`] extractor; the
//! [`MemoryLayer`] in front of the handlers resolves who the caller is ([`Identities`]: a
//! session parameter, the caller's number in the telephony payload, a chat channel's key),
//! and stores what a call changed only when the call succeeds. A caller without an identity
//! has a memory that holds and keeps nothing.

mod handle;
mod identity;
mod layer;
mod store;

pub use handle::Memory;
pub use identity::{Identities, IdentitySource};
pub use layer::{MemoryLayer, MemoryService, Recall};
pub use store::{Change, Fact, MemoryError, MemorySecret, MemoryStore, UserKey};
