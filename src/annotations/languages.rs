//! Comment syntax by file name: a table, not a parser per language.

/// How a language writes comments and strings.
#[derive(Debug)]
pub struct CommentSyntax {
    pub name: &'static str,
    /// Line comment markers, longest first where one is a prefix of another.
    pub line: &'static [&'static str],
    /// Block comment delimiters `(open, close)`.
    pub block: &'static [(&'static str, &'static str)],
    /// Bytes that open a string literal, closed by the same byte. Comment markers inside
    /// strings are not comments. Backtick strings may span lines; the others end at the line.
    pub strings: &'static [u8],
}

const fn syntax(
    name: &'static str,
    line: &'static [&'static str],
    block: &'static [(&'static str, &'static str)],
    strings: &'static [u8],
) -> CommentSyntax {
    CommentSyntax { name, line, block, strings }
}

const C_BLOCK: &[(&str, &str)] = &[("/*", "*/")];

pub static C_LIKE: CommentSyntax = syntax("C family", &["//"], C_BLOCK, b"\"'");
pub static RUST: CommentSyntax = syntax("Rust", &["//"], C_BLOCK, b"\"");
pub static GO: CommentSyntax = syntax("Go", &["//"], C_BLOCK, b"\"'`");
pub static JAVASCRIPT: CommentSyntax = syntax("JavaScript/TypeScript", &["//"], C_BLOCK, b"\"'`");
pub static PYTHON: CommentSyntax = syntax("Python", &["#"], &[("\"\"\"", "\"\"\""), ("'''", "'''")], b"\"'");
pub static RUBY: CommentSyntax = syntax("Ruby", &["#"], &[("=begin", "=end")], b"\"'");
pub static PHP: CommentSyntax = syntax("PHP", &["//", "#"], C_BLOCK, b"\"'");
pub static HASH: CommentSyntax = syntax("#-comment", &["#"], &[], b"\"'");
pub static POWERSHELL: CommentSyntax = syntax("PowerShell", &["#"], &[("<#", "#>")], b"\"'");
pub static SQL: CommentSyntax = syntax("SQL", &["--"], C_BLOCK, b"'\"");
pub static LUA: CommentSyntax = syntax("Lua", &["--"], &[("--[[", "]]")], b"\"'");
pub static HASKELL: CommentSyntax = syntax("Haskell", &["--"], &[("{-", "-}")], b"\"");
pub static OCAML: CommentSyntax = syntax("OCaml", &[], &[("(*", "*)")], b"\"");
pub static FSHARP: CommentSyntax = syntax("F#", &["//"], &[("(*", "*)")], b"\"");
pub static ERLANG: CommentSyntax = syntax("Erlang", &["%"], &[], b"\"");
pub static PERCENT: CommentSyntax = syntax("%-comment", &["%"], &[], b"\"");
pub static MARKUP: CommentSyntax = syntax("HTML/XML", &[], &[("<!--", "-->")], b"");
pub static VUE: CommentSyntax = syntax("Vue/Svelte", &["//"], &[("<!--", "-->"), ("/*", "*/")], b"\"'`");
pub static HCL: CommentSyntax = syntax("Terraform/HCL", &["#", "//"], C_BLOCK, b"\"");
pub static CSS: CommentSyntax = syntax("CSS", &[], C_BLOCK, b"\"'");
pub static SCSS: CommentSyntax = syntax("SCSS/Less", &["//"], C_BLOCK, b"\"'");
pub static LISP: CommentSyntax = syntax("Lisp", &[";"], &[], b"\"");
pub static INI: CommentSyntax = syntax("INI", &[";", "#"], &[], b"");
pub static BATCH: CommentSyntax = syntax("Batch", &["REM ", "rem ", "::"], &[], b"");
pub static BASIC: CommentSyntax = syntax("Visual Basic", &["'"], &[], b"\"");
pub static JULIA: CommentSyntax = syntax("Julia", &["#"], &[("#=", "=#")], b"\"");
pub static NIX: CommentSyntax = syntax("Nix", &["#"], C_BLOCK, b"\"");
/// GuardLink's standalone `.gal` files: every line is annotation text, with no comment marker.
pub static GAL: CommentSyntax = syntax("GuardLink .gal", &[], &[], b"");

/// The comment syntax of a file, by its name; `None` for files that are not scanned.
pub fn for_path(path: &str) -> Option<&'static CommentSyntax> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let by_name = match name {
        "Dockerfile" | "Containerfile" | "Makefile" | "GNUmakefile" | "CMakeLists.txt" | "BUILD" | "WORKSPACE"
        | "Gemfile" | "Rakefile" | "Vagrantfile" | "Procfile" | ".gitlab-ci.yml" => Some(&HASH),
        "Jenkinsfile" => Some(&C_LIKE),
        _ if name.starts_with("Dockerfile.") || name.starts_with("Containerfile.") => Some(&HASH),
        _ => None,
    };
    if by_name.is_some() {
        return by_name;
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e)?;
    Some(match extension.to_ascii_lowercase().as_str() {
        "rs" => &RUST,
        "go" => &GO,
        "c" | "h" | "cc" | "cpp" | "cxx" | "c++" | "hpp" | "hh" | "hxx" | "ino" | "cs" | "java" | "kt" | "kts"
        | "scala" | "sc" | "swift" | "dart" | "groovy" | "gradle" | "proto" | "zig" | "mm" | "d" | "v" | "sol" => {
            &C_LIKE
        }
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "tsx" | "mts" | "cts" => &JAVASCRIPT,
        "py" | "pyi" | "pyw" | "bzl" | "bazel" | "star" => &PYTHON,
        "rb" | "rake" | "gemspec" => &RUBY,
        "php" => &PHP,
        "sh" | "bash" | "zsh" | "ksh" | "fish" | "yaml" | "yml" | "toml" | "dockerfile" | "containerfile" | "pl"
        | "pm" | "r" | "nim" | "cmake" | "mk" | "ex" | "exs" | "cr" | "tcl" | "awk" | "conf" | "properties"
        | "gitignore" | "dockerignore" | "env" | "tfvars" => &HASH,
        "ps1" | "psm1" | "psd1" => &POWERSHELL,
        "sql" => &SQL,
        "lua" => &LUA,
        "hs" | "elm" | "purs" => &HASKELL,
        "ml" | "mli" | "pas" => &OCAML,
        "fs" | "fsi" | "fsx" => &FSHARP,
        "erl" | "hrl" => &ERLANG,
        "tex" | "sty" | "m" => &PERCENT,
        "html" | "htm" | "xhtml" | "xml" | "svg" | "xsd" | "xsl" | "plist" | "csproj" | "fsproj" | "vbproj" | "md"
        | "markdown" => &MARKUP,
        "vue" | "svelte" | "astro" => &VUE,
        "tf" | "hcl" | "nomad" => &HCL,
        "css" => &CSS,
        "scss" | "sass" | "less" => &SCSS,
        "clj" | "cljs" | "cljc" | "edn" | "lisp" | "lsp" | "el" | "scm" | "rkt" | "asm" | "s" => &LISP,
        "ini" | "cfg" => &INI,
        "bat" | "cmd" => &BATCH,
        "vb" | "vbs" | "bas" | "cls" => &BASIC,
        "jl" => &JULIA,
        "nix" => &NIX,
        "gal" => &GAL,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::for_path;

    #[test]
    fn languages_by_name() {
        let cases = [
            ("src/main.rs", "Rust"),
            ("cmd/server/main.go", "Go"),
            ("a.c", "C family"),
            ("A.java", "C family"),
            ("App.kt", "C family"),
            ("x.cs", "C family"),
            ("x.swift", "C family"),
            ("x.scala", "C family"),
            ("x.cpp", "C family"),
            ("web/app.tsx", "JavaScript/TypeScript"),
            ("x.js", "JavaScript/TypeScript"),
            ("x.py", "Python"),
            ("x.rb", "Ruby"),
            ("x.php", "PHP"),
            ("deploy.sh", "#-comment"),
            ("x.ps1", "PowerShell"),
            ("db/schema.sql", "SQL"),
            ("x.lua", "Lua"),
            ("x.hs", "Haskell"),
            ("x.ml", "OCaml"),
            ("lib/x.ex", "#-comment"),
            ("x.erl", "Erlang"),
            ("k8s/deploy.yaml", "#-comment"),
            ("Cargo.toml", "#-comment"),
            ("index.html", "HTML/XML"),
            ("pom.xml", "HTML/XML"),
            ("main.tf", "Terraform/HCL"),
            ("Dockerfile", "#-comment"),
            ("Dockerfile.prod", "#-comment"),
            ("x.clj", "Lisp"),
            ("run.bat", "Batch"),
            ("x.vb", "Visual Basic"),
            (".guardlink/annotations/api.gal", "GuardLink .gal"),
        ];
        for (path, name) in cases {
            assert_eq!(for_path(path).map(|s| s.name), Some(name), "{path}");
        }
        assert!(for_path("image.png").is_none());
        assert!(for_path("LICENSE").is_none());
    }
}
