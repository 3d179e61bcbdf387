//! [`Memory`]: the caller's facts as a handler sees them, read from the store once per call
//! and written back only when the call succeeds.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::SystemTime;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::OnceCell;

use super::store::{Change, Fact, MemoryError, MemorySecret, MemoryStore, UserKey};
use crate::call::Call;
use crate::extract::{FromWebhook, OptionalFromWebhook, Rejection};

/// What the caller's memory holds, for a handler: read, write and forget typed facts.
///
/// The [`MemoryLayer`](super::MemoryLayer) puts one in each call's extensions. Reads go to
/// the store once per call, on the first of them; writes and forgets wait in the handle and
/// are stored when the call succeeds, in one write at the call's end: a handler that fails,
/// is rejected or runs out of time remembers nothing. A read sees the call's own writes.
///
/// A caller without an identity has a memory that holds nothing and keeps nothing: every
/// read is `None` and writes are dropped. Take `Option<Memory>` to tell that case apart.
///
/// ```
/// use cxhook::{Reply, memory::Memory};
///
/// async fn weather(memory: Memory) -> Result<Reply, cxhook::Error> {
///     let city: Option<String> = memory.get("weather_city").await?;
///     let city = city.unwrap_or_else(|| "Berlin".to_owned());
///     memory.set("weather_city", &city)?;
///     Ok(Reply::text(format!("The weather in {city} …")))
/// }
/// # let _ = weather;
/// ```
#[derive(Clone)]
pub struct Memory {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    user: User,
    store: Arc<dyn MemoryStore>,
    recalled: OnceCell<Vec<Fact>>,
    pending: Mutex<Pending>,
}

/// Who the caller is to the store: a key given, or one derived from the identity on first
/// use, so that a call that neither reads nor writes memory does not pay for the HMAC.
enum User {
    Known(UserKey),
    Derived {
        secret: MemorySecret,
        identity: String,
        key: OnceLock<UserKey>,
    },
}

impl User {
    fn key(&self) -> &UserKey {
        match self {
            Self::Known(key) => key,
            Self::Derived {
                secret,
                identity,
                key,
            } => key.get_or_init(|| secret.key(identity)),
        }
    }
}

/// What a call changed, to store when it succeeds.
#[derive(Default)]
struct Pending {
    /// Whether the user asked to be forgotten: everything stored goes first.
    forget_all: bool,
    /// The changes of single facts, the last of each.
    changes: BTreeMap<String, Change>,
}

impl std::fmt::Debug for Memory {
    /// The user's short key and the names of pending changes; never a value.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            None => f.write_str("Memory(unknown caller)"),
            Some(inner) => {
                let pending = inner.lock();
                f.debug_struct("Memory")
                    .field("user", inner.user.key())
                    .field("forget_all", &pending.forget_all)
                    .field("changes", &pending.changes)
                    .finish()
            }
        }
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Memory {
    /// The memory of the user `user`, kept in `store`.
    pub fn new(store: Arc<dyn MemoryStore>, user: UserKey) -> Self {
        Self::of(store, User::Known(user))
    }

    /// The memory of the caller with this `identity`, keyed with `secret` when it is first
    /// read, written or asked for its [`user`](Memory::user).
    pub(crate) fn of_identity(
        store: Arc<dyn MemoryStore>,
        secret: MemorySecret,
        identity: String,
    ) -> Self {
        let user = User::Derived {
            secret,
            identity,
            key: OnceLock::new(),
        };
        Self::of(store, user)
    }

    fn of(store: Arc<dyn MemoryStore>, user: User) -> Self {
        Self {
            inner: Some(Arc::new(Inner {
                user,
                store,
                recalled: OnceCell::new(),
                pending: Mutex::default(),
            })),
        }
    }

    /// The memory of a caller without an identity: it holds and keeps nothing.
    pub fn unknown() -> Self {
        Self { inner: None }
    }

    /// The caller's key, or `None` for a caller without an identity.
    pub fn user(&self) -> Option<&UserKey> {
        self.inner.as_ref().map(|inner| inner.user.key())
    }

    /// Whether the caller has an identity, without deriving their key.
    pub(crate) fn is_known(&self) -> bool {
        self.inner.is_some()
    }

    /// The fact `name` as a `T`, or `None` when nothing is remembered under it. Fails when
    /// the store cannot be read, or the value is not a `T`.
    pub async fn get<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, MemoryError> {
        let Some(value) = self.value(name).await? else {
            return Ok(None);
        };
        serde_json::from_value(value).map(Some).map_err(|_| {
            MemoryError::new(format!(
                "the remembered `{name}` is not a {}",
                std::any::type_name::<T>()
            ))
        })
    }

    /// The fact `name` as JSON, or `None` when nothing is remembered under it.
    pub async fn value(&self, name: &str) -> Result<Option<serde_json::Value>, MemoryError> {
        Ok(self
            .facts()
            .await?
            .into_iter()
            .find(|fact| fact.name == name)
            .map(|fact| fact.value))
    }

    /// Every fact the caller has, with this call's changes made, by name.
    pub async fn facts(&self) -> Result<Vec<Fact>, MemoryError> {
        let Some(inner) = &self.inner else {
            return Ok(Vec::new());
        };
        let stored = inner
            .recalled
            .get_or_try_init(|| inner.store.recall(inner.user.key().clone()))
            .await?;
        let pending = inner.lock();
        let now = SystemTime::now();
        let mut facts: BTreeMap<&str, Fact> = BTreeMap::new();
        if !pending.forget_all {
            facts.extend(stored.iter().map(|fact| (fact.name.as_str(), fact.clone())));
        }
        for (name, change) in &pending.changes {
            match change {
                Change::Set(value) => {
                    facts.insert(
                        name.as_str(),
                        Fact {
                            name: name.clone(),
                            value: value.clone(),
                            updated_at: now,
                        },
                    );
                }
                Change::Forget => {
                    facts.remove(name.as_str());
                }
            }
        }
        Ok(facts.into_values().collect())
    }

    /// Remembers `value` as the fact `name` once the call succeeds. Fails only when the
    /// value cannot be written as JSON.
    pub fn set(&self, name: &str, value: impl Serialize) -> Result<(), MemoryError> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        let value = serde_json::to_value(value).map_err(|_| {
            MemoryError::new(format!("the value of `{name}` cannot be written as JSON"))
        })?;
        inner
            .lock()
            .changes
            .insert(name.to_owned(), Change::Set(value));
        Ok(())
    }

    /// Forgets the fact `name` once the call succeeds.
    pub fn forget(&self, name: &str) {
        if let Some(inner) = &self.inner {
            inner.lock().changes.insert(name.to_owned(), Change::Forget);
        }
    }

    /// Forgets everything about the caller once the call succeeds; facts set after this in
    /// the same call are kept.
    pub fn forget_all(&self) {
        if let Some(inner) = &self.inner {
            let mut pending = inner.lock();
            pending.forget_all = true;
            pending.changes.clear();
        }
    }

    /// Whether the call changed anything.
    pub fn has_changes(&self) -> bool {
        self.inner.as_ref().is_some_and(|inner| {
            let pending = inner.lock();
            pending.forget_all || !pending.changes.is_empty()
        })
    }

    /// Stores the call's changes as made at `at`, and clears them: when the call asked to
    /// forget everything, the user's facts are erased first, leaving only a tombstone of
    /// each fact's name (no value) until the retention sweep. The layer calls this when the
    /// call succeeded.
    pub async fn commit(&self, at: SystemTime) -> Result<(), MemoryError> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        let (forget_all, mut changes) = {
            let mut pending = inner.lock();
            let pending = std::mem::take(&mut *pending);
            (pending.forget_all, pending.changes)
        };
        if forget_all {
            let stored = match inner.recalled.get() {
                Some(facts) => facts.clone(),
                None => inner.store.recall(inner.user.key().clone()).await?,
            };
            inner.store.forget_user(inner.user.key().clone()).await?;
            // A tombstone for each fact, so that a write older than this one, still on its
            // way from another replica, does not bring it back.
            for fact in stored {
                changes.entry(fact.name).or_insert(Change::Forget);
            }
        }
        if !changes.is_empty() {
            inner
                .store
                .apply(inner.user.key().clone(), changes.into_iter().collect(), at)
                .await?;
        }
        Ok(())
    }
}

impl<S> FromWebhook<S> for Memory {
    /// The memory the [`MemoryLayer`](super::MemoryLayer) put in the call; rejects the call
    /// when no memory layer is in front of the handler.
    fn from_webhook(call: &Call, _: &S) -> Result<Self, Rejection> {
        call.extensions().get::<Self>().cloned().ok_or_else(|| {
            Rejection::missing("the call has no memory: no MemoryLayer is in front of its handler")
        })
    }
}

impl<S> OptionalFromWebhook<S> for Memory {
    /// `None` when the caller has no identity (or no memory layer is in front of the
    /// handler).
    fn from_webhook(call: &Call, _: &S) -> Result<Option<Self>, Rejection> {
        Ok(call
            .extensions()
            .get::<Self>()
            .filter(|memory| memory.inner.is_some())
            .cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handler::BoxFuture;
    use crate::secret::Secret;

    /// A store that knows nobody and keeps nothing.
    struct Nobody;

    impl MemoryStore for Nobody {
        fn recall(&self, _: UserKey) -> BoxFuture<Result<Vec<Fact>, MemoryError>> {
            Box::pin(async { Ok(Vec::new()) })
        }

        fn apply(
            &self,
            _: UserKey,
            _: Vec<(String, Change)>,
            _: SystemTime,
        ) -> BoxFuture<Result<(), MemoryError>> {
            Box::pin(async { Ok(()) })
        }

        fn forget_user(&self, _: UserKey) -> BoxFuture<Result<u64, MemoryError>> {
            Box::pin(async { Ok(0) })
        }

        fn sweep(&self, _: SystemTime) -> BoxFuture<Result<u64, MemoryError>> {
            Box::pin(async { Ok(0) })
        }
    }

    fn derived(memory: &Memory) -> bool {
        match &memory.inner.as_ref().expect("a known caller").user {
            User::Known(_) => true,
            User::Derived { key, .. } => key.get().is_some(),
        }
    }

    #[tokio::test]
    async fn a_callers_key_is_derived_only_when_memory_is_used() {
        let secret = MemorySecret::new(Secret::new("s3cret").unwrap());
        let identity = "+4915112345678";
        let untouched = Memory::of_identity(Arc::new(Nobody), secret.clone(), identity.into());
        assert!(untouched.is_known() && !untouched.has_changes());
        untouched.commit(SystemTime::now()).await.unwrap();
        assert!(!derived(&untouched), "nothing read or written, no key");

        let read = Memory::of_identity(Arc::new(Nobody), secret.clone(), identity.into());
        assert_eq!(read.value("city").await.unwrap(), None);
        assert!(derived(&read));
        assert_eq!(read.user(), Some(&secret.key(identity)));
        assert!(!format!("{read:?}").contains("4915112345678"));
    }
}
