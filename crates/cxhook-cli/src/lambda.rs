//! `cxhook lambda`: answer webhook calls on AWS Lambda, behind API Gateway or a function URL.
//!
//! The Lambda runtime runs the function's `bootstrap` executable without arguments; `cxhook`
//! built as `bootstrap` (cargo-lambda does that) starts this mode by itself when the runtime's
//! `AWS_LAMBDA_RUNTIME_API` variable is set.

use std::ffi::OsString;

use anyhow::{Context, anyhow};

use crate::cli::LambdaArgs;
use crate::config::Config;

/// The variable the Lambda runtime sets for the function it runs.
const RUNTIME_API: &str = "AWS_LAMBDA_RUNTIME_API";

/// Whether this process is a Lambda function started without arguments.
pub(crate) fn is_bootstrap(args: &[OsString]) -> bool {
    args.len() <= 1 && std::env::var_os(RUNTIME_API).is_some()
}

/// Resolves the configuration (the file, `CXHOOK_*` variables), installs logging, builds the
/// same webhook as `serve`, and answers the runtime's events until it stops the function.
pub(crate) fn run(flags: &LambdaArgs) -> anyhow::Result<()> {
    let mut config = Config::resolve(flags.config.as_deref(), None).context("config error")?;
    // A function is frozen between calls: lines gathered for later could wait for minutes.
    config.log.batch = None;
    crate::telemetry::init(&config)?;
    crate::platform::warn_about_local_data(&config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // Built inside the runtime, as `serve` builds it; the integrations' start-up tasks
    // (reconciling pending external bookings) begin when `lambda::run` runs, with the
    // function.
    let webhook = {
        let _runtime = runtime.enter();
        crate::app::webhook(&config)?
    };
    crate::security::announce(&config.auth);
    runtime
        .block_on(cxhook::lambda::run(webhook))
        .map_err(|e| anyhow!("the Lambda runtime stopped: {e}"))
}
