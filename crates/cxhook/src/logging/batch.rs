//! [`Batched`]: log lines gathered in memory and written out together a few times a second,
//! rather than one system call per line.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// Past this many gathered bytes, the line that crosses it writes the batch out itself.
const MAX_BATCH: usize = 64 * 1024;

/// A [`MakeWriter`] that gathers whole lines in memory and writes them to its output in
/// batches: every `interval` from a thread of its own, at once when a batch passes 64 KiB,
/// and at once after a warning or an error, so that those are never late.
///
/// Lines are appended whole (a [`JsonLayer`](super::JsonLayer) line is one write) and batches
/// go out in order. Lines still gathered when the process ends are lost unless
/// [`Batched::flush`] runs first; a [`LogGuard`](super::LogGuard) does it when dropped.
#[derive(Clone)]
pub struct Batched {
    shared: Arc<Shared>,
}

struct Shared {
    /// The lines gathered since the last write.
    batch: Mutex<Vec<u8>>,
    /// Where batches go. Held while a batch is taken and written, so batches keep their order.
    out: Mutex<Box<dyn Write + Send>>,
}

impl std::fmt::Debug for Batched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batched").finish_non_exhaustive()
    }
}

impl Batched {
    /// Lines for `out`, written every `interval` by a thread named `cxhook-log`, which ends
    /// when the last clone of the writer is dropped.
    ///
    /// Returns an error when the thread can't be started.
    pub fn new<W: Write + Send + 'static>(out: W, interval: Duration) -> io::Result<Self> {
        let shared = Arc::new(Shared {
            batch: Mutex::new(Vec::with_capacity(MAX_BATCH)),
            out: Mutex::new(Box::new(out)),
        });
        let weak = Arc::downgrade(&shared);
        std::thread::Builder::new()
            .name("cxhook-log".to_owned())
            .spawn(move || write_every(&weak, interval))?;
        Ok(Self { shared })
    }

    /// Writes out the lines gathered so far, and flushes the output.
    pub fn flush(&self) -> io::Result<()> {
        self.shared.write_batch()
    }
}

/// The flushing thread: a batch every `interval`, until the writer is gone.
fn write_every(shared: &Weak<Shared>, interval: Duration) {
    loop {
        std::thread::sleep(interval);
        let Some(shared) = shared.upgrade() else {
            return;
        };
        // Nothing better to do with an output that fails than to try again next time.
        let _ = shared.write_batch();
    }
}

impl Shared {
    fn write_batch(&self) -> io::Result<()> {
        let mut out = lock(&self.out);
        let batch = std::mem::replace(&mut *lock(&self.batch), Vec::with_capacity(MAX_BATCH));
        if batch.is_empty() {
            return Ok(());
        }
        out.write_all(&batch)?;
        out.flush()
    }
}

/// A poisoned lock only means a writer panicked between two whole lines: keep going.
fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The writer of one event: appends to the batch, and writes it out when it is urgent or
/// large.
#[derive(Debug)]
pub struct Line<'a> {
    writer: &'a Batched,
    urgent: bool,
}

impl Write for Line<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let full = {
            let mut batch = lock(&self.writer.shared.batch);
            batch.extend_from_slice(bytes);
            batch.len() >= MAX_BATCH
        };
        if full || self.urgent {
            self.writer.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Batched {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Line<'a> {
        Line {
            writer: self,
            urgent: false,
        }
    }

    fn make_writer_for(&'a self, meta: &Metadata<'_>) -> Line<'a> {
        Line {
            writer: self,
            urgent: *meta.level() <= Level::WARN,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    /// An output the test can look into.
    #[derive(Clone, Default)]
    struct Seen(Arc<Mutex<Vec<u8>>>);

    impl Write for Seen {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            lock(&self.0).extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Seen {
        fn text(&self) -> String {
            String::from_utf8(lock(&self.0).clone()).unwrap()
        }
    }

    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn lines_wait_for_the_batch_and_keep_their_order() {
        let seen = Seen::default();
        let batched = Batched::new(seen.clone(), HOUR).unwrap();
        for i in 0..3 {
            batched
                .make_writer()
                .write_all(format!("line {i}\n").as_bytes())
                .unwrap();
        }
        assert_eq!(seen.text(), "");
        batched.flush().unwrap();
        assert_eq!(seen.text(), "line 0\nline 1\nline 2\n");
        batched.flush().unwrap();
        assert_eq!(seen.text(), "line 0\nline 1\nline 2\n");
    }

    #[test]
    fn a_warning_or_a_full_batch_is_written_at_once() {
        let seen = Seen::default();
        let batched = Batched::new(seen.clone(), HOUR).unwrap();
        batched.make_writer().write_all(b"info\n").unwrap();
        let mut warning = Line {
            writer: &batched,
            urgent: true,
        };
        warning.write_all(b"warning\n").unwrap();
        assert_eq!(seen.text(), "info\nwarning\n");

        let big = vec![b'x'; MAX_BATCH];
        batched.make_writer().write_all(&big).unwrap();
        assert_eq!(seen.text().len(), "info\nwarning\n".len() + MAX_BATCH);
    }

    #[test]
    fn the_thread_writes_every_interval_and_ends_with_the_writer() {
        let seen = Seen::default();
        let batched = Batched::new(seen.clone(), Duration::from_millis(10)).unwrap();
        batched.make_writer().write_all(b"later\n").unwrap();
        let started = Instant::now();
        while seen.text().is_empty() {
            assert!(started.elapsed() < Duration::from_secs(10), "never written");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(seen.text(), "later\n");
        let shared = Arc::downgrade(&batched.shared);
        drop(batched);
        // The thread holds the writer only while it writes a batch.
        while shared.strong_count() > 0 {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the thread kept it"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
