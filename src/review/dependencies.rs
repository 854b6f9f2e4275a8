//! New dependencies in package manifests (Cargo.toml, package.json, go.mod, requirements,
//! pyproject.toml) that belong to a class worth a review: cryptography, authentication, cloud
//! SDKs, message queues, database drivers.

use std::collections::BTreeSet;

use globset::GlobBuilder;

use super::config::ReviewConfig;
use super::{Change, Trigger};

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

pub(super) fn is_manifest(path: &str) -> bool {
    let name = file_name(path);
    matches!(name, "Cargo.toml" | "package.json" | "go.mod" | "pyproject.toml" | "Pipfile")
        || (name.starts_with("requirements") && name.ends_with(".txt"))
}

/// The dependency names a manifest declares; empty for what does not parse.
fn declared(path: &str, text: &str) -> BTreeSet<String> {
    let name = file_name(path);
    match name {
        "Cargo.toml" | "pyproject.toml" | "Pipfile" => toml_dependencies(text),
        "package.json" => json_dependencies(text),
        "go.mod" => go_requires(text),
        _ => text.lines().filter_map(requirement).collect(),
    }
}

fn toml_dependencies(text: &str) -> BTreeSet<String> {
    let Ok(value) = text.parse::<toml::Table>() else { return BTreeSet::new() };
    let mut out = BTreeSet::new();
    let mut tables = |t: &toml::Table| {
        for key in ["dependencies", "dev-dependencies", "build-dependencies", "packages", "dev-packages"] {
            match t.get(key) {
                Some(toml::Value::Table(deps)) => out.extend(deps.keys().map(|k| k.to_ascii_lowercase())),
                // PEP 621: `dependencies = ["requests>=2"]`.
                Some(toml::Value::Array(items)) => {
                    out.extend(items.iter().filter_map(|i| i.as_str()).filter_map(requirement));
                }
                _ => {}
            }
        }
    };
    tables(&value);
    for section in ["project", "workspace"] {
        if let Some(toml::Value::Table(t)) = value.get(section) {
            tables(t);
        }
    }
    if let Some(poetry) = value.get("tool").and_then(|t| t.get("poetry")).and_then(toml::Value::as_table) {
        tables(poetry);
    }
    // Cargo's `[target.'cfg(..)'.dependencies]`.
    if let Some(targets) = value.get("target").and_then(toml::Value::as_table) {
        for t in targets.values().filter_map(toml::Value::as_table) {
            tables(t);
        }
    }
    out
}

fn json_dependencies(text: &str) -> BTreeSet<String> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else { return BTreeSet::new() };
    ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]
        .iter()
        .filter_map(|k| value.get(k)?.as_object())
        .flat_map(|deps| deps.keys().map(|k| k.to_ascii_lowercase()))
        .collect()
}

/// `require x v1` and the lines of `require ( ... )`.
fn go_requires(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut block = false;
    for line in text.lines().map(|l| l.split("//").next().unwrap_or("").trim()) {
        if block {
            if line == ")" {
                block = false;
            } else if let Some(module) = line.split_whitespace().next() {
                out.insert(module.to_owned());
            }
        } else if let Some(rest) = line.strip_prefix("require") {
            let rest = rest.trim();
            if rest == "(" {
                block = true;
            } else if let Some(module) = rest.split_whitespace().next() {
                out.insert(module.to_owned());
            }
        }
    }
    out
}

/// The package of a requirements line (`requests[socks]>=2.0 ; python_version>"3"`).
fn requirement(line: &str) -> Option<String> {
    let line = line.split('#').next().unwrap_or("").trim();
    if line.is_empty() || line.starts_with('-') {
        return None;
    }
    let end = line.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(line.len());
    let name = line.get(..end)?.to_ascii_lowercase().replace('_', "-");
    (!name.is_empty()).then_some(name)
}

pub(super) fn triggers(change: &Change, config: &ReviewConfig, out: &mut Vec<Trigger>) {
    if !is_manifest(&change.path) || !config.is_on("dependencies") {
        return;
    }
    let Some(new) = change.new.as_deref() else { return };
    let before = change.old.as_deref().map(|t| declared(&change.path, t)).unwrap_or_default();
    for package in declared(&change.path, new).difference(&before) {
        let class = config.dependencies.iter().find(|d| {
            GlobBuilder::new(&d.pattern)
                .literal_separator(false)
                .build()
                .is_ok_and(|g| g.compile_matcher().is_match(package))
        });
        let Some(class) = class else { continue };
        let line = new.lines().position(|l| l.contains(package.as_str())).and_then(|n| u32::try_from(n + 1).ok());
        out.push(Trigger {
            checkpoint: class.checkpoint,
            rule: "dependencies".to_owned(),
            path: change.path.clone(),
            line,
            why: format!("new dependency `{package}`, {}", class.what),
            assets: Vec::new(),
            answered_by: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::declared;

    #[test]
    fn reads_each_manifest() {
        let cargo = "[package]\nname = \"x\"\n[dependencies]\nserde = \"1\"\n[target.'cfg(unix)'.dependencies]\nRing = \"0.17\"\n";
        assert_eq!(declared("Cargo.toml", cargo).into_iter().collect::<Vec<_>>(), ["ring", "serde"]);
        let npm = r#"{ "name": "x", "dependencies": { "@aws-sdk/client-s3": "3" }, "scripts": { "a": "b" } }"#;
        assert_eq!(declared("web/package.json", npm).into_iter().collect::<Vec<_>>(), ["@aws-sdk/client-s3"]);
        let go =
            "module x\n\nrequire github.com/lib/pq v1.10.9\nrequire (\n\tgolang.org/x/crypto v0.1.0 // indirect\n)\n";
        assert_eq!(
            declared("go.mod", go).into_iter().collect::<Vec<_>>(),
            ["github.com/lib/pq", "golang.org/x/crypto"]
        );
        let pip = "# deps\nrequests[socks]>=2 ; python_version > '3'\nPyJWT==2.8\n-r base.txt\n";
        assert_eq!(declared("requirements-dev.txt", pip).into_iter().collect::<Vec<_>>(), ["pyjwt", "requests"]);
        let pyproject = "[project]\ndependencies = [\"boto3>=1\"]\n[tool.poetry.dependencies]\npsycopg2 = \"*\"\n";
        assert_eq!(declared("pyproject.toml", pyproject).into_iter().collect::<Vec<_>>(), ["boto3", "psycopg2"]);
    }
}
