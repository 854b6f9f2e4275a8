//! A test client that speaks LSP to the real server over an in-memory pipe, with real
//! `Content-Length` framing, as an editor does.

use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};

const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client {
    writer: Writer,
    reader: Reader,
    /// Messages from the server not consumed yet (notifications, mostly).
    pub inbox: VecDeque<Value>,
    /// Leave the server's requests unanswered (in the inbox) until the test answers them.
    pub hold_requests: bool,
}

impl Client {
    /// Starts the server on the current (multi-threaded) runtime.
    pub fn start() -> Client {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        tokio::spawn(threatls::lsp::serve(server_read, server_write, true));
        let (reader, writer) = tokio::io::split(client_end);
        Client {
            writer: Writer { half: writer, next_id: 1 },
            reader: Reader { half: BufReader::new(reader) },
            inbox: VecDeque::new(),
            hold_requests: false,
        }
    }

    /// The two ends apart, for a test that writes and reads at once (a load test); the server's
    /// own requests are then the reader's to see and nobody's to answer.
    pub fn into_parts(self) -> (Writer, Reader) {
        (self.writer, self.reader)
    }

    pub async fn send(&mut self, message: &Value) {
        self.writer.send(message).await;
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.send_raw(bytes).await;
    }

    /// The next message from the server; answers the server's own requests as an editor would.
    pub async fn recv(&mut self) -> Value {
        loop {
            let message = self.reader.next().await;
            if message.get("method").is_some() && message.get("id").is_some() {
                // window/workDoneProgress/create, client/registerCapability ...
                if !self.hold_requests {
                    let id = message["id"].clone();
                    self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null })).await;
                }
                self.inbox.push_back(message);
                continue;
            }
            return message;
        }
    }

    /// Sends a request and returns its response (`result` or `error`), keeping what arrives
    /// meanwhile in the inbox.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params).await;
        self.response(id).await
    }

    pub async fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.writer.send_request(method, params).await
    }

    pub async fn response(&mut self, id: i64) -> Value {
        if let Some(i) = self.inbox.iter().position(|m| m["id"] == id && m.get("method").is_none()) {
            return self.inbox.remove(i).unwrap();
        }
        loop {
            let message = self.recv().await;
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
            self.inbox.push_back(message);
        }
    }

    /// Answers the server's requests held so far, and answers the later ones at once.
    pub async fn release_requests(&mut self) {
        self.hold_requests = false;
        let held: Vec<Value> =
            self.inbox.iter().filter(|m| m.get("method").is_some() && m.get("id").is_some()).cloned().collect();
        for request in held {
            self.send(&json!({ "jsonrpc": "2.0", "id": request["id"], "result": null })).await;
        }
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.writer.notify(method, params).await;
    }

    pub async fn initialize(&mut self, root: &Path, capabilities: Value, options: Value) -> Value {
        let uri = uri(root);
        let response = self
            .request(
                "initialize",
                json!({ "processId": null, "rootUri": uri, "capabilities": capabilities, "initializationOptions": options,
                        "workspaceFolders": [{ "uri": uri, "name": "test" }] }),
            )
            .await;
        self.notify("initialized", json!({})).await;
        response
    }

    pub async fn open(&mut self, path: &Path, text: &str) {
        let language = if path.extension().is_some_and(|e| e == "yaml") { "yaml" } else { "plaintext" };
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(path), "languageId": language, "version": 1, "text": text } }),
        )
        .await;
    }

    /// The diagnostics published for `path`: waits for a publish that satisfies `done`, then
    /// for a quiet period, and returns the last one.
    pub async fn diagnostics_until(&mut self, path: &Path, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let uri = uri(path);
        let mut last: Option<Vec<Value>> = None;
        loop {
            if let Some(i) = self.inbox.iter().position(|m| is_publish_for(m, &uri)) {
                let m = self.inbox.remove(i).unwrap();
                last = Some(m["params"]["diagnostics"].as_array().unwrap().clone());
                continue;
            }
            if last.as_deref().is_some_and(&done) {
                // Quiet period: later publishes for the same file win.
                match tokio::time::timeout(Duration::from_millis(300), self.reader.read_message()).await {
                    Ok(m) => {
                        self.inbox.push_back(m);
                        continue;
                    }
                    Err(_) => return last.unwrap(),
                }
            }
            let m = self.recv().await;
            self.inbox.push_back(m);
        }
    }

    /// Waits for a publish for `path` whose params satisfy `done`, and returns the params.
    pub async fn publish_where(&mut self, path: &Path, done: impl Fn(&Value) -> bool) -> Value {
        let uri = uri(path);
        loop {
            if let Some(i) = self.inbox.iter().position(|m| is_publish_for(m, &uri) && done(&m["params"])) {
                return self.inbox.remove(i).unwrap()["params"].take();
            }
            let m = self.recv().await;
            self.inbox.push_back(m);
        }
    }

    pub async fn shutdown(&mut self) {
        let response = self.request("shutdown", Value::Null).await;
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null).await;
    }
}

/// The client's writing end: whole frames, and the ids of its requests.
pub struct Writer {
    half: WriteHalf<DuplexStream>,
    next_id: i64,
}

impl Writer {
    pub async fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes()).await;
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.half.write_all(bytes).await.unwrap();
        self.half.flush().await.unwrap();
    }

    pub async fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })).await;
        id
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params })).await;
    }
}

/// The client's reading end.
pub struct Reader {
    half: BufReader<ReadHalf<DuplexStream>>,
}

impl Reader {
    /// The next message from the server; fails the test if none comes in time.
    pub async fn next(&mut self) -> Value {
        tokio::time::timeout(TIMEOUT, self.read_message()).await.expect("the server went quiet")
    }

    async fn read_message(&mut self) -> Value {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.half.read_line(&mut line).await.unwrap();
            assert!(!line.is_empty(), "the server closed the connection");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.half.read_exact(&mut body).await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }
}

fn is_publish_for(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

pub fn uri(path: &Path) -> String {
    tower_lsp_server::ls_types::Uri::from_file_path(path).unwrap().as_str().to_owned()
}

/// `(line, character)` of a range's start.
pub fn start(range: &Value) -> (u64, u64) {
    (range["start"]["line"].as_u64().unwrap(), range["start"]["character"].as_u64().unwrap())
}
