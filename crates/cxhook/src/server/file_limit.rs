//! The process's file-handle limit, raised to the hard limit when serving starts, and the
//! cap on open connections it allows.
//!
//! Every connection takes a file handle. The soft limit is often 1,024 while the hard limit
//! is far higher (systemd and container runtimes set 524,288 or more), and any process may
//! raise its soft limit up to the hard one; cxhook does, with the `rlimit` crate (the
//! workspace forbids `unsafe`, which calling `setrlimit` through `libc` needs). A quarter of
//! the limit, at least 64 handles, stays free of connections for the database, the log and
//! calls to other services.

use std::sync::OnceLock;

/// The soft limit once raised, or `None` where it cannot be read.
static RAISED: OnceLock<Option<u64>> = OnceLock::new();

/// Raises the soft file-handle limit to the hard limit, once per process, and logs the
/// figure; the limit now in force.
pub(super) fn raise() -> Option<u64> {
    *RAISED.get_or_init(|| {
        let before = rlimit::getrlimit(rlimit::Resource::NOFILE)
            .ok()
            .map(|(soft, _)| soft);
        match rlimit::increase_nofile_limit(u64::MAX) {
            Ok(limit) => {
                tracing::info!(
                    file_limit = limit,
                    was = before,
                    "raised the file-handle limit to the hard limit"
                );
                Some(limit)
            }
            Err(error) => {
                tracing::warn!(%error, file_limit = before, "cannot raise the file-handle limit");
                before
            }
        }
    })
}

/// The most connections to keep open: `max`, lowered to leave a quarter of `file_limit`
/// (at least 64 handles) for everything else.
pub(super) fn connection_cap(max: usize, file_limit: Option<u64>) -> usize {
    let Some(limit) = file_limit else {
        return max.max(1);
    };
    let room = limit.saturating_sub((limit / 4).max(64)).max(1);
    max.min(usize::try_from(room).unwrap_or(usize::MAX)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_of_the_limit_stays_free() {
        assert_eq!(connection_cap(4096, Some(1024)), 768);
        assert_eq!(connection_cap(500, Some(1024)), 500);
        assert_eq!(connection_cap(4096, Some(1_048_576)), 4096);
        assert_eq!(connection_cap(4096, Some(100)), 36);
        assert_eq!(connection_cap(4096, Some(10)), 1);
        assert_eq!(connection_cap(4096, None), 4096);
    }
}
