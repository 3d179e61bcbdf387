//! [`Socket`]: a connection's TCP stream as hyper sees it. Reads tell the connection's
//! [`Activity`] that a request head has started; hyper's own error answers get a JSON body.
//!
//! hyper answers a request it cannot parse itself, before any service sees it: 400 for a
//! malformed request line or header, 431 for a head over the limits, 414 for a long target,
//! each with an empty body, then closes the connection. The README promises a JSON body on
//! every error, so the socket recognises such an answer as it is written (a 4xx head with
//! `content-length: 0`, which no answer of cxhook's own has: they all carry a JSON body) and
//! writes it with the JSON body of [`transport_errors`](super::transport_errors) instead.
//! Doing it here rather than parsing every request head a second time costs one prefix
//! comparison per write.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::activity::Activity;
use super::limits::Limits;
use super::transport_errors;

/// A connection's stream, watched.
#[derive(Debug)]
pub(super) struct Socket<S> {
    stream: S,
    activity: Arc<Activity>,
    limits: Limits,
    /// An answer written in place of hyper's, and how much of it has gone out.
    replacement: Option<(Vec<u8>, usize)>,
}

impl<S> Socket<S> {
    pub(super) fn new(stream: S, activity: Arc<Activity>, limits: Limits) -> Self {
        Self {
            stream,
            activity,
            limits,
            replacement: None,
        }
    }
}

impl<S: AsyncWrite + Unpin> Socket<S> {
    /// Writes out the rest of a replacement answer, if any.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, sent)) = &mut self.replacement {
            let n = ready!(Pin::new(&mut self.stream).poll_write(cx, &bytes[*sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *sent += n;
            if *sent == bytes.len() {
                self.replacement = None;
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Takes `buf` in place of hyper's bare error answer it starts with, if it does: how
    /// many of its bytes count as written.
    fn replace(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Option<Poll<io::Result<usize>>> {
        let (consumed, answer) = transport_errors::replace(buf, &self.limits)?;
        self.replacement = Some((answer, 0));
        // Started now; whatever is left goes out on the next write, flush or shutdown.
        Some(match self.poll_replacement(cx) {
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Ready(Ok(())) | Poll::Pending => Poll::Ready(Ok(consumed)),
        })
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Socket<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.stream).poll_read(cx, buf))?;
        if buf.filled().len() > before {
            this.activity.read();
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Socket<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        if let Some(written) = this.replace(cx, buf) {
            return written;
        }
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        if let Some(first) = bufs.iter().find(|buf| !buf.is_empty())
            && let Some(written) = this.replace(cx, first)
        {
            return written;
        }
        Pin::new(&mut this.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }
}
