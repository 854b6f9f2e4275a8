//! The workspace: files' contents in, derived facts out.
//!
//! A face (the CLI, the language server) sets the text of each file it knows about and asks for
//! diagnostics. Everything derived is computed here, lazily and from the inputs only, so the two
//! faces can never disagree. No I/O, no clock: "today" is an input.

mod code;
mod coverage;
mod evidence;
mod identity;
mod index;
mod names;
mod occurrences;
mod paths;
mod source_file;
mod threats;
mod validate;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

pub use evidence::{CodePlace, Evidence};
pub use index::{Def, Index};
pub use names::{Group, NameTable};
pub use occurrences::{Occurrence, Occurrences};
pub use paths::{is_model_file_name, join as join_path, parent as parent_dir};
pub use source_file::{FileInput, FileKind, Presence, Skipped, SourceFile, mib, skipped_notes};
pub use threats::ThreatState;

use crate::config::{CONFIG_FILE, Config, Settings};
use crate::date::Date;
use crate::diagnostic::{Code, Diagnostic};
use crate::limits::MAX_DIAGNOSTICS_PER_FILE;
use crate::syntax::TextRange;

/// What the analysis depends on besides the files.
#[derive(Clone, Debug)]
pub struct Options {
    /// The date against which acceptances and review cadences are judged.
    pub today: Date,
    /// A face's settings, on top of `threatls.toml`.
    pub settings: Settings,
}

impl Options {
    pub fn new(today: Date) -> Options {
        Options { today, settings: Settings::default() }
    }
}

#[derive(Clone, Debug)]
pub struct Workspace {
    options: Options,
    files: FileMap,
    /// The files that can define, reference or report anything: model files, `threatls.toml`,
    /// and source files with annotations or diagnostics. Most source files have neither, and
    /// the analysis and the diagnostics, which run after every keystroke, read only these.
    relevant: FileMap,
    /// `threatls.toml` with the face's settings on top.
    config: Arc<Config>,
    /// Shared by clones, so that a snapshot taken before the analysis ran gets it too, and a
    /// change makes a new, empty cell.
    analysis: Arc<OnceLock<Analysis>>,
    /// What the next analysis may take over from the last one.
    previous: Previous,
}

/// Tables of the last analysis that the next one takes over if no file changed what it defines
/// or names (see [`identity`]).
#[derive(Clone, Debug, Default)]
struct Previous {
    names: Option<Arc<NameTable>>,
    ids: Option<Arc<index::IdTables>>,
}

/// Facts derived from all files together.
#[derive(Debug)]
pub struct Analysis {
    pub index: Index,
    names: OnceLock<Arc<NameTable>>,
    occurrences: OnceLock<Occurrences>,
    evidence: OnceLock<Evidence>,
    pub threat_states: hashbrown::HashMap<String, ThreatState>,
    /// Diagnostics that need more than one file, by path.
    diagnostics: BTreeMap<String, Vec<Diagnostic>>,
}

impl Workspace {
    pub fn new(options: Options) -> Workspace {
        let config = Arc::new(Config::default().with(&options.settings));
        Workspace {
            options,
            files: FileMap::new(),
            relevant: FileMap::new(),
            config,
            analysis: Arc::default(),
            previous: Previous::default(),
        }
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Changes the options (new settings from the editor, a new day).
    pub fn set_options(&mut self, options: Options) {
        self.options = options;
        self.update_config();
    }

    fn update_config(&mut self) {
        let file = self.files.get(CONFIG_FILE).and_then(|f| f.config.clone()).unwrap_or_default();
        self.config = Arc::new(file.with(&self.options.settings));
        self.invalidate();
    }

    /// Drops the analysis after a change, keeping what the next one may reuse.
    fn invalidate(&mut self) {
        if let Some(analysis) = self.analysis.get() {
            if let Some(names) = analysis.names.get() {
                self.previous.names = Some(Arc::clone(names));
            }
            self.previous.ids = Some(Arc::clone(analysis.index.tables()));
        }
        self.analysis = Arc::default();
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

    /// The workspace's settings: its `threatls.toml` (defaults without one) with the face's
    /// settings on top.
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn is_included(&self, path: &str) -> bool {
        self.relevant.values().filter(|f| f.kind == FileKind::Model).any(|f| {
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
    pub fn insert(&mut self, mut file: SourceFile) {
        file.identity = identity::fingerprint(&file);
        self.insert_shared(Arc::new(file));
    }

    fn insert_shared(&mut self, file: Arc<SourceFile>) {
        let is_config = file.kind == FileKind::Config;
        if file.kind != FileKind::Code || !file.annotations.is_empty() || !file.diagnostics.is_empty() {
            self.relevant.insert(file.path.clone(), Arc::clone(&file));
        } else {
            self.relevant.remove(&file.path);
        }
        self.files.insert(file.path.clone(), file);
        self.invalidate();
        if is_config {
            self.update_config();
        }
    }

    /// Sets a document open in an editor: its text is what is analysed, and a source file keeps
    /// it for editor features.
    pub fn set_open_file(&mut self, path: &str, text: String) {
        if let Some(kind) = self.kind_of(path) {
            // The analysis holds the file too: let it go first, so that an edit can take the
            // file over instead of copying it.
            self.invalidate();
            self.relevant.remove(path);
            let file = match self.files.remove(path) {
                Some(old) if old.kind == kind => SourceFile::edit(old, text),
                _ => SourceFile::open(path, text, kind),
            };
            self.insert(file);
        }
    }

    /// Sets a document open in an editor, taking its file from `from` (the same root before it
    /// was read again) when that one was made from the same text (`is_text` says whether a text
    /// is the document's): a large document is then not parsed a second time, both workspaces
    /// share one copy of it, and `text` (which may have to collect the document) is not called.
    pub fn set_open_file_from(
        &mut self,
        path: &str,
        from: &Workspace,
        is_text: impl FnOnce(&str) -> bool,
        text: impl FnOnce() -> String,
    ) {
        match from.files.get(path) {
            Some(file) if Some(file.kind) == self.kind_of(path) && is_text(&file.text) => {
                self.relevant.remove(path);
                self.insert_shared(Arc::clone(file));
            }
            _ => self.set_open_file(path, text()),
        }
    }

    pub fn remove_file(&mut self, path: &str) {
        if self.files.remove(path).is_some() {
            self.relevant.remove(path);
            self.invalidate();
            if path == CONFIG_FILE {
                self.update_config();
            }
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
            .relevant
            .values()
            .flat_map(|f| f.model.includes.iter().filter_map(|inc| join_path(parent_dir(&f.path), &inc.value)))
            .filter(|p| self.files.get(p).is_none_or(|f| f.kind != FileKind::Model))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn analysis(&self) -> &Analysis {
        self.analysis.get_or_init(|| Analysis::compute(&self.analysed(), &self.options, &self.previous))
    }

    /// The files the analysis reads: with annotations off, source files take no part.
    fn analysed(&self) -> Analysed<'_> {
        Analysed { files: &self.files, relevant: &self.relevant, code: self.config.annotations }
    }

    /// What names in code stand for.
    pub fn names(&self) -> &NameTable {
        self.analysis().names.get_or_init(|| NameTable::of(self.analysed().iter(), self.previous.names.as_ref()))
    }

    /// Every place `id` is written, in model files and in code, sorted by path and position.
    pub fn occurrences(&self, id: &str) -> &[Occurrence] {
        self.analysis().occurrences.get_or_init(|| Occurrences::build(self.relevant.values(), self.names())).of(id)
    }

    /// Where code exposes, mitigates, accepts and transfers threats, place by place. Collected
    /// on first use: only reports need it.
    pub fn evidence(&self) -> &Evidence {
        let analysis = self.analysis();
        analysis.evidence.get_or_init(|| {
            let files = self.analysed();
            let (today, previous) = (self.options.today, self.previous.names.as_ref());
            // The checks already reported every diagnostic this pass finds again.
            let facts = code::collect(&files, &analysis.index, &analysis.names, previous, today, true, &mut |_, _| {});
            Evidence::of(facts)
        })
    }

    /// The files that may have diagnostics (others certainly have none), without computing
    /// every file's list: a face publishing after each keystroke need not look at the rest.
    pub fn paths_with_diagnostics(&self) -> impl Iterator<Item = &str> {
        let cross = &self.analysis().diagnostics;
        self.relevant
            .iter()
            .filter(|(path, f)| !f.diagnostics.is_empty() || cross.contains_key(*path))
            .map(|(p, _)| p.as_str())
    }

    /// All diagnostics of one file, sorted by position, at most [`MAX_DIAGNOSTICS_PER_FILE`].
    pub fn diagnostics(&self, path: &str) -> Vec<Diagnostic> {
        let Some(file) = self.files.get(path) else { return Vec::new() };
        if file.kind == FileKind::Code && !self.config.annotations {
            return Vec::new();
        }
        let mut all = file.diagnostics.clone();
        if let Some(cross) = self.analysis().diagnostics.get(path) {
            all.extend(cross.iter().cloned());
        }
        all.retain_mut(|d| match self.config.level(d.code, d.severity) {
            Some(severity) => {
                d.severity = severity;
                true
            }
            None => false,
        });
        all.sort_by(|a, b| {
            (a.range.start, a.range.end, a.code, &a.message).cmp(&(b.range.start, b.range.end, b.code, &b.message))
        });
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

/// The workspace's files by path. Clones share structure: a snapshot is O(1).
type FileMap = imbl::OrdMap<String, Arc<SourceFile>>;

/// The files an analysis reads, in path order.
#[derive(Clone, Copy)]
pub(super) struct Analysed<'a> {
    files: &'a FileMap,
    relevant: &'a FileMap,
    /// Whether source files take part (annotation checks are on).
    code: bool,
}

impl<'a> Analysed<'a> {
    pub(super) fn iter(&self) -> impl Iterator<Item = &'a Arc<SourceFile>> + use<'a> {
        let code = self.code;
        self.relevant.values().filter(move |f| code || f.kind != FileKind::Code)
    }

    pub(super) fn get(&self, path: &str) -> Option<&'a Arc<SourceFile>> {
        self.files.get(path).filter(|f| self.code || f.kind != FileKind::Code)
    }
}

impl Analysis {
    fn compute(files: &Analysed<'_>, options: &Options, previous: &Previous) -> Analysis {
        let index = Index::build(files.iter(), previous.ids.as_ref());
        let mut diagnostics: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
        let mut sink = |path: &str, d: Diagnostic| diagnostics.entry(path.to_owned()).or_default().push(d);
        validate::check(files, &index, &mut sink);
        coverage::check(files, &index, &mut sink);
        let names = OnceLock::new();
        let code = code::collect(files, &index, &names, previous.names.as_ref(), options.today, false, &mut sink);
        let threat_states = threats::check(files, &index, options, &code, &mut sink);
        // The code facts borrow the index and the name table, which move into the analysis.
        drop(code);
        Analysis { index, names, occurrences: OnceLock::new(), evidence: OnceLock::new(), threat_states, diagnostics }
    }
}
