//! The server: lifecycle, document synchronisation, settings, watched files, the background
//! scan and publishing diagnostics. Requests are in `requests.rs`.
//!
//! Ordering: a notification changes the state synchronously, before its handler first awaits,
//! and the framework polls handlers for the first time in the order their messages arrived, so
//! every later request sees every earlier edit. The state's mutex is never held across an
//! `.await`; work on the core runs on blocking threads over a snapshot of a workspace.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer};

use super::document::Document;
use super::requests;
use super::settings;
use super::state::State;
use crate::analysis::{Skipped, skipped_notes};
use crate::disk::{load_directory, load_workspace};
use crate::syntax::PositionEncoding;

/// How long watched-file changes are collected before one re-analysis (a branch switch sends
/// hundreds at once).
const WATCH_DEBOUNCE: Duration = Duration::from_millis(50);

/// How long the scan waits for the client to accept its progress token before it goes on without
/// reporting progress.
const PROGRESS_CREATE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct Backend {
    pub(super) client: Client,
    pub(super) state: Arc<Mutex<State>>,
    /// Whether the client asked for `shutdown` (the exit code says so).
    pub(super) shut_down: Arc<AtomicBool>,
    /// Told each time a scan has read a root, for requests waiting on the whole workspace.
    scanned: Arc<watch::Sender<()>>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            state: Arc::new(Mutex::new(State::new())),
            shut_down: Arc::new(AtomicBool::new(false)),
            scanned: Arc::new(watch::Sender::new(())),
        }
    }

    /// The state; a panic while it was held (a bug) does not make it unusable.
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs a change of the state, turning a panic into a logged error instead of a crash.
    fn change<T>(&self, what: &str, f: impl FnOnce(&mut State) -> T) -> Option<T> {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut self.lock())));
        match result {
            Ok(value) => Some(value),
            Err(_) => {
                self.log_panic(what);
                None
            }
        }
    }

    /// Tells the client of an internal error (a bug), in its log.
    pub(super) fn log_error(&self, message: String) {
        let client = self.client.clone();
        tokio::spawn(async move { client.log_message(lsp::MessageType::ERROR, message).await });
    }

    /// Reads every root not yet read, in the background, reporting progress; sub-projects
    /// found on the way are read too. Open documents are analysed meanwhile with what is known.
    /// Does nothing if a scan is already running: it reads new roots before it ends.
    pub(super) fn scan(&self, progress: bool) {
        let start = self.change("the workspace scan", |state| {
            let start = !state.scanning && !state.loaded(None);
            state.scanning |= start;
            start
        });
        if start != Some(true) {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            let token = lsp::ProgressToken::String("threatls/scan".to_owned());
            // A client that never answers the token's creation must not hold the scan up.
            let created =
                || tokio::time::timeout(PROGRESS_CREATE_TIMEOUT, this.client.create_work_done_progress(token.clone()));
            let ongoing = if progress && this.lock().progress && matches!(created().await, Ok(Ok(()))) {
                Some(this.client.progress(token, "threatls").with_message("Reading the workspace").begin().await)
            } else {
                None
            };
            let mut files = 0;
            loop {
                let next = {
                    let mut state = this.lock();
                    let next = state.roots.iter().position(|r| !r.loaded);
                    state.scanning = next.is_some();
                    next.and_then(|i| {
                        let root = state.roots.get(i)?;
                        Some((i, root.dir.clone(), root.shallow, state.options()))
                    })
                };
                let Some((root, dir, shallow, options)) = next else { break };
                if let Some(p) = &ongoing {
                    p.report(format!("Reading {}", dir.display())).await;
                }
                let scan_dir = dir.clone();
                let scanned = tokio::task::spawn_blocking(move || {
                    if shallow {
                        load_directory(&scan_dir, options)
                    } else {
                        load_workspace(&scan_dir, options, std::slice::from_ref(&scan_dir))
                    }
                })
                .await;
                // What the scan left out, as `threatls check` notes it: a file missing from the
                // analysis should not be a mystery.
                if let Ok((_, walked)) = &scanned {
                    let skipped: Vec<(String, &Skipped)> =
                        walked.skipped.iter().map(|(p, why)| (p.clone(), why)).collect();
                    for note in skipped_notes(&skipped) {
                        let message = format!("threatls: in {}: {note}", dir.display());
                        this.client.log_message(lsp::MessageType::INFO, message).await;
                    }
                }
                this.change("the workspace scan", |state| match scanned {
                    Ok((workspace, walked)) => {
                        files += walked.scanned + workspace.paths().count();
                        state.merge_scan(root, workspace);
                        for nested in walked.nested_roots {
                            state.add_root(nested);
                        }
                    }
                    Err(_) => {
                        if let Some(r) = state.roots.get_mut(root) {
                            r.loaded = true;
                        }
                    }
                });
                this.scanned.send_replace(());
                let all = (0..this.lock().roots.len()).collect();
                this.refresh_diagnostics(all, None);
            }
            if let Some(p) = ongoing {
                p.finish_with_message(format!("Read {files} files")).await;
            }
        });
    }

    /// Waits until the root (or, with `None`, every root) has been read, for requests whose
    /// answer needs the whole workspace: a rename must not miss a file the scan has not read.
    pub(super) async fn wait_for_scan(&self, root: Option<usize>) {
        let mut scanned = self.scanned.subscribe();
        self.scan(false);
        while !self.lock().loaded(root) {
            if scanned.changed().await.is_err() {
                return;
            }
        }
    }

    /// Handles the watched-file changes collected since the last flush, in one re-analysis.
    fn flush_watched(&self) {
        let roots = self.change("watched files", |state| {
            state.flush_scheduled = false;
            let paths = std::mem::take(&mut state.watched);
            let mut roots = Vec::new();
            for path in paths {
                if path.file_name().is_some_and(|n| n == crate::config::CONFIG_FILE) {
                    // New settings may change which files are read: read the root again.
                    if let Some((root, _)) = state.find(&path)
                        && let Some(r) = state.roots.get_mut(root)
                    {
                        r.loaded = false;
                    }
                    continue;
                }
                roots.extend(state.reload(&path));
            }
            roots.sort_unstable();
            roots.dedup();
            roots
        });
        if let Some(roots) = roots {
            self.refresh_diagnostics(roots, None);
        }
        self.scan(false);
    }
}

/// The bodies of the lifecycle and notification handlers; `LanguageServer` below dispatches to
/// them.
impl Backend {
    async fn on_initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let capabilities = &params.capabilities;
        let offered = capabilities.general.as_ref().and_then(|g| g.position_encodings.clone()).unwrap_or_default();
        let utf8 = offered.contains(&lsp::PositionEncodingKind::UTF8);
        // Pulling is only safe when the server can ask for a new pull (after the initial scan,
        // or a change in another file); clients that pull but cannot be asked (Neovim 0.12)
        // get diagnostics pushed instead.
        let refresh = capabilities.workspace.as_ref().and_then(|w| w.diagnostics.as_ref()?.refresh_support);
        let pull =
            capabilities.text_document.as_ref().and_then(|t| t.diagnostic.as_ref()).is_some() && refresh == Some(true);
        let progress = capabilities.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false);
        let snippets = capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref()?.completion_item.as_ref()?.snippet_support)
            .unwrap_or(false);
        let folders: Vec<PathBuf> = match &params.workspace_folders {
            Some(folders) => folders.iter().filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned())).collect(),
            #[allow(deprecated)]
            None => params.root_uri.iter().filter_map(|u| u.to_file_path().map(|p| p.into_owned())).collect(),
        };
        self.change("initialize", |state| {
            state.encoding = if utf8 { PositionEncoding::Utf8 } else { PositionEncoding::Utf16 };
            state.pull = pull;
            state.progress = progress;
            state.snippets = snippets;
            if let Some(options) = &params.initialization_options {
                (state.settings, state.today) = settings::parse(options);
            }
            for folder in folders {
                let dir = folder.canonicalize().unwrap_or(folder);
                state.add_root(dir);
            }
        });
        Ok(lsp::InitializeResult {
            capabilities: requests::capabilities(utf8, pull),
            server_info: Some(lsp::ServerInfo {
                name: "threatls".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn on_initialized(&self, _: lsp::InitializedParams) {
        let watch = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String("**/*".to_owned()),
                kind: None,
            }],
        };
        let registration = lsp::Registration {
            id: "threatls/watch".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(watch).ok(),
        };
        self.scan(true);
        // Clients that cannot register dynamically answer with an error; files then change
        // only through the editor. Not awaited here: the framework stops at the end of the input
        // only once every handler has returned, and a client that closed its end without
        // answering kept the server running forever (found by the lsp fuzz target).
        let client = self.client.clone();
        tokio::spawn(async move { client.register_capability(vec![registration]).await });
    }

    async fn on_shutdown(&self) -> Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn on_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let lsp::TextDocumentItem { uri, text, version, .. } = params.text_document;
        let root = self.change("didOpen", |state| {
            // The rope is built from the message's text, which then moves into the workspace:
            // one copy of a large document fewer than collecting the rope again.
            state.documents.insert(uri.clone(), Document::new(&text, version));
            state.set_open(&uri, text)
        });
        if let Some(Some(root)) = root {
            self.refresh_diagnostics(vec![root], Some(uri));
        }
        // A file outside every workspace folder brings a root of its own to read.
        self.scan(false);
    }

    async fn on_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let root = self.change("didChange", |state| {
            let encoding = state.encoding;
            let doc = state.documents.get_mut(&uri)?;
            for change in &params.content_changes {
                doc.apply(change, encoding);
            }
            doc.version = params.text_document.version;
            let text = doc.text();
            state.set_open(&uri, text)
        });
        if let Some(Some(root)) = root {
            self.refresh_diagnostics(vec![root], Some(uri));
        }
    }

    async fn on_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let root = self.change("didClose", |state| {
            state.documents.remove(&uri);
            state.reload(&uri.to_file_path()?)
        });
        if let Some(Some(root)) = root {
            self.refresh_diagnostics(vec![root], None);
        }
    }

    async fn on_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let schedule = self.change("didChangeWatchedFiles", |state| {
            for change in params.changes {
                // An open document's text comes from the editor, not the disk.
                if state.documents.contains_key(&change.uri) {
                    continue;
                }
                if let Some(path) = change.uri.to_file_path() {
                    state.watched.insert(path.into_owned());
                }
            }
            let schedule = !state.flush_scheduled && !state.watched.is_empty();
            state.flush_scheduled |= schedule;
            schedule
        });
        if schedule == Some(true) {
            let this = self.clone();
            tokio::spawn(async move {
                tokio::time::sleep(WATCH_DEBOUNCE).await;
                this.flush_watched();
            });
        }
    }

    async fn on_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        if !settings::are_ours(&params.settings) {
            return;
        }
        self.change("didChangeConfiguration", |state| {
            let (settings, today) = settings::parse(&params.settings);
            let files_changed =
                settings.include != state.settings.include || settings.exclude != state.settings.exclude;
            state.settings = settings;
            state.today = today.or(state.today);
            state.apply_options();
            if files_changed {
                state.roots.iter_mut().for_each(|r| r.loaded = false);
            }
        });
        let all = (0..self.lock().roots.len()).collect();
        self.refresh_diagnostics(all, None);
        self.scan(false);
    }
}

/// Where the framework dispatches every method: each handler's whole body runs under a guard
/// that turns a panic into an error answer or a log line (see `panics.rs`).
impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        self.answer("initialize", self.on_initialize(params)).await
    }

    async fn initialized(&self, params: lsp::InitializedParams) {
        self.handle("initialized", self.on_initialized(params)).await
    }

    async fn shutdown(&self) -> Result<()> {
        self.answer("shutdown", self.on_shutdown()).await
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        self.handle("textDocument/didOpen", self.on_open(params)).await
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        self.handle("textDocument/didChange", self.on_change(params)).await
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        self.handle("textDocument/didClose", self.on_close(params)).await
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        self.handle("workspace/didChangeWatchedFiles", self.on_watched_files(params)).await
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        self.handle("workspace/didChangeConfiguration", self.on_configuration(params)).await
    }

    async fn completion(&self, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
        self.answer("textDocument/completion", requests::completion(self, params)).await
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        self.answer("textDocument/hover", requests::hover(self, params)).await
    }

    async fn goto_definition(&self, params: lsp::GotoDefinitionParams) -> Result<Option<lsp::GotoDefinitionResponse>> {
        self.answer("textDocument/definition", requests::definition(self, params)).await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        self.answer("textDocument/references", requests::references(self, params)).await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        self.answer("textDocument/prepareRename", requests::prepare_rename(self, params)).await
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        self.answer("textDocument/rename", requests::rename(self, params)).await
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        self.answer("textDocument/documentHighlight", requests::highlights(self, params)).await
    }

    async fn document_symbol(&self, params: lsp::DocumentSymbolParams) -> Result<Option<lsp::DocumentSymbolResponse>> {
        self.answer("textDocument/documentSymbol", requests::document_symbols(self, params)).await
    }

    async fn symbol(&self, params: lsp::WorkspaceSymbolParams) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        self.answer("workspace/symbol", requests::workspace_symbols(self, params)).await
    }

    async fn code_action(&self, params: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>> {
        self.answer("textDocument/codeAction", requests::code_actions(self, params)).await
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        self.answer("textDocument/codeLens", requests::code_lenses(self, params)).await
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        self.answer("textDocument/semanticTokens/full", requests::semantic_tokens(self, params)).await
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<lsp::LSPAny>> {
        self.answer("workspace/executeCommand", super::commands::execute(self, params)).await
    }

    async fn diagnostic(&self, params: lsp::DocumentDiagnosticParams) -> Result<lsp::DocumentDiagnosticReportResult> {
        self.answer("textDocument/diagnostic", requests::document_diagnostics(self, params)).await
    }

    async fn workspace_diagnostic(
        &self,
        params: lsp::WorkspaceDiagnosticParams,
    ) -> Result<lsp::WorkspaceDiagnosticReportResult> {
        self.answer("workspace/diagnostic", requests::workspace_diagnostics(self, params)).await
    }
}
