//! Name normalisation for matching names (GuardLink SPEC.md section 2.10): NFKC, lower case,
//! whitespace and hyphens to `_`, runs of `_` collapsed, `_` trimmed at both ends. So
//! `SQL_Injection`, `sql-injection` and `SQL  INJECTION` are all `sql_injection`.

use unicode_normalization::UnicodeNormalization;

pub fn canonical_name(name: &str) -> String {
    // NFKC leaves ASCII as it is, and nearly every name is ASCII.
    if name.is_ascii() {
        return collapse(name.chars().map(|c| c.to_ascii_lowercase()), name.len());
    }
    collapse(name.nfkc().flat_map(char::to_lowercase), name.len())
}

fn collapse(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    for c in chars {
        let c = if c.is_whitespace() || c == '-' { '_' } else { c };
        if !(c == '_' && out.ends_with('_')) {
            out.push(c);
        }
    }
    out.trim_matches('_').to_owned()
}

#[cfg(test)]
mod tests {
    use super::canonical_name;

    #[test]
    fn section_2_10_examples() {
        for name in
            ["SQL_Injection", "sql-injection", "SQL INJECTION", "Sql_Injection", "sql__injection", "SQL-Injection"]
        {
            assert_eq!(canonical_name(name), "sql_injection", "{name}");
        }
        assert_eq!(canonical_name("_leading_"), "leading");
        assert_eq!(canonical_name("Ｆｕｌｌ\u{a0}width"), "full_width");
    }
}
