//! Maps as the export writes them.
//!
//! The export writes a protobuf map (`labels`, `requestHeaders`, `parameterMapping`,
//! `inputParameters`) as a list of `{"key", "value"}` objects, while the REST API writes it as a
//! JSON object. Both are accepted; the order of the list is kept, since `parameterMapping` is
//! applied in order.

use serde::{Deserialize, Deserializer};

/// One entry of a map.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct KeyValue<T> {
    /// The key.
    pub key: String,
    /// The value.
    pub value: T,
}

/// The two spellings of a map.
#[derive(Deserialize)]
#[serde(untagged, bound = "T: serde::de::DeserializeOwned + Default")]
enum Spelling<T> {
    List(Vec<KeyValue<T>>),
    Object(serde_json::Map<String, serde_json::Value>),
}

/// Deserializes a map written either as a `[{key, value}]` list or as a JSON object, in order.
pub(crate) fn key_values<'de, D, T>(deserializer: D) -> Result<Vec<KeyValue<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    match Option::<Spelling<T>>::deserialize(deserializer)? {
        None => Ok(Vec::new()),
        Some(Spelling::List(list)) => Ok(list),
        Some(Spelling::Object(object)) => object
            .into_iter()
            .map(|(key, value)| {
                T::deserialize(value)
                    .map(|value| KeyValue { key, value })
                    .map_err(serde::de::Error::custom)
            })
            .collect(),
    }
}
