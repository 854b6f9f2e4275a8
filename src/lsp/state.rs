//! What the server holds between messages: open documents, one workspace per root, settings.
//! It sits behind one mutex; handlers change it synchronously and never hold it across an
//! `.await`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::Uri;

use super::document::Document;
use super::publish::Publisher;
use crate::analysis::{FileKind, Options, SourceFile, Workspace};
use crate::config::Settings;
use crate::date::Date;
use crate::disk::{self, directory_of, marked_root, workspace_path};
use crate::syntax::PositionEncoding;

/// A workspace root and its workspace.
#[derive(Debug)]
pub(super) struct Root {
    pub dir: PathBuf,
    pub workspace: Workspace,
    /// Whether the initial scan of the root has been merged in.
    pub loaded: bool,
    /// Whether only the files directly in `dir` are read: the directory of a document outside
    /// every workspace folder that no `threatls.toml` or `.git` marks as a project.
    pub shallow: bool,
}

#[derive(Debug)]
pub(super) struct State {
    pub encoding: PositionEncoding,
    pub documents: HashMap<Uri, Document>,
    pub roots: Vec<Root>,
    pub settings: Settings,
    /// A fixed date from the settings (tests); otherwise the clock's.
    pub today: Option<Date>,
    /// Bumped by every change; a diagnostics run publishes only if no change came after it.
    pub generation: u64,
    pub publisher: Publisher,
    /// The client pulls diagnostics (`textDocument/diagnostic`) instead of receiving them.
    pub pull: bool,
    /// The client shows `$/progress` reports.
    pub progress: bool,
    /// The client takes snippet syntax (`${1:id}`) in completions; others get plain text.
    pub snippets: bool,
    /// Watched-file changes waiting for the next flush.
    pub watched: BTreeSet<PathBuf>,
    pub flush_scheduled: bool,
    /// A background scan is reading the roots not loaded yet.
    pub scanning: bool,
}

impl State {
    pub(super) fn new() -> State {
        State {
            encoding: PositionEncoding::Utf16,
            documents: HashMap::new(),
            roots: Vec::new(),
            settings: Settings::default(),
            today: None,
            generation: 0,
            publisher: Publisher::default(),
            pull: false,
            progress: false,
            snippets: false,
            watched: BTreeSet::new(),
            flush_scheduled: false,
            scanning: false,
        }
    }

    pub(super) fn options(&self) -> Options {
        let today = self.today.or_else(|| disk::today_utc().ok()).unwrap_or(Date::EPOCH);
        Options { today, settings: self.settings.clone() }
    }

    /// Adds a root (a workspace folder, or a sub-project found in one) if it is new.
    pub(super) fn add_root(&mut self, dir: PathBuf) -> usize {
        self.add(dir, false)
    }

    fn add(&mut self, dir: PathBuf, shallow: bool) -> usize {
        if let Some(i) = self.roots.iter().position(|r| r.dir == dir) {
            return i;
        }
        let workspace = Workspace::new(self.options());
        self.roots.push(Root { dir, workspace, loaded: false, shallow });
        self.roots.len() - 1
    }

    /// The root a file belongs to (the deepest that holds it) and its workspace path; a file
    /// outside every root gets a root of its own, found as the CLI finds one, except that a
    /// directory no marker makes a project is read without what lies below it (a file opened
    /// in `/` or a home directory must not make the server read everything there).
    pub(super) fn locate(&mut self, path: &Path) -> Option<(usize, String)> {
        if let Some(found) = self.find(path) {
            return Some(found);
        }
        let root = match marked_root(path) {
            Some(dir) => self.add(dir, false),
            None => self.add(directory_of(path).to_path_buf(), true),
        };
        let rel = workspace_path(path, &self.roots.get(root)?.dir)?;
        Some((root, rel))
    }

    /// Whether the given root (or, with `None`, every root) has been read.
    pub(super) fn loaded(&self, root: Option<usize>) -> bool {
        match root {
            Some(root) => self.roots.get(root).is_none_or(|r| r.loaded),
            None => self.roots.iter().all(|r| r.loaded),
        }
    }

    pub(super) fn find(&self, path: &Path) -> Option<(usize, String)> {
        let (i, root) = self
            .roots
            .iter()
            .enumerate()
            .filter(|(_, r)| path.starts_with(&r.dir))
            .max_by_key(|(_, r)| r.dir.components().count())?;
        Some((i, workspace_path(path, &root.dir)?))
    }

    /// The root of a file already in a root (an open document is: opening it made one), and its
    /// workspace path. For requests, which must not add a root: a hover on `file:///x` would
    /// make `/` a root, and the next scan read the whole disk.
    pub(super) fn find_uri(&self, uri: &Uri) -> Option<(usize, String)> {
        self.find(&uri.to_file_path()?)
    }

    pub(super) fn locate_uri(&mut self, uri: &Uri) -> Option<(usize, String)> {
        let path = uri.to_file_path()?;
        self.locate(&path)
    }

    /// Sets an open document's text in its workspace.
    pub(super) fn set_open(&mut self, uri: &Uri, text: String) -> Option<usize> {
        let (root, rel) = self.locate_uri(uri)?;
        self.roots.get_mut(root)?.workspace.set_open_file(&rel, text);
        self.generation += 1;
        Some(root)
    }

    /// Reads a file from disk again (it was closed, or changed on disk), or forgets it.
    pub(super) fn reload(&mut self, path: &Path) -> Option<usize> {
        let (root, rel) = self.find(path)?;
        let r = self.roots.get_mut(root)?;
        let dir = r.dir.clone();
        let ws = &mut r.workspace;
        match ws.kind_of(&rel) {
            _ if !path.exists() => ws.remove_file(&rel),
            Some(FileKind::Code) => {
                let file = match disk::read_source(path, &dir) {
                    Ok(bytes) => SourceFile::scan_code(&rel, &bytes),
                    Err(input) => SourceFile::new(&rel, input, FileKind::Code),
                };
                ws.insert(file);
            }
            Some(kind) => ws.insert(SourceFile::new(&rel, disk::read_confined(path, &dir), kind)),
            None => ws.remove_file(&rel),
        }
        self.generation += 1;
        Some(root)
    }

    /// Applies new settings (or a new day) to every workspace.
    pub(super) fn apply_options(&mut self) {
        let options = self.options();
        for root in &mut self.roots {
            root.workspace.set_options(options.clone());
        }
        self.generation += 1;
    }

    /// Puts a freshly scanned workspace in place of a root's, keeping the open documents'
    /// text, which is newer than the disk's.
    pub(super) fn merge_scan(&mut self, root: usize, mut scanned: Workspace) {
        if let Some(r) = self.roots.get(root) {
            for (uri, doc) in &self.documents {
                let Some((r_of, rel)) = uri.to_file_path().and_then(|path| self.find(&path)) else { continue };
                if r_of == root {
                    // Compared with the rope: the text is only collected when it changed.
                    scanned.set_open_file_from(&rel, &r.workspace, |text| doc.is(text), || doc.text());
                }
            }
        }
        if let Some(r) = self.roots.get_mut(root) {
            r.workspace = scanned;
            r.loaded = true;
        }
        self.generation += 1;
    }
}
