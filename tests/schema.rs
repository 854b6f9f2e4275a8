//! The generated JSON Schema agrees with threatls: it accepts every file threatls finds clean,
//! and rejects the shape errors an editor with only a YAML extension should show.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(include_str!("../schemas/threatmodel.schema.json")).unwrap();
    jsonschema::draft7::new(&schema).unwrap()
}

fn rules_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

/// The files of a fixture that threatls reads as text.
fn fixture_files(path: &Path) -> Vec<(String, String)> {
    let fixture = support::parse_fixture(&std::fs::read_to_string(path).unwrap());
    fixture
        .files
        .into_iter()
        .filter(|(name, _)| threatls::analysis::is_model_file_name(name.rsplit('/').next().unwrap_or(name)))
        .filter_map(|(name, input)| match input {
            threatls::analysis::FileInput::Bytes(b) => Some((name, String::from_utf8(b).ok()?)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_schema_accepts_every_clean_model() {
    let validator = validator();
    let mut problems = Vec::new();
    let mut files: Vec<(String, String)> = Vec::new();
    for entry in std::fs::read_dir(rules_dir()).unwrap() {
        files.extend(fixture_files(&entry.unwrap().path().join("pass.yaml")));
    }
    for example in [
        "examples/shop/threatmodel.yaml",
        "examples/shop/payments/threatmodel.yaml",
        "examples/shop/security/acme-catalog.yaml",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(example);
        files.push((example.to_owned(), std::fs::read_to_string(path).unwrap()));
    }
    assert!(files.len() > 30);
    for (name, text) in files {
        let json = support::yaml_to_json(&text);
        for error in validator.iter_errors(&json) {
            problems.push(format!("{name}: {error} at {}", error.instance_path()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_schema_rejects_shape_errors() {
    let validator = validator();
    for rule in ["unknown-key", "wrong-type", "missing-key", "invalid-value", "invalid-id", "unsupported-version"] {
        for (name, text) in fixture_files(&rules_dir().join(rule).join("fail.yaml")) {
            let json = support::yaml_to_json(&text);
            assert!(!validator.is_valid(&json), "{rule}/{name}: the schema accepts what threatls rejects");
        }
    }
}
