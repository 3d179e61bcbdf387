//! [`Call`]: one webhook call on its way through the middleware to a handler.

use std::sync::Arc;

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
    extensions: Extensions,
}

impl Call {
    /// A call for this request, with no extensions yet.
    pub fn new(request: impl Into<Arc<WebhookRequest>>) -> Self {
        Self {
            request: request.into(),
            extensions: Extensions::new(),
        }
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
