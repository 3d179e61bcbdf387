//! Google ID tokens: the OIDC JWT that Dialogflow's service agent sends by default
//! (`Authorization: Bearer <JWT>`), checked against a cached [`Jwks`].

use std::time::Duration;

use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::Value;

use super::credentials::{Authorization, Verdict};
use super::jwks::Jwks;

/// The issuers of Google ID tokens.
pub const GOOGLE_ISSUERS: [&str; 2] = ["https://accounts.google.com", "accounts.google.com"];

/// The default clock skew allowed on `exp`, `nbf` and `iat`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// How Google ID tokens are checked: RS256 signature by a key of the [`Jwks`], `iss` one
/// of [`GOOGLE_ISSUERS`], `aud` one of the configured audiences, `exp`, `nbf` and `iat`
/// within a small clock skew, and, when configured, the service agent's `email` with
/// `email_verified`.
///
/// Only RS256 is accepted: `alg: none` and HMAC tokens (which would let the public key act
/// as a shared secret) are refused before any key is looked at.
#[derive(Debug, Clone)]
pub struct IdToken {
    jwks: Jwks,
    audiences: Vec<String>,
    leeway: Duration,
    email: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    iat: Option<u64>,
    email: Option<String>,
    email_verified: Option<Value>,
}

impl IdToken {
    /// Tokens signed by a key of `jwks` for one of `audiences` (the webhook's URL, as
    /// Dialogflow asks for it).
    ///
    /// # Panics
    ///
    /// When `audiences` is empty: a token for any audience must not pass.
    #[track_caller]
    pub fn new<A: Into<String>>(jwks: Jwks, audiences: impl IntoIterator<Item = A>) -> Self {
        let audiences: Vec<String> = audiences.into_iter().map(Into::into).collect();
        assert!(
            !audiences.is_empty(),
            "an ID token check needs at least one audience"
        );
        Self {
            jwks,
            audiences,
            leeway: DEFAULT_LEEWAY,
            email: None,
        }
    }

    /// Sets the clock skew allowed on `exp`, `nbf` and `iat` ([`DEFAULT_LEEWAY`] by default).
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Accepts only tokens of this `email` with `email_verified: true` (Dialogflow's
    /// service agent: `service-<PROJECT_NUMBER>@gcp-sa-dialogflow.iam.gserviceaccount.com`).
    #[must_use]
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    pub(super) async fn check(&self, authorization: &Authorization<'_>) -> Verdict {
        match authorization {
            Authorization::Bearer(token) => match self.verify(token).await {
                Ok(()) => Verdict::Accepted,
                Err(reason) => Verdict::Wrong(format!("id_token: {reason}")),
            },
            Authorization::Malformed(why) => Verdict::Malformed(why),
            Authorization::Absent | Authorization::Basic(_) | Authorization::Other => {
                Verdict::Missing
            }
        }
    }

    async fn verify(&self, token: &str) -> Result<(), String> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| "not a JWT with a known algorithm".to_owned())?;
        if header.alg != Algorithm::RS256 {
            return Err(format!("algorithm {:?} refused; only RS256", header.alg));
        }
        let kid = header.kid.ok_or("the token names no key (kid)")?;
        let key = self.jwks.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = self.leeway.as_secs();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&GOOGLE_ISSUERS);
        validation.set_audience(&self.audiences);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud"]);
        let claims = match jsonwebtoken::decode::<Claims>(token, &key, &validation) {
            Ok(data) => data.claims,
            Err(error) => return Err(self.explain(token, error.kind())),
        };
        let now = jsonwebtoken::get_current_timestamp();
        if claims
            .iat
            .is_some_and(|iat| iat > now + self.leeway.as_secs())
        {
            return Err("the token is issued in the future (iat)".to_owned());
        }
        if let Some(expected) = &self.email {
            let verified = matches!(&claims.email_verified, Some(Value::Bool(true)))
                || matches!(&claims.email_verified, Some(Value::String(s)) if s == "true");
            if claims.email.as_deref() != Some(expected.as_str()) || !verified {
                return Err(format!(
                    "the token's email is not {expected} with email_verified"
                ));
            }
        }
        Ok(())
    }

    /// Why `decode` refused the token, for the log; a wrong audience names the one the
    /// token has, so that the audience Dialogflow asks for can be learned.
    fn explain(&self, token: &str, kind: &jsonwebtoken::errors::ErrorKind) -> String {
        use jsonwebtoken::errors::ErrorKind;
        match kind {
            ErrorKind::ExpiredSignature => "the token has expired (exp)".to_owned(),
            ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".to_owned(),
            ErrorKind::InvalidIssuer => "the token's issuer is not Google (iss)".to_owned(),
            ErrorKind::InvalidSignature => "the signature does not verify".to_owned(),
            ErrorKind::InvalidAudience => {
                #[derive(Deserialize)]
                struct Audience {
                    aud: Option<Value>,
                }
                let aud = jsonwebtoken::dangerous::insecure_decode_claims::<Audience>(token)
                    .ok()
                    .and_then(|claims| claims.aud)
                    .map_or_else(|| "none".to_owned(), |aud| aud.to_string());
                format!(
                    "the token's audience {aud} is none of {:?} (aud)",
                    self.audiences
                )
            }
            ErrorKind::MissingRequiredClaim(claim) => format!("the token has no {claim} claim"),
            other => format!("the token is invalid: {other:?}"),
        }
    }
}
