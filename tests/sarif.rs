//! `threatls check --format sarif`: valid SARIF 2.1.0 by the OASIS schema (vendored in
//! `tests/data`, see its README), what GitHub code scanning asks of an upload, the same findings
//! as the JSON output, a snapshot, and fingerprints that survive lines moving.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;
use threatls::diagnostic::Code;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The vendored schema, with its formats (`uri`, `uri-reference`) asserted, and with the
/// correction that OASIS SARIF 2.1.0 Errata 01 made to the two `language` patterns: the
/// original's stray `]` is a literal in ECMA-262's legacy grammar, but the validator's regex
/// check refuses it, and so the whole schema. Logs from threatls set no `language`.
fn validator() -> jsonschema::Validator {
    const ORIGINAL: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    const ERRATUM: &str = r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#;
    let text = include_str!("data/sarif-schema-2.1.0.json");
    assert_eq!(text.matches(ORIGINAL).count(), 2);
    let schema: Value = serde_json::from_str(&text.replace(ORIGINAL, ERRATUM)).unwrap();
    jsonschema::draft7::options().should_validate_formats(true).build(&schema).unwrap()
}

fn assert_valid(log: &Value) {
    let validator = validator();
    let problems: Vec<String> = validator.iter_errors(log).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn check(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_threatls"))
        .arg("check")
        .args(args)
        .current_dir(root())
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (output.status.code(), String::from_utf8(output.stdout).unwrap())
}

fn sarif_of(example: &str) -> (Option<i32>, Value) {
    let (code, text) = check(&[example, "--today", "2026-11-22", "--format", "sarif"]);
    (code, serde_json::from_str(&text).unwrap())
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

fn uri(result: &Value) -> &str {
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap()
}

fn fingerprint(result: &Value) -> &str {
    result["partialFingerprints"]["threatls/v1"].as_str().unwrap()
}

/// The log of a fixture, rendered as the CLI renders it, with its workspace at `/workspace`.
fn fixture_log(text: &str) -> String {
    let fixture = support::parse_fixture(text);
    let ws = support::workspace(&fixture);
    let paths: Vec<String> = ws.paths().map(str::to_owned).collect();
    let report = threatls::cli::WorkspaceReport {
        workspace: &ws,
        root: Path::new("/workspace"),
        paths,
        display: &|p: &str| p.to_owned(),
        source_files: 1,
        skipped: Vec::new(),
    };
    threatls::cli::render_sarif(&[report], Path::new("/workspace")).0
}

fn small_fixture() -> String {
    std::fs::read_to_string(root().join("tests/sarif/small.yaml")).unwrap()
}

#[test]
fn the_examples_are_valid_sarif() {
    let (code, broken) = sarif_of("examples/broken-shop");
    assert_eq!(code, Some(1));
    assert_valid(&broken);
    let (code, clean) = sarif_of("examples/shop");
    assert_eq!(code, Some(0));
    assert_valid(&clean);
    assert!(results(&clean).is_empty());

    let results = results(&broken);
    // Paths are relative to the repository root, the checkout code scanning reads them from.
    assert!(results.iter().all(|r| uri(r).starts_with("examples/broken-shop/")));
    assert!(results.iter().any(|r| uri(r).ends_with(".yaml")), "no result in a model file");
    assert!(results.iter().any(|r| uri(r).ends_with(".go")), "no result in a source file");
    let with_taxa: Vec<&Value> = results.iter().filter(|r| r.get("taxa").is_some()).collect();
    assert!(with_taxa.iter().any(|r| r["ruleId"] == "open-threat"), "no open threat with its CWE");
    assert!(with_taxa.iter().any(|r| r["ruleId"] == "unmitigated-exposure"), "no exposure with its CWE");
    let taxa: BTreeSet<&str> = broken["runs"][0]["taxonomies"][0]["taxa"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    for r in &with_taxa {
        for t in r["taxa"].as_array().unwrap() {
            assert!(taxa.contains(t["id"].as_str().unwrap()), "{t} is not in the CWE taxonomy");
        }
    }
}

#[test]
fn the_schema_refuses_what_is_not_sarif() {
    let mut log: Value = serde_json::from_str(&fixture_log(&small_fixture())).unwrap();
    let result = &mut log["runs"][0]["results"][0];
    result["level"] = "information".into();
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b".into();
    let validator = validator();
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.instance_path().to_string()).collect();
    for path in ["/level", "/region/startLine", "/artifactLocation/uri"] {
        assert!(errors.iter().any(|e| e.ends_with(path)), "{path} not refused: {errors:?}");
    }
}

#[test]
fn sarif_and_json_report_the_same_diagnostics() {
    let (_, sarif) = sarif_of("examples/broken-shop");
    let (_, json) = check(&["examples/broken-shop", "--today", "2026-11-22", "--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let from_json: BTreeSet<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let (start, end) = (&d["range"]["start"], &d["range"]["end"]);
            format!(
                "{} {}:{}-{}:{} {} {} {}",
                d["file"].as_str().unwrap(),
                start["line"].as_u64().unwrap() + 1,
                start["character"].as_u64().unwrap() + 1,
                end["line"].as_u64().unwrap() + 1,
                end["character"].as_u64().unwrap() + 1,
                d["severity"].as_str().unwrap().replace("information", "note").replace("hint", "note"),
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    let from_sarif: BTreeSet<String> = results(&sarif)
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            format!(
                "{} {}:{}-{}:{} {} {} {}",
                uri(r),
                region["startLine"],
                region["startColumn"],
                region["endLine"],
                region["endColumn"],
                r["level"].as_str().unwrap(),
                r["ruleId"].as_str().unwrap(),
                r["message"]["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), results(&sarif).len());
    assert_eq!(from_json, from_sarif);
}

/// What GitHub's "SARIF support for code scanning" asks of an upload, beyond the schema.
#[test]
fn meets_github_code_scanning_requirements() {
    let (_, log) = sarif_of("examples/broken-shop");
    assert!(serde_json::to_string(&log).unwrap().len() < 10 * 1024 * 1024);
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "threatls");
    assert!(driver["version"].is_string() && driver["informationUri"].is_string());
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(ids, codes, "every rule, once, in the order of ruleIndex");
    for rule in rules {
        for text in ["/shortDescription/text", "/fullDescription/text", "/help/text", "/help/markdown", "/helpUri"] {
            let value = rule.pointer(text).and_then(Value::as_str).unwrap_or("");
            assert!(!value.is_empty(), "{} has no {text}", rule["id"]);
        }
        assert!(["error", "warning", "note"].contains(&rule["defaultConfiguration"]["level"].as_str().unwrap()));
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(!tags.is_empty() && tags.len() <= 10, "{}: code scanning shows at most 10 tags", rule["id"]);
    }
    let results = results(&log);
    assert!(!results.is_empty() && results.len() <= 25_000);
    let mut fingerprints = BTreeSet::new();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(r["ruleId"], rules[index]["id"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let locations = r["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        let artifact = &locations[0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        let path = uri(r);
        let escaped = |c: char| c.is_ascii_alphanumeric() || "-._~/%".contains(c);
        assert!(path.chars().all(escaped) && !path.starts_with('/') && !path.split('/').any(|s| s == ".."), "{path}");
        assert!(root().join(path).is_file(), "{path} is not a file of the repository");
        let region = &locations[0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1 && region["startColumn"].as_u64().unwrap() >= 1);
        assert!(fingerprints.insert(fingerprint(r).to_owned()), "two results share {}", fingerprint(r));
    }
    let base = runs[0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    assert!(base.starts_with("file:///") && base.ends_with('/') && !base.contains(' '), "{base}");
    for rule in rules {
        assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"));
    }
}

#[test]
fn small_fixture_snapshot() {
    let text = fixture_log(&small_fixture());
    let log: Value = serde_json::from_str(&text).unwrap();
    assert_valid(&log);
    expect_test::expect_file![root().join("tests/snapshots/small.sarif")].assert_eq(&text);
}

#[test]
fn fingerprints_survive_inserted_lines() {
    let fixture = small_fixture();
    let moved = fixture
        .replace("title: Log pipeline\n", "title: Log pipeline\n# A comment\n\nowner: platform-team\n")
        .replace("assets:\n", "assets:\n  - { id: db, name: Database, kind: datastore }\n")
        .replace("package api\n", "package api\n\nimport \"log\"\n\n// logRequest writes one line.\n");
    assert_ne!(fixture, moved);
    // Each result as (rule, file, how many of the same rule came before it in the file).
    let by_rule = |text: &str| -> BTreeMap<(String, String, usize), (String, u64)> {
        let log: Value = serde_json::from_str(&fixture_log(text)).unwrap();
        let mut out = BTreeMap::new();
        for r in results(&log) {
            let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap();
            let (rule, file) = (r["ruleId"].as_str().unwrap().to_owned(), uri(r).to_owned());
            let n = out.keys().filter(|(r, f, _)| *r == rule && *f == file).count();
            out.insert((rule, file, n), (fingerprint(r).to_owned(), line));
        }
        out
    };
    let (before, after) = (by_rule(&fixture), by_rule(&moved));
    assert!(before.len() >= 4, "{before:?}");
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    for (key, (fingerprint, line)) in &before {
        let (moved_fingerprint, moved_line) = &after[key];
        assert_ne!(line, moved_line, "{key:?} did not move");
        assert_eq!(fingerprint, moved_fingerprint, "{key:?} changed identity when lines moved");
    }
    // Two findings on identical lines stay apart.
    let distinct: BTreeSet<&String> = before.values().map(|(f, _)| f).collect();
    assert_eq!(distinct.len(), before.len(), "{before:?}");
}
