//! Text and positions through `LineIndex`, in every encoding, against a plain model of what the
//! conversions must return: lines end at `\n`, `\r\n` or a lone `\r`; an offset inside a
//! character moves back to its start and one in a line's terminator to the line's end; a column
//! past a line's end, or inside a character (half of a surrogate pair), lands on the last
//! character boundary at or before it; a line past the last is the end of the text.
//!
//! The first 8 bytes are a probe (an offset, a line and a column); the rest is the text. Short
//! texts are checked at every offset and every position instead.

use threatls::syntax::{LineCol, LineIndex, PositionEncoding, TextRange};

const ENCODINGS: [PositionEncoding; 3] = [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32];

/// Up to this many bytes of text, every offset and position is checked.
const EXHAUSTIVE: usize = 96;

pub fn run(data: &[u8]) {
    let Some((probe, text)) = data.split_at_checked(8) else { return };
    let text = String::from_utf8_lossy(text);
    let text = text.as_ref();
    let index = LineIndex::new(text);
    let lines = lines_of(text);
    assert_eq!(index.len() as usize, text.len());
    assert_eq!(index.line_count() as usize, lines.len(), "{text:?}");
    for (number, &(start, end)) in lines.iter().enumerate() {
        assert_eq!(index.line_range(text, number as u32), Some(TextRange::new(start as u32, end as u32)), "{text:?}");
    }
    assert_eq!(index.line_range(text, lines.len() as u32), None);

    let word = |at: usize| u32::from_le_bytes([0, 1, 2, 3].map(|i| probe.get(at + i).copied().unwrap_or(0)));
    let (raw_offset, raw_position) = (word(0), word(4));
    let (raw_line, raw_col) = (raw_position >> 16, raw_position & 0xFFFF);
    let line_count = lines.len() as u32;
    if text.len() <= EXHAUSTIVE {
        for offset in 0..=text.len() as u32 + 2 {
            check_offset(text, &index, &lines, offset);
        }
        for line in 0..=line_count {
            let width = lines.get(line as usize).map_or(0, |&(start, end)| end - start) as u32;
            for col in 0..=width + 2 {
                check_position(text, &index, &lines, LineCol { line, col });
            }
        }
    } else {
        check_offset(text, &index, &lines, raw_offset % (text.len() as u32 + 4));
        check_position(text, &index, &lines, LineCol { line: raw_line % (line_count + 1), col: raw_col });
    }
    check_offset(text, &index, &lines, raw_offset);
    check_position(text, &index, &lines, LineCol { line: raw_line, col: raw_col });
    check_position(text, &index, &lines, LineCol { line: u32::MAX, col: u32::MAX });
}

/// Each line's content as `(start, end)` byte offsets, without its terminator.
fn lines_of(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut rest = text;
    while let Some(at) = rest.find(['\n', '\r']) {
        let terminator = if rest.get(at..at + 2) == Some("\r\n") { 2 } else { 1 };
        let offset = text.len() - rest.len();
        lines.push((start, offset + at));
        start = offset + at + terminator;
        rest = rest.get(at + terminator..).unwrap_or("");
    }
    lines.push((start, text.len()));
    lines
}

fn units(s: &str, encoding: PositionEncoding) -> u32 {
    (match encoding {
        PositionEncoding::Utf8 => s.len(),
        PositionEncoding::Utf16 => s.encode_utf16().count(),
        PositionEncoding::Utf32 => s.chars().count(),
    }) as u32
}

fn slice(text: &str, start: usize, end: usize) -> &str {
    let slice = text.get(start..end);
    assert!(slice.is_some(), "{start}..{end} is not a slice of {text:?}");
    slice.unwrap_or("")
}

fn check_offset(text: &str, index: &LineIndex, lines: &[(usize, usize)], offset: u32) {
    let mut floor = (offset as usize).min(text.len());
    while !text.is_char_boundary(floor) {
        floor -= 1;
    }
    let line = lines.iter().rposition(|&(start, _)| start <= floor).unwrap_or(0);
    let (start, end) = lines.get(line).copied().unwrap_or_default();
    let lc = index.line_col(offset);
    let clamped = (offset as usize).min(text.len());
    let raw_line = lines.iter().rposition(|&(start, _)| start <= clamped).unwrap_or(0);
    let raw_start = lines.get(raw_line).map_or(0, |&(start, _)| start);
    assert_eq!(
        lc,
        LineCol { line: raw_line as u32, col: (clamped - raw_start) as u32 },
        "line_col({offset}) in {text:?}"
    );
    for encoding in ENCODINGS {
        let position = index.position(text, offset, encoding);
        let expected = LineCol { line: line as u32, col: units(slice(text, start, floor.min(end)), encoding) };
        assert_eq!(position, expected, "position({offset}, {encoding:?}) in {text:?}");
        let back = index.offset(text, position, encoding);
        assert_eq!(back as usize, floor.min(end), "offset({position:?}, {encoding:?}) in {text:?}");
    }
}

fn check_position(text: &str, index: &LineIndex, lines: &[(usize, usize)], position: LineCol) {
    for encoding in ENCODINGS {
        let offset = index.offset(text, position, encoding);
        let Some(&(start, end)) = lines.get(position.line as usize) else {
            assert_eq!(offset as usize, text.len(), "a line past the end of {text:?}");
            continue;
        };
        let at = offset as usize;
        assert!(
            start <= at && at <= end,
            "offset({position:?}, {encoding:?}) = {at} outside {start}..{end} in {text:?}"
        );
        assert!(text.is_char_boundary(at));
        let col = units(slice(text, start, at), encoding);
        assert!(col <= position.col, "offset({position:?}, {encoding:?}) = {at} went past the column in {text:?}");
        if let Some(next) = slice(text, at, end).chars().next() {
            let further = units(slice(text, start, at + next.len_utf8()), encoding);
            assert!(further > position.col, "offset({position:?}, {encoding:?}) = {at} stopped short in {text:?}");
        }
        assert_eq!(index.position(text, offset, encoding), LineCol { line: position.line, col }, "{text:?}");
    }
}
