//! [`Call`]: one webhook call on its way through the middleware to a handler.

use std::sync::Arc;
use std::time::Instant;

use cxhook_types::WebhookRequest;
use http::Extensions;

/// A parsed webhook request and what the layers in front of the handler learned about it.
///
/// The body is parsed once, at the edge; every extractor reads from the same
/// [`WebhookRequest`]. Layers leave typed values in [`Call::extensions_mut`] (a deadline, a
/// request ID) for extractors and handlers to read.
#[derive(Debug, Clone)]
pub struct Call {
    request: Arc<WebhookRequest>,
    received: Instant,
    extensions: Extensions,
}

impl Call {
    /// A call for this request, received now, with no extensions yet.
    pub fn new(request: impl Into<Arc<WebhookRequest>>) -> Self {
        Self {
            request: request.into(),
            received: Instant::now(),
            extensions: Extensions::new(),
        }
    }

    /// The call, received at `instant`: the edge gives the instant its body arrived, so that
    /// the time a call took (in its log line, its metrics and its recording) counts parsing.
    #[must_use]
    pub fn received_at(mut self, instant: Instant) -> Self {
        self.received = instant;
        self
    }

    /// When the call was received.
    pub fn received(&self) -> Instant {
        self.received
    }

    /// The request.
    pub fn request(&self) -> &WebhookRequest {
        &self.request
    }

    /// The request, shared.
    pub fn shared_request(&self) -> &Arc<WebhookRequest> {
        &self.request
    }

    /// The fulfillment tag, or `None` when the fulfillment has none.
    pub fn tag(&self) -> Option<&str> {
        self.request.tag()
    }

    /// Values the layers attached to this call.
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// Values the layers attached to this call, to add to.
    pub fn extensions_mut(&mut self) -> &mut Extensions {
        &mut self.extensions
    }
}
