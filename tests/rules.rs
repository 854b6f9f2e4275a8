//! Every rule has a failing and a passing fixture and a section in `docs/rules.md`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use threatls::diagnostic::Code;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_rule_has_a_failing_and_a_passing_fixture() {
    let mut problems = Vec::new();
    for code in Code::ALL {
        let dir = root().join("tests/fixtures/rules").join(code.as_str());
        for case in ["fail", "pass"] {
            if !dir.join(format!("{case}.yaml")).exists() {
                problems.push(format!("{}: no {case}.yaml", code.as_str()));
            }
        }
        // The `.expected` files are held equal to the real output by the fixtures test.
        let fail = std::fs::read_to_string(dir.join("fail.expected")).unwrap_or_default();
        if !fail.contains(&format!("[{}]", code.as_str())) {
            problems.push(format!("{}: fail.expected does not show the rule", code.as_str()));
        }
        let pass = std::fs::read_to_string(dir.join("pass.expected")).unwrap_or_default();
        if !pass.contains("no problems found.") {
            problems.push(format!("{}: pass.expected is not clean", code.as_str()));
        }
    }
    let dirs = std::fs::read_dir(root().join("tests/fixtures/rules")).unwrap();
    for entry in dirs {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if Code::from_name(&name).is_none() {
            problems.push(format!("tests/fixtures/rules/{name} names no rule"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_rule_is_documented() {
    let docs = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    let headings: Vec<&str> = docs.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    let mut problems = Vec::new();
    for code in Code::ALL {
        if !headings.contains(&code.as_str()) {
            problems.push(format!("docs/rules.md has no `## {}` section", code.as_str()));
        }
        let section = docs.split(&format!("## {}\n", code.as_str())).nth(1).unwrap_or("");
        if !section.contains(&format!("Default severity: {}", code.default_severity().as_str())) {
            problems.push(format!("docs/rules.md: `{}` does not state its default severity", code.as_str()));
        }
    }
    for heading in headings {
        if Code::from_name(heading).is_none() {
            problems.push(format!("docs/rules.md documents `{heading}`, which is not a rule"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
