//! Load: one client sends 10,000 `didChange` mixed with 5,000 requests (completion, hover,
//! definition, references), a fifth of them cancelled, while it reads the answers, on a
//! multi-threaded runtime. Every request is answered exactly once, with a result or as
//! cancelled; every answer shows the text of the last edit sent before its request, never an
//! older or a newer one; and the whole run ends in time (a deadlock fails instead of hanging).
//!
//! The document's text names its version, so answers show which text they saw: line 0 defines
//! `#vNNNNNNN` after a name whose length depends on the version (definition and references show
//! it by their column), line 1 refers to it (hover shows the id), line 2 asks for an id
//! (completion offers it). `THREATLS_LOAD_SEEDS=N` repeats the run with N seeds instead of 3.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::client::{Client, Reader, Writer, uri};
use super::support::rng::{Rng, count_from_env};
use super::{TODAY, root, workspace};

const CHANGES: usize = 10_000;
const REQUESTS: usize = 5_000;
/// Percent of requests cancelled.
const CANCELLED: usize = 20;
/// Far more than a run takes (seconds in a debug build), so that only a hang reaches it.
const DEADLINE: Duration = Duration::from_secs(600);

const MODEL: &str = "threatmodel: 1
title: Load
assets:
  - { id: api, kind: process }
threats:
  - id: idor
    title: Invoices by id
    class: elevation-of-privilege
    severity: high
    affects: [api]
";

/// The text of line 0 after `// @asset `, which names the version twice: in the id, and in the
/// length of the name before it.
fn definition(version: usize) -> String {
    format!("Marker{} (#v{version:07})", "x".repeat(version % 500))
}

fn text(version: usize) -> String {
    format!("// @asset {}\n// @exposes #v{version:07} to #idor\n// @exposes #\n", definition(version))
}

/// The column where line 0 of `version` names its id.
fn id_column(version: usize) -> u64 {
    (format!("// @asset {}", definition(version)).find("#v").unwrap() + 1) as u64
}

/// The two edits from `version - 1` to `version`, as one `didChange`.
fn change(uri: &str, version: usize) -> Value {
    let old_end = format!("// @asset {}", definition(version - 1)).len();
    let range = |line: u64, start: u64, end: usize| json!({ "start": { "line": line, "character": start }, "end": { "line": line, "character": end } });
    json!({
        "textDocument": { "uri": uri, "version": version },
        "contentChanges": [
            { "range": range(0, 10, old_end), "text": definition(version) },
            { "range": range(1, 13, 21), "text": format!("v{version:07}") },
        ],
    })
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Ask {
    Completion,
    Hover,
    Definition,
    References,
}

/// What the writer did: each request's kind and the version of the last edit before it.
struct Sent {
    asked: HashMap<i64, (Ask, usize)>,
    cancelled: HashSet<i64>,
}

async fn write(mut writer: Writer, uri: String, seed: u64) -> (Writer, Sent) {
    let mut rng = Rng::new(seed);
    let mut sent = Sent { asked: HashMap::new(), cancelled: HashSet::new() };
    let (mut version, mut requests) = (1, 0);
    // Cancellations wait a few messages: some reach a request still waiting, some one done.
    let mut to_cancel: Vec<(usize, i64)> = Vec::new();
    for step in 0..CHANGES + REQUESTS {
        let changes_left = CHANGES - (version - 1);
        if rng.below(changes_left + REQUESTS - requests) < REQUESTS - requests {
            let ask = *rng.pick(&[Ask::Completion, Ask::Hover, Ask::Definition, Ask::References]);
            let at = |line: u64, character: u64| json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
            let (method, params) = match ask {
                Ask::Completion => ("textDocument/completion", at(2, 13)),
                Ask::Hover => ("textDocument/hover", at(1, 15)),
                Ask::Definition => ("textDocument/definition", at(1, 15)),
                Ask::References => {
                    let mut params = at(1, 15);
                    params["context"] = json!({ "includeDeclaration": true });
                    ("textDocument/references", params)
                }
            };
            let id = writer.send_request(method, params).await;
            sent.asked.insert(id, (ask, version));
            requests += 1;
            if rng.chance(CANCELLED) {
                sent.cancelled.insert(id);
                to_cancel.push((step + rng.below(4), id));
            }
        } else {
            version += 1;
            writer.notify("textDocument/didChange", change(&uri, version)).await;
        }
        let due: Vec<(usize, i64)> = to_cancel.extract_if(.., |(at, _)| *at <= step).collect();
        for (_, id) in due {
            writer.notify("$/cancelRequest", json!({ "id": id })).await;
        }
    }
    for (_, id) in to_cancel {
        writer.notify("$/cancelRequest", json!({ "id": id })).await;
    }
    (writer, sent)
}

/// Reads until every request has an answer; returns the answers by id, in the order read,
/// with the versions of the diagnostics published meanwhile.
async fn read(reader: &mut Reader, uri: &str) -> (HashMap<i64, Vec<Value>>, Vec<i64>) {
    let mut answers: HashMap<i64, Vec<Value>> = HashMap::new();
    let mut published = Vec::new();
    while answers.len() < REQUESTS {
        let message = reader.next().await;
        if message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri {
            published.push(message["params"]["version"].as_i64().unwrap());
        } else if message.get("method").is_none() {
            answers.entry(message["id"].as_i64().unwrap()).or_default().push(message);
        }
    }
    (answers, published)
}

/// What is wrong with an answer to a request on `version`'s text, if anything.
fn wrong(ask: Ask, version: usize, result: &Value, uri: &str) -> Option<String> {
    let id = format!("v{version:07}");
    let ok = match ask {
        Ask::Hover => result["contents"]["value"].as_str().is_some_and(|card| card.contains(&format!("`{id}`"))),
        Ask::Completion => {
            let labels: Vec<&str> = result["items"].as_array()?.iter().filter_map(|i| i["label"].as_str()).collect();
            let versions: Vec<&&str> = labels.iter().filter(|l| l.starts_with('v')).collect();
            versions == [&id.as_str()]
        }
        Ask::Definition => {
            result[0]["uri"] == uri
                && result[0]["range"]["start"] == json!({ "line": 0, "character": id_column(version) })
        }
        Ask::References => {
            let locations = result.as_array()?;
            locations.len() == 2
                && locations
                    .iter()
                    .any(|l| l["range"]["start"] == json!({ "line": 0, "character": id_column(version) }))
                && locations.iter().any(|l| l["range"]["start"] == json!({ "line": 1, "character": 13 }))
        }
    };
    (!ok).then(|| format!("{ask:?} on version {version} saw another text: {result}"))
}

struct Figures {
    answered: usize,
    cancelled_sent: usize,
    answered_cancelled: usize,
    publishes: usize,
    took: Duration,
}

async fn run(seed: u64) -> Figures {
    let dir = workspace(&[("threatmodel.yaml", MODEL)]);
    let root = root(&dir);
    let path = root.join("load.go");
    let uri = uri(&path);
    let mut client = Client::start();
    client.initialize(&root, json!({}), json!({ "threatls": { "today": TODAY } })).await;
    client.open(&path, &text(1)).await;
    // The root is read, and the server's own requests answered, before the load begins.
    let warm = client
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 15 } }),
        )
        .await;
    assert!(wrong(Ask::Definition, 1, &warm["result"], &uri).is_none(), "{warm}");
    let started = Instant::now();
    let (writer, mut reader) = client.into_parts();
    let writing = tokio::spawn(write(writer, uri.clone(), seed));
    let (answers, published) = read(&mut reader, &uri).await;
    let (mut writer, sent) = writing.await.unwrap();
    let took = started.elapsed();
    // Any second answer would come before the answer to this.
    let last = writer.send_request("shutdown", Value::Null).await;
    let mut late = Vec::new();
    loop {
        let message = reader.next().await;
        if message["id"] == last && message.get("method").is_none() {
            break;
        }
        if message.get("method").is_none() {
            late.push(message);
        }
    }
    writer.notify("exit", Value::Null).await;

    assert_eq!(sent.asked.len(), REQUESTS);
    assert!(late.is_empty(), "seed {seed}: answers after every request was answered: {late:?}");
    let mut problems = Vec::new();
    let mut answered_cancelled = 0;
    for (id, (ask, version)) in &sent.asked {
        let Some(got) = answers.get(id) else {
            problems.push(format!("request {id} ({ask:?}) was never answered"));
            continue;
        };
        if got.len() != 1 {
            problems.push(format!("request {id} was answered {} times: {got:?}", got.len()));
        }
        let answer = &got[0];
        let cancelled = sent.cancelled.contains(id);
        if answer.get("error").is_some() {
            answered_cancelled += 1;
            if !cancelled || answer["error"]["code"] != -32800 {
                problems.push(format!("request {id} ({ask:?}, cancelled: {cancelled}) got an error: {answer}"));
            }
        } else if let Some(problem) = wrong(*ask, *version, &answer["result"], &uri) {
            problems.push(format!("request {id}: {problem}"));
        }
    }
    let unasked: Vec<&i64> = answers.keys().filter(|id| !sent.asked.contains_key(id)).collect();
    assert!(unasked.is_empty(), "seed {seed}: answers to requests never sent: {unasked:?}");
    assert!(
        problems.is_empty(),
        "seed {seed}: {} problems, the first: {:#?}",
        problems.len(),
        &problems[..problems.len().min(5)]
    );
    assert!(
        published.windows(2).all(|w| w[0] <= w[1]),
        "seed {seed}: diagnostics published out of order: {published:?}"
    );
    assert!(
        published.last().is_some_and(|v| *v as usize > CHANGES / 2),
        "the diagnostics followed the edits: {published:?}"
    );
    Figures {
        answered: answers.len(),
        cancelled_sent: sent.cancelled.len(),
        answered_cancelled,
        publishes: published.len(),
        took,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[allow(clippy::print_stderr)]
async fn edits_and_requests_under_load_are_answered_once_and_in_order() {
    for seed in 0..count_from_env("THREATLS_LOAD_SEEDS", 3) as u64 {
        let f = tokio::time::timeout(DEADLINE, run(seed)).await.expect("deadlock: the load test did not end");
        eprintln!(
            "load seed {seed}: {} requests answered once ({} cancelled, {} answered as cancelled), {} didChange, {} publishes, {:.1?}",
            f.answered, f.cancelled_sent, f.answered_cancelled, CHANGES, f.publishes, f.took
        );
        // Cancelling must have cancelled something, or this test proves little about it.
        assert!(f.answered_cancelled > 0, "seed {seed}: no request was cancelled in time");
    }
}
