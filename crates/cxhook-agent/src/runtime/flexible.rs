//! Flexible webhooks: the response read into parameters with JSONPath.
//!
//! A flexible webhook (`webhookType: FLEXIBLE`) is any HTTP API: CX sends the webhook's body
//! template with its references filled in, and reads the answer through `parameterMapping`, a
//! list of parameter ← JSONPath pairs. Google's Address Collection component maps with filter
//! expressions (`$.result.address.addressComponents[?(@.componentType == 'locality')]…`), so the
//! paths are read with `serde_json_path`, an RFC 9535 implementation with filters, rather than a
//! hand-written subset. The rules:
//!
//! 1. **Mappings apply in order**, each key a parameter as setParameterActions writes it
//!    (`$flow.x`, `$session.params.x`, or a bare session parameter name).
//! 2. *Inferred:* **a path that can select several nodes gives a list**, even of one node; a path
//!    of names and indices alone gives the node itself. The component indexes the results of its
//!    filter paths (`$flow.city_webhook[0]`) and uses `$.result` and
//!    `$.result.address.missingComponentTypes` as they are, which fits only this reading.
//! 3. *Inferred:* **a path that selects nothing clears the parameter** (`null`): the component
//!    tests such parameters with `= null` right after the call.
//! 4. **The status is kept** for `$request.webhook_status_code`, whatever it is.

use serde_json::Value;
use serde_json_path::JsonPath;

use crate::model::KeyValue;

/// Rules 1 to 3: the parameters `mapping` reads from `body`, in order. An error names the
/// mapping whose path does not parse.
pub(crate) fn map_response(
    mapping: &[KeyValue<String>],
    body: &Value,
) -> Result<Vec<(String, Value)>, String> {
    mapping
        .iter()
        .map(|KeyValue { key, value: path }| {
            let parsed = JsonPath::parse(path).map_err(|e| {
                format!("the parameter mapping of `{key}` is not a JSONPath ({e}): {path}")
            })?;
            let nodes = parsed.query(body);
            let value = match (is_singular(path), nodes.len()) {
                (_, 0) => Value::Null,
                (true, _) => nodes.first().cloned().unwrap_or(Value::Null),
                (false, _) => Value::Array(nodes.iter().map(|node| (*node).clone()).collect()),
            };
            Ok((key.clone(), value))
        })
        .collect()
}

/// Rule 2: whether `path` selects at most one node: only names (`.name`, `['name']`) and
/// indices (`[0]`), no wildcard, filter, slice, union or descendant segment.
fn is_singular(path: &str) -> bool {
    let mut quoted = None;
    let mut in_brackets = false;
    let mut previous = '\0';
    for c in path.chars() {
        match quoted {
            Some(q) if c == q => quoted = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quoted = Some(c),
                '[' => in_brackets = true,
                ']' => in_brackets = false,
                '*' | '?' => return false,
                '.' if previous == '.' => return false,
                ',' | ':' if in_brackets => return false,
                _ => {}
            },
        }
        previous = c;
    }
    true
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn mapping(pairs: &[(&str, &str)]) -> Vec<KeyValue<String>> {
        pairs
            .iter()
            .map(|(key, value)| KeyValue {
                key: (*key).to_owned(),
                value: (*value).to_owned(),
            })
            .collect()
    }

    #[test]
    fn filters_give_lists_and_names_give_nodes() {
        let body = json!({"result": {"address": {
            "addressComponents": [
                {"componentType": "locality", "componentName": {"text": "Melbourne"},
                 "confirmationLevel": "CONFIRMED"},
                {"componentType": "route", "componentName": {"text": "Hosier Ln"},
                 "confirmationLevel": "UNCONFIRMED_BUT_PLAUSIBLE", "inferred": true}
            ],
            "postalAddress": {"regionCode": "AU"}
        }}});
        let read = map_response(
            &mapping(&[
                ("$flow.city_webhook", "$.result.address.addressComponents[?(@.componentType == 'locality')].componentName.text"),
                ("$flow.inferred", "$.result.address.addressComponents[?(@.inferred==true && ((@.componentType == 'route') || (@.componentType == 'country')))].componentType"),
                ("$flow.regionCode", "$.result.address.postalAddress.regionCode"),
                ("$flow.missing", "$.result.address.missingComponentTypes"),
                ("$flow.island", "$.result.address.addressComponents[?(@.componentType == 'archipelago')].componentName.text"),
                ("first", "$.result.address.addressComponents[0].componentType"),
            ]),
            &body,
        )
        .unwrap();
        let values: Vec<&Value> = read.iter().map(|(_, value)| value).collect();
        assert_eq!(
            values,
            [
                &json!(["Melbourne"]),
                &json!(["route"]),
                &json!("AU"),
                &Value::Null,
                &Value::Null,
                &json!("locality"),
            ]
        );
        assert_eq!(read[0].0, "$flow.city_webhook");
    }

    #[test]
    fn a_path_that_does_not_parse_names_its_mapping() {
        let error = map_response(&mapping(&[("$flow.x", "$.a[?(@.b ==")]), &json!({})).unwrap_err();
        assert!(error.contains("`$flow.x`"), "{error}");
    }

    #[test]
    fn singular_paths() {
        assert!(is_singular("$.a.b[0]['c.d']"));
        assert!(is_singular("$['x*y']"));
        for path in [
            "$.a[*]",
            "$..a",
            "$.a[0,1]",
            "$.a[0:2]",
            "$.a[?(@.b)]",
            "$.*",
        ] {
            assert!(!is_singular(path), "{path}");
        }
    }
}
