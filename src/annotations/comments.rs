//! Where the comments of a file are, and the body of each comment line.
//!
//! A small lexer walks the file once, skipping string literals, and records each comment's
//! span. It runs only on files that the byte prefilter found a candidate `@verb` in, and only
//! up to the last candidate.

use memchr::memmem;

use super::languages::{CommentSyntax, GAL};

/// One comment: `start` is the marker or opening delimiter, `body` where its text begins, `end`
/// where its text ends (before a closing delimiter; the line end for line comments).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Comment {
    pub start: usize,
    pub body: usize,
    pub end: usize,
    /// The marker's characters that may repeat (`///`, `##`, `--`), for line comments.
    pub repeat: Option<u8>,
}

pub(super) struct Comments {
    spans: Vec<Comment>,
    gal: bool,
}

impl Comments {
    pub(super) fn scan(text: &[u8], syntax: &'static CommentSyntax, limit: usize) -> Comments {
        if std::ptr::eq(syntax, &GAL) {
            return Comments { spans: Vec::new(), gal: true };
        }
        Comments { spans: lex(text, syntax, limit.min(text.len())), gal: false }
    }

    /// The body of the line `line` (`start..end`, without its terminator) if the line is a
    /// comment line: where the text after the marker, blanks and decorating `*`s begins, and
    /// where it ends. `None` when the line holds no comment text.
    pub(super) fn body_of_line(&self, text: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
        if self.gal {
            return Some((skip_blanks(text, start, end), end));
        }
        // The comment that contains or starts on this line: the last one starting before its end.
        let i = self.spans.partition_point(|c| c.start < end);
        let comment = self.spans.get(i.checked_sub(1)?)?;
        if comment.end < start || (comment.end == start && comment.repeat.is_none()) {
            return None;
        }
        let from = comment.body.max(start);
        let until = comment.end.min(end);
        let mut at = from;
        if comment.body >= start {
            // The comment opens on this line: skip repeated marker characters (`///`, `//!`).
            if let Some(repeat) = comment.repeat {
                while at < until && (text.get(at) == Some(&repeat) || text.get(at) == Some(&b'!')) {
                    at += 1;
                }
            } else if text.get(at) == Some(&b'!') {
                at += 1;
            }
        }
        at = skip_blanks(text, at, until);
        if comment.repeat.is_none() {
            // Block comments: a run of `*` decorates each line (`/**`, ` * @asset ...`).
            while at < until && text.get(at) == Some(&b'*') {
                at += 1;
            }
            at = skip_blanks(text, at, until);
        }
        Some((at, until))
    }
}

fn skip_blanks(text: &[u8], mut at: usize, end: usize) -> usize {
    while at < end && matches!(text.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    at
}

/// Finds every comment that starts before `limit`.
fn lex(text: &[u8], syntax: &CommentSyntax, limit: usize) -> Vec<Comment> {
    let mut interesting = [false; 256];
    let firsts = syntax
        .line
        .iter()
        .copied()
        .chain(syntax.block.iter().map(|(open, _)| *open))
        .filter_map(|m| m.as_bytes().first());
    for &b in firsts.chain(syntax.strings) {
        if let Some(slot) = interesting.get_mut(usize::from(b)) {
            *slot = true;
        }
    }
    // With at most three bytes of interest (most languages), jump between them with memchr.
    let firsts: Vec<u8> = (0..=255u8).filter(|b| interesting.get(usize::from(*b)).copied().unwrap_or(false)).collect();
    let jump = |from: usize| -> usize {
        let rest = text.get(from..limit).unwrap_or_default();
        let found = match firsts.as_slice() {
            [a] => memchr::memchr(*a, rest),
            [a, b] => memchr::memchr2(*a, *b, rest),
            [a, b, c] => memchr::memchr3(*a, *b, *c, rest),
            _ => rest.iter().position(|b| interesting.get(usize::from(*b)).copied().unwrap_or(false)),
        };
        found.map_or(limit, |n| from + n)
    };
    let mut spans = Vec::new();
    let mut i = 0;
    while i < limit {
        i = jump(i);
        let Some(&b) = text.get(i).filter(|_| i < limit) else { break };
        let rest = text.get(i..).unwrap_or_default();
        if let Some((open, close)) = syntax.block.iter().find(|(open, _)| rest.starts_with(open.as_bytes())) {
            let body = i + open.len();
            let (end, next) = match memmem::find(text.get(body..).unwrap_or_default(), close.as_bytes()) {
                Some(found) => (body + found, body + found + close.len()),
                None => (text.len(), text.len()),
            };
            spans.push(Comment { start: i, body, end, repeat: None });
            i = next;
        } else if let Some(marker) =
            syntax.line.iter().find(|m| rest.starts_with(m.as_bytes()) && marker_stands(text, i, m))
        {
            let end = line_end(text, i);
            let repeat = marker.as_bytes().first().copied().filter(|c| !c.is_ascii_alphabetic());
            spans.push(Comment { start: i, body: i + marker.len(), end, repeat });
            i = end;
        } else if syntax.strings.contains(&b) {
            i = string_end(text, i, b);
        } else {
            i += 1;
        }
    }
    spans
}

/// `'` starts a comment in Visual Basic but must not inside a word; `REM` needs its own word.
fn marker_stands(text: &[u8], at: usize, marker: &str) -> bool {
    if !marker.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return true;
    }
    at == 0 || matches!(text.get(at - 1), Some(b' ' | b'\t' | b'\n' | b'\r'))
}

fn line_end(text: &[u8], from: usize) -> usize {
    memchr::memchr2(b'\n', b'\r', text.get(from..).unwrap_or_default()).map_or(text.len(), |n| from + n)
}

/// The position after the string that opens at `at`. Strings other than backtick ones stop at
/// the end of the line, so a stray quote cannot hide the rest of the file.
fn string_end(text: &[u8], at: usize, quote: u8) -> usize {
    let multiline = quote == b'`';
    let mut i = at + 1;
    while let Some(&b) = text.get(i) {
        match b {
            b'\\' => i += 2,
            b'\n' | b'\r' if !multiline => return i,
            _ if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::super::languages::{C_LIKE, GAL, MARKUP, PYTHON, RUST};
    use super::*;

    /// The comment body of each line, as text.
    fn bodies<'a>(text: &'a str, syntax: &'static CommentSyntax) -> Vec<Option<&'a str>> {
        let comments = Comments::scan(text.as_bytes(), syntax, text.len());
        let mut out = Vec::new();
        let mut start = 0;
        for line in text.split('\n') {
            let end = start + line.len();
            out.push(comments.body_of_line(text.as_bytes(), start, end).map(|(a, b)| &text[a..b]));
            start = end + 1;
        }
        out
    }

    #[test]
    fn line_and_block_comments() {
        let text =
            "x = 1; // @asset A\n/**\n * @asset B\n bare @asset C\n */\nlet s = \"// not a comment\";\n/// @asset D\n";
        assert_eq!(
            bodies(text, &C_LIKE),
            vec![
                Some("@asset A"),
                Some(""),
                Some("@asset B"),
                Some("bare @asset C"),
                Some(""),
                None,
                Some("@asset D"),
                None
            ]
        );
    }

    #[test]
    fn strings_hide_markers() {
        assert_eq!(bodies("let url = \"http://x\"; y", &RUST), vec![None]);
        assert_eq!(bodies("s = '# @asset X'  # @asset Y", &PYTHON), vec![Some("@asset Y")]);
        // A quote left open does not swallow the next line.
        assert_eq!(bodies("s = \"open\n# @asset Z", &PYTHON), vec![None, Some("@asset Z")]);
    }

    #[test]
    fn docstrings_markup_and_unterminated_blocks() {
        assert_eq!(bodies("\"\"\"\n@asset A\n\"\"\"", &PYTHON), vec![Some(""), Some("@asset A"), None]);
        assert_eq!(bodies("<!-- @asset H -->", &MARKUP), vec![Some("@asset H ")]);
        assert_eq!(bodies("/* open\n * @asset U", &C_LIKE), vec![Some("open"), Some("@asset U")]);
        assert_eq!(bodies("  @asset G", &GAL), vec![Some("@asset G")]);
    }
}
