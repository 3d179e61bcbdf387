//! The auth layer: a call passes when any configured method accepts it, before its body is
//! read.
//!
//! Methods: static [bearer tokens](Auth::bearer) (several at once, for rotation), [HTTP
//! Basic](Auth::basic), a [header secret](Auth::header) and [Google ID tokens](IdToken)
//! verified against a cached [`Jwks`]. Secrets are [`Secret`]s, compared in constant time.
//!
//! A call without credentials any method can read gets `401 Unauthorized` with a
//! `WWW-Authenticate` challenge; one whose credentials no method accepts gets
//! `403 Forbidden` (Dialogflow maps both to `webhook.error.rejected`). Both carry the JSON
//! error body `{"error": "…", "message": "…"}`, which says what is expected and never
//! repeats what was sent. The reason is logged once, at `warn`, without the credential.

mod basic;
mod bearer;
mod credentials;
mod header;
mod id_token;
mod jwks;

use std::sync::Arc;
use std::task::{Context, Poll};

use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderName, HeaderValue, Request, StatusCode};
use tower::{Layer, Service};

pub use crate::secret::{Secret, SecretError};
pub use id_token::{DEFAULT_LEEWAY, GOOGLE_ISSUERS, IdToken};
pub use jwks::{DEFAULT_MAX_AGE, DEFAULT_MIN_REFRESH, GOOGLE_JWKS_URL, Jwks};

use crate::answer::ErrorBody;
use crate::handler::BoxFuture;
use credentials::{Verdict, authorization};

/// The `WWW-Authenticate` challenge of bearer tokens and ID tokens.
const BEARER_CHALLENGE: &str = "Bearer realm=\"cxhook\"";

/// The `WWW-Authenticate` challenge of Basic auth.
const BASIC_CHALLENGE: &str = "Basic realm=\"cxhook\", charset=\"UTF-8\"";

/// The `WWW-Authenticate` challenge when only header secrets are configured.
const HEADER_CHALLENGE: &str = "Header realm=\"cxhook\"";

/// Which credentials a call must carry: any of the configured methods; cheap to clone.
///
/// ```
/// use cxhook::middleware::auth::{Auth, Secret};
///
/// let auth = Auth::new()
///     .bearer([Secret::new("token-2026-11").unwrap(), Secret::new("token-2026-12").unwrap()])
///     .header("x-webhook-secret".parse().unwrap(), Secret::new("s3cret").unwrap());
/// assert!(!auth.is_empty());
/// let router: cxhook::Router = cxhook::Router::new();
/// let app = cxhook::server::Webhook::new(router).auth(auth).into_axum();
/// # let _ = app;
/// ```
#[derive(Debug, Clone, Default)]
pub struct Auth {
    methods: Arc<Vec<Method>>,
}

#[derive(Debug, Clone)]
enum Method {
    Bearer(bearer::Bearer),
    Basic(basic::Basic),
    Header(header::HeaderSecret),
    IdToken(IdToken),
}

impl Auth {
    /// No method yet: [`is_empty`](Self::is_empty), and a layer that lets every call pass.
    pub fn new() -> Self {
        Self::default()
    }

    fn with(mut self, method: Method) -> Self {
        Arc::make_mut(&mut self.methods).push(method);
        self
    }

    /// Accepts `Authorization: Bearer <token>` with any of these tokens.
    #[must_use]
    pub fn bearer(self, tokens: impl IntoIterator<Item = Secret>) -> Self {
        let tokens: Vec<Secret> = tokens.into_iter().collect();
        if tokens.is_empty() {
            return self;
        }
        self.with(Method::Bearer(bearer::Bearer { tokens }))
    }

    /// Accepts `Authorization: Basic` with this username and password; call it again for
    /// more users (or a rotated password).
    #[must_use]
    pub fn basic(mut self, username: impl Into<String>, password: Secret) -> Self {
        let user = (username.into(), password);
        let methods = Arc::make_mut(&mut self.methods);
        match methods.iter_mut().find_map(|m| match m {
            Method::Basic(basic) => Some(basic),
            _ => None,
        }) {
            Some(basic) => basic.users.push(user),
            None => methods.push(Method::Basic(basic::Basic { users: vec![user] })),
        }
        self
    }

    /// Accepts a call whose header `name` holds `value` (call it again for more values).
    #[must_use]
    pub fn header(mut self, name: HeaderName, value: Secret) -> Self {
        let methods = Arc::make_mut(&mut self.methods);
        match methods.iter_mut().find_map(|m| match m {
            Method::Header(header) if header.name == name => Some(header),
            _ => None,
        }) {
            Some(header) => header.values.push(value),
            None => methods.push(Method::Header(header::HeaderSecret {
                name,
                values: vec![value],
            })),
        }
        self
    }

    /// Accepts Google ID tokens as `verifier` checks them.
    #[must_use]
    pub fn id_token(self, verifier: IdToken) -> Self {
        self.with(Method::IdToken(verifier))
    }

    /// Whether no method is configured (the layer then lets every call pass).
    pub fn is_empty(&self) -> bool {
        self.methods.is_empty()
    }

    /// The names of the configured methods, for logs: `bearer`, `basic`, `header`, `id_token`.
    pub fn methods(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.methods.iter().map(|method| match method {
            Method::Bearer(_) => "bearer",
            Method::Basic(_) => "basic",
            Method::Header(_) => "header",
            Method::IdToken(_) => "id_token",
        })
    }

    /// Puts the check in front of every method of `route` (`/webhook`, `/metrics`); with
    /// no method configured, `route` is returned as it is.
    pub fn protect<S>(&self, route: MethodRouter<S>) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        if self.is_empty() {
            route
        } else {
            route.route_layer(self.clone())
        }
    }

    /// Whether the request's headers carry credentials a method accepts: `Ok` or the
    /// rejection to send.
    pub(crate) async fn check(&self, headers: &HeaderMap) -> Result<(), Response> {
        if self.is_empty() {
            return Ok(());
        }
        let authorization = authorization(headers);
        let mut wrong = Vec::new();
        let mut malformed = None;
        for method in self.methods.iter() {
            let verdict = match method {
                Method::Bearer(bearer) => bearer.check(&authorization),
                Method::Basic(basic) => basic.check(&authorization),
                Method::Header(header) => header.check(headers),
                Method::IdToken(id_token) => id_token.check(&authorization).await,
            };
            match verdict {
                Verdict::Accepted => return Ok(()),
                Verdict::Missing => {}
                Verdict::Malformed(why) => malformed = malformed.or(Some(why)),
                Verdict::Wrong(why) => wrong.push(why),
            }
        }
        if !wrong.is_empty() {
            let reasons = wrong.join("; ");
            tracing::warn!(status = 403, reasons = %reasons, "rejected a call: wrong credentials");
            return Err(rejection(
                StatusCode::FORBIDDEN,
                "forbidden",
                "the credentials were not accepted",
                None,
            ));
        }
        let expected = self.expected();
        let (code, message) = match malformed {
            Some(why) => {
                tracing::warn!(
                    status = 401,
                    reason = why,
                    "rejected a call: malformed credentials"
                );
                (
                    "malformed_credentials",
                    format!("{why}; expected {expected}"),
                )
            }
            None => {
                tracing::warn!(status = 401, expected = %expected, "rejected a call: no credentials");
                (
                    "unauthenticated",
                    format!("credentials are missing: expected {expected}"),
                )
            }
        };
        Err(rejection(
            StatusCode::UNAUTHORIZED,
            code,
            &message,
            Some(self.challenges()),
        ))
    }

    /// What a call may carry, in words.
    fn expected(&self) -> String {
        let mut ways: Vec<String> = Vec::new();
        for method in self.methods.iter() {
            let way = match method {
                Method::Bearer(_) => "Authorization: Bearer <token>".to_owned(),
                Method::Basic(_) => "Authorization: Basic <credentials>".to_owned(),
                Method::Header(header) => format!("the {} header", header.name),
                Method::IdToken(_) => "Authorization: Bearer <Google ID token>".to_owned(),
            };
            if !ways.contains(&way) {
                ways.push(way);
            }
        }
        ways.join(" or ")
    }

    /// The `WWW-Authenticate` challenges of the configured methods.
    fn challenges(&self) -> Vec<HeaderValue> {
        let mut challenges = Vec::new();
        let bearer = self
            .methods
            .iter()
            .any(|m| matches!(m, Method::Bearer(_) | Method::IdToken(_)));
        let basic = self.methods.iter().any(|m| matches!(m, Method::Basic(_)));
        if bearer {
            challenges.push(HeaderValue::from_static(BEARER_CHALLENGE));
        }
        if basic {
            challenges.push(HeaderValue::from_static(BASIC_CHALLENGE));
        }
        if challenges.is_empty() {
            // Only header secrets: no standard scheme names them, but a 401 needs a challenge.
            challenges.push(HeaderValue::from_static(HEADER_CHALLENGE));
        }
        challenges
    }
}

/// A 401 or 403 with the JSON error body and, for 401, the challenges.
fn rejection(
    status: StatusCode,
    code: &'static str,
    message: &str,
    challenges: Option<Vec<HeaderValue>>,
) -> Response {
    let body =
        serde_json::to_vec(&ErrorBody::new(code, message)).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response();
    for challenge in challenges.into_iter().flatten() {
        response.headers_mut().append(WWW_AUTHENTICATE, challenge);
    }
    response
}

impl<S> Layer<S> for Auth {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> AuthService<S> {
        AuthService {
            auth: self.clone(),
            inner,
        }
    }
}

/// The service [`Auth`] wraps around a route: checks the headers, then calls the route.
#[derive(Debug, Clone)]
pub struct AuthService<S> {
    auth: Auth,
    inner: S,
}

impl<S, B> Service<Request<B>> for AuthService<S>
where
    S: Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = BoxFuture<Result<Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let auth = self.auth.clone();
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            match auth.check(request.headers()).await {
                Ok(()) => inner.call(request).await,
                Err(rejection) => Ok(rejection),
            }
        })
    }
}
