//! Bytes as the stream an editor writes to the server: the real server (`threatls::lsp::serve`,
//! what `threatls lsp` runs on stdio) gets an `initialize`, and once it has answered (as an
//! editor waits), `initialized` and the bytes, then the end of the stream. The first byte picks
//! the position encoding the client offers. Every input is bounded in time.
//!
//! The workspace root is a directory that does not exist, so the background scan reads
//! nothing; documents arrive only through `didOpen` and `didChange`. The client does not take
//! progress reports: the scan would wait for its answer to `window/workDoneProgress/create`,
//! which this client, writing a fixed stream, never gives.

use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};

/// Far longer than any input needs; past it the server is hung, which is a crash.
const LIMIT: Duration = Duration::from_secs(20);

/// The root the handshake names; seeds open documents below it.
pub const ROOT: &str = "file:///threatls-fuzz/workspace";

const ENCODINGS: [&str; 3] = ["utf-16", "utf-8", "utf-32"];

/// A message with its `Content-Length` header.
fn frame(body: &str) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

pub fn run(data: &[u8]) {
    let Some((&pick, stream)) = data.split_first() else { return };
    let encoding = ENCODINGS.get(usize::from(pick) % ENCODINGS.len()).copied().unwrap_or("utf-16");
    let initialize = frame(&format!(
        r#"{{"jsonrpc":"2.0","id":0,"method":"initialize","params":{{"processId":null,"rootUri":"{ROOT}","capabilities":{{"general":{{"positionEncodings":["{encoding}"]}},"window":{{"workDoneProgress":false}}}},"initializationOptions":{{"threatls":{{"today":"2026-06-15"}}}}}}}}"#
    ));
    let mut rest = frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
    rest.extend_from_slice(stream);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let Ok(runtime) = runtime else { return };
    let finished = runtime.block_on(async { tokio::time::timeout(LIMIT, session(initialize, rest)).await });
    assert!(finished.is_ok(), "the server did not stop within {LIMIT:?} of the end of its input");
}

async fn session(initialize: Vec<u8>, rest: Vec<u8>) {
    let (client, server) = tokio::io::duplex(64 * 1024);
    let (server_read, server_write) = tokio::io::split(server);
    let server = tokio::spawn(threatls::lsp::serve(server_read, server_write, false));
    let (client_read, mut client_write) = tokio::io::split(client);
    let mut from_server = BufReader::new(client_read);
    // Errors writing mean the server stopped reading (after `exit`): the rest is not needed.
    let _ = client_write.write_all(&initialize).await;
    wait_for_initialize(&mut from_server).await;
    let drain = tokio::spawn(async move { tokio::io::copy(&mut from_server, &mut tokio::io::sink()).await });
    let _ = client_write.write_all(&rest).await;
    let _ = client_write.shutdown().await;
    let _ = server.await;
    let _ = drain.await;
}

/// Reads the server's messages up to its answer to `initialize` (or the end of its output).
async fn wait_for_initialize<R: AsyncRead + Unpin>(from_server: &mut BufReader<R>) {
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if from_server.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.unwrap_or(0)];
        if from_server.read_exact(&mut body).await.is_err() {
            return;
        }
        let message: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if message.get("id") == Some(&Value::from(0)) {
            return;
        }
    }
}
