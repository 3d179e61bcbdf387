//! [`ExternalApi`]: the client of an external scheduling API.
//!
//! `POST {api_url}/api/appointments` with `Authorization: Bearer <token>` and an
//! `Idempotency-Key` header, body `{service, start, end, session, reference}`, answers
//! `{id, status}`. The API must treat a repeated key as the same request (answering the
//! appointment it made the first time), which is what makes a retry after a timeout safe.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use cxhook::http_client::{BodyError, BuildError, HttpClient};
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::config::ExternalConfig;
use super::store::Booking;
use crate::ConfigError;

/// A bearer token; its `Debug` never shows it.
#[derive(Clone)]
pub(super) struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Why the token could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The token file could not be read.
    #[error("cannot read the booking API token file {path}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The environment variable is not set (or not Unicode).
    #[error("the environment variable {0} (the booking API token) is not set")]
    Env(String),
    /// The token is empty.
    #[error("the booking API token is empty")]
    Empty,
}

impl Token {
    /// Reads the token from the configured file, else the configured environment variable.
    pub(super) fn load(config: &ExternalConfig) -> Result<Self, TokenError> {
        let token = match &config.token_file {
            Some(path) => std::fs::read_to_string(path).map_err(|source| TokenError::File {
                path: path.clone(),
                source,
            })?,
            None => std::env::var(&config.token_env)
                .map_err(|_| TokenError::Env(config.token_env.clone()))?,
        };
        let token = token.trim();
        if token.is_empty() {
            return Err(TokenError::Empty);
        }
        Ok(Self(token.to_owned()))
    }
}

/// What the API said about a booking.
#[derive(Debug)]
pub(super) enum Answer {
    /// It made (or had made) the appointment, under this ID.
    Booked(String),
    /// It refused the slot (409 or 422): taken or not bookable there.
    Refused(StatusCode),
}

/// Why the API gave no answer we can act on; the booking stays pending.
#[derive(Debug, thiserror::Error)]
pub(super) enum CallError {
    /// No answer within the timeout.
    #[error("the scheduling API did not answer within {0:?}")]
    Timeout(Duration),
    /// Could not connect, or the connection broke.
    #[error("cannot reach the scheduling API: {}", cxhook::http_client::describe(.0))]
    Transport(#[source] reqwest::Error),
    /// An error status other than a refusal.
    #[error("the scheduling API answered {0}")]
    Status(StatusCode),
    /// A success without `{id}`, or with a body over the HTTP client's body limit.
    #[error("the scheduling API answered with an unreadable body")]
    Malformed(#[source] BodyError),
    /// The HTTP client could not be built (no usable TLS setup, say).
    #[error(transparent)]
    Client(#[from] BuildError),
}

/// The scheduling API client, over the process's [shared HTTP client](HttpClient::shared),
/// built at the first call.
#[derive(Debug, Clone)]
pub(super) struct ExternalApi {
    client: HttpClient,
    appointments: reqwest::Url,
    token: Token,
    timeout: Duration,
    reconcile_every: Duration,
}

#[derive(Deserialize)]
struct Appointment {
    id: serde_json::Value,
}

impl ExternalApi {
    /// The client of the API `config` names; `config` must have been checked.
    pub(super) fn new(config: &ExternalConfig, token: Token) -> Result<Self, ConfigError> {
        Ok(Self {
            client: HttpClient::shared(),
            appointments: config.appointments_url()?,
            token,
            timeout: Duration::from_millis(config.timeout_ms),
            reconcile_every: Duration::from_millis(config.reconcile_interval_ms),
        })
    }

    /// How often pending bookings are sent again.
    pub(super) fn reconcile_every(&self) -> Duration {
        self.reconcile_every
    }

    /// How long one call may take.
    pub(super) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Books `booking` (or gets the appointment an earlier call with its key made).
    pub(super) async fn book(&self, booking: &Booking) -> Result<Answer, CallError> {
        let body = json!({
            "service": booking.service,
            "start": booking.start.to_string(),
            "end": booking.end.to_string(),
            "session": booking.session,
            "reference": booking.confirmation,
        });
        let response = self
            .client
            .get()
            .await?
            .post(self.appointments.clone())
            .timeout(self.timeout)
            .bearer_auth(&self.token.0)
            .header("Idempotency-Key", &booking.idempotency_key)
            .json(&body)
            .send()
            .await
            .map_err(|e| self.failed(e))?;
        let status = response.status();
        if status == StatusCode::CONFLICT || status == StatusCode::UNPROCESSABLE_ENTITY {
            return Ok(Answer::Refused(status));
        }
        if !status.is_success() {
            return Err(CallError::Status(status));
        }
        let appointment: Appointment = self.client.read_json(response).await.map_err(|e| {
            if e.is_timeout() {
                CallError::Timeout(self.timeout)
            } else {
                CallError::Malformed(e)
            }
        })?;
        let id = match appointment.id {
            serde_json::Value::String(id) => id,
            other => other.to_string(),
        };
        Ok(Answer::Booked(id))
    }

    /// Cancels the appointment `external_id`: `DELETE {api_url}/api/appointments/{id}`; an
    /// appointment the API no longer has counts as cancelled.
    pub(super) async fn cancel(&self, external_id: &str) -> Result<(), CallError> {
        let mut url = self.appointments.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.push(external_id);
        }
        let response = self
            .client
            .get()
            .await?
            .delete(url)
            .timeout(self.timeout)
            .bearer_auth(&self.token.0)
            .send()
            .await
            .map_err(|e| self.failed(e))?;
        let status = response.status();
        if status.is_success() || status == StatusCode::NOT_FOUND {
            Ok(())
        } else {
            Err(CallError::Status(status))
        }
    }

    fn failed(&self, error: reqwest::Error) -> CallError {
        if error.is_timeout() {
            CallError::Timeout(self.timeout)
        } else {
            CallError::Transport(error)
        }
    }
}
