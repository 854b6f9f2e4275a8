//! Completion from the catalog's mitigation templates: whole new mitigations for the threats
//! that nothing mitigates yet, and the id, title or description of a template in a mitigation
//! that already names its threats.

use std::collections::HashSet;

use crate::analysis::{SourceFile, Workspace};
use crate::model::schema::{self, Field};
use crate::model::{Detail, Threat};
use crate::syntax::{Node, TextRange};

use super::{CompletionItem, CompletionKind};

/// The catalog's mitigation templates for the threats of this file that nothing mitigates yet,
/// each a new mitigation with `mitigates:` filled in, ranked before the blank one.
pub(super) fn templates(
    ws: &Workspace,
    file: &SourceFile,
    column: usize,
    with_dash: bool,
    replace: TextRange,
) -> Vec<CompletionItem> {
    let analysis = ws.analysis();
    let catalog = analysis.index.catalog();
    let mut items = Vec::new();
    for element in &file.model.elements {
        let crate::model::Detail::Threat(threat) = &element.detail else { continue };
        let threat_id = element.id.value.as_str();
        if !matches!(analysis.threat_states.get(threat_id), Some(crate::analysis::ThreatState::Open { .. })) {
            continue;
        }
        let Some(class) = &threat.class else { continue };
        for (rank, template) in catalog.templates_for(&class.value).enumerate() {
            // A template already used for another threat gets the threat's id on its own.
            let id = if analysis.index.def(&template.id).is_some() {
                format!("{}-{threat_id}", template.id)
            } else {
                template.id.clone()
            };
            let indent = " ".repeat(column + 2);
            let description = template.description.replace('\n', " ");
            let mut text = String::from(if with_dash { "- " } else { "" });
            text.push_str(&format!("id: ${{1:{id}}}"));
            let mut lines = vec![
                format!("title: {}", escape_snippet(&yaml_scalar(&template.title))),
                format!("mitigates: [{threat_id}]"),
                "status: ${2|planned,in-progress,implemented,verified|}".to_owned(),
            ];
            if !description.is_empty() {
                lines.push(format!("description: {}", escape_snippet(&yaml_scalar(&description))));
            }
            for line in lines {
                text.push('\n');
                text.push_str(&indent);
                text.push_str(&line);
            }
            let mut item = CompletionItem::new(template.id.clone(), CompletionKind::Snippet, replace)
                .detail(format!("mitigates `{threat_id}` ({})", class.value))
                .docs(format!("**{}**\n\n{}", template.title, template.description))
                .snippet(text);
            // Before the blank snippet; the class's own templates before its parent's.
            item.sort = format!("0-0-{threat_id}-{rank:03}");
            items.push(item);
        }
    }
    items
}

/// `text` as a YAML scalar: plain when that reads back the same, else double-quoted.
fn yaml_scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_whitespace())
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with([':', ' ']);
    if plain { text.to_owned() } else { format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"")) }
}

/// `text` inside a snippet: `$`, `}` and `\` escaped.
fn escape_snippet(text: &str) -> String {
    text.replace('\\', "\\\\").replace('$', "\\$").replace('}', "\\}")
}

/// In a mitigation that already names its threats (`mitigates: [sqli]`), the `id`, `title` or
/// `description` of the catalog's templates for those threats' classes.
pub(super) fn mitigation_templates(
    ws: &Workspace,
    file: &SourceFile,
    field: &'static Field,
    offset: u32,
    replace: TextRange,
) -> Vec<CompletionItem> {
    if !schema::MITIGATION.fields.iter().any(|f| std::ptr::eq(f, field)) {
        return Vec::new();
    }
    let analysis = ws.analysis();
    let catalog = analysis.index.catalog();
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    for threat_id in mitigated_threats(file, offset) {
        let Some(def) = analysis.index.def(&threat_id) else { continue };
        let Detail::Threat(Threat { class: Some(class), .. }) = &def.element.detail else { continue };
        for (rank, template) in catalog.templates_for(&class.value).enumerate() {
            if !seen.insert(template.id.as_str()) {
                continue;
            }
            let (label, insert) = match field.key {
                "id" if analysis.index.def(&template.id).is_some() => {
                    let id = format!("{}-{threat_id}", template.id);
                    (id.clone(), id)
                }
                "id" => (template.id.clone(), template.id.clone()),
                "title" => (template.title.clone(), yaml_scalar(&template.title)),
                "description" if !template.description.is_empty() => {
                    let description = template.description.replace('\n', " ");
                    (description.clone(), yaml_scalar(&description))
                }
                _ => continue,
            };
            let mut item = CompletionItem::new(label, CompletionKind::Value, replace)
                .detail(format!("template `{}` for `{threat_id}` ({})", template.id, class.value))
                .docs(format!("**{}**\n\n{}", template.title, template.description));
            item.insert = insert;
            item.sort = format!("0-{threat_id}-{rank:03}");
            items.push(item);
        }
    }
    items
}

/// The ids in `mitigates:` of the mitigation the cursor is in, read from the parsed tree: the
/// last item of `mitigations:` that starts before the cursor.
fn mitigated_threats(file: &SourceFile, offset: u32) -> Vec<String> {
    let root = file.tree.as_ref().and_then(Node::as_mapping);
    let section = root.and_then(|r| r.get("mitigations")).and_then(|e| e.value.as_sequence());
    let item = section.and_then(|s| s.items.iter().take_while(|i| i.range.start <= offset).last());
    let mitigates = item.and_then(Node::as_mapping).and_then(|m| m.get("mitigates"));
    let ids = mitigates.and_then(|e| e.value.as_sequence()).map_or(&[][..], |s| s.items.as_slice());
    ids.iter().filter_map(|i| i.as_scalar().map(|s| s.text.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::super::completions;
    use crate::analysis::{Options, Workspace};
    use crate::catalog::Catalog;
    use crate::date::Date;
    use crate::ide::snippet_as_text;

    /// Every template of the catalog, inserted where completion offers it, leaves a model that
    /// reads cleanly: titles and descriptions with `:` or quotes are quoted as YAML needs.
    #[test]
    fn every_template_inserts_valid_yaml() {
        let catalog = Catalog::builtin();
        let mut tested = std::collections::HashSet::new();
        for class in &catalog.classes {
            let model = format!(
                "threatmodel: 1\ntitle: T\nassets:\n  - {{ id: api, kind: process }}\nthreats:\n  - {{ id: t, title: T, class: {}, severity: low, affects: [api] }}\nmitigations:\n  ",
                class.id
            );
            let mut ws = Workspace::new(Options::new(Date::EPOCH));
            ws.set_open_file("threatmodel.yaml", model.clone());
            let offered = completions(&ws, "threatmodel.yaml", model.len() as u32);
            for item in offered.items.iter().filter(|i| i.label != "new mitigation") {
                tested.insert(item.label.clone());
                let text = format!("{model}{}\n", snippet_as_text(&item.insert));
                ws.set_open_file("threatmodel.yaml", text.clone());
                let diagnostics: Vec<String> = ws
                    .diagnostics("threatmodel.yaml")
                    .iter()
                    .filter(|d| d.severity >= crate::diagnostic::Severity::Warning)
                    .map(|d| d.message.clone())
                    .collect();
                let shown = text.get(model.len()..).unwrap_or_default();
                assert!(diagnostics.is_empty(), "{}: {diagnostics:?}\n{shown}", item.label);
            }
        }
        assert_eq!(tested.len(), catalog.templates.len(), "some templates are never offered");
    }
}
