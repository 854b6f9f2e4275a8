//! The forms of external references: `cwe:CWE-639`, `capec:CAPEC-122`, `owasp:A01:2021`,
//! `asvs:V4.2.1`, `attack:T1078.004`, or an http(s) URL.

/// Why a reference is not in a known form, and the corrected text when the intent is clear.
#[derive(Debug, PartialEq, Eq)]
pub struct RefProblem {
    pub message: String,
    pub fix: Option<String>,
}

const FORMS: &str = "`cwe:CWE-<n>`, `capec:CAPEC-<n>`, `owasp:A<nn>:<year>`, `asvs:V<n>[.<n>[.<n>]]`, `attack:T<nnnn>[.<nnn>]` or an https URL";

pub fn check_ext_ref(text: &str) -> Result<(), RefProblem> {
    if text.starts_with("https://") || text.starts_with("http://") {
        return if text.len() > "https://".len() && !text.contains(char::is_whitespace) {
            Ok(())
        } else {
            Err(problem(format!("`{text}` is not a URL"), None))
        };
    }
    let Some((prefix, rest)) = text.split_once(':') else {
        // `CWE-639` without its prefix.
        return Err(match bare_id_fix(text) {
            Some(fix) => problem(format!("`{text}` lacks its prefix; write `{fix}`"), Some(fix)),
            None => problem(format!("`{text}` is not a reference: use {FORMS}"), None),
        });
    };
    let ok = match prefix {
        "cwe" => numbered(rest, "CWE-"),
        "capec" => numbered(rest, "CAPEC-"),
        "owasp" => owasp(rest),
        "asvs" => asvs(rest),
        "attack" => attack(rest),
        _ => {
            let fix = crate::suggest::did_you_mean(prefix, crate::model::schema::REF_PREFIXES.iter().copied())
                .map(|p| format!("{p}:{rest}"));
            let hint = fix.as_ref().map(|f| format!("did you mean `{f}`? ")).unwrap_or_default();
            return Err(problem(format!("unknown reference prefix `{prefix}:`; {hint}use {FORMS}"), fix));
        }
    };
    if ok {
        return Ok(());
    }
    let fix = match prefix {
        "cwe" if is_digits(rest) => Some(format!("cwe:CWE-{rest}")),
        "capec" if is_digits(rest) => Some(format!("capec:CAPEC-{rest}")),
        "cwe" | "capec" => {
            let upper = rest.to_ascii_uppercase();
            let fixed = format!("{prefix}:{upper}");
            (upper != rest && check_ext_ref(&fixed).is_ok()).then_some(fixed)
        }
        _ => None,
    };
    let expected = match prefix {
        "cwe" => "`cwe:CWE-<n>`, like `cwe:CWE-639`",
        "capec" => "`capec:CAPEC-<n>`, like `capec:CAPEC-122`",
        "owasp" => "`owasp:A<nn>:<year>`, like `owasp:A01:2021`",
        "asvs" => "`asvs:V<n>[.<n>[.<n>]]`, like `asvs:V4.2.1`",
        _ => "`attack:T<nnnn>[.<nnn>]`, like `attack:T1078.004`",
    };
    let hint = fix.as_ref().map(|f| format!("; did you mean `{f}`?")).unwrap_or_default();
    Err(problem(format!("`{text}` is not in the form {expected}{hint}"), fix))
}

fn problem(message: String, fix: Option<String>) -> RefProblem {
    RefProblem { message, fix }
}

fn bare_id_fix(text: &str) -> Option<String> {
    let upper = text.to_ascii_uppercase();
    if upper.strip_prefix("CWE-").is_some_and(is_digits) {
        Some(format!("cwe:{upper}"))
    } else if upper.strip_prefix("CAPEC-").is_some_and(is_digits) {
        Some(format!("capec:{upper}"))
    } else {
        None
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit())
}

fn numbered(rest: &str, prefix: &str) -> bool {
    rest.strip_prefix(prefix).is_some_and(is_digits)
}

/// `A01:2021` .. `A10:2025`.
fn owasp(rest: &str) -> bool {
    let Some((item, year)) = rest.split_once(':') else { return false };
    let number = item.strip_prefix('A').filter(|n| n.len() == 2 && is_digits(n));
    number.and_then(|n| n.parse::<u8>().ok()).is_some_and(|n| (1..=10).contains(&n))
        && year.len() == 4
        && is_digits(year)
}

/// `V4`, `V4.2`, `V4.2.1`.
fn asvs(rest: &str) -> bool {
    let Some(numbers) = rest.strip_prefix('V') else { return false };
    let parts: Vec<&str> = numbers.split('.').collect();
    (1..=3).contains(&parts.len()) && parts.iter().all(|p| is_digits(p))
}

/// `T1078`, `T1078.004`, `TA0001`.
fn attack(rest: &str) -> bool {
    if let Some(tactic) = rest.strip_prefix("TA") {
        return tactic.len() == 4 && is_digits(tactic);
    }
    let Some(technique) = rest.strip_prefix('T') else { return false };
    match technique.split_once('.') {
        Some((t, sub)) => t.len() == 4 && is_digits(t) && sub.len() == 3 && is_digits(sub),
        None => technique.len() == 4 && is_digits(technique),
    }
}

#[cfg(test)]
mod tests {
    use super::check_ext_ref;

    #[test]
    fn known_forms() {
        for ok in [
            "cwe:CWE-639",
            "capec:CAPEC-122",
            "owasp:A01:2021",
            "owasp:A10:2025",
            "asvs:V4",
            "asvs:V4.2.1",
            "attack:T1078",
            "attack:T1078.004",
            "attack:TA0001",
            "https://example.com/x",
        ] {
            assert_eq!(check_ext_ref(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn fixable_and_unfixable() {
        let fix = |s: &str| check_ext_ref(s).err().and_then(|p| p.fix);
        assert_eq!(fix("cwe:639").as_deref(), Some("cwe:CWE-639"));
        assert_eq!(fix("CWE-639").as_deref(), Some("cwe:CWE-639"));
        assert_eq!(fix("cwe:cwe-639").as_deref(), Some("cwe:CWE-639"));
        assert_eq!(fix("cew:CWE-639").as_deref(), Some("cwe:CWE-639"));
        assert_eq!(fix("owasp:A11:2021"), None);
        assert!(check_ext_ref("owasp:A11:2021").is_err());
        assert!(check_ext_ref("asvs:4.2").is_err());
        assert!(check_ext_ref("https://").is_err());
        assert!(check_ext_ref("nonsense").is_err());
    }
}
