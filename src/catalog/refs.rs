//! What an external reference (`cwe:CWE-79`, `capec:CAPEC-66`, `owasp:A03:2021`, `asvs:V5.3.4`,
//! `attack:T1078.004`) names, and where to read about it.

use super::Catalog;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefInfo {
    /// The taxonomy's name for it, when the catalog knows it.
    pub name: Option<String>,
    pub link: String,
    /// A CWE or CAPEC number the catalog does not list (it holds the common ones, not all).
    pub unknown_number: bool,
}

/// The page of a CWE entry.
pub fn cwe_link(n: u32) -> String {
    format!("https://cwe.mitre.org/data/definitions/{n}.html")
}

/// The page of a CAPEC entry.
pub fn capec_link(n: u32) -> String {
    format!("https://capec.mitre.org/data/definitions/{n}.html")
}

/// The number of a `cwe:CWE-<n>` reference.
pub fn cwe_number(text: &str) -> Option<u32> {
    text.strip_prefix("cwe:CWE-")?.parse().ok()
}

/// What a reference in a known form names; `None` for a reference not in a known form.
pub fn reference(text: &str) -> Option<RefInfo> {
    let catalog = Catalog::builtin();
    let (prefix, rest) = text.split_once(':')?;
    match prefix {
        "cwe" => {
            let n = cwe_number(text)?;
            let name = catalog.cwe(n).map(|e| e.name.clone());
            let link = cwe_link(n);
            Some(RefInfo { unknown_number: name.is_none(), name, link })
        }
        "capec" => {
            let n: u32 = rest.strip_prefix("CAPEC-")?.parse().ok()?;
            let name = catalog.capec(n).map(|e| e.name.clone());
            let link = capec_link(n);
            Some(RefInfo { unknown_number: name.is_none(), name, link })
        }
        "owasp" => {
            let entry = catalog.owasp.iter().find(|e| e.id == rest)?;
            Some(RefInfo { name: Some(entry.name.clone()), link: entry.link.clone()?, unknown_number: false })
        }
        "asvs" => {
            // A requirement (`V5.3.4`) is shown with its chapter (`V5`).
            let chapter = rest.split('.').next()?;
            let entry = catalog.asvs.iter().find(|e| e.id == chapter)?;
            let name = if chapter == rest { entry.name.clone() } else { format!("{rest}, in {}", entry.name) };
            Some(RefInfo { name: Some(name), link: entry.link.clone()?, unknown_number: false })
        }
        "attack" => {
            let path = rest.replace('.', "/");
            Some(RefInfo {
                name: None,
                link: format!("https://attack.mitre.org/techniques/{path}/"),
                unknown_number: false,
            })
        }
        _ => None,
    }
}
