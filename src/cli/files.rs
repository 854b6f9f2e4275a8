//! Finding and reading files for the CLI, confined to the workspace root.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::analysis::{FileInput, is_model_file_name};
use crate::limits::MAX_MODEL_FILE_BYTES;

/// Files whose presence marks a workspace root.
const ROOT_MARKERS: &[&str] = &["threatls.toml", ".git"];

/// The workspace root of `path`: its nearest ancestor holding `threatls.toml` or `.git`, else
/// `fallback`.
pub(super) fn root_of(path: &Path, fallback: &Path) -> PathBuf {
    path.ancestors()
        .skip(1)
        .find(|dir| ROOT_MARKERS.iter().any(|m| dir.join(m).exists()))
        .map_or_else(|| fallback.to_path_buf(), Path::to_path_buf)
}

/// Every model file under `dir`, respecting `.gitignore` and skipping hidden entries, as
/// ripgrep does. Symbolic links are not followed.
pub(super) fn model_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .follow_links(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| !t.is_dir()))
        .filter(|e| e.file_name().to_str().is_some_and(is_model_file_name))
        .map(ignore::DirEntry::into_path)
        .collect();
    out.sort();
    out
}

/// Reads one file for the core without leaving `root`: a symbolic link out of the workspace, a
/// FIFO or a device is refused without being opened, and at most the size limit is read.
pub(super) fn read_confined(path: &Path, root: &Path) -> FileInput {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return FileInput::Missing,
        Err(e) => return FileInput::Unreadable(e.to_string()),
    };
    if meta.file_type().is_symlink() {
        match fs::canonicalize(path) {
            Ok(target) if target.starts_with(root) => {}
            Ok(_) => {
                return FileInput::Unreadable(
                    "it is a symbolic link to a file outside the workspace, which threatls does not follow".into(),
                );
            }
            Err(_) => return FileInput::Missing,
        }
    }
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => return FileInput::Unreadable(e.to_string()),
    };
    if meta.is_dir() {
        return FileInput::Unreadable("it is a directory".into());
    }
    if !meta.is_file() {
        return FileInput::Unreadable("it is not a regular file".into());
    }
    if meta.len() > MAX_MODEL_FILE_BYTES {
        return FileInput::TooLarge { len: meta.len() };
    }
    let mut bytes = Vec::new();
    let read = fs::File::open(path).and_then(|f| f.take(MAX_MODEL_FILE_BYTES + 1).read_to_end(&mut bytes));
    match read {
        Ok(_) => FileInput::Bytes(bytes),
        Err(e) => FileInput::Unreadable(e.to_string()),
    }
}

/// The workspace path of `path` under `root`: relative, `/`-separated.
pub(super) fn workspace_path(path: &Path, root: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = relative.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// How a path is shown: relative to the current directory when under it.
pub(super) fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    if text.is_empty() { ".".to_owned() } else { text }
}

/// Groups files by their workspace root.
pub(super) fn by_root(files: Vec<(PathBuf, PathBuf)>) -> BTreeMap<PathBuf, Vec<PathBuf>> {
    let mut out: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for (root, file) in files {
        out.entry(root).or_default().push(file);
    }
    out
}
