//! Log lines: one JSON object per event in Cloud Logging's shape, each naming the call,
//! none holding parameter values, user text or the session ID.

use std::io::Write;
use std::sync::{Arc, Mutex};

use cxhook::extract::Session;
use cxhook::server::Webhook;
use cxhook::{Reply, Router};
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;

use crate::support::request;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Self;

    fn make_writer(&'a self) -> Self {
        self.clone()
    }
}

async fn fails(session: Session) -> Result<Reply, std::io::Error> {
    let _ = session.str_param("card_number");
    Err(std::io::Error::other("upstream said no"))
}

#[tokio::test]
async fn one_json_line_per_event_naming_the_call_and_nothing_private() {
    let captured = Captured::default();
    let subscriber =
        tracing_subscriber::registry().with(cxhook::logging::json_layer(captured.clone()));
    let _guard = tracing::subscriber::set_default(subscriber);

    let endpoint = Webhook::new(Router::new().route("pay", fails)).into_endpoint();
    let mut body = request("pay", json!({"card_number": "4111-1111-1111-1111"}));
    body["text"] = json!("my secret words");
    let answered = endpoint.answer(&serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(answered.status, http::StatusCode::OK);

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert_eq!(lines.len(), 2, "the error, then the answer: {text}");
    assert_eq!(lines[0]["severity"], "ERROR");
    assert_eq!(lines[0]["message"], "answered with a fallback");
    assert!(
        lines[0]["error"]
            .as_str()
            .unwrap()
            .contains("upstream said no")
    );
    assert_eq!(lines[1]["severity"], "INFO");
    assert_eq!(lines[1]["message"], "answered");
    assert_eq!(lines[1]["outcome"], "error");
    for line in &lines {
        assert_eq!(line["span"]["request_id"], "r-1");
        assert_eq!(line["span"]["tag"], "pay");
        assert_eq!(line["span"]["session"].as_str().unwrap().len(), 16);
    }
    for private in ["4111", "secret words", "s-1"] {
        assert!(!text.contains(private), "{private} leaked: {text}");
    }
}
