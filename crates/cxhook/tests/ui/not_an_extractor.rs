//! A handler whose argument is no extractor: the error says that the function is no handler
//! and lists what a handler's arguments and output may be. (`serves` stands for
//! `Router::route`, whose own signature is no part of this test.)

use cxhook::Handler;

async fn balance(user_id: u32) -> String {
    format!("looking up {user_id}")
}

fn serves<T, H: Handler<T, ()>>(_: H) {}

fn main() {
    serves(balance);
}
