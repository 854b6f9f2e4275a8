//! The editor's settings for threatls, from `initializationOptions` and
//! `workspace/didChangeConfiguration`, under a `threatls` key or at the top:
//!
//! ```json
//! { "threatls": { "include": ["src/**"], "exclude": ["vendor/**"], "annotations": true,
//!                 "rules": { "open-threat": "error", "unbacked-mitigation": "off" } } }
//! ```
//!
//! Anything malformed is ignored, key by key.

use serde_json::Value;

use crate::config::Settings;
use crate::date::Date;
use crate::diagnostic::{Code, Level};

/// The keys threatls reads, at the top or under `threatls`.
const KEYS: [&str; 5] = ["include", "exclude", "annotations", "rules", "today"];

/// Whether `value` holds threatls' settings at all. Clients send
/// `workspace/didChangeConfiguration` with other servers' settings, or none (Eglot sends `{}`
/// after connecting), which must not reset threatls' own.
pub(super) fn are_ours(value: &Value) -> bool {
    value.get("threatls").is_some() || KEYS.iter().any(|k| value.get(k).is_some())
}

/// The settings, and a fixed "today" when one is given (`"today": "2026-11-22"`).
pub(super) fn parse(value: &Value) -> (Settings, Option<Date>) {
    let value = value.get("threatls").unwrap_or(value);
    let strings = |key: &str| -> Vec<String> {
        value
            .get(key)
            .and_then(Value::as_array)
            .map_or_else(Vec::new, |items| items.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect())
    };
    let rules = value
        .get("rules")
        .and_then(Value::as_object)
        .map(|rules| {
            rules
                .iter()
                .filter_map(|(code, level)| Some((Code::from_name(code)?, Level::parse(level.as_str()?)?)))
                .collect()
        })
        .unwrap_or_default();
    let settings = Settings {
        include: strings("include"),
        exclude: strings("exclude"),
        annotations: value.get("annotations").and_then(Value::as_bool),
        rules,
    };
    let today = value.get("today").and_then(Value::as_str).and_then(Date::parse);
    (settings, today)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{are_ours, parse};
    use crate::diagnostic::{Code, Level, Severity};

    #[test]
    fn reads_what_is_well_formed() {
        let (settings, today) = parse(&json!({
            "threatls": { "exclude": ["gen/**", 3], "annotations": false,
                          "rules": { "open-threat": "error", "nope": "off", "duplicate-id": "loud" },
                          "today": "2026-11-22" }
        }));
        assert_eq!(settings.exclude, ["gen/**"]);
        assert_eq!(settings.annotations, Some(false));
        assert_eq!(settings.rules.len(), 1);
        assert_eq!(settings.rules.get(&Code::OpenThreat), Some(&Level::On(Severity::Error)));
        assert_eq!(today.map(|d| d.to_string()).as_deref(), Some("2026-11-22"));
        assert_eq!(parse(&json!(null)).0, Default::default());
    }

    #[test]
    fn tells_its_settings_from_others() {
        assert!(are_ours(&json!({ "threatls": {} })));
        assert!(are_ours(&json!({ "rules": { "open-threat": "off" } })));
        assert!(!are_ours(&json!({})));
        assert!(!are_ours(&json!(null)));
        assert!(!are_ours(&json!({ "yaml": { "validate": false } })));
    }
}
