//! Checks that need the whole workspace: duplicate ids, references, classes and includes.

use crate::catalog::Catalog;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Kind, Spanned};
use crate::suggest::did_you_mean;

use super::paths::{join, parent};
use super::{Analysed, Index, Presence, SourceFile};

pub(super) fn check(files: &Analysed<'_>, index: &Index, sink: &mut impl FnMut(&str, Diagnostic)) {
    for file in files.iter() {
        duplicate_ids(file, index, sink);
        references(file, index, sink);
        classes(file, index, sink);
        includes(file, files, sink);
    }
}

fn duplicate_ids(file: &SourceFile, index: &Index, sink: &mut impl FnMut(&str, Diagnostic)) {
    for element in file.model.elements.iter().filter(|e| !index.is_original(e)) {
        let Some(first) = index.def(&element.id.value) else { continue };
        let id = &element.id.value;
        let msg = format!(
            "duplicate id `{id}`: it is already defined as {} {}; ids must be unique across all model files, so rename one",
            first.element.kind.article(),
            first.element.kind.noun()
        );
        sink(
            &file.path,
            Diagnostic::new(Code::DuplicateId, element.id.range, msg).with_related(
                &first.file.path,
                first.element.id.range,
                format!("`{id}` first defined here"),
            ),
        );
    }
    let builtin = Catalog::builtin();
    for class in &file.model.classes {
        let first = index.class_defs(&class.id.value).next().map(|(f, c)| (f, &c.id));
        let is_builtin = builtin.class(&class.id.value).is_some();
        team_duplicate(file, ("threat class", "class"), &class.id, is_builtin, first, sink);
    }
    for template in &file.model.templates {
        let first = index.template_defs(&template.id.value).next().map(|(f, t)| (f, &t.id));
        let is_builtin = builtin.templates.iter().any(|t| t.id == template.id.value);
        team_duplicate(file, ("mitigation template", "template"), &template.id, is_builtin, first, sink);
    }
}

/// A team's catalog entry whose id is built in, or that an earlier entry already has.
/// `what` names the entry long and short (`threat class`, `class`).
fn team_duplicate(
    file: &SourceFile,
    what: (&str, &str),
    id: &Spanned<String>,
    is_builtin: bool,
    first: Option<(&SourceFile, &Spanned<String>)>,
    sink: &mut impl FnMut(&str, Diagnostic),
) {
    let (long, short) = what;
    let name = &id.value;
    if is_builtin {
        let msg = format!("`{name}` is a built-in {long}; a team {short} needs an id of its own");
        sink(&file.path, Diagnostic::new(Code::DuplicateId, id.range, msg));
        return;
    }
    let Some((first_file, first)) = first.filter(|(_, first)| !std::ptr::eq(*first, id)) else { return };
    let msg = format!("duplicate {short} id `{name}`: it is already defined; rename one");
    let d = Diagnostic::new(Code::DuplicateId, id.range, msg).with_related(
        &first_file.path,
        first.range,
        format!("`{name}` first defined here"),
    );
    sink(&file.path, d);
}

fn references(file: &SourceFile, index: &Index, sink: &mut impl FnMut(&str, Diagnostic)) {
    for r in &file.model.references {
        let id = &r.target.value;
        match index.kind(id) {
            Some(kind) if r.expected.contains(kind) => {}
            Some(kind) => {
                let msg =
                    format!("`{}` must name {}, but `{id}` is {} {}", r.key, r.expected, kind.article(), kind.noun());
                let mut d = Diagnostic::new(Code::WrongReferenceKind, r.target.range, msg);
                if let Some(def) = index.def(id) {
                    d = d.with_related(&def.file.path, def.element.id.range, format!("`{id}` is defined here"));
                }
                sink(&file.path, d);
            }
            None => {
                let kinds: Vec<Kind> = r.expected.iter().collect();
                let mut d = Diagnostic::new(
                    Code::UnknownReference,
                    r.target.range,
                    format!("`{id}` in `{}` is not defined: no {} has this id", r.key, nouns(&kinds)),
                );
                match did_you_mean(id, index.ids(Some(&kinds))) {
                    Some(s) => d = d.with_suggestion(r.target.range, s),
                    None => {
                        let (section, _) = crate::model::schema::section(kinds.first().copied().unwrap_or(Kind::Asset));
                        d.message.push_str(&format!("; define it under `{section}:`"));
                    }
                }
                sink(&file.path, d);
            }
        }
    }
}

fn classes(file: &SourceFile, index: &Index, sink: &mut impl FnMut(&str, Diagnostic)) {
    let builtin = Catalog::builtin();
    for r in &file.model.class_refs {
        let id = &r.target.value;
        if builtin.class(id).is_some() {
            continue;
        }
        let team_defined = index.class_defs(id).next().is_some();
        if team_defined && !r.builtin_only {
            continue;
        }
        let builtin_ids = builtin.classes.iter().map(|c| c.id.as_str());
        let mut d = if team_defined {
            Diagnostic::new(
                Code::UnknownClass,
                r.target.range,
                format!("`{id}` is a team class, but a class's `parent` must be a built-in STRIDE or LINDDUN class"),
            )
        } else {
            Diagnostic::new(Code::UnknownClass, r.target.range, format!("unknown threat class `{id}`"))
        };
        let suggestion = if r.builtin_only {
            did_you_mean(id, builtin_ids)
        } else {
            did_you_mean(id, builtin_ids.chain(index.class_ids()))
        };
        match suggestion {
            Some(s) => d = d.with_suggestion(r.target.range, s),
            None if !team_defined => d.message.push_str(
                "; use a STRIDE class (`spoofing`, `tampering`, `repudiation`, `information-disclosure`, `denial-of-service`, `elevation-of-privilege`), a LINDDUN class, or one defined under `classes:`",
            ),
            None => {}
        }
        sink(&file.path, d);
    }
}

fn includes(file: &SourceFile, files: &Analysed<'_>, sink: &mut impl FnMut(&str, Diagnostic)) {
    for include in &file.model.includes {
        let Some(path) = join(parent(&file.path), &include.value) else {
            let msg = format!(
                "include `{}` points outside the workspace; includes must be relative paths to files inside it",
                include.value
            );
            sink(&file.path, Diagnostic::new(Code::IncludeOutsideWorkspace, include.range, msg));
            continue;
        };
        let problem = match files.get(&path).map(|f| &f.presence) {
            Some(Presence::Present) => continue,
            Some(Presence::Unreadable(reason)) => format!("include `{}` cannot be read: {reason}", include.value),
            Some(Presence::Missing) | None => {
                let mut msg = if path == include.value {
                    format!("include `{path}` names no file in the workspace")
                } else {
                    format!("include `{}` names no file: there is no `{path}` in the workspace", include.value)
                };
                let present = files.iter().filter(|f| f.presence == Presence::Present).map(|f| f.path.as_str());
                if let Some(s) = did_you_mean(&path, present) {
                    msg.push_str(&format!("; did you mean `{s}`?"));
                }
                msg
            }
        };
        sink(&file.path, Diagnostic::new(Code::IncludeNotFound, include.range, problem));
    }
}

fn nouns(kinds: &[Kind]) -> String {
    kinds.iter().map(|k| k.noun()).collect::<Vec<_>>().join(" or ")
}
