//! A bug must cost one answer, not the session: every handler runs under these guards.
//!
//! The framework polls a handler's future inside its own serving loop, where a panic would end
//! the server (and leave the request's id among the pending ones). So each handler's whole
//! body, from its first line through every await to its answer, runs under `catch_unwind`
//! (`answer` for requests, `handle` for notifications; `server.rs` dispatches every method
//! through one of them), and the work it hands to a blocking thread under `run`. A panic is
//! logged to the client (`window/logMessage`), a request is answered with an internal error,
//! and the state's mutex survives it (see `Backend::lock`).

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use serde::Deserialize;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};

use super::server::Backend;

impl Backend {
    /// Answers a request with what `handler` returns; a panic anywhere in it becomes an
    /// internal error.
    pub(super) async fn answer<T>(&self, what: &'static str, handler: impl Future<Output = Result<T>>) -> Result<T> {
        AssertUnwindSafe(handler).catch_unwind().await.unwrap_or_else(|_| Err(self.panicked(what)))
    }

    /// Handles a notification; a panic anywhere in `handler` is logged.
    pub(super) async fn handle(&self, what: &'static str, handler: impl Future<Output = ()>) {
        if AssertUnwindSafe(handler).catch_unwind().await.is_err() {
            self.log_panic(what);
        }
    }

    /// Runs `f` on a blocking thread; a panic in it answers this request with an error and is
    /// logged, and the server carries on.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        what: &'static str,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        tokio::task::spawn_blocking(f).await.map_err(|e| {
            if e.is_panic() {
                return self.panicked(what);
            }
            let message = format!("threatls: internal error while answering {what}");
            Error { code: ErrorCode::InternalError, message: message.into(), data: None }
        })
    }

    /// Logs a panic while answering a request, and gives the request's answer.
    fn panicked(&self, what: &str) -> Error {
        let message = format!("threatls: internal error while answering {what} (a bug: please report it)");
        self.log_error(message.clone());
        Error { code: ErrorCode::InternalError, message: message.into(), data: None }
    }

    /// Logs a panic while handling a notification or changing the state.
    pub(super) fn log_panic(&self, what: &str) {
        self.log_error(format!("threatls: internal error while handling {what}; the server carries on"));
    }

    /// `threatls/panicForTests` (with test hooks only): panics on a blocking thread, or with
    /// `{"synchronous": true}` in the handler itself, before any blocking thread.
    pub(super) async fn panic_for_tests(&self, params: Option<PanicForTests>) -> Result<()> {
        self.answer("threatls/panicForTests", async {
            if params.is_some_and(|p| p.synchronous) {
                std::panic::resume_unwind(Box::new("a panic on purpose, in the handler"));
            }
            self.run("threatls/panicForTests", || std::panic::resume_unwind(Box::new("a panic on purpose"))).await
        })
        .await
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct PanicForTests {
    #[serde(default)]
    synchronous: bool,
}
