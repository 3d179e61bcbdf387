//! The turn engine: an agent's flows, pages, forms, routes and webhooks run turn by turn on a
//! [`Session`], as Dialogflow CX runs them.
//!
//! Why an engine of its own rather than recorded answers: what a webhook test cannot see is what
//! the *agent* decides around the call (whether the route's condition lets the conversation
//! through, whether `setParameterActions` ran first, whether a `webhook.error` handler catches a
//! 503). Running the export's own handlers is the only way to see it offline. The webhook stays
//! behind a seam ([`Webhooks`]) so that the same run works against a router in-process, a URL or
//! canned answers.
//!
//! The rules, one by one. Sources: the handler reference
//! (cloud.google.com/dialogflow/cx/docs/concept/handler), the page, form, parameter and
//! fulfillment guides, the `Flow.transitionRoutes` API doc, and Google's prebuilt Address
//! Collection component, whose pages only work under some of these rules. What none of them
//! states is marked *inferred*.
//!
//! 1. *Inferred:* **an ended session starts over**: the turn after End Session begins on the start
//!    page of the start flow with no parameters, under the same session name (as the simulator's
//!    `Conversation` does).
//! 2. **A turn's input** is text, an event, DTMF digits or an intent named directly; parameters
//!    injected with the turn are set first. *Inferred:* DTMF digits (a trailing `#` or `*`
//!    dropped) are understood as text would be; an empty text is no input (`sys.no-input-N`).
//!    A turn may be run without its webhook calls (a test case's `isWebhookEnabled: false`):
//!    each fulfillment then goes on as if its webhook were disabled, with no error event.
//! 3. **Intents first, then the form.** Text is matched against the intents of the intent routes
//!    in scope (rule 4). When one matches and a route for it holds, that route is called and the
//!    text fills no form parameter: the form guide puts page and flow intent routes in scope while
//!    a form is filled, and their match takes precedence. Otherwise, when the page is prompting
//!    for a form parameter, the text is read as a value for that parameter (entity extraction);
//!    otherwise the input matched nothing and `sys.no-match-N` (the count of consecutive misses
//!    on the page, from 1) or else `sys.no-match-default` is raised. A matched intent's
//!    parameters become session parameters (parameter guide: intent parameters propagate to
//!    session parameters), and `$intent.params` reads them. *Inferred:* an intent whose routes'
//!    conditions all fail is no match.
//! 4. **Route scope and order**: the page's routes, then its route groups', then the flow's
//!    routes and route groups'; the flow's intent routes are inherited by every page, its
//!    condition routes are in scope on its start page only (`Flow.transitionRoutes`: "page routes
//!    have higher priority", "intent routes are evaluated before condition-only routes"). A route
//!    with both an intent and a condition needs both.
//! 5. **The form** is the page's parameters in order; each is filled when the parameter of its
//!    name (a session parameter, or `$flow.x`) has a value, so presets, webhooks and intents fill
//!    it as well as the user's answers. The form is complete (`$page.params.status = "FINAL"`)
//!    when every required parameter is filled; a parameter filled this turn is `UPDATED`. A
//!    parameter with a default value takes it on page entry when it has none.
//! 6. **Event handlers** are looked up for the most specific event first (`sys.no-match-2`
//!    before `sys.no-match-default`, `webhook.error.unavailable` before `webhook.error`), each in
//!    the prompted form parameter's reprompt handlers, then the page's, then the flow's. An event
//!    no handler takes does nothing.
//! 7. **A fulfillment** runs its generators, then its parameter presets in order, then its static
//!    messages and conditional cases (the first case that holds; nested cases recurse), then its
//!    webhook call. Presets are applied before the call (fulfillment reference: "set parameter
//!    values before executing the webhook"). *Inferred:* messages render after the presets, so a
//!    message that names a preset parameter shows the new value. Messages for another language
//!    are skipped. A preset named `$sys.func.NESTED_FIELD("$session.params.x", "f")` sets field
//!    `f` of object `x`, as Google's Address Collection writes it. *Inferred:* a `$sys.func`
//!    call that fails is a warning of the turn, not its end (CX reports it in `diagnosticInfo`
//!    and carries on): the preset is skipped, the text kept as written, the condition false.
//! 8. **The webhook call** is a standard `WebhookRequest` or a flexible webhook's filled-in body
//!    (the `webhook` and `flexible` modules have their own rules); a
//!    standard reply is merged with the simulator's rules, and its `targetPage`/`targetFlow`
//!    takes the place of the handler's target.
//! 9. **A failed call raises its events** (rule 6's lookup): the handler's fulfillment runs and
//!    its target replaces the transition of the handler that called the webhook; *inferred:* a
//!    handler without a target leaves the session where it is, and with no handler in scope the
//!    turn goes on as if the call had not been made.
//! 10. **Generators** give the caller's text for their display name ([`Runtime::generator`]), or
//!     the marked placeholder `[generator NAME]`; the output goes to
//!     `$request.generative.<name>` for this turn (or to the named parameter).
//! 11. **Condition routes** are evaluated in order whenever the session stays on a page after its
//!     input was handled, when a page with a complete form is entered, and when a flow returns
//!     to the page that started it. Each route that holds is called; *inferred:* a route without
//!     a target lets evaluation go on with the next route, and the first with a target ends it.
//!     Google's Address Collection depends on this (`format address` appends to one parameter
//!     through seven target-less routes before an eighth moves on).
//! 12. **Transitions**: a page of the active flow; a flow (pushed on the flow stack, on its start
//!     page, whose condition routes then run); End Flow (back to the page that started the
//!     flow, whose condition routes are evaluated again; *inferred:* its `$flow.` parameters are
//!     gone; End Flow of the start flow ends the session); End Session; Current Page (entered
//!     again); Previous Page (the page before, in the same flow); Start Page. Entering a page
//!     runs its entry fulfillment, then prompts for the first required parameter not filled
//!     (its initial prompt, which may call a webhook), or with the form complete evaluates its
//!     condition routes, so a `true` route chains on. When the session stays on a page whose
//!     form is still incomplete after a parameter was filled or invalidated, the next one is
//!     prompted. *Inferred:* End Flow With Failure, With Cancellation and With Human Escalation
//!     (Google's prebuilt components use them) end the flow as End Flow does; what they mark is
//!     not modelled.
//! 13. **A loop is an error**: a turn that enters more than [`MAX_TRANSITIONS`] pages stops with
//!     [`TurnError::Loop`] naming the last pages (CX stops such agents too, with its own limit).
//!
//! ```
//! use cxhook_agent::Agent;
//! use cxhook_agent::model::Webhook;
//! use cxhook_agent::runtime::{Outcome, Outgoing, Runtime, Turn, WebhookFuture, Webhooks};
//!
//! /// Every webhook answers 503 (divebooker calls none).
//! struct Down;
//!
//! impl Webhooks for Down {
//!     fn call<'a>(&'a self, _: &'a Webhook, _: &'a Outgoing) -> WebhookFuture<'a> {
//!         Box::pin(async { Outcome::Answered { status: 503, body: Vec::new() } })
//!     }
//! }
//!
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop { if let std::task::Poll::Ready(o) = f.as_mut().poll(&mut cx) { return o; } }
//! # }
//! let agent = Agent::load("tests/agents/divebooker").unwrap().agent;
//! let runtime = Runtime::new(&agent, &Down);
//! let mut session = runtime.session();
//! let said = Turn::text("I would like to go diving in Costa Rica");
//! let turn = block_on(runtime.turn(&mut session, said)).unwrap();
//! assert_eq!(turn.intent.as_ref().unwrap().name, "head.send.group.request");
//! assert_eq!(turn.page, "Collect Further Info");
//! assert_eq!(session.param("destination"), Some(&serde_json::json!("Costa Rica")));
//! assert_eq!(turn.texts().last(), Some(&"When would you like to go?"));
//! ```

mod engine;
mod flexible;
mod fulfill;
mod params;
mod scope;
mod session;
mod start;
mod trace;
mod turn;
mod understand;
mod webhook;

pub use engine::{MAX_TRANSITIONS, Runtime};
pub use params::Params;
pub use session::{MatchedIntent, START_PAGE, Session, Slot};
pub(crate) use trace::{Handler, handlers};
pub use trace::{HandlerKind, HandlerRef, Place, Step};
pub use turn::{Change, Input, Turn, TurnError, TurnResult};
pub use webhook::{Outcome, Outgoing, WebhookCall, WebhookFuture, Webhooks};
