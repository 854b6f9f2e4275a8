//! Reading the base side of `threatls review` from git, without touching the working tree,
//! the index or the repository.
//!
//! Runs the `git` the user has, as plumbing (`rev-parse`, `diff --name-only`, `ls-files`,
//! `cat-file --batch`), with what could run other programs or write turned off: no external
//! diff or text conversion, no fsmonitor, no hooks, no pager, no prompt, and no optional locks
//! (so `git diff` does not refresh the index).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .args(["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "diff.external=", "--no-pager"])
        .stdin(Stdio::null());
    command
}

fn run(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let output = git(dir).args(args).output().map_err(|e| format!("cannot run git: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let err = String::from_utf8_lossy(&output.stderr);
        Err(format!("`git {}` failed: {}", args.join(" "), err.trim()))
    }
}

/// The commit `rev` names, in full.
pub(super) fn resolve(dir: &Path, rev: &str) -> Result<String, String> {
    if rev.starts_with('-') {
        return Err(format!("`{rev}` is not a revision"));
    }
    run(dir, &["rev-parse", "--is-inside-work-tree"]).map_err(|_| {
        format!("`{}` is not in a git repository, so there is no `{rev}` to compare with", dir.display())
    })?;
    let out = run(dir, &["rev-parse", "--verify", "--quiet", "--end-of-options", &format!("{rev}^{{commit}}")])
        .map_err(|_| format!("`{rev}` names no commit in the repository at `{}`", dir.display()))?;
    Ok(String::from_utf8_lossy(&out).trim().to_owned())
}

/// The paths under `dir` (relative to it, `/`-separated) that differ between `base` and the
/// working tree, untracked files included.
pub(super) fn changed_paths(dir: &Path, base: &str) -> Result<Vec<String>, String> {
    let diff = run(
        dir,
        &["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--relative", base, "--", "."],
    )?;
    let untracked = run(dir, &["ls-files", "--others", "--exclude-standard", "-z", "--", "."])?;
    let mut paths: Vec<String> = diff
        .split(|b| *b == 0)
        .chain(untracked.split(|b| *b == 0))
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    paths.sort();
    paths.dedup();
    Ok(paths)
}

/// The contents of `paths` (relative to `dir`) at `base`: `None` for a path that did not exist.
pub(super) fn read_at(dir: &Path, base: &str, paths: &[String]) -> Result<Vec<Option<Vec<u8>>>, String> {
    let prefix = String::from_utf8_lossy(&run(dir, &["rev-parse", "--show-prefix"])?).trim().to_owned();
    let mut child = git(dir)
        .args(["cat-file", "--batch"])
        .stdout(Stdio::piped())
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut request = String::new();
    for path in paths {
        request.push_str(&format!("{base}:{prefix}{path}\n"));
    }
    // Written from a thread: git answers as it reads, and a large answer would fill the pipe.
    let stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            let _ = stdin.write_all(request.as_bytes());
        }
    });
    let output = child.wait_with_output().map_err(|e| format!("cannot read from git: {e}"))?;
    let _ = writer.join();
    parse_batch(&output.stdout, paths.len())
}

/// `cat-file --batch` output: `<oid> <type> <size>\n<content>\n`, or `<object> missing\n`.
fn parse_batch(mut out: &[u8], count: usize) -> Result<Vec<Option<Vec<u8>>>, String> {
    let mut contents = Vec::with_capacity(count);
    for _ in 0..count {
        let end = out.iter().position(|b| *b == b'\n').ok_or("git's answer ended early")?;
        let header = String::from_utf8_lossy(out.get(..end).unwrap_or_default()).into_owned();
        out = out.get(end + 1..).unwrap_or_default();
        if header.ends_with(" missing") || header.ends_with(" ambiguous") {
            contents.push(None);
            continue;
        }
        let mut fields = header.split(' ');
        let (kind, size) = (fields.nth(1), fields.next().and_then(|s| s.parse::<usize>().ok()));
        let size = size.ok_or_else(|| format!("git's answer is not understood: `{header}`"))?;
        let body = out.get(..size).ok_or("git's answer ended early")?.to_vec();
        out = out.get(size + 1..).unwrap_or_default();
        contents.push((kind == Some("blob")).then_some(body));
    }
    Ok(contents)
}
