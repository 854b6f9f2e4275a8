//! saphyr reports positions in characters; everything else here speaks bytes.

use super::line_index::to_u32;

/// Converts character indices of one text into byte offsets in O(1) amortised time.
pub(super) struct CharMap<'a> {
    text: &'a str,
    /// Byte offset of every `STRIDE`-th character; empty for ASCII text, where both agree.
    checkpoints: Vec<u32>,
}

const STRIDE: usize = 64;

impl<'a> CharMap<'a> {
    pub(super) fn new(text: &'a str) -> CharMap<'a> {
        let checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices().step_by(STRIDE).map(|(byte, _)| to_u32(byte)).collect()
        };
        CharMap { text, checkpoints }
    }

    /// The byte offset of character `index`, or the text's length past its end.
    pub(super) fn byte_offset(&self, index: usize) -> u32 {
        if self.checkpoints.is_empty() {
            return to_u32(index.min(self.text.len()));
        }
        let Some(&base) = self.checkpoints.get(index / STRIDE) else { return to_u32(self.text.len()) };
        let rest = self.text.get(base as usize..).unwrap_or("");
        match rest.char_indices().nth(index % STRIDE) {
            Some((byte, _)) => base + to_u32(byte),
            None => to_u32(self.text.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CharMap;

    #[test]
    fn maps_characters_to_bytes() {
        let text: String = "é😀a".repeat(100);
        let map = CharMap::new(&text);
        for (char_index, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(map.byte_offset(char_index) as usize, byte);
        }
        assert_eq!(map.byte_offset(10_000) as usize, text.len());
        assert_eq!(CharMap::new("abc").byte_offset(2), 2);
    }
}
