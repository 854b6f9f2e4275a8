//! Protocol abuse: malformed frames, wrong lengths, unknown methods, messages out of the
//! lifecycle's order. Each case is the bytes a client sends and the answer the protocol asks
//! for; after each, an ordinary request must still be answered, so the server stayed up.

use serde_json::{Value, json};

use super::client::{Client, uri};
use super::{MODEL, TODAY, root, workspace};
use threatls::limits::MAX_LSP_MESSAGE_BYTES;

/// Where in the lifecycle a case is sent.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    BeforeInitialize,
    Initialized,
    ShutDown,
}

/// What the server must answer.
#[derive(Debug)]
enum Answer {
    /// An error with this id (`null` when the message had none that could be read) and code.
    Error(Value, i64),
    /// A result for this id.
    Result(Value),
    /// Nothing: a notification is never answered, whatever is wrong with it.
    Nothing,
}

struct Case {
    name: &'static str,
    phase: Phase,
    bytes: Vec<u8>,
    answer: Answer,
}

fn frame(body: &str) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

fn message(value: Value) -> Vec<u8> {
    frame(&value.to_string())
}

fn request(id: Value, method: &str, params: Value) -> Vec<u8> {
    message(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }))
}

fn notification(method: &str, params: Value) -> Vec<u8> {
    message(json!({ "jsonrpc": "2.0", "method": method, "params": params }))
}

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;
const SERVER_NOT_INITIALIZED: i64 = -32002;

fn cases(model: &str) -> Vec<Case> {
    use Answer::*;
    use Phase::*;
    let hover = |id: Value, uri: &str, line: u64, character: u64| {
        request(
            id,
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
        )
    };
    let symbols = |id: Value| request(id, "workspace/symbol", json!({ "query": "idor" }));
    let body = r#"{"jsonrpc":"2.0","method":"threatls/ignored","params":{"n":1}}"#;
    let oversized = {
        let head = r#"{"jsonrpc":"2.0","id":31,"method":"workspace/symbol","params":{"query":""#;
        let length = MAX_LSP_MESSAGE_BYTES + 1;
        let mut bytes = format!("Content-Length: {length}\r\n\r\n{head}").into_bytes();
        bytes.resize(bytes.len() + length - head.len() - 3, b'x');
        bytes.extend_from_slice(br#""}}"#);
        bytes
    };
    let mut too_long = format!("Content-Length: {}\r\n\r\n{body}", body.len() + frame(body).len()).into_bytes();
    too_long.extend(frame(body));
    let unopened = json!({ "uri": "file:///nowhere/threatmodel.yaml", "version": 2 });
    let change = json!({ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 1 } }, "text": "x" });
    vec![
        Case {
            name: "a request before initialize",
            phase: BeforeInitialize,
            bytes: hover(json!(1), model, 0, 0),
            answer: Error(json!(1), SERVER_NOT_INITIALIZED),
        },
        Case {
            name: "shutdown before initialize",
            phase: BeforeInitialize,
            bytes: request(json!(2), "shutdown", Value::Null),
            answer: Error(json!(2), SERVER_NOT_INITIALIZED),
        },
        Case {
            name: "a notification before initialize",
            phase: BeforeInitialize,
            bytes: notification(
                "textDocument/didOpen",
                json!({ "textDocument": { "uri": model, "languageId": "yaml", "version": 1, "text": "x: [" } }),
            ),
            answer: Nothing,
        },
        Case {
            name: "not JSON",
            phase: Initialized,
            bytes: frame("{\"jsonrpc"),
            answer: Error(Value::Null, PARSE_ERROR),
        },
        Case {
            name: "not UTF-8",
            phase: Initialized,
            bytes: b"Content-Length: 4\r\n\r\n\xff\xfe{}".to_vec(),
            answer: Error(Value::Null, PARSE_ERROR),
        },
        Case { name: "an empty body", phase: Initialized, bytes: frame(""), answer: Error(Value::Null, PARSE_ERROR) },
        Case {
            name: "no Content-Length",
            phase: Initialized,
            bytes: b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n".to_vec(),
            answer: Error(Value::Null, PARSE_ERROR),
        },
        Case {
            name: "a Content-Length that is not a number",
            phase: Initialized,
            bytes: b"Content-Length: lots\r\n\r\n".to_vec(),
            answer: Error(Value::Null, PARSE_ERROR),
        },
        Case {
            name: "a negative Content-Length",
            phase: Initialized,
            bytes: b"Content-Length: -5\r\n\r\n".to_vec(),
            answer: Error(Value::Null, PARSE_ERROR),
        },
        Case {
            name: "a Content-Length shorter than the body",
            phase: Initialized,
            bytes: format!("Content-Length: {}\r\n\r\n{body}", body.len() - 7).into_bytes(),
            answer: Error(Value::Null, PARSE_ERROR),
        },
        Case {
            name: "a Content-Length that runs over the next frame",
            phase: Initialized,
            bytes: too_long,
            answer: Error(Value::Null, PARSE_ERROR),
        },
        Case {
            name: "a header line over the limit",
            phase: Initialized,
            bytes: [format!("X-Padding: {}\r\n", "p".repeat(3000)).into_bytes(), symbols(json!(30))].concat(),
            answer: Result(json!(30)),
        },
        Case {
            name: "a lower-case header name",
            phase: Initialized,
            bytes: {
                let b = symbols(json!(32));
                [b"content-length".to_vec(), b["Content-Length".len()..].to_vec()].concat()
            },
            answer: Result(json!(32)),
        },
        Case {
            name: "a message over the size limit",
            phase: Initialized,
            bytes: oversized,
            answer: Error(json!(31), INVALID_REQUEST),
        },
        Case {
            name: "a batch",
            phase: Initialized,
            bytes: frame(r#"[{"jsonrpc":"2.0","id":40,"method":"shutdown"}]"#),
            answer: Error(Value::Null, INVALID_REQUEST),
        },
        Case {
            name: "neither a request nor a response",
            phase: Initialized,
            bytes: frame(r#"{"jsonrpc":"2.0","id":7,"x":1}"#),
            answer: Error(json!(7), INVALID_REQUEST),
        },
        Case {
            name: "JSON-RPC 1.0",
            phase: Initialized,
            bytes: frame(r#"{"jsonrpc":"1.0","id":8,"method":"workspace/symbol","params":{"query":""}}"#),
            answer: Error(json!(8), INVALID_REQUEST),
        },
        Case {
            name: "an id that is an object",
            phase: Initialized,
            bytes: frame(r#"{"jsonrpc":"2.0","id":{"n":1},"method":"workspace/symbol","params":{"query":""}}"#),
            answer: Error(Value::Null, INVALID_REQUEST),
        },
        Case {
            name: "a method that is not a string, without id",
            phase: Initialized,
            bytes: frame(r#"{"jsonrpc":"2.0","method":5}"#),
            answer: Nothing,
        },
        Case {
            name: "an unknown request",
            phase: Initialized,
            bytes: request(json!(9), "threatls/nope", Value::Null),
            answer: Error(json!(9), METHOD_NOT_FOUND),
        },
        Case {
            name: "an unknown notification",
            phase: Initialized,
            bytes: notification("threatls/nope", json!({})),
            answer: Nothing,
        },
        Case {
            name: "an unknown $/ notification",
            phase: Initialized,
            bytes: notification("$/nope", json!({})),
            answer: Nothing,
        },
        Case {
            name: "a known request with the wrong params",
            phase: Initialized,
            bytes: request(json!(10), "textDocument/hover", json!(5)),
            answer: Error(json!(10), INVALID_PARAMS),
        },
        Case {
            name: "a string id",
            phase: Initialized,
            bytes: symbols(json!("eleven")),
            answer: Result(json!("eleven")),
        },
        Case {
            name: "a second initialize",
            phase: Initialized,
            bytes: request(json!(12), "initialize", json!({ "capabilities": {} })),
            answer: Error(json!(12), INVALID_REQUEST),
        },
        Case {
            name: "didChange of a document never opened",
            phase: Initialized,
            bytes: notification(
                "textDocument/didChange",
                json!({ "textDocument": unopened, "contentChanges": [change] }),
            ),
            answer: Nothing,
        },
        Case {
            name: "didClose of a document never opened",
            phase: Initialized,
            bytes: notification(
                "textDocument/didClose",
                json!({ "textDocument": { "uri": "file:///nowhere/threatmodel.yaml" } }),
            ),
            answer: Nothing,
        },
        Case {
            name: "didChange of a URI that is not a file",
            phase: Initialized,
            bytes: notification(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": "untitled:Untitled-1", "version": 2 }, "contentChanges": [change] }),
            ),
            answer: Nothing,
        },
        Case {
            name: "didOpen of a URI that is not a file",
            phase: Initialized,
            bytes: notification(
                "textDocument/didOpen",
                json!({ "textDocument": { "uri": "untitled:Untitled-1", "languageId": "yaml", "version": 1, "text": "x" } }),
            ),
            answer: Nothing,
        },
        Case {
            name: "a request on a file outside every folder, never opened",
            phase: Initialized,
            bytes: hover(json!(13), "file:///threatmodel.yaml", 0, 0),
            answer: Error(json!(13), INVALID_PARAMS),
        },
        Case {
            name: "positions far outside the document",
            phase: Initialized,
            bytes: hover(json!(14), model, 99_999, 99_999),
            answer: Result(json!(14)),
        },
        Case {
            name: "a response to a request never sent",
            phase: Initialized,
            bytes: frame(r#"{"jsonrpc":"2.0","id":999,"result":null}"#),
            answer: Nothing,
        },
        Case {
            name: "a cancel of a request never sent",
            phase: Initialized,
            bytes: notification("$/cancelRequest", json!({ "id": 998 })),
            answer: Nothing,
        },
        Case {
            name: "a request after shutdown",
            phase: ShutDown,
            bytes: hover(json!(20), model, 5, 9),
            answer: Error(json!(20), INVALID_REQUEST),
        },
        Case {
            name: "a second shutdown",
            phase: ShutDown,
            bytes: request(json!(21), "shutdown", Value::Null),
            answer: Error(json!(21), INVALID_REQUEST),
        },
        Case {
            name: "initialize after shutdown",
            phase: ShutDown,
            bytes: request(json!(22), "initialize", json!({ "capabilities": {} })),
            answer: Error(json!(22), INVALID_REQUEST),
        },
        Case {
            name: "a notification after shutdown",
            phase: ShutDown,
            bytes: notification(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": model, "version": 9 }, "contentChanges": [change] }),
            ),
            answer: Nothing,
        },
    ]
}

/// The next answer to a request (skipping the server's notifications, such as the log line it
/// writes about a dropped message).
async fn next_answer(client: &mut Client) -> Value {
    loop {
        let message = client.recv().await;
        if message.get("method").is_none() {
            return message;
        }
    }
}

/// Sends one case, checks its answer, then that an ordinary request is answered as it should be.
async fn run(client: &mut Client, case: &Case, probe: (i64, Value), serving: impl Fn(&Value) -> bool) {
    client.send_raw(&case.bytes).await;
    let (probe_id, probe) = probe;
    match &case.answer {
        Answer::Error(id, code) => {
            let answer = next_answer(client).await;
            assert_eq!((&answer["id"], &answer["error"]["code"]), (id, &json!(code)), "{}: {answer}", case.name);
            assert!(answer.get("result").is_none(), "{}: {answer}", case.name);
        }
        Answer::Result(id) => {
            let answer = next_answer(client).await;
            assert_eq!(&answer["id"], id, "{}: {answer}", case.name);
            assert!(answer.get("result").is_some(), "{}: {answer}", case.name);
        }
        Answer::Nothing => {}
    }
    client.send(&probe).await;
    let answer = next_answer(client).await;
    assert_eq!(answer["id"], probe_id, "{}: answered, or not answered in turn: {answer}", case.name);
    assert!(serving(&answer), "{}: the server no longer serves: {answer}", case.name);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protocol_abuse_is_answered_as_the_protocol_says() {
    let dir = workspace(&[("threatmodel.yaml", MODEL)]);
    let path = root(&dir).join("threatmodel.yaml");
    let model = uri(&path);
    let cases = cases(&model);
    // Ids the cases do not use.
    let mut probe_id = 100_000;
    let mut hover = || {
        probe_id += 1;
        let params = json!({ "textDocument": { "uri": model }, "position": { "line": 5, "character": 9 } });
        (probe_id, json!({ "jsonrpc": "2.0", "id": probe_id, "method": "textDocument/hover", "params": params }))
    };
    let serves = |a: &Value| a["result"]["contents"]["value"].as_str().is_some_and(|v| v.contains("idor"));
    let options = json!({ "threatls": { "today": TODAY } });

    let mut client = Client::start();
    for case in cases.iter().filter(|c| c.phase == Phase::BeforeInitialize) {
        let not_initialized = |a: &Value| a["error"]["code"] == SERVER_NOT_INITIALIZED;
        run(&mut client, case, hover(), not_initialized).await;
    }
    client.initialize(&root(&dir), json!({}), options.clone()).await;
    client.open(&path, MODEL).await;
    for case in cases.iter().filter(|c| c.phase == Phase::Initialized) {
        run(&mut client, case, hover(), serves).await;
    }
    // No request made `/` a root to read (the hover outside every folder): the workspace is as it was.
    let found = client.request("workspace/symbol", json!({ "query": "idor" })).await;
    assert_eq!(found["result"].as_array().map(Vec::len), Some(1), "{found}");
    let response = client.request("shutdown", Value::Null).await;
    assert_eq!(response["result"], Value::Null, "{response}");
    for case in cases.iter().filter(|c| c.phase == Phase::ShutDown) {
        run(&mut client, case, hover(), |a| a["error"]["code"] == INVALID_REQUEST).await;
    }
    client.notify("exit", Value::Null).await;
}
