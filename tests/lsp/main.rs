//! The language server end to end: a client speaks JSON-RPC with real framing to the real
//! server, as an editor does, on a multi-threaded runtime.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod client;
mod differential;
mod load;
mod protocol;
#[path = "../support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};

use client::{Client, uri};
use serde_json::{Value, json};
use support::shop::{CODE, MODEL};

const TODAY: &str = "2026-11-22";

/// A temporary workspace holding `files`.
fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("threatls.toml"), "").unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    dir
}

fn root(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().canonicalize().unwrap()
}

async fn started(dir: &Path, capabilities: Value) -> Client {
    let mut client = Client::start();
    let response = client.initialize(dir, capabilities, json!({ "threatls": { "today": TODAY } })).await;
    assert!(response["result"]["capabilities"].is_object(), "{response}");
    client
}

/// A client that asks for progress reports but holds back its answers to the server's requests,
/// so the server never gets its progress token until `release_requests`.
async fn started_holding_answers(dir: &Path) -> Client {
    let mut client = Client::start();
    client.hold_requests = true;
    client
        .initialize(dir, json!({ "window": { "workDoneProgress": true } }), json!({ "threatls": { "today": TODAY } }))
        .await;
    client
}

fn pos(line: u64, character: u64) -> Value {
    json!({ "line": line, "character": character })
}

fn at(path: &Path, line: u64, character: u64) -> Value {
    json!({ "textDocument": { "uri": uri(path) }, "position": pos(line, character) })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_and_negotiated_position_encoding() {
    let dir = workspace(&[("threatmodel.yaml", MODEL)]);
    let mut client = Client::start();
    let response = client.initialize(dir.path(), json!({}), Value::Null).await;
    let caps = &response["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    for provider in [
        "completionProvider",
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "documentHighlightProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "codeActionProvider",
        "codeLensProvider",
        "semanticTokensProvider",
        "executeCommandProvider",
    ] {
        assert!(!caps[provider].is_null(), "{provider} missing");
    }
    assert!(caps["diagnosticProvider"].is_null(), "pull diagnostics offered to a client that cannot pull");
    client.shutdown().await;

    let mut client = Client::start();
    let caps = json!({
        "general": { "positionEncodings": ["utf-8", "utf-16"] },
        "textDocument": { "diagnostic": {} },
        "workspace": { "diagnostics": { "refreshSupport": true } },
    });
    let response = client.initialize(dir.path(), caps, Value::Null).await;
    assert_eq!(response["result"]["capabilities"]["positionEncoding"], "utf-8");
    assert!(response["result"]["capabilities"]["diagnosticProvider"].is_object());
    client.shutdown().await;
}

/// A diagnostic as both faces report it: (line, character, code, message).
type Reported = (u64, u64, String, String);

/// What `threatls check --format json` reports, by file.
fn check_json(dir: &Path) -> Vec<(String, Vec<Reported>)> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_threatls"))
        .args(["check", ".", "--format", "json", "--today", TODAY])
        .current_dir(dir)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut by_file: Vec<(String, Vec<Reported>)> = Vec::new();
    for d in json["diagnostics"].as_array().unwrap() {
        let file = d["file"].as_str().unwrap().to_owned();
        let (line, character) = client::start(&d["range"]);
        let entry =
            (line, character, d["code"].as_str().unwrap().to_owned(), d["message"].as_str().unwrap().to_owned());
        match by_file.iter_mut().find(|(f, _)| *f == file) {
            Some((_, list)) => list.push(entry),
            None => by_file.push((file, vec![entry])),
        }
    }
    by_file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_reports_what_check_reports() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/broken-shop").canonicalize().unwrap();
    let expected = check_json(&dir);
    assert!(expected.len() > 10, "the example shows diagnostics in many files");
    let mut client = started(&dir, json!({})).await;
    // Closed files are published after the background scan; open ones from the editor's text.
    let opened = dir.join("services/billing/invoices.go");
    client.open(&opened, &std::fs::read_to_string(&opened).unwrap()).await;
    let mut duplicate = None;
    for (file, diagnostics) in &expected {
        let published = client.diagnostics_until(&dir.join(file), |d| d.len() == diagnostics.len()).await;
        duplicate = duplicate.or_else(|| published.iter().find(|d| d["code"] == "duplicate-id").cloned());
        let mut got: Vec<Reported> = published
            .iter()
            .map(|d| {
                let (line, character) = client::start(&d["range"]);
                (line, character, d["code"].as_str().unwrap().to_owned(), d["message"].as_str().unwrap().to_owned())
            })
            .collect();
        let mut want = diagnostics.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{file}: the server and `threatls check` disagree");
    }
    // A diagnostic links to its rule's documentation, and a duplicate points at the original.
    let duplicate = duplicate.expect("the example has a duplicate id");
    assert!(duplicate["codeDescription"]["href"].as_str().unwrap().ends_with("docs/rules.md#duplicate-id"));
    assert!(
        duplicate["relatedInformation"][0]["location"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("broken-shop/threatmodel.yaml")
    );
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_features_on_a_model_and_its_code() {
    let dir = workspace(&[("threatmodel.yaml", MODEL), ("billing/invoice.go", CODE)]);
    let root = root(&dir);
    let (model, code) = (root.join("threatmodel.yaml"), root.join("billing/invoice.go"));
    let mut client = started(&root, json!({})).await;
    client.open(&model, MODEL).await;
    client.open(&code, CODE).await;
    assert!(client.diagnostics_until(&code, |d| d.is_empty()).await.is_empty());

    // Completion of a class after `class: `, with descriptions.
    let edited = MODEL.replace("class: elevation-of-privilege", "class: ");
    client
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(&model), "version": 2 }, "contentChanges": [{ "text": edited }] }),
        )
        .await;
    let items = client.request("textDocument/completion", at(&model, 7, 11)).await;
    let items = items["result"]["items"].as_array().unwrap();
    let spoofing = items.iter().find(|i| i["label"] == "spoofing").expect("classes are offered");
    assert!(spoofing["documentation"]["value"].as_str().unwrap().contains("claims to be"));
    client
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(&model), "version": 3 }, "contentChanges": [{ "text": MODEL }] }),
        )
        .await;

    // Completion of ids after `#` in a comment: threats first where a threat goes.
    let items = client.request("textDocument/completion", at(&code, 2, 29)).await;
    let labels: Vec<&str> =
        items["result"]["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"idor") && labels.contains(&"billing-api"), "{labels:?}");

    // Hover on `#idor` in code: the card with the derived state.
    let hover = client.request("textDocument/hover", at(&code, 2, 29)).await;
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("Invoice ids are not bound") && text.contains("mitigated"), "{text}");

    // Definition from code into the model.
    let definition = client.request("textDocument/definition", at(&code, 2, 29)).await;
    assert_eq!(definition["result"][0]["uri"], uri(&model));
    assert_eq!(client::start(&definition["result"][0]["range"]), (5, 8));

    // References across model and code.
    let refs = client.request("textDocument/references", json!({ "textDocument": { "uri": uri(&model) }, "position": pos(5, 9), "context": { "includeDeclaration": true } })).await;
    assert_eq!(refs["result"].as_array().unwrap().len(), 4, "{refs}");

    // Rename: refused on a key, done across files on an id.
    let refused = client.request("textDocument/prepareRename", at(&model, 6, 5)).await;
    assert!(refused["error"]["message"].as_str().unwrap().contains("not an id"), "{refused}");
    let prepared = client.request("textDocument/prepareRename", at(&model, 5, 9)).await;
    assert_eq!(prepared["result"]["placeholder"], "idor");
    let rename = client
        .request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": uri(&code) }, "position": pos(2, 29), "newName": "invoice-idor" }),
        )
        .await;
    let changes = rename["result"]["changes"].as_object().unwrap();
    assert_eq!(changes[&uri(&model)].as_array().unwrap().len(), 2);
    assert_eq!(changes[&uri(&code)].as_array().unwrap().len(), 2);

    // Highlights, symbols, lenses, tokens.
    let highlights = client.request("textDocument/documentHighlight", at(&model, 5, 9)).await;
    assert_eq!(highlights["result"].as_array().unwrap().len(), 2);
    let symbols =
        client.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri(&model) } })).await;
    let names: Vec<&str> = symbols["result"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["assets", "threats", "mitigations"]);
    let found = client.request("workspace/symbol", json!({ "query": "owner" })).await;
    assert_eq!(found["result"][0]["name"], "owner-check");
    let lenses = client.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri(&model) } })).await;
    let titles: Vec<&str> =
        lenses["result"].as_array().unwrap().iter().map(|l| l["command"]["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["2 code references · 1 of 1 mitigation implemented", "implemented · implemented in 1 place"]);
    let tokens =
        client.request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": uri(&code) } })).await;
    let data = tokens["result"]["data"].as_array().unwrap();
    assert_eq!(data.len() % 5, 0);
    assert_eq!(&data[..5], &[json!(2), json!(3), json!(8), json!(0), json!(0)], "`@exposes` on line 3 is a keyword");
    client.shutdown().await;
}

/// What `threatls export` prints for the workspace in `dir`.
fn export(dir: &Path, format: &str) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_threatls"))
        .args(["export", "--format", format, ".", "--today", TODAY])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// `threatls.diagram` answers with what `threatls export` prints, for a folder or any file of
/// the workspace, and draws the editor's unsaved text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_diagram_command_draws_what_export_prints() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop").canonicalize().unwrap();
    let mut client = Client::start();
    let response = client.initialize(&dir, json!({}), json!({ "threatls": { "today": TODAY } })).await;
    let commands = &response["result"]["capabilities"]["executeCommandProvider"]["commands"];
    assert_eq!(commands, &json!(["threatls.diagram"]));
    let model = dir.join("threatmodel.yaml");
    let command = |args: Value| json!({ "command": "threatls.diagram", "arguments": [args] });
    for (format, args) in [
        ("mermaid", json!({ "uri": uri(&dir), "format": "mermaid" })),
        ("dot", json!({ "uri": uri(&model), "format": "dot" })),
        ("markdown", json!({ "root": uri(&dir), "format": "markdown" })),
    ] {
        let answer = client.request("workspace/executeCommand", command(args)).await;
        assert_eq!(answer["result"].as_str(), Some(export(&dir, format).as_str()), "{format}: {answer}");
    }
    let bare = client.request("workspace/executeCommand", json!({ "command": "threatls.diagram" })).await;
    assert_eq!(bare["result"].as_str(), Some(export(&dir, "mermaid").as_str()), "the first folder, in Mermaid");

    let edited = std::fs::read_to_string(&model).unwrap().replace("name: Storefront", "name: Shopfront");
    client.open(&model, &edited).await;
    let answer = client.request("workspace/executeCommand", command(json!({ "uri": uri(&model) }))).await;
    let text = answer["result"].as_str().unwrap();
    assert!(text.contains("([\"Shopfront\"])") && !text.contains("Storefront"), "{text}");

    let unknown = client.request("workspace/executeCommand", json!({ "command": "threatls.nope" })).await;
    assert!(unknown["error"]["message"].as_str().unwrap().contains("unknown command"), "{unknown}");
    let png = client.request("workspace/executeCommand", command(json!({ "format": "png" }))).await;
    assert!(png["error"]["message"].as_str().unwrap().contains("not a format"), "{png}");
    let typo = client.request("workspace/executeCommand", command(json!({ "url": uri(&dir) }))).await;
    assert!(typo["error"]["message"].as_str().unwrap().contains("unknown field"), "{typo}");
    client.shutdown().await;
}

const CATALOG_MODEL: &str = "threatmodel: 1
title: Shop
includes: [security/catalog.yaml]
assets:
  - { id: search, kind: process }
threats:
  - id: sqli
    title: SQL injection in search
    class: sql-nosql-injection
    severity: low
    affects: [search]
    refs: [cwe:CWE-89]
  - id: idor
    title: Invoices by id
    class: invoice-enumeration
    severity: low
    affects: [search]
mitigations:
  - { id: m, title: M, mitigates: [sqli], status: planned }
";

const TEAM_CATALOG: &str = "threatmodel: 1
title: Team catalog
classes:
  - id: invoice-enumeration
    title: Invoice enumeration
    parent: information-disclosure
    cwe: [639]
    asvs: V4
templates:
  - { id: owner-scoped-queries, title: Scope queries to the caller, classes: [invoice-enumeration] }
";

/// The line and UTF-16 column just after the first `needle` in `text`.
fn after(text: &str, needle: &str) -> (u64, u64) {
    let end = text.find(needle).unwrap() + needle.len();
    let before = &text[..end];
    let line = before.matches('\n').count() as u64;
    let column = before.rsplit('\n').next().unwrap().encode_utf16().count() as u64;
    (line, column)
}

/// The built-in catalog and a team catalog brought in by `includes:` (a closed file, read from
/// disk) complete and hover through the protocol as they do in the core's fixtures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_completes_classes_templates_and_references() {
    let dir = workspace(&[("threatmodel.yaml", CATALOG_MODEL), ("security/catalog.yaml", TEAM_CATALOG)]);
    let root = root(&dir);
    let model = root.join("threatmodel.yaml");
    let mut client =
        started(&root, json!({ "textDocument": { "completion": { "completionItem": { "snippetSupport": true } } } }))
            .await;
    client.open(&model, CATALOG_MODEL).await;
    // Clean once the team catalog is read: until then `invoice-enumeration` is unknown.
    assert!(client.diagnostics_until(&model, |d| d.is_empty()).await.is_empty());
    let mut version = 1;
    let mut change = async |client: &mut Client, text: &str| {
        version += 1;
        let params =
            json!({ "textDocument": { "uri": uri(&model), "version": version }, "contentChanges": [{ "text": text }] });
        client.notify("textDocument/didChange", params).await;
    };

    // Classes, grouped under their STRIDE parent; the team's after the built-in ones.
    let (line, column) = after(CATALOG_MODEL, "class: sql-nosql-inj");
    let items = client.request("textDocument/completion", at(&model, line, column)).await;
    let items = items["result"]["items"].as_array().unwrap();
    let fine = items.iter().find(|i| i["label"] == "sql-nosql-injection").expect("finer classes are offered");
    assert_eq!(fine["detail"], "under tampering · SQL and NoSQL injection");
    assert_eq!(fine["sortText"], "0-tampering-1-sql-nosql-injection");
    let (line, column) = after(CATALOG_MODEL, "class: invoice-enum");
    let items = client.request("textDocument/completion", at(&model, line, column)).await;
    let items = items["result"]["items"].as_array().unwrap();
    let team = items.iter().find(|i| i["label"] == "invoice-enumeration").expect("team classes are offered");
    assert_eq!(team["detail"], "team class · under information-disclosure · Invoice enumeration");

    // References by prefix, with their names.
    let (line, column) = after(CATALOG_MODEL, "refs: [cwe:");
    let items = client.request("textDocument/completion", at(&model, line, column)).await;
    let items = items["result"]["items"].as_array().unwrap();
    let cwe = items.iter().find(|i| i["label"] == "cwe:CWE-89").expect("CWE ids are offered");
    assert!(cwe["detail"].as_str().unwrap().contains("SQL Command"), "{cwe}");

    // Templates at a new mitigation: the team's for the team class's threat first.
    let edited = format!("{CATALOG_MODEL}  ");
    change(&mut client, &edited).await;
    let (line, column) = (edited.lines().count() as u64 - 1, 2);
    let items = client.request("textDocument/completion", at(&model, line, column)).await;
    let mut items = items["result"]["items"].as_array().unwrap().clone();
    items.sort_by(|a, b| a["sortText"].as_str().cmp(&b["sortText"].as_str()));
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels.first(), Some(&"owner-scoped-queries"), "{labels:?}");
    assert!(labels.contains(&"parameterised-queries") && labels.contains(&"new mitigation"), "{labels:?}");
    let template = &items[0];
    assert_eq!(template["insertTextFormat"], 2);
    let text = template["textEdit"]["newText"].as_str().unwrap();
    assert!(
        text.starts_with(
            "- id: ${1:owner-scoped-queries}\n    title: Scope queries to the caller\n    mitigates: [idor]"
        ),
        "{text}"
    );
    change(&mut client, CATALOG_MODEL).await;

    // Hover on the team class: its card, with where it is defined and its templates.
    let (line, column) = after(CATALOG_MODEL, "class: invoice-enum");
    let hover = client.request("textDocument/hover", at(&model, line, column)).await;
    let card = hover["result"]["contents"]["value"].as_str().unwrap();
    for part in
        ["**Invoice enumeration**", "CWE-639", "V4 Access Control", "security/catalog.yaml", "`owner-scoped-queries`"]
    {
        assert!(card.contains(part), "{part} is not in {card}");
    }
    client.shutdown().await;
}

/// A client that does not announce snippet support gets the snippets' plain text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_without_snippet_support_inserts_plain_text() {
    let text = format!("{MODEL}  ");
    let dir = workspace(&[("threatmodel.yaml", &text)]);
    let path = root(&dir).join("threatmodel.yaml");
    let mut client = started(&root(&dir), json!({})).await;
    client.open(&path, &text).await;
    let items = client.request("textDocument/completion", at(&path, 12, 2)).await;
    let items = items["result"]["items"].as_array().unwrap();
    let blank = items.iter().find(|i| i["label"] == "new mitigation").expect("the blank mitigation is offered");
    assert_eq!(blank["insertTextFormat"], 1);
    assert_eq!(
        blank["textEdit"]["newText"],
        "- id: new-mitigation\n    title: What the control does\n    mitigates: []\n    status: planned"
    );
    assert!(items.iter().all(|i| i["insertTextFormat"] == 1), "{items:?}");
    client.shutdown().await;
}

/// The file the user opened gets its diagnostics before the workspace scan has even begun: the
/// client here holds back its answer to the scan's progress report, so the scan cannot start.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_diagnostics_do_not_wait_for_the_scan() {
    let broken = MODEL.replace("kind: process", "kind: proces");
    let dir = workspace(&[("threatmodel.yaml", &broken), ("other.threatmodel.yaml", "threatmodel: 1\n")]);
    let root = root(&dir);
    let mut client = started_holding_answers(&root).await;
    let model = root.join("threatmodel.yaml");
    client.open(&model, &broken).await;
    let first = client.diagnostics_until(&model, |d| !d.is_empty()).await;
    assert_eq!(first[0]["code"], "invalid-value");
    let is_progress = |m: &Value| m["method"] == "$/progress";
    assert!(
        client.inbox.iter().any(|m| m["method"] == "window/workDoneProgress/create"),
        "the scan waits for its progress token"
    );
    assert!(!client.inbox.iter().any(is_progress), "the scan had not begun");

    client.release_requests().await;
    let other = client.diagnostics_until(&root.join("other.threatmodel.yaml"), |d| !d.is_empty()).await;
    assert_eq!(other[0]["code"], "missing-key", "closed files are read by the scan");
    let kinds: Vec<Value> =
        client.inbox.iter().filter(|m| is_progress(m)).map(|m| m["params"]["value"]["kind"].clone()).collect();
    assert_eq!(kinds.first(), Some(&json!("begin")));
    assert_eq!(kinds.last(), Some(&json!("end")), "{kinds:?}");
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_accepts_the_progress_token_still_gets_its_workspace_read() {
    // Found by fuzzing: the scan waited for the answer to `window/workDoneProgress/create`
    // for ever, and every request that waits for the scan with it.
    let dir = workspace(&[("threatmodel.yaml", MODEL)]);
    let root = root(&dir);
    let mut client = started_holding_answers(&root).await;
    let symbols = client.request("workspace/symbol", json!({ "query": "idor" }));
    let found = tokio::time::timeout(std::time::Duration::from_secs(60), symbols).await.expect("the scan never ended");
    let names: Vec<&Value> = found["result"].as_array().unwrap().iter().map(|s| &s["name"]).collect();
    assert_eq!(names, [&json!("idor")], "{found}");
    assert!(client.inbox.iter().any(|m| m["method"] == "window/workDoneProgress/create"));
    assert!(!client.inbox.iter().any(|m| m["method"] == "$/progress"), "no progress without a token");
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_in_an_unmarked_directory_reads_that_directory_only() {
    // No `threatls.toml` or `.git` at or above it: its directory might be `/` or a home
    // directory, so what lies below is not read (the fuzzer opened `file:///x`, and the
    // server read the whole disk).
    let folder = workspace(&[]);
    let loose = tempfile::tempdir().unwrap();
    let dir = loose.path().canonicalize().unwrap();
    assert!(threatls::disk::marked_root(&dir).is_none(), "the temporary directory is inside a project");
    let model = |id: &str| format!("threatmodel: 1\nassets:\n  - {{ id: {id}, name: {id}, kind: process }}\n");
    std::fs::write(dir.join("sibling.threatmodel.yaml"), model("sibling-asset")).unwrap();
    std::fs::create_dir(dir.join("deep")).unwrap();
    std::fs::write(dir.join("deep/below.threatmodel.yaml"), model("deep-asset")).unwrap();
    let mut client = started(&root(&folder), json!({})).await;
    let opened = dir.join("opened.threatmodel.yaml");
    client.open(&opened, &model("opened-asset")).await;
    client.diagnostics_until(&opened, |_| true).await;
    let found = client.request("workspace/symbol", json!({ "query": "asset" })).await;
    let mut names: Vec<&str> = found["result"].as_array().unwrap().iter().filter_map(|s| s["name"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["opened-asset", "sibling-asset"], "{found}");
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_fix_and_add() {
    let model = MODEL
        .replace("class: elevation-of-privilege", "class: elevation-of-privelege")
        .replace("status: implemented", "status: planned");
    let dir = workspace(&[("threatmodel.yaml", &model)]);
    let path = root(&dir).join("threatmodel.yaml");
    let mut client = started(&root(&dir), json!({})).await;
    client.open(&path, &model).await;
    let diagnostics = client.diagnostics_until(&path, |d| d.len() == 2).await;
    assert!(diagnostics.iter().any(|d| d["code"] == "unknown-class"));
    let range = json!({ "start": pos(7, 15), "end": pos(7, 15) });
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri(&path) }, "range": range, "context": { "diagnostics": [] } }),
        )
        .await;
    let actions = actions["result"].as_array().unwrap();
    let fix = actions.iter().find(|a| a["title"] == "Replace with `elevation-of-privilege`").unwrap();
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["edit"]["changes"][uri(&path)][0]["newText"], "elevation-of-privilege");
    let range = json!({ "start": pos(5, 9), "end": pos(5, 9) });
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri(&path) }, "range": range, "context": { "diagnostics": [] } }),
        )
        .await;
    let titles: Vec<&str> =
        actions["result"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Add a mitigation of `idor`", "Accept the risk of `idor` for 90 days"]);
    client.shutdown().await;
}

/// Edits must never be applied out of order: a burst of incremental edits followed at once by
/// a request, many times; the request must see the last edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_edits_then_a_request_sees_every_edit() {
    let dir = workspace(&[]);
    let path = root(&dir).join("threatmodel.yaml");
    let mut client = started(&root(&dir), json!({})).await;
    let initial = "threatmodel: 1\ntitle: T\nassets:\n";
    client.open(&path, initial).await;
    let mut lines = 3u64;
    let mut version = 1;
    for round in 0..200 {
        for i in 0..5 {
            version += 1;
            let text = format!("  - {{ id: a{round}-{i}, kind: process }}\n");
            let change = json!({ "range": { "start": pos(lines, 0), "end": pos(lines, 0) }, "text": text });
            client
                .notify(
                    "textDocument/didChange",
                    json!({ "textDocument": { "uri": uri(&path), "version": version }, "contentChanges": [change] }),
                )
                .await;
            lines += 1;
        }
        let symbols =
            client.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri(&path) } })).await;
        let assets = symbols["result"].as_array().unwrap().iter().find(|s| s["name"] == "assets").unwrap();
        let children = assets["children"].as_array().unwrap();
        assert_eq!(children.len() as u64, lines - 3, "round {round}: a request did not see every edit");
        assert_eq!(children.last().unwrap()["name"], format!("a{round}-4"));
        client.inbox.clear();
    }
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_answers_and_the_server_carries_on() {
    let dir = workspace(&[("threatmodel.yaml", MODEL)]);
    let path = root(&dir).join("threatmodel.yaml");
    let mut client = started(&root(&dir), json!({})).await;
    client.open(&path, MODEL).await;

    // Positions past the end of a line and of the file are clamped.
    for (line, character) in [(5, 999), (9999, 0), (9999, 9999)] {
        let hover = client.request("textDocument/hover", at(&path, line, character)).await;
        assert!(hover.get("error").is_none(), "{hover}");
    }
    // An edit with positions past the end.
    client.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri(&path), "version": 2 }, "contentChanges": [{ "range": { "start": pos(400, 3), "end": pos(500, 0) }, "text": "# end\n" }] })).await;
    // A document never opened and not on disk.
    let unknown = client.request("textDocument/hover", at(&root(&dir).join("nowhere/threatmodel.yaml"), 0, 0)).await;
    assert!(unknown["error"]["message"].as_str().is_some(), "{unknown}");
    // A panic inside a request becomes an error answer.
    let panicked = client.request("threatls/panicForTests", Value::Null).await;
    assert_eq!(panicked["error"]["code"], -32603, "{panicked}");
    // ... and is logged.
    wait_for_log(&mut client, |t| t.contains("internal error while answering threatls/panicForTests")).await;
    // A cancelled request is answered once: with its result or as cancelled.
    let id = client.send_request("textDocument/completion", at(&path, 7, 11)).await;
    client.notify("$/cancelRequest", json!({ "id": id })).await;
    let answer = client.response(id).await;
    assert!(answer.get("result").is_some() || answer["error"]["code"] == -32800, "{answer}");
    // Still serving.
    let hover = client.request("textDocument/hover", at(&path, 5, 9)).await;
    assert!(hover["result"]["contents"]["value"].as_str().unwrap().contains("idor"));
    client.shutdown().await;
}

/// Reads until the server logs a message that `matches`, and takes that message out of the inbox.
async fn wait_for_log(client: &mut Client, matches: impl Fn(&str) -> bool) -> Value {
    let logged =
        |m: &Value| m["method"] == "window/logMessage" && m["params"]["message"].as_str().is_some_and(&matches);
    loop {
        if let Some(at) = client.inbox.iter().position(logged) {
            return client.inbox.remove(at).unwrap();
        }
        let message = client.recv().await;
        client.inbox.push_back(message);
    }
}

/// A panic in a handler itself, before it hands work to a blocking thread (where a snapshot is
/// taken and positions are converted), is caught as well: without the guard around the whole
/// handler it unwinds through the framework's serving loop and ends the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_a_handler_before_its_blocking_work_is_answered_logged_and_survived() {
    let dir = workspace(&[("threatmodel.yaml", MODEL)]);
    let path = root(&dir).join("threatmodel.yaml");
    let mut client = started(&root(&dir), json!({})).await;
    client.open(&path, MODEL).await;
    for _ in 0..2 {
        let panicked = client.request("threatls/panicForTests", json!({ "synchronous": true })).await;
        assert_eq!(panicked["error"]["code"], -32603, "{panicked}");
        let message = panicked["error"]["message"].as_str().unwrap();
        assert!(message.contains("internal error while answering threatls/panicForTests"), "{message}");
        let logged = wait_for_log(&mut client, |t| t == message).await;
        assert_eq!(logged["params"]["type"], 1, "{logged}");
        // The next request is served, from the same state.
        let hover = client.request("textDocument/hover", at(&path, 5, 9)).await;
        assert!(hover["result"]["contents"]["value"].as_str().unwrap().contains("idor"), "{hover}");
    }
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_and_hover_work_on_what_parses_in_a_broken_file() {
    let broken = MODEL.replace("mitigations:", "  - id: half\n    title: a: b\n    class: \nmitigations:");
    let dir = workspace(&[("threatmodel.yaml", &broken)]);
    let path = root(&dir).join("threatmodel.yaml");
    let mut client = started(&root(&dir), json!({})).await;
    client.open(&path, &broken).await;
    let diagnostics = client.diagnostics_until(&path, |d| d.iter().any(|d| d["code"] == "yaml-syntax")).await;
    assert!(!diagnostics.is_empty());
    let hover = client.request("textDocument/hover", at(&path, 5, 9)).await;
    assert!(hover["result"]["contents"]["value"].as_str().unwrap().contains("Invoice ids"), "{hover}");
    let items = client.request("textDocument/completion", at(&path, 12, 11)).await;
    assert!(items["result"]["items"].as_array().unwrap().iter().any(|i| i["label"] == "tampering"), "{items}");
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_and_utf16_positions_with_emoji_and_crlf() {
    let model = "threatmodel: 1\r\ntitle: \"😀 shop\"\r\nassets:\r\n  - { id: api, name: \"😀\", kind: proces }\r\n";
    for (encodings, character) in [(json!(["utf-16"]), 33), (json!(["utf-8", "utf-16"]), 35)] {
        let dir = workspace(&[("threatmodel.yaml", model)]);
        let path = root(&dir).join("threatmodel.yaml");
        let mut client = started(&root(&dir), json!({ "general": { "positionEncodings": encodings } })).await;
        client.open(&path, model).await;
        let diagnostics = client.diagnostics_until(&path, |d| !d.is_empty()).await;
        assert_eq!(diagnostics[0]["code"], "invalid-value");
        assert_eq!(client::start(&diagnostics[0]["range"]), (3, character), "after the emoji, in the negotiated unit");
        client.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watched_file_changes_update_closed_files() {
    let dir = workspace(&[("threatmodel.yaml", MODEL), ("billing/invoice.go", CODE)]);
    let root = root(&dir);
    let code = root.join("billing/invoice.go");
    let mut client = started(&root, json!({})).await;
    // A burst of changes on disk (a branch switch), then the notifications.
    std::fs::write(&code, CODE.replace("#owner-check", "#owner-chek")).unwrap();
    let mut changes = vec![json!({ "uri": uri(&code), "type": 2 })];
    for i in 0..50 {
        let extra = root.join(format!("extra{i}.go"));
        std::fs::write(&extra, "// @exposes #billing-api to #idor\n").unwrap();
        changes.push(json!({ "uri": uri(&extra), "type": 1 }));
    }
    client.notify("workspace/didChangeWatchedFiles", json!({ "changes": changes })).await;
    let diagnostics = client.diagnostics_until(&code, |d| d.iter().any(|d| d["code"] == "unknown-reference")).await;
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("did you mean `#owner-check`"), "{diagnostics:?}");
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_turn_rules_and_annotations_off() {
    let model = MODEL.replace("status: implemented", "status: planned");
    let dir = workspace(&[("threatmodel.yaml", &model), ("billing/invoice.go", "// @exposes #billing-api to #idor\n")]);
    let root = root(&dir);
    let (path, code) = (root.join("threatmodel.yaml"), root.join("billing/invoice.go"));
    let mut client = Client::start();
    let options = json!({ "threatls": { "today": TODAY, "rules": { "open-threat": "error" } } });
    client.initialize(&root, json!({}), options).await;
    client.open(&path, &model).await;
    let diagnostics = client.diagnostics_until(&path, |d| !d.is_empty()).await;
    assert_eq!(diagnostics[0]["code"], "open-threat");
    assert_eq!(diagnostics[0]["severity"], 1, "raised to an error by the settings");
    client.open(&code, "// @exposes #billing-api to #idor\n").await;
    assert_eq!(client.diagnostics_until(&code, |d| !d.is_empty()).await[0]["code"], "unmitigated-exposure");
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "threatls": { "annotations": false, "rules": { "open-threat": "off" } } } }),
        )
        .await;
    assert!(client.diagnostics_until(&path, |d| d.is_empty()).await.is_empty());
    assert!(client.diagnostics_until(&code, |d| d.is_empty()).await.is_empty());
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pulled_diagnostics() {
    let model = MODEL.replace("kind: process", "kind: proces");
    let dir = workspace(&[("threatmodel.yaml", &model), ("billing/invoice.go", CODE)]);
    let root = root(&dir);
    let path = root.join("threatmodel.yaml");
    let capabilities =
        json!({ "textDocument": { "diagnostic": {} }, "workspace": { "diagnostics": { "refreshSupport": true } } });
    let mut client = started(&root, capabilities).await;
    client.open(&path, &model).await;
    let report = client.request("textDocument/diagnostic", json!({ "textDocument": { "uri": uri(&path) } })).await;
    assert_eq!(report["result"]["kind"], "full");
    assert_eq!(report["result"]["items"][0]["code"], "invalid-value");
    let all = client.request("workspace/diagnostic", json!({ "previousResultIds": [] })).await;
    let items = all["result"]["items"].as_array().unwrap();
    assert!(items.iter().any(|i| i["uri"] == uri(&path) && i["items"].as_array().unwrap().len() == 1), "{all}");
    assert!(
        !client.inbox.iter().any(|m| m["method"] == "textDocument/publishDiagnostics"),
        "a pulling client also got pushes"
    );
    client.shutdown().await;
}

/// A client that could pull but cannot be asked to pull again (Neovim 0.12) gets pushes, so it
/// sees the diagnostics that change once the workspace is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_are_pushed_to_a_client_that_cannot_refresh() {
    let model = MODEL.replace("kind: process", "kind: proces");
    let dir = workspace(&[("threatmodel.yaml", &model)]);
    let path = root(&dir).join("threatmodel.yaml");
    let mut client = started(&root(&dir), json!({ "textDocument": { "diagnostic": {} } })).await;
    client.open(&path, &model).await;
    let diagnostics = client.diagnostics_until(&path, |d| !d.is_empty()).await;
    assert_eq!(diagnostics[0]["code"], "invalid-value");
    client.shutdown().await;
}

/// Eglot and ALE drop diagnostics sent for a file before they opened it: opening a file that the
/// scan published sends them again, with the document's version. kak-lsp clears a document's
/// diagnostics when it changes: an edit that changes none sends them again too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_or_editing_a_published_file_publishes_it_again() {
    let code = CODE.replace("#owner-check", "#owner-chek");
    let dir = workspace(&[("threatmodel.yaml", MODEL), ("billing/invoice.go", &code)]);
    let path = root(&dir).join("billing/invoice.go");
    let mut client = started(&root(&dir), json!({})).await;
    let scanned = client
        .publish_where(&path, |p| p["version"].is_null() && p["diagnostics"].as_array().is_some_and(|d| !d.is_empty()))
        .await;
    client.open(&path, &code).await;
    let opened = client.publish_where(&path, |p| p["version"] == 1).await;
    assert_eq!(opened["diagnostics"], scanned["diagnostics"]);
    let change = json!({ "range": { "start": pos(0, 0), "end": pos(0, 0) }, "text": "\n" });
    let params = json!({ "textDocument": { "uri": uri(&path), "version": 2 }, "contentChanges": [change] });
    client.notify("textDocument/didChange", params).await;
    let edited = client.publish_where(&path, |p| p["version"] == 2).await;
    assert_eq!(edited["diagnostics"].as_array().map(Vec::len), scanned["diagnostics"].as_array().map(Vec::len));
    client.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_before_initialize_and_after_shutdown() {
    let mut client = Client::start();
    let early = client
        .request("textDocument/hover", json!({ "textDocument": { "uri": "file:///x" }, "position": pos(0, 0) }))
        .await;
    assert_eq!(early["error"]["code"], -32002, "server not initialized");
    let dir = workspace(&[("threatmodel.yaml", MODEL)]);
    client.initialize(dir.path(), json!({}), Value::Null).await;
    let again = client.request("initialize", json!({ "capabilities": {} })).await;
    assert!(again.get("error").is_some(), "a second initialize is refused");
    let unknown = client.request("threatls/nope", Value::Null).await;
    assert_eq!(unknown["error"]["code"], -32601);
    let response = client.request("shutdown", Value::Null).await;
    assert!(response.get("result").is_some());
    let late = client
        .request("textDocument/hover", json!({ "textDocument": { "uri": "file:///x" }, "position": pos(0, 0) }))
        .await;
    assert_eq!(late["error"]["code"], -32600, "invalid request after shutdown");
    client.notify("exit", Value::Null).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_frames_get_parse_errors() {
    let dir = workspace(&[("threatmodel.yaml", MODEL)]);
    let mut client = started(dir.path(), json!({})).await;
    // Not JSON; no length; the wrong shape, with an id; a length that is not a number.
    client.send_raw(b"Content-Length: 9\r\n\r\n{\"jsonrpc").await;
    assert_eq!(client.recv().await["error"]["code"], -32700);
    client.send_raw(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n").await;
    assert_eq!(client.recv().await["error"]["code"], -32700);
    client.send_raw(b"Content-Length: 14\r\n\r\n{\"id\":7,\"x\":1}").await;
    let answer = client.recv().await;
    assert_eq!((answer["id"].clone(), answer["error"]["code"].clone()), (json!(7), json!(-32600)), "{answer}");
    client.send_raw(b"Content-Length: lots\r\n\r\n").await;
    assert_eq!(client.recv().await["error"]["code"], -32700);
    // A lower-case header name is accepted, as HTTP header names are case-insensitive.
    let body = r#"{"jsonrpc":"2.0","id":99,"method":"workspace/symbol","params":{"query":"idor"}}"#;
    client.send_raw(format!("content-length: {}\r\n\r\n{body}", body.len()).as_bytes()).await;
    assert_eq!(client.response(99).await["result"][0]["name"], "idor");
    let path = root(&dir).join("threatmodel.yaml");
    client.open(&path, MODEL).await;
    let hover = client.request("textDocument/hover", at(&path, 5, 9)).await;
    assert!(hover.get("result").is_some(), "{hover}");
    client.shutdown().await;
}

/// The real binary over stdio: it answers, and exits with 0 after `shutdown` then `exit`, with 1
/// after an `exit` without `shutdown`, and when its input ends.
#[test]
fn the_binary_serves_stdio_and_exits_as_the_protocol_says() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    fn send(stdin: &mut impl Write, body: Value) {
        let body = body.to_string();
        stdin.write_all(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes()).unwrap();
    }
    fn receive(stdout: &mut impl BufRead) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            stdout.read_line(&mut line).unwrap();
            match line.trim_end().strip_prefix("Content-Length: ") {
                Some(n) => length = n.parse().unwrap(),
                None if line.trim_end().is_empty() => break,
                None => {}
            }
        }
        let mut body = vec![0; length];
        stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }
    let dir = workspace(&[("threatmodel.yaml", MODEL)]);
    for (shutdown, exit, code) in [(true, true, 0), (false, true, 1), (false, false, 1)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_threatls"))
            .args(["lsp", "--stdio"])
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let params = json!({ "capabilities": {}, "rootUri": uri(&root(&dir)) });
        send(&mut stdin, json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params }));
        assert_eq!(receive(&mut stdout)["result"]["serverInfo"]["name"], "threatls");
        if shutdown {
            send(&mut stdin, json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }));
            assert_eq!(receive(&mut stdout), json!({ "jsonrpc": "2.0", "id": 2, "result": null }));
        }
        if exit {
            send(&mut stdin, json!({ "jsonrpc": "2.0", "method": "exit" }));
        } else {
            drop(stdin);
        }
        assert_eq!(child.wait().unwrap().code(), Some(code), "shutdown: {shutdown}, exit: {exit}");
    }
}
