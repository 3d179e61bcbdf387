//! [`Handler`]: the plain `async fn`s a router calls.

use std::future::Future;
use std::pin::Pin;

use crate::call::Call;
use crate::error::Error;
use crate::extract::FromWebhook;
use crate::reply::{IntoReply, Reply};

/// A boxed, sendable future.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// An `async fn` whose arguments are all [`FromWebhook`] extractors and whose output is
/// [`IntoReply`]: `async fn(Params<Lookup>, State<Db>) -> Result<Reply, DbError>`.
///
/// `T` is the tuple of argument types; it only tells the implementations apart.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a cxhook handler",
    label = "an argument is not an extractor, or the output is not a reply",
    note = "a handler is an `async fn` (or a closure returning a `Send` future) of up to 8 arguments, each an extractor (`FromWebhook<S>`): `Params<T>`, `Payload<T>`, `Session`, `Form`, `Intent`, `Page`, `UserInput`, `LanguageCode`, `Tag`, `Budget`, `State<S>`, `Request`, `Option<E>` of those that may be absent, or `Result<E, Rejection>`",
    note = "it returns `Reply`, `String`, `&'static str`, `WebhookResponse`, `cxhook::Error`, or a `Result` of one of those and an error"
)]
pub trait Handler<T, S>: Clone + Send + Sync + 'static {
    /// Extracts the arguments from the call and runs the handler.
    fn call(self, call: &Call, state: &S) -> BoxFuture<Result<Reply, Error>>;
}

macro_rules! impl_handler {
    ($($arg:ident),*) => {
        impl<F, Fut, R, S, $($arg,)*> Handler<($($arg,)*), S> for F
        where
            F: FnOnce($($arg),*) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future<Output = R> + Send + 'static,
            R: IntoReply,
            $($arg: FromWebhook<S> + Send + 'static,)*
        {
            #[allow(non_snake_case, unused_variables)]
            fn call(self, call: &Call, state: &S) -> BoxFuture<Result<Reply, Error>> {
                $(
                    let $arg = match $arg::from_webhook(call, state) {
                        Ok(value) => value,
                        Err(rejection) => {
                            return Box::pin(std::future::ready(Err(Error::from(rejection))));
                        }
                    };
                )*
                Box::pin(async move { self($($arg),*).await.into_reply() })
            }
        }
    };
}

impl_handler!();
impl_handler!(T1);
impl_handler!(T1, T2);
impl_handler!(T1, T2, T3);
impl_handler!(T1, T2, T3, T4);
impl_handler!(T1, T2, T3, T4, T5);
impl_handler!(T1, T2, T3, T4, T5, T6);
impl_handler!(T1, T2, T3, T4, T5, T6, T7);
impl_handler!(T1, T2, T3, T4, T5, T6, T7, T8);

/// A handler with its argument types erased, so that a router can hold many.
pub(crate) trait ErasedHandler<S>: Send + Sync {
    fn call(&self, call: &Call, state: &S) -> BoxFuture<Result<Reply, Error>>;
}

/// Wraps a [`Handler`] to erase its argument types.
pub(crate) struct Erased<H, T> {
    handler: H,
    _args: std::marker::PhantomData<fn() -> T>,
}

impl<H, T> Erased<H, T> {
    pub(crate) fn new(handler: H) -> Self {
        Self {
            handler,
            _args: std::marker::PhantomData,
        }
    }
}

impl<H, T, S> ErasedHandler<S> for Erased<H, T>
where
    H: Handler<T, S>,
    T: 'static,
{
    fn call(&self, call: &Call, state: &S) -> BoxFuture<Result<Reply, Error>> {
        self.handler.clone().call(call, state)
    }
}
