//! Model text made fit for one line of any output: line breaks become spaces, and characters
//! that could hide or reorder text (other control characters, bidirectional overrides) become
//! U+FFFD, visibly. Each output then escapes what is special to it.

/// `s` as one line of plain characters.
pub(super) fn one_line(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().map(|c| match c {
        '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}' => ' ',
        c if c.is_control() || is_bidi_control(c) => '\u{FFFD}',
        c => c,
    })
}

/// Embedding, override and isolate controls, and the implicit marks (Unicode's Bidi_Control).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn breaks_become_spaces_and_hidden_controls_show() {
        let s: String = one_line("a\r\nb\u{2028}c\u{202E}d\u{0}e\u{1B}[31m ünï 😀").collect();
        assert_eq!(s, "a  b c\u{FFFD}d\u{FFFD}e\u{FFFD}[31m ünï 😀");
    }
}
