//! The language-server face: the only module that knows LSP, JSON-RPC and tokio. It keeps the
//! open documents, converts positions and types, and answers from the analysis core.

mod commands;
mod convert;
mod document;
mod panics;
mod publish;
mod requests;
mod server;
mod settings;
mod state;
mod transport;

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

pub use server::Backend;

/// Serves LSP on stdin and stdout until the client says `exit`; the exit code is 0 when it said
/// `shutdown` first, as the protocol asks, else 1.
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(_) => return ExitCode::from(2),
    };
    let clean = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout(), false));
    // The blocking read of stdin may still be waiting: do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    if clean { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Serves LSP over any pair of streams (the tests use an in-memory pipe) until `exit` or the end
/// of `input`; returns whether the client said `shutdown` first. With `test_hooks`, the server
/// also answers `threatls/panicForTests` by panicking, so tests can check that a panic in one
/// request does not take the server down.
pub async fn serve<I, O>(input: I, output: O, test_hooks: bool) -> bool
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin,
{
    let builder = LspService::build(Backend::new);
    let builder =
        if test_hooks { builder.custom_method("threatls/panicForTests", Backend::panic_for_tests) } else { builder };
    let (service, socket) = builder.finish();
    let shut_down = service.inner().shut_down.clone();
    let (to_server, server_in) = tokio::io::duplex(64 * 1024);
    let (server_out, from_server) = tokio::io::duplex(64 * 1024);
    let (out, messages) = tokio::sync::mpsc::channel(64);
    let guard = tokio::spawn(transport::guard(input, to_server, out.clone()));
    let server = Server::new(server_in, server_out, socket).serve(service);
    tokio::join!(server, transport::forward(from_server, out), transport::write(output, messages));
    guard.abort();
    shut_down.load(Ordering::SeqCst)
}
