//! [`Shop`]: the orders the webhook answers about, kept in memory and shared by every call.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Where an order is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderStatus {
    /// Paid for, not yet handed to a carrier: it can still be cancelled.
    Placed,
    /// On its way.
    Shipped {
        /// The carrier's name.
        carrier: String,
        /// The carrier's tracking number.
        tracking: String,
    },
    /// Delivered, on this date (`YYYY-MM-DD`).
    Delivered {
        /// The delivery date.
        on: String,
    },
    /// Cancelled before it shipped.
    Cancelled,
}

impl OrderStatus {
    /// The status as the agent's `order_status` parameter holds it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Placed => "placed",
            Self::Shipped { .. } => "shipped",
            Self::Delivered { .. } => "delivered",
            Self::Cancelled => "cancelled",
        }
    }
}

/// One order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The order number, `A-1001`.
    pub id: String,
    /// What was ordered, for the user to recognise it.
    pub item: String,
    /// Where it is.
    pub status: OrderStatus,
}

/// Why the shop could not change an order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShopError {
    /// No order has this number.
    #[error("no order {0}")]
    NotFound(String),
    /// The order has left the warehouse (or arrived): too late to cancel.
    #[error("order {0} has already shipped")]
    AlreadyShipped(String),
    /// The order system takes no changes while it is under maintenance.
    #[error("the order system is under maintenance")]
    Maintenance,
}

/// What [`Shop::cancel`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    /// The order, cancelled.
    pub order: Order,
    /// Whether it had been cancelled before (and nothing changed now).
    pub already: bool,
}

/// The orders, shared by every call; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Shop {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    orders: Mutex<HashMap<String, Order>>,
    maintenance: AtomicBool,
}

impl Shop {
    /// A shop with no orders.
    pub fn new() -> Self {
        Self::default()
    }

    /// A shop with a few demo orders, one in each status: `A-1001` placed, `A-1002` shipped,
    /// `A-1003` delivered, `A-1004` cancelled.
    pub fn demo() -> Self {
        let shop = Self::new();
        let demo = [
            ("A-1001", "a blue teapot", OrderStatus::Placed),
            (
                "A-1002",
                "two espresso cups",
                OrderStatus::Shipped {
                    carrier: "DHL".to_owned(),
                    tracking: "JD014600003SE".to_owned(),
                },
            ),
            (
                "A-1003",
                "a milk frother",
                OrderStatus::Delivered {
                    on: "2026-11-20".to_owned(),
                },
            ),
            ("A-1004", "a coffee grinder", OrderStatus::Cancelled),
        ];
        for (id, item, status) in demo {
            shop.insert(Order {
                id: id.to_owned(),
                item: item.to_owned(),
                status,
            });
        }
        shop
    }

    /// Adds an order, or replaces the one with its number.
    pub fn insert(&self, order: Order) {
        self.orders().insert(order.id.clone(), order);
    }

    /// The order with this number.
    pub fn order(&self, id: &str) -> Option<Order> {
        self.orders().get(id).cloned()
    }

    /// Cancels an order that has not shipped; cancelling a cancelled order changes nothing.
    pub fn cancel(&self, id: &str) -> Result<Cancellation, ShopError> {
        if self.inner.maintenance.load(Ordering::SeqCst) {
            return Err(ShopError::Maintenance);
        }
        let mut orders = self.orders();
        let order = orders
            .get_mut(id)
            .ok_or_else(|| ShopError::NotFound(id.to_owned()))?;
        match order.status {
            OrderStatus::Placed | OrderStatus::Cancelled => {
                let already = order.status == OrderStatus::Cancelled;
                order.status = OrderStatus::Cancelled;
                Ok(Cancellation {
                    order: order.clone(),
                    already,
                })
            }
            OrderStatus::Shipped { .. } | OrderStatus::Delivered { .. } => {
                Err(ShopError::AlreadyShipped(id.to_owned()))
            }
        }
    }

    /// Puts the order system under maintenance (orders can be read, not changed), or back.
    pub fn set_maintenance(&self, on: bool) {
        self.inner.maintenance.store(on, Ordering::SeqCst);
    }

    fn orders(&self) -> std::sync::MutexGuard<'_, HashMap<String, Order>> {
        // A panic while the lock is held leaves no half-made change: each change is one
        // assignment.
        self.inner
            .orders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
