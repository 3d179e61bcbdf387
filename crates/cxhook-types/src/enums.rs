//! The protobuf enums of the webhook protocol.
//!
//! On the wire an enum is its name (`"REPLACE"`); protobuf parsers also accept its number. We
//! write names, read both, and read a name we do not know as the unspecified value, as a
//! lenient protobuf parser does: a newer Dialogflow must not break an older webhook.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

macro_rules! proto_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $number:literal => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// The name this value has on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $wire, )+
                }
            }

            /// The value with this wire name, if there is one.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $( $wire => Some(Self::$variant), )+
                    _ => None,
                }
            }

            /// The value with this protobuf number, if there is one.
            pub const fn from_number(number: i64) -> Option<Self> {
                match number {
                    $( $number => Some(Self::$variant), )+
                    _ => None,
                }
            }

            /// Whether this is the unspecified (default) value, which the wire leaves out.
            pub fn is_unspecified(&self) -> bool {
                *self == Self::default()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " name or number"))
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from_name(v).unwrap_or_default())
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        Ok($name::from_number(v).unwrap_or_default())
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        Ok(i64::try_from(v).ok().and_then($name::from_number).unwrap_or_default())
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<$name, E> {
                        Ok($name::default())
                    }
                }
                deserializer.deserialize_any(V)
            }
        }
    };
}

proto_enum! {
    /// The state of a form parameter (`pageInfo.formInfo.parameterInfo[].state`).
    ///
    /// In a response only [`ParameterState::Invalid`] has an effect: Dialogflow collects the
    /// parameter again. There is no `VALID` state.
    ParameterState {
        /// Not specified; never sent by Dialogflow.
        #[default]
        Unspecified = 0 => "PARAMETER_STATE_UNSPECIFIED",
        /// The parameter has no value yet.
        Empty = 1 => "EMPTY",
        /// The parameter was invalidated, by a webhook or a validation rule.
        Invalid = 2 => "INVALID",
        /// The parameter has a value.
        Filled = 3 => "FILLED",
    }
}

proto_enum! {
    /// How a webhook's messages combine with the messages already queued for the turn.
    MergeBehavior {
        /// Not specified: Dialogflow treats it as [`MergeBehavior::Append`].
        #[default]
        Unspecified = 0 => "MERGE_BEHAVIOR_UNSPECIFIED",
        /// Add the webhook's messages after the queued ones.
        Append = 1 => "APPEND",
        /// Drop the queued messages and send the webhook's in their place.
        Replace = 2 => "REPLACE",
    }
}

proto_enum! {
    /// Which kind of fulfillment produced a queued message (v3 only; v3beta1 has no such field).
    ResponseType {
        /// Not specified.
        #[default]
        Unspecified = 0 => "RESPONSE_TYPE_UNSPECIFIED",
        /// The entry fulfillment of a page.
        EntryPrompt = 1 => "ENTRY_PROMPT",
        /// A form parameter's prompt.
        ParameterPrompt = 2 => "PARAMETER_PROMPT",
        /// A route or event handler's fulfillment.
        HandlerPrompt = 3 => "HANDLER_PROMPT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_numbers_and_unknown_names() {
        let read = |s: &str| serde_json::from_str::<ParameterState>(s).unwrap();
        assert_eq!(read(r#""INVALID""#), ParameterState::Invalid);
        assert_eq!(read("3"), ParameterState::Filled);
        assert_eq!(read(r#""SOMETHING_NEW""#), ParameterState::Unspecified);
        assert_eq!(read("null"), ParameterState::Unspecified);
        assert!(serde_json::from_str::<ParameterState>("[]").is_err());
    }

    #[test]
    fn writes_names() {
        assert_eq!(
            serde_json::to_string(&MergeBehavior::Replace).unwrap(),
            r#""REPLACE""#
        );
        assert_eq!(ResponseType::HandlerPrompt.to_string(), "HANDLER_PROMPT");
    }
}
