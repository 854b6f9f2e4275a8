//! The diagram as a Mermaid flowchart, as GitHub and GitLab render it in Markdown.
//!
//! Ids are generated (`n0`, `c0`), so no model id reaches the syntax; every label is a quoted
//! string in which the characters Mermaid treats specially anywhere (quotes, `#` entities, `%%`
//! directives, HTML, Markdown strings) are written as its `#code;` entities.

use std::fmt::Write;

use super::diagram::{Diagram, Shape};
use super::marks::Mark;
use super::text::one_line;

pub(super) fn render(d: &Diagram) -> String {
    let mut out = String::from("flowchart LR\n");
    clusters(d, None, 1, &mut out);
    for e in &d.edges {
        let _ = write!(out, "  n{} -->", e.from);
        if !e.label.is_empty() {
            let lines: Vec<String> = e.label.iter().map(|l| escape(l)).collect();
            let _ = write!(out, "|\"{}\"|", lines.join("<br/>"));
        }
        let _ = writeln!(out, " n{}", e.to);
    }
    out.push_str("  subgraph legend[\"Legend\"]\n    direction TB\n");
    for (i, mark) in Mark::LEGEND.iter().enumerate() {
        let _ = writeln!(out, "    k{i}[\"{}\"]", escape(mark.meaning()));
    }
    out.push_str("  end\n");
    for mark in Mark::LEGEND {
        if let Some((fill, line)) = mark.colors() {
            let _ = writeln!(out, "  classDef {} fill:{fill},stroke:{line},stroke-width:2px,color:#000", mark.class());
        }
    }
    for (k, mark) in Mark::LEGEND.iter().enumerate() {
        let mut members: Vec<String> =
            d.nodes.iter().enumerate().filter(|(_, n)| n.mark == *mark).map(|(i, _)| format!("n{i}")).collect();
        members.push(format!("k{k}"));
        let _ = writeln!(out, "  class {} {}", members.join(","), mark.class());
    }
    for mark in Mark::LEGEND {
        let links: Vec<String> =
            d.edges.iter().enumerate().filter(|(_, e)| e.mark == mark).map(|(i, _)| i.to_string()).collect();
        if let (false, Some((_, line))) = (links.is_empty(), mark.colors()) {
            let _ = writeln!(out, "  linkStyle {} stroke:{line},stroke-width:2px", links.join(","));
        }
    }
    for i in 0..d.clusters.len() {
        let _ = writeln!(out, "  style c{i} fill:none,stroke:#888,stroke-dasharray:6 4");
    }
    out
}

/// The clusters inside `parent` with what they hold, then the nodes directly in `parent`.
fn clusters(d: &Diagram, parent: Option<usize>, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    for (i, c) in d.clusters_in(parent) {
        let _ = writeln!(out, "{indent}subgraph c{i}[\"{}\"]", escape(&c.label));
        clusters(d, Some(i), depth + 1, out);
        let _ = writeln!(out, "{indent}end");
    }
    for (i, n) in d.nodes_in(parent) {
        let label = escape(&n.label);
        let _ = match n.shape {
            Shape::Process => writeln!(out, "{indent}n{i}([\"{label}\"])"),
            Shape::Datastore => writeln!(out, "{indent}n{i}[(\"{label}\")]"),
            Shape::ExternalEntity => writeln!(out, "{indent}n{i}[\"{label}\"]"),
            Shape::Actor => writeln!(out, "{indent}n{i}[[\"{label}\"]]"),
            Shape::Unknown => writeln!(out, "{indent}n{i}>\"{label}\"]"),
        };
    }
}

/// Text for inside a quoted label.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s) {
        match c {
            '"' => out.push_str("#quot;"),
            '#' | '&' | '<' | '>' | '%' | '`' | '|' | ';' | '\\' | '{' | '}' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    // Mermaid rewrites lines holding `style` or `classDef`, a colon and a `#` before it
    // parses them, dropping the line's last `;`: break the word so a label never matches.
    out.replace("style", "#115;tyle").replace("classDef", "#99;lassDef")
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn nothing_special_survives() {
        let escaped = escape("a \"b\" #c; %%{init}%% <i>`d`</i> | e\nstyle x:#f;");
        assert_eq!(
            escaped,
            "a #quot;b#quot; #35;c#59; #37;#37;#123;init#125;#37;#37; #60;i#62;#96;d#96;#60;/i#62; #124; e #115;tyle x:#35;f#59;"
        );
    }
}
