//! Reading a workspace from disk, for the faces (the CLI and the language server), confined
//! to the workspace root. This is face code: the analysis core never touches the file system.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use ignore::{ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};

use crate::analysis::{FileInput, FileKind, Options, Skipped, SourceFile, Workspace, is_model_file_name};
use crate::annotations::comment_syntax;
use crate::config::{CONFIG_FILE, Config};
use crate::date::Date;
use crate::limits::{MAX_INCLUDED_FILES, MAX_MODEL_FILE_BYTES, MAX_SOURCE_FILE_BYTES};

/// The workspace root of `path`: the nearest directory at or above it holding `threatls.toml`,
/// else the nearest holding `.git`, else the directory itself.
pub fn root_of(path: &Path) -> PathBuf {
    marked_root(path).unwrap_or_else(|| directory_of(path).to_path_buf())
}

/// The nearest directory at or above `path` holding `threatls.toml`, else the nearest holding
/// `.git`; `None` when no directory up to the file system's root holds either.
pub fn marked_root(path: &Path) -> Option<PathBuf> {
    let dir = directory_of(path);
    let marked = |marker: &str| dir.ancestors().find(|d| d.join(marker).exists()).map(Path::to_path_buf);
    marked(CONFIG_FILE).or_else(|| marked(".git"))
}

/// `path` if it is a directory, else the directory it is in.
pub fn directory_of(path: &Path) -> &Path {
    if path.is_dir() { path } else { path.parent().unwrap_or(path) }
}

/// The root of the git repository `dir` is in (the nearest directory with a `.git`), or `dir`
/// itself outside one.
pub fn repository_root(dir: &Path) -> PathBuf {
    dir.ancestors().find(|d| d.join(".git").exists()).unwrap_or(dir).to_path_buf()
}

/// What walking a workspace found.
#[derive(Debug, Default)]
pub struct Walked {
    /// Model files, read but not yet parsed.
    pub models: Vec<(String, FileInput)>,
    /// Source files that hold annotations or diagnostics, already scanned.
    pub code: Vec<SourceFile>,
    /// Source files read, with or without annotations.
    pub scanned: usize,
    pub skipped: Vec<(String, Skipped)>,
    /// Directories below the root with a `threatls.toml` of their own: separate workspaces.
    pub nested_roots: Vec<PathBuf>,
}

/// Walks `root` in parallel, as ripgrep does: `.gitignore` rules, hidden entries skipped (but
/// for GuardLink's `.guardlink/` and threatspec's `.threatspec*` files, which hold
/// definitions), symbolic links not followed. Model files are read; source files are scanned in the walker's
/// threads, each reusing one buffer, and only what they hold is kept. Each thread collects its
/// findings and hands them over once, when it ends. Source files under one of `targets` are
/// counted.
/// With `recursive` false, only the files directly in `root` are read.
pub fn walk(root: &Path, config: &Config, targets: &[PathBuf], recursive: bool) -> Walked {
    let nested = Arc::new(Mutex::new(Vec::new()));
    let nested_in_filter = Arc::clone(&nested);
    let root_buf = root.to_path_buf();
    let walker = WalkBuilder::new(root)
        .max_depth((!recursive).then_some(1))
        .follow_links(false)
        .hidden(false)
        // The user's global git excludes live in their home directory, outside every workspace,
        // and threatls reads nothing there (SECURITY.md); the repository's own ignore files
        // still apply.
        .git_global(false)
        .filter_entry(move |e| {
            let name = e.file_name().to_string_lossy();
            let hidden = e.depth() > 0 && name.starts_with('.');
            if hidden && name != ".guardlink" && !name.starts_with(".threatspec") {
                return false;
            }
            let is_nested_root = e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && e.path().join(CONFIG_FILE).is_file()
                && e.path() != root_buf;
            if is_nested_root && let Ok(mut found) = nested_in_filter.lock() {
                found.push(e.path().to_path_buf());
            }
            !is_nested_root
        })
        .build_parallel();
    let shared = Mutex::new(Walked::default());
    let mut builder = Collector { root, config, targets, shared: &shared };
    walker.visit(&mut builder);
    let mut walked = shared.into_inner().unwrap_or_default();
    walked.nested_roots = nested.lock().map(|n| n.clone()).unwrap_or_default();
    walked.models.sort_by(|a, b| a.0.cmp(&b.0));
    walked.code.sort_by(|a, b| a.path.cmp(&b.path));
    walked.skipped.sort_by(|a, b| a.0.cmp(&b.0));
    walked
}

struct Collector<'s> {
    root: &'s Path,
    config: &'s Config,
    targets: &'s [PathBuf],
    shared: &'s Mutex<Walked>,
}

impl<'s> ParallelVisitorBuilder<'s> for Collector<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor {
            root: self.root,
            config: self.config,
            targets: self.targets,
            shared: self.shared,
            found: Walked::default(),
            buffer: Vec::new(),
        })
    }
}

/// One walker thread: its own findings and read buffer.
struct Visitor<'s> {
    root: &'s Path,
    config: &'s Config,
    targets: &'s [PathBuf],
    shared: &'s Mutex<Walked>,
    found: Walked,
    buffer: Vec<u8>,
}

impl ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> WalkState {
        let Ok(entry) = entry else { return WalkState::Continue };
        if entry.file_type().is_none_or(|t| t.is_dir()) {
            return WalkState::Continue;
        }
        let Some(rel) = workspace_path(entry.path(), self.root) else { return WalkState::Continue };
        let kind = kind(&rel, self.config);
        // A link to a file inside the workspace is read under that file's own name.
        if kind.is_some() && entry.path_is_symlink() && inside(entry.path(), self.root) {
            return WalkState::Continue;
        }
        match kind {
            Some(FileKind::Model) => self.found.models.push((rel, read_confined(entry.path(), self.root))),
            Some(FileKind::Code) => self.code(&entry, rel),
            Some(FileKind::Config) | None => {}
        }
        WalkState::Continue
    }
}

impl Visitor<'_> {
    fn code(&mut self, entry: &ignore::DirEntry, rel: String) {
        if self.targets.iter().any(|t| entry.path().starts_with(t)) {
            self.found.scanned += 1;
        }
        // The directory listing already says whether it is a regular file.
        let read = if entry.file_type().is_some_and(|t| t.is_file()) {
            read_regular(entry.path(), MAX_SOURCE_FILE_BYTES, &mut self.buffer)
        } else {
            read_into(entry.path(), self.root, MAX_SOURCE_FILE_BYTES, &mut self.buffer)
        };
        match read {
            Ok(()) => {
                let file = SourceFile::scan_code(&rel, &self.buffer);
                match file.skipped.clone() {
                    Some(why) => self.found.skipped.push((rel, why)),
                    None if !file.annotations.is_empty() || !file.diagnostics.is_empty() => self.found.code.push(file),
                    None => {}
                }
            }
            Err(FileInput::TooLarge { len }) => self.found.skipped.push((rel, Skipped::TooLarge(len))),
            Err(FileInput::Unreadable(why)) => self.found.skipped.push((rel, Skipped::Unreadable(why))),
            Err(_) => {}
        }
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let found = std::mem::take(&mut self.found);
        if let Ok(mut shared) = self.shared.lock() {
            shared.scanned += found.scanned;
            shared.models.extend(found.models);
            shared.code.extend(found.code);
            shared.skipped.extend(found.skipped);
        }
    }
}

/// Reads a workspace: its settings, every model and source file the walk finds, then whatever
/// the models include, until nothing new is named.
pub fn load_workspace(root: &Path, options: Options, targets: &[PathBuf]) -> (Workspace, Walked) {
    load(root, options, targets, true)
}

/// Like [`load_workspace`], but reads only the files directly in `dir` (and what they include):
/// for a document opened in a directory that no `threatls.toml` or `.git` marks as a project,
/// where reading everything below (a home directory, `/`) would be neither wanted nor bounded.
pub fn load_directory(dir: &Path, options: Options) -> (Workspace, Walked) {
    load(dir, options, &[dir.to_path_buf()], false)
}

fn load(root: &Path, options: Options, targets: &[PathBuf], recursive: bool) -> (Workspace, Walked) {
    let mut workspace = Workspace::new(options);
    let config_path = root.join(CONFIG_FILE);
    if config_path.is_file() {
        workspace.set_file(CONFIG_FILE, read_confined(&config_path, root));
    }
    let mut walked = walk(root, workspace.config(), targets, recursive);
    for (path, input) in std::mem::take(&mut walked.models) {
        workspace.insert(SourceFile::new(&path, input, FileKind::Model));
    }
    for file in std::mem::take(&mut walked.code) {
        workspace.insert(file);
    }
    // The same file reached by two names (a link inside the workspace) is read once.
    let mut seen: HashMap<PathBuf, String> = HashMap::new();
    let mut included = 0;
    loop {
        let missing = workspace.unloaded_includes();
        if missing.is_empty() || included >= MAX_INCLUDED_FILES {
            break;
        }
        for name in missing {
            let path = root.join(&name);
            let input = match path.canonicalize() {
                Ok(canonical) if !canonical.starts_with(root) => FileInput::Unreadable(
                    "it resolves to a file outside the workspace, which threatls does not read".into(),
                ),
                Ok(canonical) => match seen.get(&canonical) {
                    Some(first) if *first != name => FileInput::Unreadable(format!(
                        "it is the same file as `{first}`, reached through a symbolic link"
                    )),
                    _ => {
                        seen.insert(canonical, name.clone());
                        read_confined(&path, root)
                    }
                },
                Err(_) => read_confined(&path, root),
            };
            workspace.insert(SourceFile::new(&name, input, FileKind::Model));
            included += 1;
        }
    }
    (workspace, walked)
}

/// How a path is read, by its name and the settings (includes are found later).
fn kind(path: &str, config: &Config) -> Option<FileKind> {
    let name = path.rsplit('/').next().unwrap_or(path);
    if path == CONFIG_FILE || config.is_excluded(path) {
        None
    } else if is_model_file_name(name) || config.is_extra_model(path) {
        Some(FileKind::Model)
    } else if comment_syntax(path).is_some() && config.scans(path) {
        Some(FileKind::Code)
    } else {
        None
    }
}

fn inside(path: &Path, root: &Path) -> bool {
    fs::canonicalize(path).is_ok_and(|target| target.starts_with(root))
}

/// Reads one source file without leaving `root`, up to the source size limit.
pub fn read_source(path: &Path, root: &Path) -> Result<Vec<u8>, FileInput> {
    let mut buffer = Vec::new();
    read_into(path, root, MAX_SOURCE_FILE_BYTES, &mut buffer).map(|()| buffer)
}

/// Reads one model file for the core without leaving `root`.
pub fn read_confined(path: &Path, root: &Path) -> FileInput {
    let mut buffer = Vec::new();
    match read_into(path, root, MAX_MODEL_FILE_BYTES, &mut buffer) {
        Ok(()) => FileInput::Bytes(buffer),
        Err(input) => input,
    }
}

/// Reads a file into `buffer` without leaving `root`: a symbolic link out of the workspace, a
/// FIFO or a device is refused without being opened, and at most `limit` bytes are read. On
/// failure, returns what to tell the core instead.
fn read_into(path: &Path, root: &Path, limit: u64, buffer: &mut Vec<u8>) -> Result<(), FileInput> {
    buffer.clear();
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(FileInput::Missing),
        Err(e) => return Err(FileInput::Unreadable(e.to_string())),
    };
    if meta.file_type().is_symlink() {
        match fs::canonicalize(path) {
            Ok(target) if target.starts_with(root) => {}
            Ok(_) => {
                return Err(FileInput::Unreadable(
                    "it resolves to a file outside the workspace, which threatls does not read".into(),
                ));
            }
            // A dangling link, or links in a loop: say so, or the file would vanish unexplained.
            Err(e) => return Err(FileInput::Unreadable(format!("it is a symbolic link that leads to no file ({e})"))),
        }
    }
    let meta = fs::metadata(path).map_err(|e| FileInput::Unreadable(e.to_string()))?;
    if meta.is_dir() {
        return Err(FileInput::Unreadable("it is a directory".into()));
    }
    if !meta.is_file() {
        return Err(FileInput::Unreadable("it is not a regular file".into()));
    }
    if meta.len() > limit {
        return Err(FileInput::TooLarge { len: meta.len() });
    }
    fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(buffer))
        .map(|_| ())
        .map_err(|e| FileInput::Unreadable(e.to_string()))
}

/// Reads a file the directory listing says is regular: one open and one `fstat` of the open
/// file, so that a file over the limit is refused by its size without reading any of it, and a
/// file replaced since the listing by something else is not read; then at most `limit` bytes.
fn read_regular(path: &Path, limit: u64, buffer: &mut Vec<u8>) -> Result<(), FileInput> {
    buffer.clear();
    let file = fs::File::open(path).map_err(|e| FileInput::Unreadable(e.to_string()))?;
    let meta = file.metadata().map_err(|e| FileInput::Unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(FileInput::Unreadable("it is not a regular file".into()));
    }
    if meta.len() > limit {
        return Err(FileInput::TooLarge { len: meta.len() });
    }
    buffer.reserve(usize::try_from(meta.len()).unwrap_or(0));
    let mut limited = (&file).take(limit + 1);
    limited.read_to_end(buffer).map_err(|e| FileInput::Unreadable(e.to_string()))?;
    // It grew since the fstat.
    if buffer.len() as u64 > limit {
        let len = buffer.len() as u64;
        buffer.clear();
        return Err(FileInput::TooLarge { len });
    }
    Ok(())
}

/// The workspace path of `path` under `root`: relative, `/`-separated.
pub fn workspace_path(path: &Path, root: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = relative.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// How a path is shown: relative to the current directory when under it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    if text.is_empty() { ".".to_owned() } else { text }
}

/// Today's date in UTC, from the system clock.
pub fn today_utc() -> Result<Date, String> {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| "the system clock is before 1970".to_owned())?
        .as_secs();
    let days = i64::try_from(secs / 86_400).map_err(|_| "the system clock is out of range".to_owned())?;
    Date::from_days_since_epoch(days).ok_or_else(|| "the system clock is out of range".to_owned())
}
