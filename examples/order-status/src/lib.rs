//! An order-status webhook on cxhook, and the way we test one.
//!
//! Two fulfillment tags: [`STATUS_TAG`] tells where an order is, [`CANCEL_TAG`] cancels one
//! that has not shipped. Both read the order number from the `order_id` session parameter
//! (typed, with [`Params`]) and the orders from the [`Shop`] the router holds as state. An
//! unknown number is said, flagged in `order_found` and, on a page whose form collects
//! `order_id`, marked invalid so that the agent asks again. A missing `order_id` is an
//! extractor rejection, and the order system being under maintenance a handler error: both
//! are answered by the recover layer, the latter with a sentence of our own.
//!
//! `tests/` tests every path with `cxhook_sim::TestClient` and
//! `cxhook_sim::RequestBuilder`: in-process, through the pipeline the server runs.

mod shop;

use cxhook::extract::{Form, Params, State};
use cxhook::{Error, Reply, Router};
use serde::Deserialize;

pub use shop::{Cancellation, Order, OrderStatus, Shop, ShopError};

/// The tag that asks where an order is.
pub const STATUS_TAG: &str = "order.status";

/// The tag that cancels an order.
pub const CANCEL_TAG: &str = "order.cancel";

/// The ID of the agent's returns flow, where a shipped order that cannot be cancelled goes.
pub const RETURNS_FLOW: &str = "returns";

/// What the user hears when the order system takes no changes.
pub const MAINTENANCE_TEXT: &str =
    "I can't change orders right now. Please try again in a few minutes.";

/// The webhook: both tags, over `shop`.
pub fn router(shop: Shop) -> Router {
    Router::<Shop>::new()
        .route(STATUS_TAG, status)
        .route(CANCEL_TAG, cancel)
        .with_state(shop)
}

/// The session parameters both handlers read.
#[derive(Deserialize)]
struct OrderRef {
    order_id: String,
}

impl OrderRef {
    /// The order number as the shop writes it: `a-1001 ` is `A-1001`.
    fn id(&self) -> String {
        self.order_id.trim().to_uppercase()
    }
}

async fn status(Params(order): Params<OrderRef>, State(shop): State<Shop>, form: Form) -> Reply {
    let id = order.id();
    let Some(order) = shop.order(&id) else {
        return not_found(&id, &form);
    };
    let Order { id, item, status } = &order;
    let reply = match status {
        OrderStatus::Placed => Reply::text(format!(
            "Order {id} ({item}) is being packed. You can still cancel it."
        )),
        OrderStatus::Shipped { carrier, tracking } => Reply::text(format!(
            "Order {id} ({item}) is on its way with {carrier}, tracking number {tracking}."
        ))
        .set_param("tracking_number", tracking),
        OrderStatus::Delivered { on } => {
            Reply::text(format!("Order {id} ({item}) was delivered on {on}."))
        }
        OrderStatus::Cancelled => Reply::text(format!("Order {id} ({item}) was cancelled.")),
    };
    reply
        .set_param("order_found", true)
        .set_param("order_status", status.as_str())
}

async fn cancel(
    Params(order): Params<OrderRef>,
    State(shop): State<Shop>,
    form: Form,
) -> Result<Reply, Error> {
    let id = order.id();
    match shop.cancel(&id) {
        Ok(Cancellation { order, already }) => {
            let text = if already {
                format!("Order {id} was already cancelled.")
            } else {
                format!(
                    "Order {id} ({}) is cancelled. Your refund is on its way.",
                    order.item
                )
            };
            Ok(Reply::text(text)
                .set_param("order_status", order.status.as_str())
                .clear_param("order_id")
                .end_session())
        }
        Err(ShopError::AlreadyShipped(_)) => Ok(Reply::text(format!(
            "Order {id} has already shipped, so it can't be cancelled. \
             Let's start a return instead."
        ))
        .set_param("order_status", "shipped")
        .to_flow(RETURNS_FLOW)),
        Err(ShopError::NotFound(_)) => Ok(not_found(&id, &form)),
        Err(error @ ShopError::Maintenance) => Err(Error::new(error).say(MAINTENANCE_TEXT)),
    }
}

/// The reply for an order number the shop does not know.
fn not_found(id: &str, form: &Form) -> Reply {
    let reply = Reply::text(format!(
        "I couldn't find order {id}. Order numbers look like A-1001."
    ))
    .set_param("order_found", false);
    if form.contains("order_id") {
        reply.invalidate("order_id")
    } else {
        reply
    }
}
