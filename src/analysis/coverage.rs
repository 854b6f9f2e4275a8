//! STRIDE per element: an asset on a flow that crosses a trust boundary should have threats of
//! the STRIDE classes that apply to its kind (as Microsoft's Threat Modeling Tool and OWASP
//! Threat Dragon suggest them). The hint names the classes that no threat affecting it covers.

use hashbrown::{HashMap, HashSet};

use crate::catalog::{Family, View};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Detail, Element, Kind};

use super::{Analysed, Index};

const SPOOFING: &str = "spoofing";
const TAMPERING: &str = "tampering";
const REPUDIATION: &str = "repudiation";
const DISCLOSURE: &str = "information-disclosure";
const DENIAL: &str = "denial-of-service";
const ELEVATION: &str = "elevation-of-privilege";

/// The STRIDE classes that apply to an asset of this kind, after Microsoft's STRIDE-per-element
/// table. Data stores leave out repudiation, which the table marks as applying to audit logs only.
fn expected(asset_kind: &str) -> &'static [&'static str] {
    match asset_kind {
        "process" => &[SPOOFING, TAMPERING, REPUDIATION, DISCLOSURE, DENIAL, ELEVATION],
        "datastore" => &[TAMPERING, DISCLOSURE, DENIAL],
        "external-entity" | "actor" => &[SPOOFING, REPUDIATION],
        _ => &[],
    }
}

pub(super) fn check(files: &Analysed<'_>, index: &Index, sink: &mut impl FnMut(&str, Diagnostic)) {
    let elements = || files.iter().flat_map(|f| f.model.elements.iter());
    // The first boundary-crossing flow of each asset.
    let mut crossing: HashMap<&str, &str> = HashMap::new();
    for flow in elements() {
        let Detail::Flow { from: Some(from), to: Some(to), .. } = &flow.detail else { continue };
        let (Some(a), Some(b)) = (asset(index, &from.value), asset(index, &to.value)) else { continue };
        if boundary(a) != boundary(b) {
            crossing.entry(a.id.value.as_str()).or_insert(&flow.id.value);
            crossing.entry(b.id.value.as_str()).or_insert(&flow.id.value);
        }
    }
    if crossing.is_empty() {
        return;
    }
    let catalog = index.catalog();
    let mut covered: HashMap<&str, HashSet<&str>> = HashMap::new();
    for threat in elements() {
        let Detail::Threat(t) = &threat.detail else { continue };
        let Some(stride) = t.class.as_ref().and_then(|c| stride_class(catalog, &c.value)) else { continue };
        for target in t.affects.iter().filter(|a| crossing.contains_key(a.value.as_str())) {
            covered.entry(target.value.as_str()).or_default().insert(stride);
        }
    }
    for file in files.iter() {
        for element in &file.model.elements {
            let Detail::Asset { asset_kind: Some(kind), .. } = &element.detail else { continue };
            let Some(flow) = crossing.get(element.id.value.as_str()) else { continue };
            // Only the asset's first definition; a duplicate is reported elsewhere.
            if !index.def(&element.id.value).is_some_and(|d| std::ptr::eq(d.element, element)) {
                continue;
            }
            let have = covered.get(element.id.value.as_str());
            let missing: Vec<String> = expected(&kind.value)
                .iter()
                .filter(|c| !have.is_some_and(|h| h.contains(**c)))
                .map(|c| format!("`{c}`"))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let article = if kind.value.starts_with(['a', 'e']) { "an" } else { "a" };
            let msg = format!(
                "`{id}`, {article} {kind} on `{flow}` across a trust boundary, has no threat of class {missing} (or of a class under one), which STRIDE per element suggests for {article} {kind}; add threats for them, or set `stride-coverage = \"off\"` under `[rules]` in threatls.toml",
                id = element.id.value,
                kind = kind.value,
                missing = or_list(&missing),
            );
            sink(&file.path, Diagnostic::new(Code::StrideCoverage, element.id.range, msg));
        }
    }
}

fn asset<'a>(index: &'a Index, id: &str) -> Option<&'a Element> {
    index.def(id).map(|d| d.element).filter(|e| e.kind == Kind::Asset)
}

fn boundary(asset: &Element) -> Option<&str> {
    match &asset.detail {
        Detail::Asset { boundary, .. } => boundary.as_ref().map(|b| b.value.as_str()),
        _ => None,
    }
}

/// The STRIDE class a class is, or refines; `None` for LINDDUN and unknown classes.
fn stride_class<'a>(catalog: View<'a>, id: &str) -> Option<&'a str> {
    let class = catalog.class(id)?;
    if class.family != Family::Stride {
        return None;
    }
    match &class.parent {
        Some(parent) => catalog.class(parent).map(|p| p.id.as_str()),
        None => Some(class.id.as_str()),
    }
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`".
fn or_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}
