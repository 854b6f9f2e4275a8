//! Model text and paths in Markdown: as literal text, whatever characters they hold.

use super::text::one_line;

/// Text that renders as itself: every character that could open an inline construct (emphasis,
/// a link, HTML, a code span, a table cell's end, math) is backslash-escaped.
pub(super) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s) {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '$' | '!' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span holding `s`: its fence is longer than any run of backticks inside it.
pub(super) fn code(s: &str) -> String {
    let s: String = one_line(s).collect();
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.is_empty() { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::{code, text};

    #[test]
    fn text_is_literal() {
        assert_eq!(text("a *b* [c](d) <e> | `f` \n# g"), "a \\*b\\* \\[c\\](d) \\<e\\> \\| \\`f\\`  \\# g");
    }

    #[test]
    fn code_spans_outlast_their_backticks() {
        assert_eq!(code("web/a.ts"), "`web/a.ts`");
        assert_eq!(code("a``b"), "```a``b```");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
