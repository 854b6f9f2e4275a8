//! An open document: its text as a rope, edited in place by incremental changes.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent};

use crate::syntax::PositionEncoding;

#[derive(Debug)]
pub(super) struct Document {
    rope: Rope,
    pub version: i32,
}

impl Document {
    pub(super) fn new(text: &str, version: i32) -> Document {
        Document { rope: Rope::from_str(text), version }
    }

    pub(super) fn text(&self) -> String {
        self.rope.to_string()
    }

    /// Whether the document's text is `text`, without collecting it.
    pub(super) fn is(&self, text: &str) -> bool {
        self.rope == text
    }

    /// Applies one change: a range replacement, or the whole text when it has no range.
    /// Positions past the end of a line or of the document are clamped.
    pub(super) fn apply(&mut self, change: &TextDocumentContentChangeEvent, encoding: PositionEncoding) {
        match change.range {
            None => self.rope = Rope::from_str(&change.text),
            Some(range) => {
                let start = self.char_index(range.start, encoding);
                let end = self.char_index(range.end, encoding).max(start);
                self.rope.remove(start..end);
                self.rope.insert(start, &change.text);
            }
        }
    }

    /// The character index of a position, clamped to its line and to the document.
    fn char_index(&self, position: Position, encoding: PositionEncoding) -> usize {
        let line = position.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_chars();
        }
        let start = self.rope.line_to_char(line);
        let slice = self.rope.line(line);
        // The line's length without its terminator (`\n`, `\r\n` or `\r`).
        let mut chars = slice.len_chars();
        while chars > 0 && matches!(slice.char(chars - 1), '\n' | '\r') {
            chars -= 1;
        }
        let col = position.character as usize;
        let within = match encoding {
            PositionEncoding::Utf8 => {
                let bytes = slice.char_to_byte(chars);
                slice.byte_to_char(col.min(bytes))
            }
            PositionEncoding::Utf16 => {
                let units = slice.char_to_utf16_cu(chars);
                slice.utf16_cu_to_char(col.min(units))
            }
            PositionEncoding::Utf32 => col.min(chars),
        };
        start + within
    }
}

#[cfg(test)]
mod tests {
    use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

    use super::Document;
    use crate::syntax::PositionEncoding::{self, *};

    fn edit(doc: &mut Document, (l1, c1): (u32, u32), (l2, c2): (u32, u32), text: &str, encoding: PositionEncoding) {
        let range = Range { start: Position { line: l1, character: c1 }, end: Position { line: l2, character: c2 } };
        doc.apply(
            &TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: text.into() },
            encoding,
        );
    }

    #[test]
    fn edits_in_each_encoding() {
        let mut doc = Document::new("a😀b\r\nsecond\rthird\n", 1);
        edit(&mut doc, (0, 3), (0, 4), "X", Utf16); // after the emoji (2 UTF-16 units)
        assert_eq!(doc.text(), "a😀X\r\nsecond\rthird\n");
        edit(&mut doc, (0, 5), (0, 6), "Y", Utf8); // after the emoji (4 bytes)
        assert_eq!(doc.text(), "a😀Y\r\nsecond\rthird\n");
        edit(&mut doc, (2, 0), (2, 5), "3rd", Utf32); // a lone CR ends line 1
        assert_eq!(doc.text(), "a😀Y\r\nsecond\r3rd\n");
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let mut doc = Document::new("ab\ncd", 1);
        edit(&mut doc, (0, 99), (0, 120), "!", Utf16);
        assert_eq!(doc.text(), "ab!\ncd");
        edit(&mut doc, (40, 0), (50, 3), "?", Utf16);
        assert_eq!(doc.text(), "ab!\ncd?");
        edit(&mut doc, (1, 2), (0, 0), "", Utf16); // an inverted range removes nothing
        assert_eq!(doc.text(), "ab!\ncd?");
    }
}
