//! `cxhook agent chat AGENT`: a conversation with an exported agent in the terminal.
//!
//! Each line read is one turn: what the user says, or a command (`/help` lists them). After
//! each turn come the agent's messages (`agent: …`), then, indented, each webhook call
//! (webhook, tag, status, latency, and what CX would not accept in the answer), each
//! parameter the turn changed, what the runtime warns of (a system function that failed),
//! the page (and flow) the conversation is on, and whether the session ended. Piped input is
//! read the same way, a line a turn, so a conversation can be scripted; the prompt is shown
//! only to a terminal. Plain lines rather than a line editor:
//! a script and a person type the same thing, and no dependency is needed for it.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::Context;
use cxhook_agent::Agent;
use cxhook_agent::runtime::{Runtime, Session, Turn, TurnResult, WebhookCall};

use super::webhooks::{AgentWebhooks, LOCAL_TIMEOUT};
use crate::cli::ChatArgs;
use crate::render::message;
use crate::request::Param;
use crate::target::Target;

/// What `/help` shows.
const HELP: &str = "\
Type what the user says, or a command:
  /event NAME     raise an event (welcome, sys.no-input-default, a custom one)
  /dtmf DIGITS    press keypad digits (123#)
  /intent NAME    match the intent with this display name, whatever is said
  /params         show the session's parameters (and the active flow's)
  /set NAME=VALUE set a session parameter with the next turn (VALUE is JSON or text)
  /restart        start a new session
  /help           show this
  /quit           leave (so does the end of the input)
An empty line is no input (sys.no-input-*).";

/// Runs the conversation until `/quit` or the end of the input; whether every turn ran to
/// its end.
pub(crate) fn run(args: &ChatArgs) -> anyhow::Result<bool> {
    let agent = super::load::load(&args.agent)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let local = match AgentWebhooks::needs_local(&agent, &args.webhooks) {
            true => Some(Target::in_process(&args.local(), LOCAL_TIMEOUT)?),
            false => None,
        };
        let webhooks = AgentWebhooks::new(&agent, &args.webhooks, local.as_ref())?;
        let mut engine = Runtime::new(&agent, &webhooks);
        for generator in &args.generators {
            engine = engine.generator(generator.name.clone(), generator.text.clone());
        }
        Chat {
            agent: &agent,
            engine: &engine,
            args,
            session: engine.session(),
            pending: args.params.clone(),
            ok: true,
        }
        .converse()
        .await
    })
}

/// The conversation as it goes.
struct Chat<'a> {
    agent: &'a Agent,
    engine: &'a Runtime<'a>,
    args: &'a ChatArgs,
    session: Session,
    /// Parameters set with the next turn.
    pending: Vec<Param>,
    /// Whether every turn ran to its end.
    ok: bool,
}

/// What a line asks for.
enum Line {
    Turn(Turn),
    Say(String),
    Restart,
    Quit,
}

impl Chat<'_> {
    async fn converse(mut self) -> anyhow::Result<bool> {
        let stdin = std::io::stdin();
        let terminal = stdin.is_terminal();
        let mut out = std::io::stdout().lock();
        if terminal {
            writeln!(
                out,
                "{} ({}): /help lists the commands",
                self.agent.display_name, self.agent.default_language_code
            )?;
        }
        let mut lines = stdin.lock().lines();
        loop {
            if terminal {
                write!(out, "> ")?;
            }
            out.flush()?;
            let Some(line) = lines.next() else { break };
            let line = line.context("cannot read standard input")?;
            match self.read(line.trim_end_matches(['\r', '\n'])) {
                Line::Quit => break,
                Line::Say(text) => writeln!(out, "{text}")?,
                Line::Restart => {
                    self.session = self.engine.session();
                    self.pending = self.args.params.clone();
                    writeln!(out, "  a new session")?;
                }
                Line::Turn(turn) => {
                    let turn = self.prepare(turn);
                    match self.engine.turn(&mut self.session, turn).await {
                        Ok(result) => print_turn(&mut out, &result)?,
                        Err(e) => {
                            self.ok = false;
                            writeln!(out, "  error: {e}")?;
                        }
                    }
                }
            }
        }
        out.flush()?;
        Ok(self.ok)
    }

    /// What `line` asks for.
    fn read(&mut self, line: &str) -> Line {
        let Some(command) = line.trim_start().strip_prefix('/') else {
            return Line::Turn(Turn::text(line.trim()));
        };
        let (name, rest) = command.split_once(' ').unwrap_or((command, ""));
        let rest = rest.trim();
        let needs = |what: &str| Line::Say(format!("  /{name} needs {what}"));
        match name {
            "event" if rest.is_empty() => needs("an event name"),
            "event" => Line::Turn(Turn::event(rest)),
            "dtmf" if rest.is_empty() => needs("digits"),
            "dtmf" => Line::Turn(Turn::dtmf(rest)),
            "intent" if rest.is_empty() => needs("an intent's display name"),
            "intent" if self.agent.intent(rest).is_none() => {
                Line::Say(format!("  the agent has no intent `{rest}`"))
            }
            "intent" => Line::Turn(Turn::intent(rest)),
            "params" => Line::Say(self.params()),
            "set" => match rest.parse::<Param>() {
                Ok(param) => {
                    let said = format!("  {} = {} with the next turn", param.name, param.value);
                    self.pending.push(param);
                    Line::Say(said)
                }
                Err(e) => Line::Say(format!("  /set NAME=VALUE: {e}")),
            },
            "restart" => Line::Restart,
            "quit" | "exit" => Line::Quit,
            "help" => Line::Say(HELP.to_owned()),
            other => Line::Say(format!("  no command /{other}: /help lists them")),
        }
    }

    /// The turn with the language and the parameters waiting for it.
    fn prepare(&mut self, mut turn: Turn) -> Turn {
        if let Some(lang) = &self.args.lang {
            turn = turn.lang(lang.clone());
        }
        for param in self.pending.drain(..) {
            turn = turn.param(param.name, param.value);
        }
        turn
    }

    /// The session's parameters and the active flow's, one a line, in name order.
    fn params(&self) -> String {
        let session = self
            .session
            .params()
            .iter()
            .map(|(n, v)| format!("  {n} = {v}"));
        let flow = self
            .session
            .flow_params()
            .iter()
            .map(|(n, v)| format!("  $flow.{n} = {v}"));
        let mut lines: Vec<String> = session.collect();
        lines.sort();
        let mut flow: Vec<String> = flow.collect();
        flow.sort();
        lines.extend(flow);
        match lines.is_empty() {
            true => "  no parameters".to_owned(),
            false => lines.join("\n"),
        }
    }
}

/// The turn read out: messages, then webhook calls, changes, warnings, the page, the end.
fn print_turn(out: &mut impl Write, result: &TurnResult) -> std::io::Result<()> {
    for said in &result.messages {
        match said.texts().first() {
            Some(text) => writeln!(out, "agent: {text}")?,
            None => writeln!(out, "agent: [{}]", message(said))?,
        }
    }
    for call in &result.webhook_calls {
        print_call(out, call)?;
    }
    // A flow that ends takes its parameters with it: dozens of lines for Google's prebuilt
    // components, so they are counted on one line rather than listed.
    let (ended, changed): (Vec<_>, Vec<_>) = result
        .changed
        .iter()
        .partition(|change| change.value.is_none() && change.name.starts_with("$flow."));
    for change in changed {
        match &change.value {
            Some(value) => writeln!(out, "  set {} = {}", change.name, value)?,
            None => writeln!(out, "  cleared {}", change.name)?,
        }
    }
    match ended.as_slice() {
        [] => {}
        [one] => writeln!(out, "  cleared {}", one.name)?,
        many => writeln!(out, "  cleared {} $flow. parameters", many.len())?,
    }
    for warning in &result.warnings {
        writeln!(out, "  warning: {warning}")?;
    }
    writeln!(out, "  page: {} / {}", result.flow, result.page)?;
    if result.ended {
        writeln!(out, "  the session ended")?;
    }
    Ok(())
}

/// `  webhook lookup_place, tag geocode: HTTP 200 in 3 ms`, the event a failure raised, and
/// what CX would not accept, a line each.
fn print_call(out: &mut impl Write, call: &WebhookCall) -> std::io::Result<()> {
    let tag = match call.tag.as_str() {
        "" => String::new(),
        tag => format!(", tag {tag}"),
    };
    let status = call
        .status
        .map_or("no answer".to_owned(), |status| format!("HTTP {status}"));
    let error = call
        .error
        .map_or(String::new(), |event| format!(": {event}"));
    writeln!(
        out,
        "  webhook {}{tag}: {status} in {} ms{error}",
        call.webhook,
        call.latency.as_millis()
    )?;
    for problem in &call.problems {
        writeln!(out, "    {problem}")?;
    }
    Ok(())
}
