//! Completion snippets as plain text, for clients that do not take snippet syntax: tab stops
//! vanish, a placeholder leaves its default text and a choice its first option.

use std::iter::Peekable;
use std::str::Chars;

/// The text a snippet (LSP snippet syntax) inserts when nothing is typed into it.
pub fn snippet_as_text(snippet: &str) -> String {
    let mut out = String::new();
    body(&mut snippet.chars().peekable(), &mut out, false);
    out
}

/// Reads up to the end, or up to the `}` that closes a placeholder when `nested`.
fn body(chars: &mut Peekable<Chars<'_>>, out: &mut String, nested: bool) {
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&e @ ('$' | '}' | '\\')) => {
                    out.push(e);
                    chars.next();
                }
                _ => out.push('\\'),
            },
            '}' if nested => return,
            '$' => tab_stop(chars, out),
            _ => out.push(c),
        }
    }
}

/// After a `$`: `1`, `name`, `{1}`, `{1:default}` or `{1|first,second|}`.
fn tab_stop(chars: &mut Peekable<Chars<'_>>, out: &mut String) {
    let word = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
    if chars.peek().is_some_and(word) {
        while chars.next_if(word).is_some() {}
        return;
    }
    if chars.next_if_eq(&'{').is_none() {
        out.push('$');
        return;
    }
    while chars.next_if(word).is_some() {}
    match chars.next() {
        Some(':') => body(chars, out, true),
        Some('|') => choice(chars, out),
        _ => {}
    }
}

/// The options of a choice, after its `|`: the first is kept, the rest and `|}` skipped.
fn choice(chars: &mut Peekable<Chars<'_>>, out: &mut String) {
    let mut first = true;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(e) = chars.next().filter(|_| first) {
                    out.push(e);
                }
            }
            ',' => first = false,
            '|' if chars.next_if_eq(&'}').is_some() => return,
            _ if first => out.push(c),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::snippet_as_text;

    #[test]
    fn tab_stops_placeholders_choices_and_escapes() {
        let cases = [
            ("id: $0", "id: "),
            ("mitigates: [$3]", "mitigates: []"),
            ("id: ${1:new-threat}", "id: new-threat"),
            ("status: ${4|planned,in-progress,implemented|}", "status: planned"),
            ("${1:outer ${2:inner}} end", "outer inner end"),
            ("cost: \\$5 \\} \\\\ done", "cost: $5 } \\ done"),
            ("${1|a\\,b,c|}", "a,b"),
            ("${name}x$TM_FILENAME", "x"),
            ("lone $ and { and }", "lone $ and { and }"),
            ("unclosed ${1:text", "unclosed text"),
            ("unclosed ${1|a,b", "unclosed a"),
            ("trailing \\", "trailing \\"),
        ];
        for (snippet, text) in cases {
            assert_eq!(snippet_as_text(snippet), text, "{snippet}");
        }
    }
}
