//! The annotation verbs of both dialects, their spellings, and the keywords of each.

/// What an annotation does, after dialect aliases are resolved (`@connects` is a flow,
/// `@review` an audit, threatspec's `@component` an asset and `@tests` a validation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verb {
    Asset,
    Threat,
    Control,
    Actor,
    Mitigates,
    Exposes,
    Confirmed,
    Accepts,
    Transfers,
    Flows,
    Boundary,
    Handles,
    Validates,
    Audit,
    Owns,
    Assumes,
    Comment,
    Shield,
    ShieldBegin,
    ShieldEnd,
    Feature,
    Entitles,
    Source,
}

impl Verb {
    /// The GuardLink spelling, used in messages and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Asset => "asset",
            Verb::Threat => "threat",
            Verb::Control => "control",
            Verb::Actor => "actor",
            Verb::Mitigates => "mitigates",
            Verb::Exposes => "exposes",
            Verb::Confirmed => "confirmed",
            Verb::Accepts => "accepts",
            Verb::Transfers => "transfers",
            Verb::Flows => "flows",
            Verb::Boundary => "boundary",
            Verb::Handles => "handles",
            Verb::Validates => "validates",
            Verb::Audit => "audit",
            Verb::Owns => "owns",
            Verb::Assumes => "assumes",
            Verb::Comment => "comment",
            Verb::Shield => "shield",
            Verb::ShieldBegin => "shield:begin",
            Verb::ShieldEnd => "shield:end",
            Verb::Feature => "feature",
            Verb::Entitles => "entitles",
            Verb::Source => "source",
        }
    }
}

/// A verb as written: its spelling (lower case) and what it means.
#[derive(Clone, Copy, Debug)]
pub struct Spelling {
    pub word: &'static str,
    pub verb: Verb,
    /// The word is threatspec's (`@component`, `@tests`, singular relationship verbs).
    pub threatspec_only: bool,
}

const fn gl(word: &'static str, verb: Verb) -> Spelling {
    Spelling { word, verb, threatspec_only: false }
}

const fn ts(word: &'static str, verb: Verb) -> Spelling {
    Spelling { word, verb, threatspec_only: true }
}

/// Every spelling. Verbs are matched case-insensitively; threatspec's relationship verbs may
/// drop their trailing `s`.
pub const SPELLINGS: &[Spelling] = &[
    gl("asset", Verb::Asset),
    gl("threat", Verb::Threat),
    gl("control", Verb::Control),
    gl("actor", Verb::Actor),
    gl("mitigates", Verb::Mitigates),
    ts("mitigate", Verb::Mitigates),
    gl("exposes", Verb::Exposes),
    ts("expose", Verb::Exposes),
    gl("confirmed", Verb::Confirmed),
    gl("accepts", Verb::Accepts),
    ts("accept", Verb::Accepts),
    gl("transfers", Verb::Transfers),
    ts("transfer", Verb::Transfers),
    gl("flows", Verb::Flows),
    gl("connects", Verb::Flows),
    ts("connect", Verb::Flows),
    gl("boundary", Verb::Boundary),
    gl("handles", Verb::Handles),
    gl("validates", Verb::Validates),
    ts("tests", Verb::Validates),
    ts("test", Verb::Validates),
    gl("audit", Verb::Audit),
    gl("review", Verb::Audit),
    ts("reviews", Verb::Audit),
    gl("owns", Verb::Owns),
    gl("assumes", Verb::Assumes),
    gl("comment", Verb::Comment),
    gl("shield:begin", Verb::ShieldBegin),
    gl("shield:end", Verb::ShieldEnd),
    gl("shield", Verb::Shield),
    gl("feature", Verb::Feature),
    gl("entitles", Verb::Entitles),
    gl("source", Verb::Source),
    ts("component", Verb::Asset),
];

/// The spelling that `word` (the text after `@`, up to whitespace) is, ignoring case.
pub fn spelling(word: &str) -> Option<&'static Spelling> {
    SPELLINGS.iter().find(|s| s.word.eq_ignore_ascii_case(word))
}

/// The grammar keywords of a verb in either dialect: a failed line that holds one of them was
/// meant as an annotation (GuardLink section 2.12), and a name stops before one.
pub fn keywords(verb: Verb) -> &'static [&'static str] {
    match verb {
        Verb::Exposes => &["to", "with"],
        Verb::Mitigates => &["against", "using", "with"],
        Verb::Confirmed | Verb::Handles => &["on"],
        Verb::Accepts => &["on", "to", "with"],
        Verb::Transfers => &["from", "to", "with"],
        Verb::Flows => &["->", "to", "with", "via"],
        Verb::Boundary => &["between", "and", "|"],
        Verb::Validates => &["for"],
        Verb::Owns => &["for"],
        Verb::Entitles => &["to", "on", "against"],
        _ => &[],
    }
}

/// The first bytes of every spelling: a `@` followed by one of these letters (either case) may
/// start an annotation.
pub fn starts_a_verb(byte: u8) -> bool {
    matches!(
        byte.to_ascii_lowercase(),
        b'a' | b'b' | b'c' | b'e' | b'f' | b'h' | b'm' | b'o' | b'r' | b's' | b't' | b'v'
    )
}

/// The byte prefilter: does the word at `at` (just after a `@`) spell a verb, or come within one
/// letter of one (a typo worth reporting)? `@Override`, `@param` and e-mail addresses do not,
/// so the files that hold only those are never lexed.
pub fn may_start_annotation(bytes: &[u8], at: usize) -> bool {
    if !bytes.get(at).is_some_and(|&b| starts_a_verb(b)) {
        return false;
    }
    // An annotation's `@` follows a blank or a comment marker, never a word (`billing@example`).
    let before = at.checked_sub(2).and_then(|i| bytes.get(i));
    if before.is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'@')) {
        return false;
    }
    let rest = bytes.get(at..).unwrap_or_default();
    let len = rest.iter().take(16).take_while(|b| b.is_ascii_alphabetic() || **b == b':').count();
    let word = rest.get(..len).unwrap_or_default();
    if !(3..16).contains(&len) {
        return false;
    }
    if SPELLINGS.iter().any(|s| s.word.len() == len && s.word.as_bytes().eq_ignore_ascii_case(word)) {
        return true;
    }
    // Only lower-case words are typo candidates (`@Override` is someone else's).
    word.first().is_some_and(u8::is_ascii_lowercase) && std::str::from_utf8(word).ok().and_then(near_verb).is_some()
}

/// The GuardLink verb a lower-case word is a likely typo of: same first letter, one edit away
/// (two for long words). Runs on every `@word` of every file, so it allocates nothing.
pub fn near_verb(word: &str) -> Option<&'static str> {
    let first = word.bytes().next().filter(u8::is_ascii_lowercase)?;
    let limit = if word.len() >= 8 { 2 } else { 1 };
    SPELLINGS
        .iter()
        .filter(|s| !s.threatspec_only && s.word.as_bytes().first() == Some(&first))
        .filter(|s| s.word.len().abs_diff(word.len()) <= limit)
        .filter_map(|s| Some((edit_distance(word.as_bytes(), s.word.as_bytes())?, s.word)))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, w)| w)
}

/// Optimal-string-alignment distance (a transposition is one edit) of two words of at most 16
/// bytes, on the stack; `None` for longer words.
fn edit_distance(a: &[u8], b: &[u8]) -> Option<usize> {
    const N: usize = 17;
    if a.len() >= N || b.len() >= N {
        return None;
    }
    let mut d = [[0u8; N]; N];
    for (i, row) in d.iter_mut().enumerate().take(a.len() + 1) {
        if let Some(cell) = row.first_mut() {
            *cell = u8::try_from(i).unwrap_or(u8::MAX);
        }
    }
    if let Some(row) = d.first_mut() {
        for (j, cell) in row.iter_mut().enumerate().take(b.len() + 1) {
            *cell = u8::try_from(j).unwrap_or(u8::MAX);
        }
    }
    let at = |d: &[[u8; N]; N], i: usize, j: usize| d.get(i).and_then(|r| r.get(j)).copied().unwrap_or(u8::MAX / 2);
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let (x, y) = (a.get(i - 1), b.get(j - 1));
            let cost = u8::from(x != y);
            let mut best = (at(&d, i - 1, j) + 1).min(at(&d, i, j - 1) + 1).min(at(&d, i - 1, j - 1) + cost);
            if i > 1 && j > 1 && x == b.get(j - 2) && a.get(i - 2) == y {
                best = best.min(at(&d, i - 2, j - 2) + 1);
            }
            if let Some(cell) = d.get_mut(i).and_then(|r| r.get_mut(j)) {
                *cell = best;
            }
        }
    }
    Some(usize::from(at(&d, a.len(), b.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilter_covers_every_spelling() {
        for s in SPELLINGS {
            assert!(starts_a_verb(s.word.as_bytes()[0]), "{}", s.word);
        }
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance(b"migitates", b"mitigates"), Some(2));
        assert_eq!(edit_distance(b"flow", b"flows"), Some(1));
        assert_eq!(edit_distance(b"exposes", b"exposes"), Some(0));
        assert_eq!(edit_distance(b"abc", b"bac"), Some(1));
        assert_eq!(edit_distance(b"", b"abc"), Some(3));
        assert_eq!(edit_distance(&[b'a'; 20], b"a"), None);
    }

    #[test]
    fn prefilter() {
        let yes = ["exposes #a", "Mitigates x", "shield:begin", "flow #a", "mitigate", "boundary"];
        let no = ["Override", "param", "example.com", "ex", "RequestBody", "author"];
        for word in yes {
            assert!(may_start_annotation(word.as_bytes(), 0), "{word}");
        }
        for word in no {
            assert!(!may_start_annotation(word.as_bytes(), 0), "{word}");
        }
    }

    #[test]
    fn spellings_resolve_ignoring_case() {
        assert_eq!(spelling("Mitigates").map(|s| s.verb), Some(Verb::Mitigates));
        assert_eq!(spelling("mitigate").map(|s| s.verb), Some(Verb::Mitigates));
        assert_eq!(spelling("connects").map(|s| s.verb), Some(Verb::Flows));
        assert_eq!(spelling("shield:begin").map(|s| s.verb), Some(Verb::ShieldBegin));
        assert!(spelling("flow").is_none());
        assert!(spelling("param").is_none());
    }
}
