//! Workspace-relative paths: `/`-separated, no `.` or `..`, never absolute. Pure string work.

/// Is this file name one of a model file's: `threatmodel.yaml`, `*.threatmodel.yml`, ...?
pub fn is_model_file_name(name: &str) -> bool {
    ["threatmodel.yaml", "threatmodel.yml"].iter().any(|suffix| {
        name == *suffix || name.strip_suffix(suffix).is_some_and(|stem| stem.ends_with('.') && stem.len() > 1)
    })
}

/// The directory part of a workspace path (`""` at the root).
pub fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| path.get(..i).unwrap_or(""))
}

/// Resolves `relative` against the directory `dir`, lexically. `None` when the result would leave
/// the workspace: an absolute path, a drive letter, or more `..` than there are directories.
pub fn join(dir: &str, relative: &str) -> Option<String> {
    let relative = relative.replace('\\', "/");
    let absolute = relative.starts_with('/') || relative.as_bytes().get(1) == Some(&b':');
    if absolute || relative.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_file_names() {
        for yes in ["threatmodel.yaml", "threatmodel.yml", "payments.threatmodel.yaml", "a.threatmodel.yml"] {
            assert!(is_model_file_name(yes), "{yes}");
        }
        for no in ["mythreatmodel.yaml", ".threatmodel.yaml", "threatmodel.json", "threatmodel.yaml.bak"] {
            assert!(!is_model_file_name(no), "{no}");
        }
    }

    #[test]
    fn joins_stay_inside() {
        assert_eq!(join("", "payments/threatmodel.yaml").as_deref(), Some("payments/threatmodel.yaml"));
        assert_eq!(join("a/b", "../c.yaml").as_deref(), Some("a/c.yaml"));
        assert_eq!(join("a", "./x/../y.yaml").as_deref(), Some("a/y.yaml"));
        assert_eq!(join("a", "..\\b.yaml").as_deref(), Some("b.yaml"));
        assert_eq!(join("", "../x.yaml"), None);
        assert_eq!(join("a", "../../x.yaml"), None);
        assert_eq!(join("", "/etc/passwd"), None);
        assert_eq!(join("", "C:/x.yaml"), None);
        assert_eq!(join("", ""), None);
        assert_eq!(join("a", ".."), None);
        assert_eq!(parent("a/b/c.yaml"), "a/b");
        assert_eq!(parent("c.yaml"), "");
    }
}
