//! "Did you mean ...?": the closest known word to a misspelt one.

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    let limit = match word.chars().count() {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let distance = if candidate.eq_ignore_ascii_case(word) {
            0
        } else {
            strsim::damerau_levenshtein(&lower, &candidate.to_ascii_lowercase())
        };
        let plausible = distance <= limit || (lower.len() >= 3 && candidate.starts_with(&lower));
        if plausible && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn finds_close_words_only() {
        let keys = ["mitigations", "threats", "assets", "title"];
        assert_eq!(did_you_mean("mitigatons", keys), Some("mitigations"));
        assert_eq!(did_you_mean("Threats", keys), Some("threats"));
        assert_eq!(did_you_mean("asets", keys), Some("assets"));
        assert_eq!(did_you_mean("mitig", keys), Some("mitigations"));
        assert_eq!(did_you_mean("banana", keys), None);
        assert_eq!(did_you_mean("", keys), None);
    }
}
