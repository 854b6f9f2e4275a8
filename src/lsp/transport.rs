//! The wire: `Content-Length` framing in front of the framework, so that one malformed or
//! oversized message is answered with an error instead of ending the connection.
//!
//! `tower-lsp-server` stops reading at the first message it cannot decode, which would take
//! the editor's whole session down over one bad frame. The guard here reads each frame with
//! bounded memory, passes on only messages the framework can decode, and answers the rest
//! itself; the server's own output and those answers are merged frame by frame.

use std::borrow::Cow;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

use crate::limits::{MAX_LSP_HEADER_BYTES, MAX_LSP_MESSAGE_BYTES};

/// One complete frame read from a stream.
enum Frame {
    /// A message body of the given declared length.
    Body(Vec<u8>),
    /// A body over the limit, skipped; its first bytes help to find the request's id.
    TooLarge { length: usize, head: Vec<u8> },
    /// A header block without a usable `Content-Length`.
    BadHeader(String),
}

/// Reads one frame; `None` at the end of the stream.
async fn read_frame<R: AsyncRead + Unpin>(reader: &mut BufReader<R>, limit: usize) -> std::io::Result<Option<Frame>> {
    let mut length: Option<std::result::Result<usize, String>> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        let read = (&mut *reader).take(MAX_LSP_HEADER_BYTES as u64).read_until(b'\n', &mut line).await?;
        if read == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            continue; // stray blank lines between frames
        }
        saw_header = true;
        if let Some(value) = content_length(text) {
            length = Some(value.parse().map_err(|_| format!("`Content-Length: {value}` is not a byte count")));
        }
    }
    let length = match length {
        Some(Ok(length)) => length,
        Some(Err(why)) => return Ok(Some(Frame::BadHeader(why))),
        None => return Ok(Some(Frame::BadHeader("a message without a `Content-Length` header".to_owned()))),
    };
    if length > limit {
        let mut head = Vec::new();
        (&mut *reader).take(length.min(1024) as u64).read_to_end(&mut head).await?;
        let rest = (length - head.len()) as u64;
        tokio::io::copy(&mut (&mut *reader).take(rest), &mut tokio::io::sink()).await?;
        return Ok(Some(Frame::TooLarge { length, head }));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await?;
    Ok(Some(Frame::Body(body)))
}

/// The value of a `Content-Length` header line (the name in any case). The header may come at
/// the end of the line: after a frame that declared fewer bytes than it held, the rest of its
/// body runs into the next frame's first header line, and finding the header there puts the
/// stream back in step instead of misreading every later frame.
fn content_length(line: &str) -> Option<&str> {
    const NAME: &str = "content-length";
    let at = line.to_ascii_lowercase().rfind(NAME)?;
    let value = line.get(at + NAME.len()..)?.trim_start().strip_prefix(':')?;
    Some(value.trim())
}

/// Writes one frame: its header, then the body as it is (a copy of a large body with its
/// header in front cost as much memory again).
async fn write_frame<W: AsyncWrite + Unpin>(to: &mut W, body: &[u8]) -> std::io::Result<()> {
    to.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes()).await?;
    to.write_all(body).await?;
    to.flush().await
}

/// The answer to a message the framework cannot take, or `None` to pass it on unchanged.
fn reject(body: &[u8]) -> Option<Value> {
    // The framework reads a message without `method` as a call of the method "", which it
    // would answer "method not found": JSON-RPC calls it an invalid request.
    let request = serde_json::from_slice::<Request>(body).is_ok_and(|r| !r.method().is_empty());
    if request || serde_json::from_slice::<Response>(body).is_ok() {
        return None;
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return Some(error_answer(Value::Null, -32700, "Parse error: the message is not valid JSON"));
    };
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    if value.get("id").is_none() && value.get("method").is_some() {
        // A notification that does not fit its shape: nobody waits for an answer. A request
        // whose id cannot be read is answered, with a null id, as JSON-RPC says.
        return Some(log("threatls: ignored a notification that is not valid JSON-RPC"));
    }
    Some(error_answer(id, -32600, "Invalid request: not a JSON-RPC 2.0 request, notification or response"))
}

fn error_answer(id: Value, code: i64, message: impl Into<Cow<'static, str>>) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message.into() } })
}

fn log(message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "method": "window/logMessage", "params": { "type": 1, "message": message } })
}

/// A best guess at the id of a request too large to read: clients write `id` before `params`.
fn id_in(head: &[u8]) -> Value {
    let text = String::from_utf8_lossy(head);
    let Some(at) = text.find("\"id\"") else { return Value::Null };
    let rest = text.get(at + 4..).unwrap_or("").trim_start();
    let Some(rest) = rest.strip_prefix(':') else { return Value::Null };
    let rest = rest.trim_start();
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    match serde_json::from_str::<Value>(rest.get(..end).unwrap_or("").trim()) {
        Ok(id @ (Value::Number(_) | Value::String(_))) => id,
        _ => Value::Null,
    }
}

/// Messages to the client, whole bodies; `None` ends the stream.
pub(super) type Outbox = mpsc::Sender<Option<Vec<u8>>>;

/// Reads frames from the client, forwards those the framework can decode to `server`, and
/// answers the others through `out`. Ends at the end of the client's stream.
pub(super) async fn guard<R, W>(client: R, mut server: W, out: Outbox)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(client);
    loop {
        let answer = match read_frame(&mut reader, MAX_LSP_MESSAGE_BYTES).await {
            Ok(None) | Err(_) => return,
            Ok(Some(Frame::Body(body))) => match reject(&body) {
                None => {
                    if write_frame(&mut server, &body).await.is_err() {
                        return;
                    }
                    continue;
                }
                Some(answer) => answer,
            },
            Ok(Some(Frame::BadHeader(why))) => error_answer(Value::Null, -32700, format!("Parse error: {why}")),
            Ok(Some(Frame::TooLarge { length, head })) => {
                let message = format!(
                    "the message of {length} bytes is over the limit of {MAX_LSP_MESSAGE_BYTES} bytes and was dropped"
                );
                let _ = out.send(Some(log(&format!("threatls: {message}")).to_string().into_bytes())).await;
                match id_in(&head) {
                    Value::Null => continue,
                    id => error_answer(id, -32600, format!("Invalid request: {message}")),
                }
            }
        };
        if out.send(Some(answer.to_string().into_bytes())).await.is_err() {
            return;
        }
    }
}

/// Passes the server's messages on to `out`, then ends the stream.
pub(super) async fn forward<R: AsyncRead + Unpin>(server: R, out: Outbox) {
    let mut server = BufReader::new(server);
    // The server's own frames are well formed; no limit applies to what it says.
    while let Ok(Some(Frame::Body(body))) = read_frame(&mut server, usize::MAX).await {
        if out.send(Some(body)).await.is_err() {
            return;
        }
    }
    let _ = out.send(None).await;
}

/// Writes messages to the client, whole frames at a time, until the stream ends.
pub(super) async fn write<W: AsyncWrite + Unpin>(mut client: W, mut messages: mpsc::Receiver<Option<Vec<u8>>>) {
    while let Some(Some(body)) = messages.recv().await {
        if write_frame(&mut client, &body).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_id_of_an_oversized_request() {
        assert_eq!(id_in(br#"{"jsonrpc":"2.0","id":17,"method":"x","params":{"#), json!(17));
        assert_eq!(id_in(br#"{"id" : "a-1" ,"#), json!("a-1"));
        assert_eq!(id_in(br#"{"jsonrpc":"2.0","method":"x","params":{"#), Value::Null);
        assert_eq!(id_in(br#"{"id":{"#), Value::Null);
    }

    #[test]
    fn rejects_what_the_framework_cannot_decode() {
        assert!(reject(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#).is_none());
        assert!(reject(br#"{"jsonrpc":"2.0","method":"initialized"}"#).is_none());
        assert!(reject(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_none());
        assert_eq!(reject(b"{\"jsonrpc").unwrap()["error"]["code"], json!(-32700));
        assert_eq!(reject(br#"{"id":3}"#).map(|e| e["id"].clone()), Some(json!(3)));
        assert_eq!(
            reject(br#"{"jsonrpc":"1.0","method":"x"}"#).map(|e| e["method"].clone()),
            Some(json!("window/logMessage"))
        );
        let no_method = reject(br#"{"jsonrpc":"2.0","id":7,"x":1}"#).unwrap();
        assert_eq!((&no_method["id"], &no_method["error"]["code"]), (&json!(7), &json!(-32600)));
        let bad_id = reject(br#"{"jsonrpc":"2.0","id":{"n":1},"method":"x"}"#).unwrap();
        assert_eq!((&bad_id["id"], &bad_id["error"]["code"]), (&Value::Null, &json!(-32600)));
    }

    #[test]
    fn finds_the_length_header_after_the_rest_of_a_short_frame() {
        assert_eq!(content_length("Content-Length: 12"), Some("12"));
        assert_eq!(content_length("content-length:7 "), Some("7"));
        assert_eq!(content_length(r#""n":1}}Content-Length: 57"#), Some("57"));
        assert_eq!(content_length("Content-Type: application/vscode-jsonrpc"), None);
        assert_eq!(content_length("Content-Length 12"), None);
    }
}
