//! What a lookup is cached under ([`Key`]) and what it found ([`Lookup`]): the values of both
//! levels of the caches, the in-process one ([`super::cache`]) and the one in Redis
//! ([`super::shared`]), which each use this module and not each other's.

use std::sync::Arc;
use std::time::Instant;

use super::provider::{Observation, Units};

/// What one lookup is cached under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Key {
    pub(super) place: String,
    pub(super) units: Units,
    pub(super) language: String,
}

/// A lookup that succeeded.
#[derive(Debug, Clone)]
pub(super) enum Lookup {
    /// The weather.
    Found(Arc<Observation>),
    /// The provider knows no such place; since when that is known.
    Unknown(Instant),
}
