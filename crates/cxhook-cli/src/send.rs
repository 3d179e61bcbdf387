//! `cxhook send`: post one webhook request the way Dialogflow CX does, read out the answer,
//! and say what Dialogflow would not accept in it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, anyhow};
use cxhook::types::check::{self, Verdict};
use cxhook::types::{Query, WebhookRequest};
use cxhook_sim::RequestBuilder;

use crate::cli::SendArgs;
use crate::render::render;
use crate::request::Turn;
use crate::target::{Exchange, READ_LIMIT, Target};

/// How much of a failed answer's body is shown.
const SHOWN_ERROR_BODY: usize = 2048;

/// Whether the webhook answered the way Dialogflow accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// It did.
    Accepted,
    /// It did not; what is wrong has been printed.
    Wrong,
}

/// Builds or reads the request, sends it, prints the answer, and judges it. An error is a
/// usage, IO or network error: no answer to judge.
pub(crate) fn run(args: &SendArgs) -> anyhow::Result<Outcome> {
    let target = Target::chosen(args.url.as_ref(), &args.local(), &args.target)?;
    let turn = turn(args);
    let body = match &args.file {
        Some(file) => from_file(file, &turn)?,
        None => turn.apply(RequestBuilder::new()).to_json(),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let exchange = runtime.block_on(target.call(body))?;
    let verdict = check::judge(exchange.status.as_u16(), &exchange.body);
    print(&exchange, &verdict, args.json).context("cannot write to stdout")?;
    let mut stderr = std::io::stderr().lock();
    if exchange.cut {
        writeln!(
            stderr,
            "cxhook: the body was cut at {READ_LIMIT} bytes; it goes on after that"
        )?;
    }
    for problem in &verdict.problems {
        writeln!(stderr, "cxhook: wrong answer: {problem}")?;
    }
    Ok(if verdict.is_accepted() {
        Outcome::Accepted
    } else {
        Outcome::Wrong
    })
}

/// What the request flags put into the request.
fn turn(args: &SendArgs) -> Turn {
    let query = [
        args.text.clone().map(Query::Text),
        args.event.clone().map(Query::TriggerEvent),
        args.dtmf.clone().map(Query::DtmfDigits),
    ];
    let tag = match args.no_tag {
        true => Some(String::new()),
        false => args.tag.clone(),
    };
    Turn {
        tag,
        response_id: args.response_id.clone(),
        params: args.params.clone(),
        query: query.into_iter().flatten().next(),
        session: args.session.clone(),
        language: args.lang.clone(),
        page: args.page.clone(),
        form: args.form.clone(),
    }
}

/// The request in `file` (`-` for standard input): as it is when no flag changes it (fields
/// this tool does not know included), else read, changed by the flags and written anew.
fn from_file(file: &Path, turn: &Turn) -> anyhow::Result<Vec<u8>> {
    let (name, text) = crate::target::read_input(file, "request")?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    let request = serde_path_to_error::deserialize::<_, WebhookRequest>(de).map_err(|e| {
        let path = e.path().to_string();
        match path.as_str() {
            "." => anyhow!("{name} is not a webhook request: {}", e.into_inner()),
            _ => anyhow!(
                "{name} is not a webhook request: at `{path}`: {}",
                e.into_inner()
            ),
        }
    })?;
    if turn.is_empty() {
        return Ok(text.into_bytes());
    }
    Ok(turn.apply(RequestBuilder::from(request)).to_json())
}

/// Prints the status line, then the response read out or the start of a body that is not
/// one; with `--json`, the status line goes to stderr and the body as it came is all that
/// stdout gets, so that it can be piped to a JSON tool.
fn print(answer: &Exchange, verdict: &Verdict, json: bool) -> std::io::Result<()> {
    let status = format!(
        "HTTP {} in {} ms",
        answer.status,
        answer.latency.as_millis()
    );
    let mut stdout = std::io::stdout().lock();
    if json {
        writeln!(std::io::stderr().lock(), "{status}")?;
        stdout.write_all(&answer.body)?;
        if !answer.body.is_empty() && !answer.body.ends_with(b"\n") {
            writeln!(stdout)?;
        }
        return stdout.flush();
    }
    writeln!(stdout, "{status}")?;
    if let Some(response) = &verdict.response {
        for line in render(response) {
            writeln!(stdout, "{line}")?;
        }
    } else if !answer.body.is_empty() {
        let shown = &answer.body[..answer.body.len().min(SHOWN_ERROR_BODY)];
        let more = if shown.len() < answer.body.len() {
            " …"
        } else {
            ""
        };
        writeln!(stdout, "body: {}{more}", String::from_utf8_lossy(shown))?;
    }
    stdout.flush()
}
