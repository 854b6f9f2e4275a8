//! Plain scalars typed by the YAML 1.2 core schema: `yes`, `no`, `on` and `off` stay strings.

/// What a scalar is under the core schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarKind {
    Null,
    Bool,
    Int,
    Float,
    Str,
}

impl ScalarKind {
    /// Resolves an untagged plain scalar. Quoted and block scalars are always strings.
    pub(super) fn of_plain(text: &str) -> ScalarKind {
        match text {
            "" | "~" | "null" | "Null" | "NULL" => ScalarKind::Null,
            "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => ScalarKind::Bool,
            _ if is_int(text) => ScalarKind::Int,
            _ if is_float(text) => ScalarKind::Float,
            _ => ScalarKind::Str,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            ScalarKind::Null => "nothing (null)",
            ScalarKind::Bool => "a boolean",
            ScalarKind::Int => "a number",
            ScalarKind::Float => "a number",
            ScalarKind::Str => "text",
        }
    }
}

fn is_int(text: &str) -> bool {
    if let Some(oct) = text.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, or infinity and NaN.
fn is_float(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (unsigned.get(..i).unwrap_or(""), unsigned.get(i + 1..)),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        None => !whole.is_empty() && digits(whole),
        Some(f) => digits(whole) && digits(f) && !(whole.is_empty() && f.is_empty()),
    };
    let exponent_ok = match exponent {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && digits(e)
        }
    };
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::ScalarKind::{self, *};

    #[test]
    fn core_schema() {
        let cases: &[(&str, ScalarKind)] = &[
            ("", Null),
            ("~", Null),
            ("null", Null),
            ("true", Bool),
            ("FALSE", Bool),
            ("no", Str),
            ("yes", Str),
            ("off", Str),
            ("1", Int),
            ("-12", Int),
            ("0x1F", Int),
            ("0o17", Int),
            ("0o8", Str),
            ("1.5", Float),
            (".5", Float),
            ("1e3", Float),
            ("-.inf", Float),
            (".nan", Float),
            ("2026-09-30", Str),
            ("1.2.3", Str),
            (".", Str),
            ("e3", Str),
        ];
        for (text, kind) in cases {
            assert_eq!(ScalarKind::of_plain(text), *kind, "{text:?}");
        }
    }
}
