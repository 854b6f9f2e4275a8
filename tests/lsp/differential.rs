//! Differential edits: random edit sequences applied incrementally through the server must leave
//! exactly the text a full sync gives, with the diagnostics and annotation index of a fresh
//! analysis of that text.
//!
//! The server's text is observed without a request made for tests: each sequence edits document
//! A in one workspace root, then opens document B, with the text the edits should have left, in
//! a twin root, and asks both the same questions (pulled diagnostics, document symbols, semantic
//! tokens, hover and definition at sampled positions). Their answers must be equal, but for the
//! root in their URIs; and A's diagnostics, symbols (a source file's: its annotations) and tokens
//! must equal those of a fresh analysis of the expected text computed here with the library. A
//! difference that changes no answer (two characters swapped inside a comment) stays unseen.
//!
//! The expected text is computed here by LSP's rules, independently of the server's rope:
//! - lines end at `\n`, `\r\n` or a lone `\r`; no position falls between the `\r` and `\n` of
//!   a CRLF, so an edit can only make one (a lone `\r` meeting a `\n`), never split one;
//! - a character past a line's end is the line's end, before its terminator ("defaults back to
//!   the line length"), so `(line, length + 1)` on a CRLF line must not land between `\r` and `\n`;
//! - a line past the last is the end of the text (as `vscode-languageserver-textdocument`);
//! - a character inside a character that takes several units (the second half of a surrogate
//!   pair, a UTF-8 continuation byte) is that character's start: Rust strings cannot hold half a
//!   character, and rounding down keeps a range's start before its end;
//! - changes in one `didChange` apply one after the other, each to the text the last one left.
//!
//! Ranges are generated in order (start before end); an inverted range has no rule in LSP.
//! `THREATLS_DIFFERENTIAL_SEQUENCES=N` runs N sequences instead of 10,000.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::Instant;

use serde_json::{Value, json};
use threatls::analysis::{FileInput, Options, Workspace};
use threatls::date::Date;
use threatls::diagnostic::Severity;
use threatls::ide;
use threatls::syntax::PositionEncoding;

use super::client::{Client, uri};
use super::support::rng::{Rng, count_from_env};
use super::{TODAY, workspace};

/// The model on disk in both roots, which the edited documents refer to.
const DISK_MODEL: &str = "threatmodel: 1
title: Café ☕ shop
assets:
  - { id: api, name: \"API 😀\", kind: process }
  - { id: db, name: Datenbank für Rechnungen, kind: datastore }
threats:
  - id: idor
    title: Rechnungs-IDs nicht an den Aufrufer gebunden
    class: elevation-of-privilege
    severity: high
    affects: [api, db]
mitigations:
  - { id: owner-check, title: Owner check 🔒, mitigates: [idor], status: implemented }
";

const MODEL_DOC: &str = "threatmodel: 1
title: \"Édition 😀\"
assets:
  - { id: web, name: \"Web 🌐 front\", kind: process }
  - id: queue
    name: Warteschlange
    kind: process
threats:
  - id: xss
    title: Skript im Namen ✍️
    class: tampering
    severity: medium
    affects: [web, api]
    refs: [cwe:CWE-79]
mitigations:
  - id: escape
    title: Ausgabe kodieren
    mitigates: [xss, idor]
    status: planned
";

const CODE_DOC: &str = "package app // 😀 ünïcödé

// @exposes #api to #idor -- \"IDs sind 🔑\"
// @mitigates #api against #idor using #owner-check
func Invoice() {} // 中文

/* @asset Queue 📬 (#mailq) */
// @exposes #mailq to #idor [P1] cwe:CWE-639
// @mitigates #db against #idro using #owner-check
";

/// What edits insert: structure, multi-byte characters, emoji (surrogate pairs in UTF-16), and
/// every kind of line break.
const FRAGMENTS: &[&str] = &[
    "a",
    "Z9",
    " ",
    "-",
    ": ",
    "- ",
    "#",
    "@",
    "\"",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\t",
    "é",
    "ß",
    "中文",
    "😀",
    "👩‍💻",
    "🇩🇪",
    "\u{301}",
    "\n",
    "\r\n",
    "\r",
    "\r\r\n",
    "\n\r",
    "  - { id: fresh, kind: process }\n",
    "    title: Neu ✨\r\n",
    "# note 📝\r",
    " #api",
    "#idor",
    "#owner-check",
    "@exposes ",
    "@mitigates ",
    " against ",
    " using ",
    " to ",
    "// @exposes #db to #idor -- \"😀\"\n",
    "id: ",
    "kind: process",
    "severity: high",
    "affects: [api]",
];

/// A document to edit: its name in each root, and its text with each kind of line break.
fn bases() -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for newline in ["\n", "\r\n", "\r"] {
        out.push(("edited.threatmodel.yaml", MODEL_DOC.replace('\n', newline)));
        out.push(("app.go", CODE_DOC.replace('\n', newline)));
    }
    out
}

/// Each line's content as byte offsets `(start, end)`, without its terminator, as LSP counts
/// lines: a text ending in a line break has an empty last line.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let terminator = match (bytes[i], bytes.get(i + 1)) {
            (b'\r', Some(b'\n')) => 2,
            (b'\r' | b'\n', _) => 1,
            _ => 0,
        };
        if terminator > 0 {
            out.push((start, i));
            start = i + terminator;
            i = start;
        } else {
            i += 1;
        }
    }
    out.push((start, bytes.len()));
    out
}

fn units(text: &str, encoding: PositionEncoding) -> usize {
    match encoding {
        PositionEncoding::Utf8 => text.len(),
        PositionEncoding::Utf16 => text.encode_utf16().count(),
        PositionEncoding::Utf32 => text.chars().count(),
    }
}

/// The byte offset of a position by LSP's rules (see the module's comment).
fn offset(text: &str, lines: &[(usize, usize)], (line, character): (usize, usize), e: PositionEncoding) -> usize {
    let Some(&(start, end)) = lines.get(line) else { return text.len() };
    let mut counted = 0;
    for (i, c) in text[start..end].char_indices() {
        let next = counted + units(c.encode_utf8(&mut [0; 4]), e);
        if next > character {
            return start + i;
        }
        counted = next;
    }
    end
}

/// What the generator did, to show that each kind of edit was tried.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    sequences: usize,
    did_change: usize,
    changes: usize,
    full_replacements: usize,
    /// Positions past a line's end, past the last line, or inside a multi-unit character.
    past_line_end: usize,
    past_last_line: usize,
    inside_character: usize,
    /// Positions one past the end of a CRLF line: between `\r` and `\n` if counted naively.
    past_crlf: usize,
    /// Edits whose edge made a CRLF of a lone `\r` and a `\n`.
    crlf_made: usize,
    compared_answers: usize,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.sequences += other.sequences;
        self.did_change += other.did_change;
        self.changes += other.changes;
        self.full_replacements += other.full_replacements;
        self.past_line_end += other.past_line_end;
        self.past_last_line += other.past_last_line;
        self.inside_character += other.inside_character;
        self.past_crlf += other.past_crlf;
        self.crlf_made += other.crlf_made;
        self.compared_answers += other.compared_answers;
    }
}

/// A position for an edit: often at a line's start or end (where line breaks meet), sometimes
/// past a line's end, past the last line, or inside a character.
fn random_position(rng: &mut Rng, text: &str, e: PositionEncoding, tally: &mut Tally) -> (usize, usize) {
    let lines = lines(text);
    let line = if rng.chance(4) { lines.len() + rng.below(3) } else { rng.below(lines.len()) };
    let Some(&(start, end)) = lines.get(line) else {
        tally.past_last_line += 1;
        return (line, rng.below(5));
    };
    let content = &text[start..end];
    let length = units(content, e);
    let character = match rng.below(10) {
        0 | 1 => length,
        2 => 0,
        3 => {
            tally.past_line_end += 1;
            tally.past_crlf += usize::from(text[end..].starts_with("\r\n"));
            length + 1 + rng.below(4)
        }
        4 => rng.below(length + 1),
        _ => {
            let boundaries: Vec<usize> = content.char_indices().map(|(i, _)| i).chain([content.len()]).collect();
            units(&content[..*rng.pick(&boundaries)], e)
        }
    };
    let before = units(&text[start..offset(text, &lines, (line, character), e)], e);
    tally.inside_character += usize::from(character < length && before != character);
    (line, character)
}

/// The end of a range starting at `start`: never before it.
fn random_end(
    rng: &mut Rng,
    text: &str,
    start: (usize, usize),
    e: PositionEncoding,
    tally: &mut Tally,
) -> (usize, usize) {
    let end = match rng.below(4) {
        0 => start,
        1 => (start.0, start.1 + rng.below(8)),
        2 => (start.0 + 1, rng.below(3)),
        _ => {
            let (line, character) = random_position(rng, text, e, tally);
            (start.0 + line % 4, character)
        }
    };
    if end.0 == start.0 { (end.0, end.1.max(start.1)) } else { end }
}

fn random_insert(rng: &mut Rng) -> String {
    if rng.chance(25) {
        return String::new();
    }
    (0..1 + rng.below(3)).map(|_| *rng.pick(FRAGMENTS)).collect()
}

/// One content change and the text it leaves.
fn random_change(rng: &mut Rng, text: &str, e: PositionEncoding, tally: &mut Tally) -> (Value, String) {
    tally.changes += 1;
    if rng.chance(3) {
        tally.full_replacements += 1;
        let new = format!("{text}{}", random_insert(rng));
        return (json!({ "text": new }), new);
    }
    let start = random_position(rng, text, e, tally);
    let end = random_end(rng, text, start, e, tally);
    let inserted = random_insert(rng);
    let lines = lines(text);
    let (s, t) = (offset(text, &lines, start, e), offset(text, &lines, end, e));
    assert!(s <= t, "an ordered range stays ordered once clamped: {start:?} {end:?} in {text:?}");
    let mut new = text.to_owned();
    new.replace_range(s..t, &inserted);
    let crlfs = |t: &str| t.matches("\r\n").count();
    // No position is inside a CRLF, so any CRLF across the edit's edges is new.
    let edges = crlfs(&new) - crlfs(&inserted) - (crlfs(text) - crlfs(&text[s..t]));
    tally.crlf_made += edges;
    let range =
        json!({ "start": { "line": start.0, "character": start.1 }, "end": { "line": end.0, "character": end.1 } });
    (json!({ "range": range, "text": inserted }), new)
}

/// A position inside the text, for hover and definition.
fn sample_position(rng: &mut Rng, text: &str, e: PositionEncoding) -> Value {
    let lines = lines(text);
    let line = rng.below(lines.len());
    let (start, end) = lines[line];
    let content = &text[start..end];
    let boundaries: Vec<usize> = content.char_indices().map(|(i, _)| i).chain([content.len()]).collect();
    json!({ "line": line, "character": units(&content[..*rng.pick(&boundaries)], e) })
}

/// One session's twin roots, `a` (edited incrementally) and `b` (opened with the expected text).
struct Roots {
    a: PathBuf,
    b: PathBuf,
}

impl Roots {
    /// An answer about A as it would read about B.
    fn as_b(&self, answer: &Value) -> Value {
        let (a, b) = (format!("{}/", uri(&self.a)), format!("{}/", uri(&self.b)));
        serde_json::from_str(&answer.to_string().replace(&a, &b)).unwrap()
    }
}

/// A sequence sent, with the requests whose answers are still to come.
struct Sent {
    index: usize,
    name: &'static str,
    expected: String,
    changes: Vec<Value>,
    /// (what was asked, the id asked of A, the id asked of B).
    asked: Vec<(String, i64, i64)>,
}

/// One session in one position encoding, running `count` sequences.
async fn session(encoding: PositionEncoding, count: usize) -> (Tally, Vec<String>) {
    let dir = workspace(&[
        ("a/threatls.toml", ""),
        ("a/threatmodel.yaml", DISK_MODEL),
        ("b/threatls.toml", ""),
        ("b/threatmodel.yaml", DISK_MODEL),
    ]);
    let top = dir.path().canonicalize().unwrap();
    let roots = Roots { a: top.join("a"), b: top.join("b") };
    let mut client = Client::start();
    let general = match encoding {
        PositionEncoding::Utf8 => json!({ "positionEncodings": ["utf-8"] }),
        _ => json!({}),
    };
    let capabilities = json!({
        "general": general,
        "textDocument": { "diagnostic": {} },
        "workspace": { "diagnostics": { "refreshSupport": true } },
    });
    let response = client.initialize(&top, capabilities, json!({ "threatls": { "today": TODAY } })).await;
    let negotiated = if encoding == PositionEncoding::Utf8 { "utf-8" } else { "utf-16" };
    assert_eq!(response["result"]["capabilities"]["positionEncoding"], negotiated);
    // Waits for both roots to be read.
    client.request("workspace/symbol", json!({ "query": "" })).await;

    let mut fresh_base = Workspace::new(Options::new(Date::parse(TODAY).unwrap()));
    fresh_base.set_file("threatls.toml", FileInput::Text(String::new()));
    fresh_base.set_file("threatmodel.yaml", FileInput::Text(DISK_MODEL.to_owned()));

    let bases = bases();
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    let mut in_flight = VecDeque::new();
    for index in 0..count {
        let mut rng = Rng::new((index as u64) << 1 | u64::from(encoding == PositionEncoding::Utf8));
        let (name, base) = rng.pick(&bases).clone();
        let (a, b) = (uri(&roots.a.join(name)), uri(&roots.b.join(name)));
        let language = if name.ends_with(".yaml") { "yaml" } else { "go" };
        let open = |uri: &str, text: &str| json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } });
        client.notify("textDocument/didOpen", open(&a, &base)).await;
        let mut text = base;
        let mut sent_changes = Vec::new();
        for version in 2..2 + 1 + rng.below(6) {
            let mut changes = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let (change, new) = random_change(&mut rng, &text, encoding, &mut tally);
                changes.push(change);
                text = new;
            }
            tally.did_change += 1;
            let params = json!({ "textDocument": { "uri": a, "version": version }, "contentChanges": changes });
            sent_changes.push(params["contentChanges"].clone());
            client.notify("textDocument/didChange", params).await;
        }
        client.notify("textDocument/didOpen", open(&b, &text)).await;
        let mut questions = vec![
            ("textDocument/diagnostic".to_owned(), Value::Null),
            ("textDocument/documentSymbol".to_owned(), Value::Null),
            ("textDocument/semanticTokens/full".to_owned(), Value::Null),
        ];
        for method in ["textDocument/hover", "textDocument/hover", "textDocument/definition"] {
            questions.push((method.to_owned(), sample_position(&mut rng, &text, encoding)));
        }
        let mut asked = Vec::new();
        for (method, position) in questions {
            let params = |uri: &str| match &position {
                Value::Null => json!({ "textDocument": { "uri": uri } }),
                p => json!({ "textDocument": { "uri": uri }, "position": p }),
            };
            let id_a = client.send_request(&method, params(&a)).await;
            let id_b = client.send_request(&method, params(&b)).await;
            asked.push((format!("{method} {position}"), id_a, id_b));
        }
        for uri in [&a, &b] {
            client.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } })).await;
        }
        tally.sequences += 1;
        in_flight.push_back(Sent { index, name, expected: text, changes: sent_changes, asked });
        // A few sequences in flight keep the server busy without filling the pipes.
        while in_flight.len() > 2 {
            let sent = in_flight.pop_front().unwrap();
            check(&mut client, &roots, &fresh_base, encoding, sent, &mut tally, &mut failures).await;
        }
    }
    while let Some(sent) = in_flight.pop_front() {
        check(&mut client, &roots, &fresh_base, encoding, sent, &mut tally, &mut failures).await;
    }
    client.shutdown().await;
    (tally, failures)
}

/// Compares A's answers with B's, and with a fresh analysis of the expected text.
async fn check(
    client: &mut Client,
    roots: &Roots,
    fresh_base: &Workspace,
    encoding: PositionEncoding,
    sent: Sent,
    tally: &mut Tally,
    failures: &mut Vec<String>,
) {
    let mut fresh = fresh_base.clone();
    fresh.set_open_file(sent.name, sent.expected.clone());
    let mut differences = Vec::new();
    for (what, id_a, id_b) in &sent.asked {
        let answer_a = client.response(*id_a).await;
        let answer_b = client.response(*id_b).await;
        // Keep only answers: the server's requests (to pull diagnostics again) are answered.
        client.inbox.retain(|m| m.get("method").is_none());
        tally.compared_answers += 1;
        if answer_b.get("error").is_some() {
            differences.push(format!("{what}: B was not answered: {answer_b}"));
        }
        // The answers without their ids, which differ.
        let (answer_a, answer_b) =
            (json!([answer_a["result"], answer_a["error"]]), json!([answer_b["result"], answer_b["error"]]));
        if roots.as_b(&answer_a) != answer_b {
            differences.push(format!("{what}: A {answer_a}\n  B {answer_b}"));
        }
        let result = &answer_a[0];
        let (got, want) = if what.starts_with("textDocument/diagnostic") {
            (server_diagnostics(result), fresh_diagnostics(&fresh, sent.name, encoding))
        } else if what.starts_with("textDocument/documentSymbol") {
            (server_symbols(result), fresh_symbols(&fresh, sent.name, encoding))
        } else if what.starts_with("textDocument/semanticTokens") {
            (server_tokens(result), fresh_tokens(&fresh, sent.name, encoding))
        } else {
            continue;
        };
        if got != want {
            differences.push(format!("{what}: the server's A\n  {got}\nand a fresh analysis\n  {want}"));
        }
    }
    if !differences.is_empty() {
        failures.push(format!(
            "sequence {} ({encoding:?}, {}): {}\nchanges: {}\nexpected text: {:?}",
            sent.index,
            sent.name,
            differences.join("\n"),
            Value::from(sent.changes),
            sent.expected
        ));
    }
}

fn position(ws: &Workspace, path: &str, offset: u32, e: PositionEncoding) -> Value {
    let p = ws.file(path).unwrap().position(offset, e);
    json!({ "line": p.line, "character": p.col })
}

fn range(ws: &Workspace, path: &str, r: threatls::syntax::TextRange, e: PositionEncoding) -> Value {
    json!({ "start": position(ws, path, r.start, e), "end": position(ws, path, r.end, e) })
}

fn server_diagnostics(result: &Value) -> Value {
    let items = result["items"].as_array().unwrap();
    items.iter().map(|d| json!([d["range"], d["severity"], d["code"], d["message"]])).collect()
}

fn fresh_diagnostics(ws: &Workspace, path: &str, e: PositionEncoding) -> Value {
    let severity = |s: Severity| match s {
        Severity::Error => 1,
        Severity::Warning => 2,
        Severity::Information => 3,
        Severity::Hint => 4,
    };
    let found = ws.diagnostics(path);
    found
        .iter()
        .map(|d| json!([range(ws, path, d.range, e), severity(d.severity), d.code.as_str(), d.message]))
        .collect()
}

fn server_symbols(result: &Value) -> Value {
    let Some(symbols) = result.as_array() else { return json!([]) };
    symbols
        .iter()
        .map(|s| {
            let children = if s["children"].is_null() { json!([]) } else { server_symbols(&s["children"]) };
            json!([s["name"], s["detail"], s["range"], s["selectionRange"], children])
        })
        .collect()
}

fn fresh_symbols(ws: &Workspace, path: &str, e: PositionEncoding) -> Value {
    fn tree(ws: &Workspace, path: &str, symbols: &[ide::Symbol], e: PositionEncoding) -> Value {
        symbols
            .iter()
            .map(|s| {
                let children = tree(ws, path, &s.children, e);
                json!([s.name, s.detail, range(ws, path, s.range, e), range(ws, path, s.selection, e), children])
            })
            .collect()
    }
    tree(ws, path, &ide::document_symbols(ws, path), e)
}

/// Tokens as `(line, start, length, type)`, from LSP's relative encoding.
fn server_tokens(result: &Value) -> Value {
    let data: Vec<u64> = result["data"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect();
    let (mut line, mut start) = (0, 0);
    let mut out = Vec::new();
    for t in data.chunks(5) {
        start = if t[0] == 0 { start + t[1] } else { t[1] };
        line += t[0];
        out.push(json!([line, start, t[2], t[3]]));
    }
    Value::from(out)
}

/// A fresh analysis's tokens; those LSP cannot show (across lines, or empty) are left out.
fn fresh_tokens(ws: &Workspace, path: &str, e: PositionEncoding) -> Value {
    let file = ws.file(path).unwrap();
    let mut out = Vec::new();
    for (r, kind) in ide::semantic_tokens(ws, path) {
        let (start, end) = (file.position(r.start, e), file.position(r.end, e));
        if start.line == end.line && end.col > start.col {
            let kind = ide::TokenType::ALL.iter().position(|k| *k == kind).unwrap();
            out.push(json!([start.line, start.col, end.col - start.col, kind]));
        }
    }
    Value::from(out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[allow(clippy::print_stderr)]
async fn incremental_edits_leave_what_a_full_sync_gives() {
    let count = count_from_env("THREATLS_DIFFERENTIAL_SEQUENCES", 10_000);
    let started = Instant::now();
    let (utf16, utf8) =
        tokio::join!(session(PositionEncoding::Utf16, count.div_ceil(2)), session(PositionEncoding::Utf8, count / 2));
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for (t, f) in [utf16, utf8] {
        tally.add(&t);
        failures.extend(f);
    }
    eprintln!("differential edits: {tally:?}, {} mismatches, {:.1?}", failures.len(), started.elapsed());
    assert_eq!(tally.sequences, count);
    // The generator must have tried every kind of edit the rules are about.
    for (kind, n) in [
        ("past a line's end", tally.past_line_end),
        ("past the last line", tally.past_last_line),
        ("inside a character", tally.inside_character),
        ("one past a CRLF line's end", tally.past_crlf),
        ("making a CRLF", tally.crlf_made),
        ("replacing the whole text", tally.full_replacements),
    ] {
        assert!(n * 200 > count, "only {n} edits {kind} in {count} sequences");
    }
    let shown: Vec<&String> = failures.iter().take(3).collect();
    assert!(failures.is_empty(), "{} of {count} sequences differ; the first:\n{shown:#?}", failures.len());
}

/// The rules above, on the cases they are about.
#[test]
fn positions_follow_lsp_rules() {
    let text = "a😀b\r\nsecond\rthird\n";
    let l = lines(text);
    assert_eq!(l, [(0, 6), (8, 14), (15, 20), (21, 21)]);
    let at = |p, e| offset(text, &l, p, e);
    assert_eq!(at((0, 3), PositionEncoding::Utf16), 5, "after the emoji's surrogate pair");
    assert_eq!(at((0, 2), PositionEncoding::Utf16), 1, "inside the pair: the emoji's start");
    assert_eq!(at((0, 5), PositionEncoding::Utf8), 5, "after the emoji's four bytes");
    assert_eq!(at((0, 3), PositionEncoding::Utf8), 1, "inside the emoji: its start");
    assert_eq!(at((0, 5), PositionEncoding::Utf16), 6, "past the end: before the CRLF, not inside it");
    assert_eq!(at((1, 99), PositionEncoding::Utf16), 14, "before the lone CR");
    assert_eq!(at((3, 0), PositionEncoding::Utf16), 21, "the empty last line");
    assert_eq!(at((9, 9), PositionEncoding::Utf16), 21, "past the last line: the end");
}
