//! Span tree to typed model, checked against the schema table.
//!
//! One generic pass ([`Lowerer::object`]) checks every mapping against its [`Shape`]: unknown
//! keys, missing required keys, and each value against its [`Ty`]. It hands back only the values
//! that passed, already converted, and records every id and class reference it saw, so the
//! typed constructors below are plain field picks and no check is written twice.

use super::schema::{self, Field, Kind, Shape, Taxonomy, Ty};
use super::{
    Acceptance, Cadence, ClassDef, ClassRef, Detail, Element, Mitigation, ModelFile, Reference, Review, Severity,
    Spanned, Status, TemplateDef, Threat,
};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::suggest::did_you_mean;
use crate::syntax::{Mapping, Node, ScalarKind, TextRange, Value};

/// Lowers a parsed model file. `root` is the file's YAML root (`None` for a file with no content).
pub fn lower(text: &str, root: &Node, diagnostics: &mut Vec<Diagnostic>) -> ModelFile {
    let mut lowerer = Lowerer { text, diagnostics, model: ModelFile::default() };
    lowerer.model_file(root);
    lowerer.finish()
}

/// Lowers items of one top-level list on their own (after an edit inside them); `None` for a
/// list whose items are not lowered one by one (`includes`, or a key the format does not know).
pub fn lower_items(text: &str, section: &str, items: &[Node], diagnostics: &mut Vec<Diagnostic>) -> Option<ModelFile> {
    let mut lowerer = Lowerer { text, diagnostics, model: ModelFile::default() };
    match section {
        "classes" => items.iter().for_each(|item| lowerer.class(item)),
        "templates" => items.iter().for_each(|item| lowerer.template(item)),
        _ => {
            let kind = Kind::ALL.into_iter().find(|k| schema::section(*k).0 == section)?;
            let shape = schema::section(kind).1;
            items.iter().for_each(|item| lowerer.element(item, kind, shape, section));
        }
    }
    Some(lowerer.finish())
}

/// `[A-Za-z0-9_-]+`.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A checked value, converted to what its type promises.
enum Val<'n> {
    Int(Spanned<i64>),
    Text(Spanned<String>),
    Date(Spanned<Date>),
    Cadence(Spanned<Cadence>),
    /// Element ids, class ids, paths, external references.
    List(Vec<Spanned<String>>),
    Node(&'n Node),
}

/// The entries of one mapping whose values passed their checks.
struct Fields<'n> {
    /// Key, the key's range, and the checked value.
    values: Vec<(&'static str, TextRange, Val<'n>)>,
    /// Keys whose value drew a diagnostic: what was read of them may be partial.
    flawed: Vec<&'static str>,
    range: TextRange,
    /// False when a syntax error cut the mapping short.
    complete: bool,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&Val<'n>> {
        self.values.iter().find(|(k, _, _)| *k == key).map(|(_, _, v)| v)
    }

    fn key_range(&self, key: &str) -> Option<TextRange> {
        self.values.iter().find(|(k, _, _)| *k == key).map(|(_, r, _)| *r)
    }

    fn text(&self, key: &str) -> Option<Spanned<String>> {
        match self.get(key)? {
            Val::Text(s) => Some(s.clone()),
            _ => None,
        }
    }

    fn list(&self, key: &str) -> Option<Vec<Spanned<String>>> {
        match self.get(key)? {
            Val::List(l) => Some(l.clone()),
            _ => None,
        }
    }

    fn date(&self, key: &str) -> Option<Spanned<Date>> {
        match self.get(key)? {
            Val::Date(d) => Some(d.clone()),
            _ => None,
        }
    }

    fn node(&self, key: &str) -> Option<&'n Node> {
        match self.get(key)? {
            Val::Node(n) => Some(n),
            _ => None,
        }
    }

    fn items(&self, key: &str) -> &'n [Node] {
        self.node(key).and_then(Node::as_sequence).map_or(&[], |s| s.items.as_slice())
    }
}

struct Lowerer<'a> {
    text: &'a str,
    diagnostics: &'a mut Vec<Diagnostic>,
    model: ModelFile,
}

impl Lowerer<'_> {
    /// The model, its lists in source order.
    fn finish(mut self) -> ModelFile {
        let m = &mut self.model;
        m.elements.sort_by_key(|e| e.range.start);
        m.classes.sort_by_key(|c| c.range.start);
        m.templates.sort_by_key(|t| t.range.start);
        m.references.sort_by_key(|r| r.target.range.start);
        m.class_refs.sort_by_key(|r| r.target.range.start);
        m.ext_refs.sort_by_key(|r| r.range.start);
        self.model
    }

    fn model_file(&mut self, root: &Node) {
        let Some(f) = self.object(root, &schema::MODEL, None) else { return };
        if let Some(Val::Int(version)) = f.get("threatmodel") {
            self.model.version = Some(version.clone());
        }
        self.model.title = f.text("title");
        self.model.owner = f.text("owner");
        self.model.includes = f.list("includes").unwrap_or_default();
        if let Some(review) = f.node("review").and_then(|n| self.object(n, &schema::REVIEW, None)) {
            let cadence = match review.get("cadence") {
                Some(Val::Cadence(c)) => Some(c.clone()),
                _ => None,
            };
            self.model.review = Some(Review { cadence, last: review.date("last") });
        }
        for item in f.items("classes") {
            self.class(item);
        }
        for item in f.items("templates") {
            self.template(item);
        }
        for kind in Kind::ALL {
            let (section, shape) = schema::section(kind);
            for item in f.items(section) {
                self.element(item, kind, shape, section);
            }
        }
    }

    fn class(&mut self, node: &Node) {
        let Some(f) = self.object(node, &schema::CLASS, Some("each entry of `classes`")) else { return };
        let Some(id) = f.text("id") else { return };
        let numbers = |key: &str, taxonomy: Taxonomy| -> Vec<u32> {
            f.list(key).unwrap_or_default().iter().filter_map(|n| taxonomy.number(&n.value)).collect()
        };
        let class = ClassDef {
            id,
            title: f.text("title"),
            parent: f.text("parent"),
            description: f.text("description").map(|d| d.value),
            cwe: numbers("cwe", Taxonomy::Cwe),
            capec: numbers("capec", Taxonomy::Capec),
            asvs: f.text("asvs").map(|a| a.value),
            cheatsheet: f.text("cheatsheet").map(|c| c.value),
            range: f.range,
        };
        self.model.classes.push(class);
    }

    fn template(&mut self, node: &Node) {
        let Some(f) = self.object(node, &schema::TEMPLATE, Some("each entry of `templates`")) else { return };
        let (Some(id), Some(title)) = (f.text("id"), f.text("title")) else { return };
        let values = |key: &str| f.list(key).unwrap_or_default().into_iter().map(|s| s.value).collect();
        let template = TemplateDef {
            id,
            title: title.value,
            classes: values("classes"),
            description: f.text("description").map(|d| d.value),
            asvs: values("asvs"),
            range: f.range,
        };
        self.model.templates.push(template);
    }

    fn element(&mut self, node: &Node, kind: Kind, shape: &'static Shape, section: &str) {
        let Some(f) = self.object(node, shape, Some(&format!("each entry of `{section}`"))) else { return };
        let detail = match kind {
            Kind::Asset => Detail::Asset { asset_kind: f.text("kind"), boundary: f.text("boundary") },
            Kind::Boundary => Detail::Boundary { parent: f.text("parent") },
            Kind::Data => Detail::Data { classification: f.text("classification") },
            Kind::Flow => Detail::Flow {
                from: f.text("from"),
                to: f.text("to"),
                via: f.text("via"),
                data: f.list("data").unwrap_or_default(),
            },
            Kind::Threat => Detail::Threat(Threat {
                class: f.text("class"),
                severity: f
                    .text("severity")
                    .and_then(|s| Some(Spanned { value: Severity::parse(&s.value)?, range: s.range })),
                affects: f.list("affects").unwrap_or_default(),
                affects_flawed: f.flawed.contains(&"affects"),
                accepted: f
                    .node("accepted")
                    .and_then(|n| self.acceptance(n, f.key_range("accepted").unwrap_or(n.range))),
            }),
            Kind::Mitigation => {
                let status = f.text("status");
                Detail::Mitigation(Mitigation {
                    mitigates: f.list("mitigates").unwrap_or_default(),
                    on: f.list("on"),
                    status: status.as_ref().and_then(|s| Status::parse(&s.value)).unwrap_or(Status::Planned),
                    status_range: status.map(|s| s.range),
                })
            }
        };
        let Some(id) = f.text("id") else { return };
        let name = f.text("name").or_else(|| f.text("title"));
        self.model.elements.push(Element { kind, id, name, range: f.range, complete: f.complete, detail });
    }

    fn acceptance(&mut self, node: &Node, key: TextRange) -> Option<Acceptance> {
        let f = self.object(node, &schema::ACCEPTANCE, None)?;
        let map = node.as_mapping().filter(|m| m.complete);
        let written = |k: &str| map.is_none_or(|m| m.get(k).is_some_and(|e| !e.value.is_null()));
        let missing = ["by", "reason", "until"].into_iter().filter(|k| !written(k)).collect();
        Some(Acceptance { key, by: f.text("by"), reason: f.text("reason"), until: f.date("until"), missing })
    }

    /// Checks a mapping against `shape`. `None` when the node is not a mapping at all.
    /// `what` names the value in messages (`` `review` ``, "each entry of `assets`").
    fn object<'n>(&mut self, node: &'n Node, shape: &'static Shape, what: Option<&str>) -> Option<Fields<'n>> {
        let Value::Mapping(map) = &node.value else {
            let what = what.unwrap_or("the file");
            self.report(
                Code::WrongType,
                node.range,
                format!("{what} must be {}, written as `key: value` lines; found {}", shape.what, node.describe()),
            );
            return None;
        };
        let mut fields = Fields { values: Vec::new(), flawed: Vec::new(), range: node.range, complete: map.complete };
        // Required keys a misspelt key probably meant: not reported missing a second time.
        let mut meant = Vec::new();
        for entry in &map.entries {
            let Some(key) = entry.key_text() else {
                self.report(
                    Code::WrongType,
                    entry.key.range,
                    "keys must be plain words; this key is a list or a mapping",
                );
                continue;
            };
            let Some(field) = shape.field(key) else {
                meant.extend(self.unknown_key(key, entry.key.range, shape));
                continue;
            };
            if entry.value.is_null() || matches!(entry.value.value, Value::Invalid) {
                continue;
            }
            let reported = self.diagnostics.len();
            if let Some(val) = self.value(field, &entry.value, shape) {
                fields.values.push((field.key, entry.key.range, val));
            }
            if self.diagnostics.len() > reported {
                fields.flawed.push(field.key);
            }
        }
        if map.complete {
            for field in shape.fields.iter().filter(|f| f.required && !meant.contains(&f.key)) {
                let entry = map.get(field.key);
                let present = entry.is_some_and(|e| !e.value.is_null() && !matches!(e.value.value, Value::Invalid));
                if !present {
                    self.missing_key(field, shape, map, node.range, entry.map(|e| e.key.range));
                }
            }
        }
        Some(fields)
    }

    /// Reports an unknown key; returns the key it probably meant.
    fn unknown_key(&mut self, key: &str, range: TextRange, shape: &Shape) -> Option<&'static str> {
        let keys = shape.fields.iter().map(|f| f.key);
        let suggestion = did_you_mean(key, keys.clone());
        let d = match suggestion {
            Some(s) => Diagnostic::new(Code::UnknownKey, range, format!("unknown key `{key}` in {}", shape.what))
                .with_suggestion(range, s),
            None => {
                let list: Vec<String> = keys.map(|k| format!("`{k}`")).collect();
                Diagnostic::new(
                    Code::UnknownKey,
                    range,
                    format!("unknown key `{key}` in {}; its keys are {}", shape.what, list.join(", ")),
                )
            }
        };
        self.push(d);
        suggestion
    }

    fn missing_key(
        &mut self,
        field: &Field,
        shape: &Shape,
        map: &Mapping,
        node_range: TextRange,
        empty_key: Option<TextRange>,
    ) {
        if let Some(at) = empty_key {
            let msg =
                format!("`{}` is empty; {} needs one, like `{}: {}`", field.key, shape.what, field.key, field.example);
            self.report(Code::MissingKey, at, msg);
            return;
        }
        // Point at the element's id when it has one: that is what a reader looks for.
        let id = map.get("id").filter(|e| e.value.as_scalar().is_some());
        let at = id
            .map(|e| e.value.range)
            .or_else(|| map.entries.first().map(|e| e.key.range))
            .unwrap_or(TextRange::empty(node_range.start));
        let example = format!("{}: {}", field.key, field.example);
        let hint = match field.ty {
            Ty::Enum(values) => {
                let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
                format!("add `{}:` with one of {}", field.key, list.join(", "))
            }
            _ => format!("add `{example}`"),
        };
        let mut d = Diagnostic::new(
            Code::MissingKey,
            at,
            format!("{} is missing the required key `{}`; {hint}", shape.what, field.key),
        );
        if let Some(first) = map.entries.first() {
            let start = first.key.range.start;
            let separator =
                if map.flow { ", ".to_owned() } else { format!("\n{}", " ".repeat(self.column(start) as usize)) };
            d = d.with_fix(format!("Add `{}`", field.key), TextRange::empty(start), format!("{example}{separator}"));
        }
        self.push(d);
    }

    /// Checks one value against its field's type and converts it.
    fn value<'n>(&mut self, field: &'static Field, node: &'n Node, shape: &'static Shape) -> Option<Val<'n>> {
        match field.ty {
            Ty::Object(inner) => {
                if node.as_mapping().is_none() {
                    self.object(node, inner, Some(&format!("`{}`", field.key)));
                    return None;
                }
                Some(Val::Node(node))
            }
            Ty::List(inner) => {
                if node.as_sequence().is_none() {
                    let msg = format!(
                        "`{}` must be a list of {}s (`- id: ...` items); found {}",
                        field.key,
                        inner.what.trim_start_matches("a ").trim_start_matches("an "),
                        node.describe()
                    );
                    self.report(Code::WrongType, node.range, msg);
                    return None;
                }
                Some(Val::Node(node))
            }
            Ty::Refs(_) | Ty::ExtRefs | Ty::Paths | Ty::Classes | Ty::Cited { list: true, .. } => {
                let list = self.scalar_list(field, node)?;
                let list = match field.ty {
                    Ty::Refs(kinds) => {
                        let ids: Vec<_> = list.into_iter().filter(|s| self.check_id(s, field.key)).collect();
                        for id in &ids {
                            self.model.references.push(Reference {
                                target: id.clone(),
                                expected: kinds,
                                key: field.key,
                            });
                        }
                        ids
                    }
                    Ty::ExtRefs => {
                        for r in &list {
                            self.check_ext_ref(r);
                        }
                        self.model.ext_refs.extend(list.iter().cloned());
                        list
                    }
                    Ty::Classes => {
                        let ids: Vec<_> = list.into_iter().filter(|s| self.check_id(s, field.key)).collect();
                        for id in &ids {
                            self.model.class_refs.push(ClassRef { target: id.clone(), builtin_only: false });
                        }
                        ids
                    }
                    Ty::Cited { taxonomy, .. } => {
                        list.into_iter().filter(|bare| self.cited(taxonomy, field.key, bare)).collect()
                    }
                    _ => list,
                };
                Some(Val::List(list))
            }
            Ty::Version => {
                let scalar = node.as_scalar().filter(|s| s.kind == ScalarKind::Int);
                let Some(version) = scalar.and_then(|s| s.text.parse::<i64>().ok()) else {
                    self.report(
                        Code::WrongType,
                        node.range,
                        format!("`threatmodel` must be the format version, the number 1; found {}", node.describe()),
                    );
                    return None;
                };
                if version != 1 {
                    let msg = format!(
                        "this file is written in format version {version}, but this threatls reads version 1; write `threatmodel: 1` or upgrade threatls"
                    );
                    self.report(Code::UnsupportedVersion, node.range, msg);
                }
                Some(Val::Int(Spanned { value: version, range: node.range }))
            }
            _ => {
                let text = self.scalar(field, node)?;
                self.scalar_value(field, text, shape)
            }
        }
    }

    /// The checks of single-scalar types.
    fn scalar_value<'n>(
        &mut self,
        field: &'static Field,
        text: Spanned<String>,
        shape: &'static Shape,
    ) -> Option<Val<'n>> {
        match field.ty {
            Ty::Text => Some(Val::Text(text)),
            Ty::Id => self.check_id(&text, field.key).then_some(Val::Text(text)),
            Ty::Ref(kinds) => {
                if !self.check_id(&text, field.key) {
                    return None;
                }
                self.model.references.push(Reference { target: text.clone(), expected: kinds, key: field.key });
                Some(Val::Text(text))
            }
            Ty::Class => {
                if !self.check_id(&text, field.key) {
                    return None;
                }
                let builtin_only = std::ptr::eq(shape, &schema::CLASS);
                self.model.class_refs.push(ClassRef { target: text.clone(), builtin_only });
                Some(Val::Text(text))
            }
            Ty::Cited { taxonomy, .. } => self.cited(taxonomy, field.key, &text).then_some(Val::Text(text)),
            Ty::Enum(values) => {
                if values.contains(&text.value.as_str()) {
                    return Some(Val::Text(text));
                }
                self.invalid_value(&text, field.key, values.iter().copied());
                None
            }
            Ty::Date => match Date::parse(&text.value) {
                Some(value) => Some(Val::Date(Spanned { value, range: text.range })),
                None => {
                    let msg = format!(
                        "`{}` is not a date: write `{}` as `YYYY-MM-DD`, a day that exists, like `{}`",
                        text.value, field.key, field.example
                    );
                    self.report(Code::InvalidDate, text.range, msg);
                    None
                }
            },
            Ty::Cadence => match Cadence::parse(&text.value) {
                Some(value) => Some(Val::Cadence(Spanned { value, range: text.range })),
                None => {
                    self.invalid_value(&text, field.key, schema::CADENCES.iter().copied());
                    None
                }
            },
            Ty::Version | Ty::Refs(_) | Ty::ExtRefs | Ty::Paths | Ty::Classes | Ty::Object(_) | Ty::List(_) => None,
        }
    }

    /// A single scalar value as text; lists and mappings are wrong types.
    fn scalar(&mut self, field: &Field, node: &Node) -> Option<Spanned<String>> {
        match node.as_scalar() {
            Some(s) => Some(Spanned { value: s.text.clone(), range: node.range }),
            None => {
                let msg = format!("`{}` must be {}; found {}", field.key, expected(field), node.describe());
                self.report(Code::WrongType, node.range, msg);
                None
            }
        }
    }

    /// A list of scalars; a lone scalar is a wrong type with a fix that wraps it in brackets.
    fn scalar_list(&mut self, field: &Field, node: &Node) -> Option<Vec<Spanned<String>>> {
        let Some(seq) = node.as_sequence() else {
            let mut d = Diagnostic::new(
                Code::WrongType,
                node.range,
                format!("`{}` must be {}; found {}", field.key, expected(field), node.describe()),
            );
            if let Some(s) = node.as_scalar() {
                d.message.push_str(&format!("; write `[{}]`", s.text));
                d = d.with_fix("Wrap in a list", node.range, format!("[{}]", s.text));
            }
            self.push(d);
            return None;
        };
        let mut out = Vec::new();
        for item in &seq.items {
            match item.as_scalar() {
                Some(s) if s.kind != ScalarKind::Null => out.push(Spanned { value: s.text.clone(), range: item.range }),
                _ if matches!(item.value, Value::Invalid) => {}
                _ => {
                    let msg =
                        format!("each entry of `{}` must be a single value; found {}", field.key, item.describe());
                    self.report(Code::WrongType, item.range, msg);
                }
            }
        }
        Some(out)
    }

    fn check_id(&mut self, id: &Spanned<String>, key: &str) -> bool {
        if is_valid_id(&id.value) {
            return true;
        }
        let slug = slugify(&id.value);
        let what = if key == "id" { "an id".to_owned() } else { format!("an id in `{key}`") };
        let mut d = Diagnostic::new(
            Code::InvalidId,
            id.range,
            format!("`{}` is not valid as {what}: ids use only letters, digits, `-` and `_`", id.value),
        );
        if !slug.is_empty() {
            d.message.push_str(&format!("; try `{slug}`"));
            d = d.with_fix(format!("Use `{slug}`"), id.range, slug);
        }
        self.push(d);
        false
    }

    /// Checks a bare id of a taxonomy (`89` under `cwe:`) and records it as the external
    /// reference it stands for, so it is checked against the catalog and hovered like one.
    fn cited(&mut self, taxonomy: Taxonomy, key: &str, bare: &Spanned<String>) -> bool {
        let Some(reference) = taxonomy.reference(&bare.value) else {
            let msg = format!("`{}` is not valid in `{key}`: write {}", bare.value, taxonomy.form());
            let mut d = Diagnostic::new(Code::InvalidRef, bare.range, msg);
            // `4.2.1` for `V4.2.1`, `cwe-89` for `89`.
            let upper = bare.value.to_ascii_uppercase();
            let fix = [format!("V{}", bare.value), upper.clone()]
                .into_iter()
                .find(|f| *f != bare.value && taxonomy.reference(f).is_some());
            if let Some(fix) = fix {
                d = d.with_suggestion(bare.range, &fix);
            }
            self.push(d);
            return false;
        };
        let reference = Spanned { value: reference, range: bare.range };
        self.check_ext_ref(&reference);
        self.model.ext_refs.push(reference);
        true
    }

    fn check_ext_ref(&mut self, r: &Spanned<String>) {
        if let Err(problem) = super::check_ext_ref(&r.value) {
            let mut d = Diagnostic::new(Code::InvalidRef, r.range, problem.message);
            if let Some(fix) = problem.fix {
                d = d.with_fix(format!("Use `{fix}`"), r.range, fix);
            }
            self.push(d);
        } else if let Some(info) = crate::catalog::reference(&r.value).filter(|i| i.unknown_number) {
            let msg = format!(
                "`{}` is not in threatls' catalog, which lists the common weaknesses and attack patterns only; check the number at {}",
                r.value, info.link
            );
            self.push(Diagnostic::new(Code::UnlistedRef, r.range, msg));
        }
    }

    fn invalid_value<'v>(&mut self, text: &Spanned<String>, key: &str, allowed: impl Iterator<Item = &'v str> + Clone) {
        let list: Vec<String> = allowed.clone().map(|v| format!("`{v}`")).collect();
        let mut d = Diagnostic::new(
            Code::InvalidValue,
            text.range,
            format!("`{}` is not a valid `{key}`: use one of {}", text.value, list.join(", ")),
        );
        if key == "cadence" {
            d.message.push_str(", or a number of days such as `45d`");
        }
        if let Some(s) = did_you_mean(&text.value, allowed) {
            d = d.with_suggestion(text.range, s);
        }
        self.push(d);
    }

    fn column(&self, offset: u32) -> u32 {
        let before = self.text.get(..offset as usize).unwrap_or("");
        let start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        offset.saturating_sub(u32::try_from(start).unwrap_or(0))
    }

    fn report(&mut self, code: Code, range: TextRange, message: impl Into<String>) {
        self.push(Diagnostic::new(code, range, message));
    }

    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }
}

/// What a field's type expects, for "must be X" messages.
fn expected(field: &Field) -> String {
    match field.ty {
        Ty::Version => "the number 1".to_owned(),
        Ty::Text => "text".to_owned(),
        Ty::Id | Ty::Ref(_) => format!("a single id, like `{}`", field.example),
        Ty::Class => format!("a threat class id, like `{}`", field.example),
        Ty::Classes => format!("a list of threat class ids, like `{}`", field.example),
        Ty::Cited { taxonomy, list: false } => taxonomy.form().to_owned(),
        Ty::Cited { list: true, .. } => format!("a list, like `{}`", field.example),
        Ty::Date => format!("a date, like `{}`", field.example),
        Ty::Cadence => "a cadence such as `quarterly` or `45d`".to_owned(),
        Ty::Enum(values) => {
            format!("one of {}", values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", "))
        }
        Ty::Refs(_) => format!("a list of ids, like `{}`", field.example),
        Ty::ExtRefs => format!("a list of references, like `{}`", field.example),
        Ty::Paths => format!("a list of paths, like `{}`", field.example),
        Ty::Object(shape) => shape.what.to_owned(),
        Ty::List(shape) => format!("a list of {}", shape.what),
    }
}

/// A valid id close to an invalid one: `Billing API` becomes `Billing-API`.
fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}
