//! Byte offsets to and from line/column positions.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, exactly as the Language Server Protocol counts them.
//! Every conversion clamps: a position past the end of a line lands at the line's end, a line past
//! the end of the text lands at the end of the text, and an offset inside a multi-byte character
//! moves back to the character's start. Nothing here panics on any input.

use super::TextRange;

/// A zero-based line and a zero-based column counted in UTF-8 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The unit in which a column is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PositionEncoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units: LSP's default and JavaScript's string indices.
    Utf16,
    /// Unicode scalar values: what a terminal user counts as characters.
    Utf32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset at which each line starts; the first is always 0.
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        // memchr finds the line ends many bytes at a time: a 1 MB model is indexed again after
        // every keystroke.
        let mut ends = memchr::memchr2_iter(b'\n', b'\r', bytes).peekable();
        while let Some(i) = ends.next() {
            if bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n') {
                ends.next(); // the `\n` of this `\r\n`
                line_starts.push(to_u32(i + 2));
            } else {
                line_starts.push(to_u32(i + 1));
            }
        }
        LineIndex { line_starts, len: to_u32(text.len()) }
    }

    /// The index of `new`, which is the text this one indexes with the bytes from `at` to
    /// `old_end` replaced by those from `at` to `new_end`: the line starts before the change are
    /// kept, those after it moved, and only the changed bytes are looked at. A large model is
    /// edited a keystroke at a time, and indexing all of it again was a tenth of each edit.
    pub fn edited(&self, new: &str, at: u32, old_end: u32, new_end: u32) -> LineIndex {
        let bytes = new.as_bytes();
        let delta = i64::from(to_u32(new.len())) - i64::from(self.len);
        // A line start depends on the byte before it and the byte at it (`\r` then `\n` is one
        // end), so the starts from `at` to `new_end` are found again.
        let kept = self.line_starts.partition_point(|&s| s < at);
        let moved = self.line_starts.partition_point(|&s| s <= old_end);
        let mut line_starts = Vec::with_capacity(self.line_starts.len());
        line_starts.extend(self.line_starts.get(..kept).unwrap_or_default());
        if at == 0 {
            line_starts.push(0);
        }
        let from = (at as usize).saturating_sub(1);
        let window = bytes.get(from..(new_end as usize).min(bytes.len())).unwrap_or_default();
        for i in memchr::memchr2_iter(b'\n', b'\r', window).map(|i| i + from) {
            let is_end = bytes.get(i) == Some(&b'\n') || bytes.get(i + 1) != Some(&b'\n');
            if is_end && i + 1 >= at as usize {
                line_starts.push(to_u32(i + 1));
            }
        }
        let shift = |s: &u32| u32::try_from(i64::from(*s) + delta).unwrap_or(u32::MAX);
        line_starts.extend(self.line_starts.get(moved..).unwrap_or_default().iter().map(shift));
        LineIndex { line_starts, len: to_u32(new.len()) }
    }

    pub fn line_count(&self) -> u32 {
        to_u32(self.line_starts.len())
    }

    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The line and byte column of `offset` (clamped to the text).
    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        LineCol { line: to_u32(line), col: offset - start }
    }

    /// The range of a line's content, without its terminator; `None` past the last line.
    pub fn line_range(&self, text: &str, line: u32) -> Option<TextRange> {
        let start = *self.line_starts.get(line as usize)?;
        let next = self.line_starts.get(line as usize + 1).copied().unwrap_or(self.len);
        let mut end = next;
        let bytes = text.as_bytes();
        while end > start && matches!(bytes.get(end as usize - 1), Some(b'\n' | b'\r')) {
            end -= 1;
        }
        Some(TextRange::new(start, end))
    }

    /// The column of `offset` in `encoding`, with its line.
    pub fn position(&self, text: &str, offset: u32, encoding: PositionEncoding) -> LineCol {
        let lc = self.line_col(floor_char_boundary(text, offset.min(self.len)));
        let Some(line) = self.line_range(text, lc.line) else { return lc };
        let prefix_end = (line.start + lc.col).min(line.end);
        let prefix = text.get(line.start as usize..prefix_end as usize).unwrap_or("");
        LineCol { line: lc.line, col: encoded_len(prefix, encoding) }
    }

    /// The byte offset of a line and a column in `encoding`, clamped to the line and the text.
    pub fn offset(&self, text: &str, position: LineCol, encoding: PositionEncoding) -> u32 {
        let Some(line) = self.line_range(text, position.line) else { return self.len };
        let content = text.get(line.as_usize()).unwrap_or("");
        let mut units = 0u32;
        for (byte, ch) in content.char_indices() {
            if units >= position.col {
                return line.start + to_u32(byte);
            }
            units += char_len(ch, encoding);
            if units > position.col {
                // The column points inside a character (half of a surrogate pair): keep its start.
                return line.start + to_u32(byte);
            }
        }
        line.end
    }
}

fn encoded_len(s: &str, encoding: PositionEncoding) -> u32 {
    match encoding {
        PositionEncoding::Utf8 => to_u32(s.len()),
        PositionEncoding::Utf16 => to_u32(s.encode_utf16().count()),
        PositionEncoding::Utf32 => to_u32(s.chars().count()),
    }
}

fn char_len(ch: char, encoding: PositionEncoding) -> u32 {
    match encoding {
        PositionEncoding::Utf8 => to_u32(ch.len_utf8()),
        PositionEncoding::Utf16 => to_u32(ch.len_utf16()),
        PositionEncoding::Utf32 => 1,
    }
}

/// The largest char boundary at or before `offset`.
pub(crate) fn floor_char_boundary(text: &str, offset: u32) -> u32 {
    let mut i = (offset as usize).min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    to_u32(i)
}

/// Offsets are `u32`: every file is far below 4 GiB because of the size limits.
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let text = "a\nb\r\nc\rd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_col(5), LineCol { line: 2, col: 0 });
        assert_eq!(index.line_col(7), LineCol { line: 3, col: 0 });
        assert_eq!(index.line_range(text, 1), Some(TextRange::new(2, 3)));
        assert_eq!(index.line_range(text, 4), None);
    }

    #[test]
    fn line_starts_follow_every_mix_of_line_ends() {
        // Every string of up to 6 bytes over `\r`, `\n` and `x`, against `str::lines` rules
        // extended with lone `\r`: a line starts after `\n`, after a `\r` not followed by
        // `\n`, and after `\r\n` as one end.
        let alphabet = ['\r', '\n', 'x'];
        for len in 0..=6u32 {
            for mut code in 0..3usize.pow(len) {
                let mut text = String::new();
                for _ in 0..len {
                    text.push(alphabet[code % 3]);
                    code /= 3;
                }
                let b = text.as_bytes();
                let expected: Vec<u32> = std::iter::once(0)
                    .chain((0..b.len()).filter_map(|i| {
                        let ends = b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'));
                        ends.then(|| to_u32(i + 1))
                    }))
                    .collect();
                assert_eq!(LineIndex::new(&text).line_starts, expected, "{text:?}");
            }
        }
    }

    #[test]
    fn an_edited_index_is_the_index_of_the_new_text() {
        // Every replacement of every range of every 5-byte text over `\r`, `\n` and `x` by
        // every text of up to 2 such bytes.
        let alphabet = ['\r', '\n', 'x'];
        let texts = |max: u32| {
            (0..=max).flat_map(move |len| {
                (0..3usize.pow(len)).map(move |mut code| {
                    (0..len)
                        .map(|_| {
                            let c = alphabet[code % 3];
                            code /= 3;
                            c
                        })
                        .collect::<String>()
                })
            })
        };
        for old in texts(5).filter(|t| t.len() == 5) {
            let index = LineIndex::new(&old);
            for start in 0..=old.len() {
                for end in start..=old.len() {
                    for inserted in texts(2) {
                        let new = format!("{}{inserted}{}", &old[..start], &old[end..]);
                        let new_end = to_u32(start + inserted.len());
                        let edited = index.edited(&new, to_u32(start), to_u32(end), new_end);
                        assert_eq!(edited, LineIndex::new(&new), "{old:?} -> {new:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn columns_in_each_encoding() {
        let text = "x: \"é😀\" y";
        let index = LineIndex::new(text);
        let after_emoji = text.find("\" y").map(to_u32).unwrap_or(0);
        assert_eq!(index.position(text, after_emoji, PositionEncoding::Utf8).col, 4 + 2 + 4);
        assert_eq!(index.position(text, after_emoji, PositionEncoding::Utf16).col, 4 + 1 + 2);
        assert_eq!(index.position(text, after_emoji, PositionEncoding::Utf32).col, 4 + 1 + 1);
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
            let pos = index.position(text, after_emoji, encoding);
            assert_eq!(index.offset(text, pos, encoding), after_emoji);
        }
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, LineCol { line: 0, col: 99 }, PositionEncoding::Utf16), 2);
        assert_eq!(index.offset(text, LineCol { line: 99, col: 0 }, PositionEncoding::Utf16), 6);
        assert_eq!(index.line_col(1000), LineCol { line: 1, col: 2 });
        // Inside a surrogate pair and inside a UTF-8 sequence: back to the character's start.
        let emoji = "😀";
        let index = LineIndex::new(emoji);
        assert_eq!(index.offset(emoji, LineCol { line: 0, col: 1 }, PositionEncoding::Utf16), 0);
        assert_eq!(index.position(emoji, 2, PositionEncoding::Utf16).col, 0);
    }

    #[test]
    fn empty_text_has_one_line() {
        let index = LineIndex::new("");
        assert_eq!(index.line_count(), 1);
        assert_eq!(index.line_col(0), LineCol { line: 0, col: 0 });
        assert_eq!(index.offset("", LineCol { line: 3, col: 3 }, PositionEncoding::Utf8), 0);
    }
}
