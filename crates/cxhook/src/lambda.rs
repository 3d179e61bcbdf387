//! Serving a webhook on AWS Lambda, behind API Gateway (REST APIs, v1 events; HTTP APIs, v2
//! events) or a Lambda function URL (v2 events).
//!
//! The Lambda runtime turns each event into an HTTP request and hands it to the same axum
//! router [`Webhook::into_axum`] gives the HTTP server, so a call answers exactly as it
//! does there: the same routes, checks, layers and handlers, and JSON bodies with their
//! status. Base64-encoded request bodies are decoded by the runtime. API Gateway puts the
//! stage in the path (`/prod/webhook`); [`service`] takes it off again.

use http::uri::{PathAndQuery, Uri};
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use tower::util::MapRequest;

use crate::server::Webhook;

/// The error the Lambda runtime stops with.
pub type LambdaError = lambda_http::Error;

/// Starts the router's start-up tasks ([`Webhook::start`]) and serves `webhook` on the
/// Lambda runtime until the runtime stops it.
pub async fn run(webhook: Webhook) -> Result<(), LambdaError> {
    webhook.start();
    lambda_http::run(service(webhook)).await
}

/// The service [`run`] gives the runtime: the HTTP router, with the stage taken off the path.
pub fn service(webhook: Webhook) -> MapRequest<axum::Router, fn(Request) -> Request> {
    MapRequest::new(webhook.into_axum(), without_stage)
}

/// The request with its API Gateway stage (`/prod`) taken off the front of its path.
fn without_stage(mut request: Request) -> Request {
    let stage = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.stage.clone(),
        Some(RequestContext::ApiGatewayV2(context)) => context.stage.clone(),
        _ => None,
    };
    let Some(stage) = stage.filter(|stage| stage != "$default") else {
        return request;
    };
    let uri = request.uri();
    let Some(rest) = uri.path().strip_prefix(&format!("/{stage}")) else {
        return request;
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        return request;
    }
    let path = match (rest, uri.query()) {
        ("", None) => "/".to_owned(),
        ("", Some(query)) => format!("/?{query}"),
        (rest, None) => rest.to_owned(),
        (rest, Some(query)) => format!("{rest}?{query}"),
    };
    let mut parts = uri.clone().into_parts();
    if let Ok(path) = PathAndQuery::try_from(path) {
        parts.path_and_query = Some(path);
        if let Ok(uri) = Uri::from_parts(parts) {
            *request.uri_mut() = uri;
        }
    }
    request
}
