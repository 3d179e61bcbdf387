//! One resource file read into its model type, with the JSON path of whatever is wrong.
//!
//! `serde_path_to_error` gives the path of a malformed value (`transitionRoutes[2].intent`)
//! and `serde_ignored` the fields nothing reads, both by wrapping the `serde_json`
//! deserializer, so a file is parsed once. Fields the export format has and the runtime does
//! not model (speech, logging, knowledge connectors, …) are listed in [`NOT_MODELLED`] and pass
//! silently; any other ignored field is a warning, which is how a misspelt `conditon` shows.

use serde::de::DeserializeOwned;

use super::error::{LoadError, Warning, WarningKind};

/// Fields of the export format the runtime does not read: speech and telephony settings,
/// logging, generative and knowledge settings, counters and locks. They are not errors and
/// not worth a warning.
const NOT_MODELLED: &[&str] = &[
    "advancedSettings",
    "answerFeedbackSettings",
    // Whether a training phrase part was annotated automatically.
    "auto",
    "avatarUri",
    "clientCertificateSettings",
    "dataStoreConnections",
    "duplexSettings",
    "enableLogging",
    "enableMultiLanguageTraining",
    "enableSpellCorrection",
    "enableStackdriverLogging",
    "genAppBuilderSettings",
    "gitIntegrationSettings",
    // A training phrase's ID (other `id` fields are modelled, so only that one is ignored).
    "id",
    "inputParameterDefinitions",
    "intentSuggestionSettings",
    "knowledgeConnectorSettings",
    "llmModelSettings",
    "locked",
    "lockState",
    "modelParameter",
    "multiIntentSettings",
    "multiLanguageSettings",
    "numTrainingPhrases",
    "oauthConfig",
    "outputParameterDefinitions",
    "personalizationSettings",
    "projectNumber",
    "satisfiesPzi",
    "satisfiesPzs",
    "securitySettings",
    "sendCallCompanionSms",
    "serviceAgentAuth",
    "speakerIdSettings",
    "speechToTextSettings",
    "textToSpeechSettings",
];

/// Fields of a webhook file that hold secrets: an error inside them must not quote the value.
const SECRET_FIELDS: &[&str] = &["username", "password", "requestHeaders"];

/// Parses `bytes` (the file `file` of the package) as a `T`, adding a warning for each field
/// nothing reads.
pub(crate) fn parse<T: DeserializeOwned>(
    file: &str,
    bytes: &[u8],
    warnings: &mut Vec<Warning>,
) -> Result<T, LoadError> {
    let mut ignored = Vec::new();
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let mut note = |path: serde_ignored::Path<'_>| {
        if !NOT_MODELLED.contains(&last_key(&path)) {
            ignored.push(json_path(&path));
        }
    };
    let value = serde_path_to_error::deserialize(serde_ignored::Deserializer::new(
        &mut json, &mut note,
    ))
    .map_err(|error| {
        let json_path = error.path().to_string();
        let secret = error.path().iter().any(|segment| {
            matches!(segment, serde_path_to_error::Segment::Map { key } if SECRET_FIELDS.contains(&key.as_str()))
        });
        let error = error.into_inner();
        let message = if secret {
            format!(
                "invalid value at line {} column {} (not shown: the field holds a secret)",
                error.line(),
                error.column()
            )
        } else {
            error.to_string()
        };
        LoadError::Malformed {
            file: file.to_owned(),
            json_path,
            message,
        }
    })?;
    json.end().map_err(|error| LoadError::Malformed {
        file: file.to_owned(),
        json_path: ".".to_owned(),
        message: error.to_string(),
    })?;
    warnings.extend(ignored.into_iter().map(|json_path| Warning {
        file: file.to_owned(),
        json_path,
        kind: WarningKind::UnknownField,
    }));
    Ok(value)
}

/// The name of the field an ignored path ends in.
fn last_key<'a>(path: &'a serde_ignored::Path<'_>) -> &'a str {
    match path {
        serde_ignored::Path::Map { key, .. } => key,
        _ => "",
    }
}

/// A path as JavaScript would write it: `transitionRoutes[2].conditon`.
fn json_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", json_path(parent)),
        Path::Map { parent, key } => match json_path(parent) {
            parent if parent.is_empty() => key.clone(),
            parent => format!("{parent}.{key}"),
        },
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => json_path(parent),
    }
}
