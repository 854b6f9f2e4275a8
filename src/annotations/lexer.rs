//! Tokens of one annotation's text, each with its byte range in the file.

use crate::syntax::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A run of non-blank characters that is none of the below.
    Word,
    /// `(#id)`: an id definition; the text is the id.
    IdDef,
    /// `[...]`: a severity; the text is what is inside.
    Bracket,
    /// `"..."`: the text is unescaped (`\"` and `\\` only, GuardLink section 2.11).
    Quoted,
    /// `--` standing alone: the description follows.
    DescDelim,
    /// `->` standing alone.
    Arrow,
    /// `|`.
    Pipe,
    /// A `"` with no closing quote on the line.
    Unterminated,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub text: String,
    pub range: TextRange,
}

impl Token {
    pub fn is_word(&self, word: &str) -> bool {
        self.kind == TokenKind::Word && self.text.eq_ignore_ascii_case(word)
    }
}

/// Splits `text` (which starts at byte `base` of the file) into tokens.
pub fn tokenize(text: &str, base: u32) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let at = |start: usize, end: usize| TextRange::new(base + to_u32(start), base + to_u32(end));
    while i < bytes.len() {
        let Some(&b) = bytes.get(i) else { break };
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let (kind, text, end) = match b {
            b'"' => match closing_quote(bytes, i + 1) {
                Some(close) => (TokenKind::Quoted, unescape(text.get(i + 1..close).unwrap_or("")), close + 1),
                None => (TokenKind::Unterminated, text.get(i..).unwrap_or("").to_owned(), bytes.len()),
            },
            b'(' if bytes.get(i + 1) == Some(&b'#') => match text.get(i..).and_then(|t| t.find(')')) {
                Some(close) => (TokenKind::IdDef, text.get(i + 2..i + close).unwrap_or("").to_owned(), i + close + 1),
                None => word(text, i),
            },
            b'[' => match text.get(i..).and_then(|t| t.find(']')) {
                Some(close) => (TokenKind::Bracket, text.get(i + 1..i + close).unwrap_or("").to_owned(), i + close + 1),
                None => word(text, i),
            },
            b'|' => (TokenKind::Pipe, "|".to_owned(), i + 1),
            b'-' if bytes.get(i + 1) == Some(&b'-') && ends_token(bytes, i + 2) => {
                (TokenKind::DescDelim, "--".to_owned(), i + 2)
            }
            b'-' if bytes.get(i + 1) == Some(&b'>') && ends_token(bytes, i + 2) => {
                (TokenKind::Arrow, "->".to_owned(), i + 2)
            }
            _ => word(text, i),
        };
        tokens.push(Token { kind, text, range: at(start, end) });
        i = end.max(start + 1);
    }
    tokens
}

/// A word runs to the next blank, `|` or `"`.
fn word(text: &str, start: usize) -> (TokenKind, String, usize) {
    let rest = text.get(start..).unwrap_or("");
    let len = rest.find(|c: char| c.is_whitespace() || c == '|' || c == '"').unwrap_or(rest.len()).max(1);
    let len = (1..=len).rev().find(|&l| rest.is_char_boundary(l)).unwrap_or(rest.len());
    (TokenKind::Word, rest.get(..len).unwrap_or("").to_owned(), start + len)
}

/// `--` and `->` are tokens when followed by a blank, a quote or the end.
fn ends_token(bytes: &[u8], i: usize) -> bool {
    matches!(bytes.get(i), None | Some(b' ' | b'\t' | b'"'))
}

fn closing_quote(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (c, chars.clone().next()) {
            ('\\', Some(next @ ('"' | '\\'))) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::{TokenKind::*, tokenize};

    fn kinds(text: &str) -> Vec<(super::TokenKind, String)> {
        tokenize(text, 0).into_iter().map(|t| (t.kind, t.text)).collect()
    }

    #[test]
    fn tokens() {
        assert_eq!(
            kinds(r#"App.Auth (#login) [P1] cwe:CWE-89 -- "say \"hi\" \\ ok""#),
            vec![
                (Word, "App.Auth".into()),
                (IdDef, "login".into()),
                (Bracket, "P1".into()),
                (Word, "cwe:CWE-89".into()),
                (DescDelim, "--".into()),
                (Quoted, r#"say "hi" \ ok"#.into()),
            ]
        );
        assert_eq!(
            kinds("A -> B|C"),
            vec![(Word, "A".into()), (Arrow, "->".into()), (Word, "B".into()), (Pipe, "|".into()), (Word, "C".into())]
        );
        assert_eq!(kinds("A->B --x"), vec![(Word, "A->B".into()), (Word, "--x".into())]);
        assert_eq!(
            kinds(r#"--"x" "open"#),
            vec![(DescDelim, "--".into()), (Quoted, "x".into()), (Unterminated, "\"open".into())]
        );
        assert_eq!(kinds("é😀 (#"), vec![(Word, "é😀".into()), (Word, "(#".into())]);
    }

    #[test]
    fn ranges_are_offsets_in_the_file() {
        let tokens = tokenize("  #x [high]", 100);
        assert_eq!(tokens[0].range, crate::syntax::TextRange::new(102, 104));
        assert_eq!(tokens[1].range, crate::syntax::TextRange::new(105, 111));
    }
}
