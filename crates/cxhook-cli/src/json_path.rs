//! A path into a JSON body, as `cxhook replay --ignore` takes it and as a recording names its
//! redacted values: `sessionInfo.parameters.booking_id`, `fulfillmentResponse.messages[*].text`.
//! A leaf: the command line reads it and `replay` diffs with it, and it needs neither.

use std::str::FromStr;

use serde_json::Value;

/// A path into a JSON body, as `--ignore` takes it: keys between dots, array indexes in
/// brackets or between dots, and `*` (or `[*]`) for any key or index:
/// `sessionInfo.parameters.booking_id`, `fulfillmentResponse.messages[*].text`. A path also
/// covers everything under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonPath(Vec<Segment>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// A key, or an array index when it is a number.
    Name(String),
    /// Any key or index.
    Any,
}

impl Segment {
    fn matches(&self, step: &Step) -> bool {
        match (self, step) {
            (Self::Any, _) => true,
            (Self::Name(name), Step::Key(key)) => name == key,
            (Self::Name(name), Step::Index(i)) => name.parse() == Ok(*i),
        }
    }
}

impl JsonPath {
    /// Whether this path is `steps` or leads to it.
    pub(crate) fn matches(&self, steps: &[Step]) -> bool {
        self.0.len() <= steps.len()
            && self
                .0
                .iter()
                .zip(steps)
                .all(|(segment, step)| segment.matches(step))
    }

    /// The value at this path in `value`, when there is one; `*` takes the first that is.
    pub(crate) fn find_mut<'v>(&self, value: &'v mut Value) -> Option<&'v mut Value> {
        self.0
            .iter()
            .try_fold(value, |value, segment| match segment {
                Segment::Name(name) => match value {
                    Value::Object(map) => map.get_mut(name),
                    Value::Array(items) => name.parse().ok().and_then(|i: usize| items.get_mut(i)),
                    _ => None,
                },
                Segment::Any => match value {
                    Value::Object(map) => map.values_mut().next(),
                    Value::Array(items) => items.first_mut(),
                    _ => None,
                },
            })
    }
}

impl FromStr for JsonPath {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let invalid = |why: &str| {
            format!(
                "`{text}` is not a JSON path such as sessionInfo.parameters.booking_id or \
                 fulfillmentResponse.messages[*].text: {why}"
            )
        };
        let mut segments = Vec::new();
        for part in text.split('.') {
            let (name, mut brackets) = match part.find('[') {
                Some(at) => part.split_at(at),
                None => (part, ""),
            };
            match name {
                "" if brackets.is_empty() => return Err(invalid("a key is empty")),
                "" if segments.is_empty() => return Err(invalid("it starts with an index")),
                "" => {}
                "*" => segments.push(Segment::Any),
                name if name.contains(']') => return Err(invalid("a `]` has no `[`")),
                name => segments.push(Segment::Name(name.to_owned())),
            }
            while !brackets.is_empty() {
                let Some((index, rest)) = brackets
                    .strip_prefix('[')
                    .and_then(|rest| rest.split_once(']'))
                else {
                    return Err(invalid("a `[` has no `]`, or text follows a `]`"));
                };
                segments.push(match index {
                    "*" => Segment::Any,
                    index if index.parse::<usize>().is_ok() => Segment::Name(index.to_owned()),
                    _ => return Err(invalid("an index is neither a number nor `*`")),
                });
                brackets = rest;
            }
        }
        Ok(Self(segments))
    }
}

/// A step from a JSON value to one inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// The value of this key of an object.
    Key(String),
    /// The item at this index of an array.
    Index(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> JsonPath {
        text.parse().unwrap()
    }

    #[test]
    fn paths_read_keys_indexes_and_wildcards() {
        assert_eq!(
            path("a.b[2][*].c"),
            JsonPath(vec![
                Segment::Name("a".to_owned()),
                Segment::Name("b".to_owned()),
                Segment::Name("2".to_owned()),
                Segment::Any,
                Segment::Name("c".to_owned()),
            ])
        );
        assert_eq!(path("a.*.0"), path("a[*][0]"));
        for bad in ["", "a..b", "[0]", "a[", "a[x]", "a[1]b", "a]"] {
            let error = bad.parse::<JsonPath>().unwrap_err();
            assert!(error.contains("is not a JSON path"), "{bad}: {error}");
        }
    }

    #[test]
    fn a_path_covers_what_is_under_it() {
        let steps = [
            Step::Key("messages".to_owned()),
            Step::Index(1),
            Step::Key("text".to_owned()),
        ];
        assert!(path("messages").matches(&steps));
        assert!(path("messages[1].text").matches(&steps));
        assert!(path("messages.*.text").matches(&steps));
        assert!(!path("messages[0]").matches(&steps));
        assert!(!path("messages[1].text.text").matches(&steps));
    }
}
