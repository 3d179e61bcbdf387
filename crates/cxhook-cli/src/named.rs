//! The values of the flags that name a part of an exported agent: `--webhook NAME=URL` and
//! `--generator NAME=TEXT`. A leaf module: it imports no other module of the crate.
//!
//! The name is a display name, which may hold `:` (Google's prebuilt components name their
//! webhooks `prebuilt_components_address_collection:address_validation`) but no `=`, so the
//! first `=` ends it; a URL's query keeps its own.

use std::str::FromStr;

/// A webhook of the agent answered by the server at a URL: `NAME=URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebhookUrl {
    /// The webhook's display name.
    pub(crate) name: String,
    /// Where its calls go instead of the export's URI.
    pub(crate) url: reqwest::Url,
}

impl FromStr for WebhookUrl {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (name, url) = split(text, "NAME=URL")?;
        let url: reqwest::Url = url
            .parse()
            .map_err(|e| format!("`{url}` is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!(
                "the URL of webhook `{name}` must start with http:// or https://"
            ));
        }
        Ok(Self { name, url })
    }
}

/// The text a generator of the agent gives: `NAME=TEXT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GeneratorText {
    /// The generator's display name.
    pub(crate) name: String,
    /// Its text, with `$placeholders` for the values the fulfillment passes.
    pub(crate) text: String,
}

impl FromStr for GeneratorText {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (name, text) = split(text, "NAME=TEXT")?;
        Ok(Self {
            name,
            text: text.to_owned(),
        })
    }
}

/// `NAME` and what follows the first `=`.
fn split<'a>(text: &'a str, form: &str) -> Result<(String, &'a str), String> {
    match text.split_once('=') {
        Some((name, rest)) if !name.trim().is_empty() => Ok((name.trim().to_owned(), rest)),
        Some(_) => Err(format!("`{text}` has no name before `=`")),
        None => Err(format!("`{text}` is not {form}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_ends_at_the_first_equals_sign() {
        let webhook: WebhookUrl = "prebuilt:validation=http://127.0.0.1:9/v1?key=a=b"
            .parse()
            .unwrap();
        assert_eq!(webhook.name, "prebuilt:validation");
        assert_eq!(webhook.url.as_str(), "http://127.0.0.1:9/v1?key=a=b");
        let generator: GeneratorText = "Welcome=Hi = hello".parse().unwrap();
        assert_eq!(
            (generator.name.as_str(), generator.text.as_str()),
            ("Welcome", "Hi = hello")
        );
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        let error = |text: &str| text.parse::<WebhookUrl>().unwrap_err();
        assert!(error("lookup").contains("is not NAME=URL"));
        assert!(error("=http://x").contains("no name"));
        assert!(error("a=not a url").contains("is not a URL"));
        assert!(error("a=ftp://host/").contains("http:// or https://"));
    }
}
