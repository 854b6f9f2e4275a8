//! The workspace: files' contents in, derived facts out.
//!
//! A face (the CLI, the language server) sets the text of each file it knows about and asks for
//! diagnostics. Everything derived is computed here, lazily and from the inputs only, so the two
//! faces can never disagree. No I/O, no clock: "today" is an input.

mod code;
mod index;
mod paths;
mod source_file;
mod threats;
mod validate;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

pub use index::{Def, Index};
pub use paths::{is_model_file_name, join as join_path, parent as parent_dir};
pub use source_file::{FileInput, FileKind, Presence, Skipped, SourceFile};
pub use threats::ThreatState;

use crate::config::{CONFIG_FILE, Config};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::MAX_DIAGNOSTICS_PER_FILE;
use crate::syntax::TextRange;

/// What the analysis depends on besides the files.
#[derive(Clone, Debug)]
pub struct Options {
    /// The date against which acceptances and review cadences are judged.
    pub today: Date,
}

#[derive(Clone, Debug)]
pub struct Workspace {
    options: Options,
    files: BTreeMap<String, Arc<SourceFile>>,
    analysis: OnceLock<Arc<Analysis>>,
}

/// Facts derived from all files together.
#[derive(Debug)]
pub struct Analysis {
    pub index: Index,
    pub threat_states: BTreeMap<String, ThreatState>,
    /// Diagnostics that need more than one file, by path.
    diagnostics: BTreeMap<String, Vec<Diagnostic>>,
}

impl Workspace {
    pub fn new(options: Options) -> Workspace {
        Workspace { options, files: BTreeMap::new(), analysis: OnceLock::new() }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// How the file at `path` is read: as a model when its name says so or a model includes
    /// it, as source code when its language is known, otherwise not at all.
    pub fn kind_of(&self, path: &str) -> Option<FileKind> {
        let config = self.config();
        if path == CONFIG_FILE {
            return Some(FileKind::Config);
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        let named_model = is_model_file_name(name) && !config.is_excluded(path);
        if named_model || config.is_extra_model(path) || self.is_included(path) {
            Some(FileKind::Model)
        } else if crate::annotations::comment_syntax(path).is_some() && config.scans(path) {
            Some(FileKind::Code)
        } else {
            None
        }
    }

    /// The workspace's settings, from its `threatls.toml` (defaults without one).
    pub fn config(&self) -> &Config {
        static DEFAULT: std::sync::OnceLock<Config> = std::sync::OnceLock::new();
        self.files
            .get(CONFIG_FILE)
            .and_then(|f| f.config.as_ref())
            .unwrap_or_else(|| DEFAULT.get_or_init(Config::default))
    }

    fn is_included(&self, path: &str) -> bool {
        self.files.values().filter(|f| f.kind == FileKind::Model).any(|f| {
            f.model.includes.iter().any(|inc| join_path(parent_dir(&f.path), &inc.value).as_deref() == Some(path))
        })
    }

    /// Sets (or replaces) the content of the file at `path`, workspace-relative with `/`, read
    /// as [`Workspace::kind_of`] says. Files of no known kind are ignored.
    pub fn set_file(&mut self, path: &str, input: FileInput) {
        if let Some(kind) = self.kind_of(path) {
            self.insert(SourceFile::new(path, input, kind));
        }
    }

    /// Adds a file read elsewhere (a face may build [`SourceFile`]s in parallel).
    pub fn insert(&mut self, file: SourceFile) {
        self.files.insert(file.path.clone(), Arc::new(file));
        self.analysis = OnceLock::new();
    }

    pub fn remove_file(&mut self, path: &str) {
        if self.files.remove(path).is_some() {
            self.analysis = OnceLock::new();
        }
    }

    pub fn file(&self, path: &str) -> Option<&SourceFile> {
        self.files.get(path).map(Arc::as_ref)
    }

    /// Every known path, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Files that present files include but that nobody has set yet: a face should read each
    /// (or record it as missing) and ask again until this is empty.
    pub fn unloaded_includes(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .files
            .values()
            .flat_map(|f| f.model.includes.iter().filter_map(|inc| join_path(parent_dir(&f.path), &inc.value)))
            .filter(|p| self.files.get(p).is_none_or(|f| f.kind != FileKind::Model))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn analysis(&self) -> &Analysis {
        self.analysis.get_or_init(|| Arc::new(Analysis::compute(&self.files, &self.options)))
    }

    /// All diagnostics of one file, sorted by position, at most [`MAX_DIAGNOSTICS_PER_FILE`].
    pub fn diagnostics(&self, path: &str) -> Vec<Diagnostic> {
        let Some(file) = self.files.get(path) else { return Vec::new() };
        let mut all = file.diagnostics.clone();
        if let Some(cross) = self.analysis().diagnostics.get(path) {
            all.extend(cross.iter().cloned());
        }
        all.sort_by_key(|d| (d.range.start, d.range.end, d.code));
        if all.len() > MAX_DIAGNOSTICS_PER_FILE {
            let left_out = all.len() - MAX_DIAGNOSTICS_PER_FILE;
            all.truncate(MAX_DIAGNOSTICS_PER_FILE);
            all.push(Diagnostic::new(
                Code::LimitExceeded,
                TextRange::empty(0),
                format!("{left_out} more diagnostics in this file are not shown; fix the ones above first"),
            ));
        }
        all
    }
}

impl Analysis {
    fn compute(files: &BTreeMap<String, Arc<SourceFile>>, options: &Options) -> Analysis {
        let index = Index::build(files.values());
        let mut diagnostics: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
        let mut sink = |path: &str, d: Diagnostic| diagnostics.entry(path.to_owned()).or_default().push(d);
        validate::check(files, &index, &mut sink);
        let code = code::collect(files.values(), &index, options.today, &mut sink);
        let threat_states = threats::check(files, &index, options, &code, &mut sink);
        Analysis { index, threat_states, diagnostics }
    }
}
