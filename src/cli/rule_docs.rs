//! Each rule's documentation, read from `docs/rules.md` as it was when threatls was built, for
//! output that carries it (SARIF's rule help). The page is the one place rules are explained;
//! this only cuts it into sections.

use crate::diagnostic::{Code, DOCS_URL};

const RULES_MD: &str = include_str!("../../docs/rules.md");

/// One rule's section of `docs/rules.md`.
#[derive(Debug)]
pub(super) struct RuleDoc {
    /// The first paragraph after the severity line, as plain text on one line.
    pub(super) description: String,
    /// The whole section as plain text: links give way to their text.
    pub(super) text: String,
    /// The whole section as Markdown, with links that work away from the page.
    pub(super) markdown: String,
}

/// `None` only for a rule without a section, which `tests/rules.rs` does not let happen.
pub(super) fn rule_doc(code: Code) -> Option<RuleDoc> {
    let markdown = absolute_links(section(code)?);
    let text = plain(&markdown);
    let description = text
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with("Default severity:"))
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    Some(RuleDoc { description, text, markdown })
}

/// The text under `## <code>`, up to the next heading. Lines in code blocks are not headings
/// (a TOML example's `# threatls.toml` comment is not a title).
fn section(code: Code) -> Option<&'static str> {
    let heading = format!("## {}", code.as_str());
    let mut fenced = false;
    let mut start = None;
    let mut offset = 0;
    for line in RULES_MD.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        if let Some(start) = start {
            return RULES_MD.get(start..here).map(str::trim);
        }
        if line.trim_end() == heading {
            start = Some(offset);
        }
    }
    RULES_MD.get(start?..).map(str::trim)
}

/// Rewrites relative link targets (`#unknown-key`, `format.md#limits`) against the published
/// documentation, since the text is shown far from the page (a code-scanning alert).
fn absolute_links(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some((before, after)) = rest.split_once("](") {
        out.push_str(before);
        out.push_str("](");
        let (target, tail) = after.split_at(after.find(')').unwrap_or(after.len()));
        if target.starts_with("https://") || target.starts_with("http://") {
            out.push_str(target);
        } else if target.starts_with('#') {
            out.push_str(&format!("{DOCS_URL}/rules.md{target}"));
        } else {
            out.push_str(&format!("{DOCS_URL}/{target}"));
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// `[text](target)` becomes `text`; the rest of the Markdown is left as it reads.
fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some((before, after)) = rest.split_once("](") {
        match (before.rfind('['), after.split_once(')')) {
            (Some(open), Some((_, tail))) => {
                out.push_str(before.get(..open).unwrap_or_default());
                out.push_str(before.get(open + 1..).unwrap_or_default());
                rest = tail;
            }
            _ => {
                out.push_str(before);
                out.push_str("](");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_its_documentation() {
        for &code in Code::ALL {
            let doc = rule_doc(code).unwrap();
            assert!(doc.description.len() > 20, "{}: {:?}", code.as_str(), doc.description);
            assert!(!doc.description.contains('\n'));
            assert!(doc.markdown.starts_with("Default severity:"), "{}", code.as_str());
            assert!(!doc.markdown.contains("\n## "), "{}: ran into the next section", code.as_str());
            assert!(!doc.markdown.contains("](#") && !doc.markdown.contains("](format.md"), "{}", code.as_str());
            assert!(!doc.text.contains("]("), "{}", code.as_str());
        }
    }

    #[test]
    fn a_comment_in_a_code_block_is_not_a_heading() {
        let doc = rule_doc(Code::StrideCoverage).unwrap();
        assert!(doc.markdown.contains("# threatls.toml\n[rules]\nstride-coverage = \"off\""), "{}", doc.markdown);
    }

    #[test]
    fn links() {
        let md = "See [`wrong-type`](#wrong-type), [limits](format.md#limits) and [x](https://e.org/a).";
        let abs = absolute_links(md);
        assert_eq!(
            abs,
            format!(
                "See [`wrong-type`]({DOCS_URL}/rules.md#wrong-type), [limits]({DOCS_URL}/format.md#limits) and [x](https://e.org/a)."
            )
        );
        assert_eq!(plain(&abs), "See `wrong-type`, limits and x.");
        assert_eq!(plain("a ]( b [c"), "a ]( b [c");
    }
}
