//! `cxhook messages export`: the shipped message catalogs written out, as the starting point
//! of a `[messages] dir`.
//!
//! Every file is checked before any is written, so a refusal leaves the directory as it was;
//! each file is written whole to a temporary file beside it and renamed into place, so an
//! interrupted export leaves no half-written catalog that would stop `serve` at start-up.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use cxhook_integrations::messages::SHIPPED;

use crate::cli::MessagesExportArgs;

/// Writes `en.ftl`, `de.ftl`, `fr.ftl` and `es.ftl` to the directory of `args`, and says
/// which on stdout.
pub(crate) fn export(args: &MessagesExportArgs) -> anyhow::Result<()> {
    let files: Vec<(PathBuf, &str)> = SHIPPED
        .iter()
        .map(|(language, source)| (args.dir.join(format!("{language}.ftl")), *source))
        .collect();
    if !args.force {
        let there: Vec<String> = files
            .iter()
            .filter(|(path, _)| path.exists())
            .map(|(path, _)| path.display().to_string())
            .collect();
        if !there.is_empty() {
            bail!(
                "{} already there; nothing was written (--force overwrites)",
                there.join(", ")
            );
        }
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    let mut stdout = std::io::stdout().lock();
    for (path, source) in files {
        let mut file = tempfile::NamedTempFile::new_in(&args.dir)
            .with_context(|| format!("cannot write to {}", args.dir.display()))?;
        file.write_all(source.as_bytes())
            .and_then(|()| file.as_file().sync_all())
            .with_context(|| format!("cannot write {}", path.display()))?;
        file.persist(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        writeln!(stdout, "wrote {}", path.display()).context("cannot write to stdout")?;
    }
    Ok(())
}
