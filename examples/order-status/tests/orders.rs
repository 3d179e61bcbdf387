//! The order-status webhook tested the way we recommend: each test builds the request a
//! turn would send with `RequestBuilder`, calls the router in-process with `TestClient`
//! (parsed, dispatched, recovered and checked exactly as the server does), and asserts on
//! what the reply tells the user and the agent.

use cxhook::Outcome;
use cxhook::middleware::recover::DEFAULT_FALLBACK_TEXT;
use cxhook::types::ParameterState;
use cxhook_sim::{RequestBuilder, TestClient};
use order_status::{
    CANCEL_TAG, MAINTENANCE_TEXT, OrderStatus, RETURNS_FLOW, STATUS_TAG, Shop, router,
};

/// The demo shop, and a client calling the webhook over it.
fn client() -> (Shop, TestClient) {
    let shop = Shop::demo();
    (shop.clone(), TestClient::new(router(shop)))
}

/// The turn that asks where order `id` is.
fn status(id: &str) -> RequestBuilder {
    RequestBuilder::new()
        .tag(STATUS_TAG)
        .text("where is my order?")
        .param("order_id", id)
}

/// The turn that cancels order `id`.
fn cancel(id: &str) -> RequestBuilder {
    RequestBuilder::new()
        .tag(CANCEL_TAG)
        .text("cancel it please")
        .param("order_id", id)
}

#[tokio::test]
async fn each_status_is_told_and_set_for_the_agent() {
    let (_, client) = client();

    client
        .send(status("A-1001"))
        .await
        .assert_outcome(Outcome::Ok)
        .assert_text("Order A-1001 (a blue teapot) is being packed. You can still cancel it.")
        .assert_param("order_found", true)
        .assert_param("order_status", "placed");

    let shipped = client.send(status("A-1002")).await;
    shipped
        .assert_text(
            "Order A-1002 (two espresso cups) is on its way with DHL, tracking number \
             JD014600003SE.",
        )
        .assert_param("order_status", "shipped")
        .assert_param("tracking_number", "JD014600003SE");
    assert_eq!(shipped.transition(), None, "a status leaves the page alone");

    client
        .send(status("A-1003"))
        .await
        .assert_text("Order A-1003 (a milk frother) was delivered on 2026-11-20.")
        .assert_param("order_status", "delivered");
    client
        .send(status("A-1004"))
        .await
        .assert_text("Order A-1004 (a coffee grinder) was cancelled.")
        .assert_param("order_status", "cancelled");
}

#[tokio::test]
async fn the_order_number_is_read_the_way_people_say_it() {
    let (_, client) = client();
    client
        .send(status(" a-1002 "))
        .await
        .assert_param("order_found", true)
        .assert_text_contains("Order A-1002");
}

#[tokio::test]
async fn an_unknown_order_is_said_flagged_and_asked_again_on_a_form() {
    let (_, client) = client();

    let reply = client.send(status("A-9999")).await;
    reply
        .assert_text("I couldn't find order A-9999. Order numbers look like A-1001.")
        .assert_param("order_found", false);
    assert!(
        reply.form_params().is_empty(),
        "no form, nothing to invalidate"
    );

    // On a page whose form collects the number, the agent is told to collect it again.
    let on_form = status("A-9999").page("Order Lookup").form_param(
        "order_id",
        ParameterState::Filled,
        Some("A-9999".into()),
    );
    client
        .send(on_form)
        .await
        .assert_param("order_found", false)
        .assert_invalidated(&["order_id"]);

    // Cancelling it is no different.
    client
        .send(cancel("A-9999"))
        .await
        .assert_outcome(Outcome::Ok)
        .assert_param("order_found", false);
}

#[tokio::test]
async fn a_placed_order_is_cancelled_once_and_the_session_ends() {
    let (shop, client) = client();

    client
        .send(cancel("A-1001"))
        .await
        .assert_text("Order A-1001 (a blue teapot) is cancelled. Your refund is on its way.")
        .assert_param("order_status", "cancelled")
        .assert_deleted("order_id")
        .assert_target_page("END_SESSION");
    assert_eq!(shop.order("A-1001").unwrap().status, OrderStatus::Cancelled);

    client
        .send(cancel("A-1001"))
        .await
        .assert_text("Order A-1001 was already cancelled.")
        .assert_target_page("END_SESSION");
}

#[tokio::test]
async fn a_shipped_order_goes_to_the_returns_flow_instead() {
    let (shop, client) = client();
    for id in ["A-1002", "A-1003"] {
        client
            .send(cancel(id))
            .await
            .assert_text(&format!(
                "Order {id} has already shipped, so it can't be cancelled. \
                 Let's start a return instead."
            ))
            .assert_param("order_status", "shipped")
            .assert_target_flow(RETURNS_FLOW);
    }
    assert_eq!(shop.order("A-1002").unwrap().status.as_str(), "shipped");
}

#[tokio::test]
async fn a_missing_order_number_is_answered_by_the_recover_layer() {
    let (_, client) = client();
    for tag in [STATUS_TAG, CANCEL_TAG] {
        let reply = client.send(RequestBuilder::new().tag(tag)).await;
        reply
            .assert_outcome(Outcome::Rejected)
            .assert_text(DEFAULT_FALLBACK_TEXT);
        assert!(reply.params().is_empty(), "{reply}");
    }
}

#[tokio::test]
async fn under_maintenance_orders_are_read_but_not_changed() {
    let (shop, client) = client();
    shop.set_maintenance(true);

    let reply = client.send(cancel("A-1001")).await;
    reply
        .assert_outcome(Outcome::Error)
        .assert_text(MAINTENANCE_TEXT);
    assert_eq!(reply.param("order_status"), None, "{reply}");
    assert_eq!(shop.order("A-1001").unwrap().status, OrderStatus::Placed);

    client
        .send(status("A-1001"))
        .await
        .assert_outcome(Outcome::Ok)
        .assert_param("order_status", "placed");

    shop.set_maintenance(false);
    client
        .send(cancel("A-1001"))
        .await
        .assert_param("order_status", "cancelled");
}

#[tokio::test]
async fn another_tag_gets_the_fallback() {
    let (_, client) = client();
    client
        .send(
            RequestBuilder::new()
                .tag("order.track")
                .param("order_id", "A-1001"),
        )
        .await
        .assert_outcome(Outcome::Fallback)
        .assert_text("Sorry, I can't help with that right now.");
}
