//! The diagram in Graphviz's DOT language (`dot -Tsvg`, `dot -Tpng`).
//!
//! Ids are generated (`n0`, `cluster_0`); every label is a double-quoted string with `"` and
//! `\` escaped (a backslash would start one of Graphviz's escapes, `\N` and the like) and `&`
//! written `&amp;` (Graphviz reads HTML entities in labels).

use std::fmt::Write;

use super::diagram::{Diagram, Shape};
use super::marks::Mark;
use super::text::one_line;

const FONT: &str = "Helvetica";

pub(super) fn render(d: &Diagram) -> String {
    let mut out = String::from("digraph threatmodel {\n");
    let _ = writeln!(out, "  graph [rankdir=LR, fontname=\"{FONT}\", newrank=true];");
    let _ = writeln!(out, "  node [fontname=\"{FONT}\", fontsize=11, style=filled, fillcolor=\"#ffffff\"];");
    let _ = writeln!(out, "  edge [fontname=\"{FONT}\", fontsize=9];");
    clusters(d, None, 1, &mut out);
    for e in &d.edges {
        let _ = write!(out, "  n{} -> n{}", e.from, e.to);
        let mut attributes = Vec::new();
        if !e.label.is_empty() {
            let lines: Vec<String> = e.label.iter().map(|l| escape(l)).collect();
            attributes.push(format!("label=\"{}\"", lines.join("\\n")));
        }
        if let Some((_, line)) = e.mark.colors() {
            attributes.push(format!("color=\"{line}\", penwidth=2"));
        }
        if !attributes.is_empty() {
            let _ = write!(out, " [{}]", attributes.join(", "));
        }
        out.push_str(";\n");
    }
    out.push_str("  subgraph cluster_legend {\n    label=\"Legend\";\n    style=solid;\n    color=\"#888888\";\n");
    for (k, mark) in Mark::LEGEND.iter().enumerate() {
        let _ = writeln!(out, "    k{k} [label=\"{}\", shape=box{}];", escape(mark.meaning()), colors(*mark));
    }
    out.push_str("  }\n}\n");
    out
}

/// The clusters inside `parent` with what they hold, then the nodes directly in `parent`.
fn clusters(d: &Diagram, parent: Option<usize>, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    for (i, c) in d.clusters_in(parent) {
        let _ = writeln!(out, "{indent}subgraph cluster_{i} {{");
        let _ = writeln!(out, "{indent}  label=\"{}\";", escape(&c.label));
        let _ = writeln!(out, "{indent}  style=\"dashed,rounded\";");
        let _ = writeln!(out, "{indent}  color=\"#888888\";");
        clusters(d, Some(i), depth + 1, out);
        let _ = writeln!(out, "{indent}}}");
    }
    for (i, n) in d.nodes_in(parent) {
        let shape = match n.shape {
            Shape::Process => "shape=ellipse",
            Shape::Datastore => "shape=cylinder",
            Shape::ExternalEntity => "shape=box",
            Shape::Actor => "shape=box, peripheries=2",
            Shape::Unknown => "shape=box, style=\"dashed,filled\"",
        };
        let _ = writeln!(out, "{indent}n{i} [label=\"{}\", {shape}{}];", escape(&n.label), colors(n.mark));
    }
}

fn colors(mark: Mark) -> String {
    mark.colors().map_or_else(String::new, |(fill, line)| format!(", fillcolor=\"{fill}\", color=\"{line}\""))
}

/// Text for inside a double-quoted string.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s) {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn quotes_backslashes_and_entities_stay_text() {
        assert_eq!(escape("a \"b\" \\N &lt; c\nd"), "a \\\"b\\\" \\\\N &amp;lt; c d");
    }
}
