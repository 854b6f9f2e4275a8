//! Requests: each takes a snapshot of the file's workspace under the lock, answers from it on
//! a blocking thread, and converts the core's answer. A panic anywhere becomes an error answer
//! (see `panics.rs`).

use std::collections::HashMap;
use std::path::PathBuf;

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::convert;
use super::server::Backend;
use crate::analysis::{SourceFile, Workspace};
use crate::ide;
use crate::syntax::PositionEncoding;

pub(super) fn capabilities(utf8: bool, pull: bool) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(if utf8 { lsp::PositionEncodingKind::UTF8 } else { lsp::PositionEncodingKind::UTF16 }),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            ..lsp::TextDocumentSyncOptions::default()
        })),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(["@", "#", "[", ":", " "].iter().map(|c| (*c).to_owned()).collect()),
            ..lsp::CompletionOptions::default()
        }),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_highlight_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX, lsp::CodeActionKind::REFACTOR]),
            ..lsp::CodeActionOptions::default()
        })),
        code_lens_provider: Some(lsp::CodeLensOptions { resolve_provider: Some(false) }),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: super::commands::all(),
            work_done_progress_options: Default::default(),
        }),
        semantic_tokens_provider: Some(lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
            lsp::SemanticTokensOptions {
                legend: convert::token_legend(),
                full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                range: None,
                work_done_progress_options: Default::default(),
            },
        )),
        diagnostic_provider: pull.then(|| {
            lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                identifier: Some("threatls".to_owned()),
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                work_done_progress_options: Default::default(),
            })
        }),
        ..lsp::ServerCapabilities::default()
    }
}

/// A consistent view for one request.
struct Snapshot {
    workspace: Workspace,
    dir: PathBuf,
    path: String,
    encoding: PositionEncoding,
    /// The client takes snippet syntax in completions.
    snippets: bool,
}

impl Snapshot {
    fn file(&self) -> Option<&SourceFile> {
        self.workspace.file(&self.path)
    }

    fn offset(&self, p: lsp::Position) -> u32 {
        self.file().map_or(0, |f| convert::offset(f, p, self.encoding))
    }

    fn location(&self, path: &str, range: crate::syntax::TextRange) -> Option<lsp::Location> {
        let file = self.workspace.file(path)?;
        Some(lsp::Location { uri: convert::uri(&self.dir, path)?, range: convert::range(file, range, self.encoding) })
    }

    fn workspace_edit(&self, edits: &[ide::FileEdit]) -> lsp::WorkspaceEdit {
        let mut changes: HashMap<Uri, Vec<lsp::TextEdit>> = HashMap::new();
        for e in edits {
            let (Some(file), Some(uri)) = (self.workspace.file(&e.path), convert::uri(&self.dir, &e.path)) else {
                continue;
            };
            changes.entry(uri).or_default().push(lsp::TextEdit {
                range: convert::range(file, e.range, self.encoding),
                new_text: e.new_text.clone(),
            });
        }
        lsp::WorkspaceEdit { changes: Some(changes), ..lsp::WorkspaceEdit::default() }
    }
}

impl Backend {
    fn snapshot(&self, uri: &Uri) -> Result<Snapshot> {
        let state = self.lock();
        let (encoding, snippets) = (state.encoding, state.snippets);
        let (root, path) = state.find_uri(uri).ok_or_else(|| {
            invalid(format!("`{}` is neither open nor in a workspace folder; open it first", uri.as_str()))
        })?;
        let root = state.roots.get(root).ok_or_else(|| invalid("no workspace for this document".to_owned()))?;
        if root.workspace.file(&path).is_none() {
            return Err(invalid(format!("`{path}` is not open, and is not a model or source file threatls reads")));
        }
        Ok(Snapshot { workspace: root.workspace.clone(), dir: root.dir.clone(), path, encoding, snippets })
    }

    /// A snapshot once the document's root has been read, for answers that need all of it.
    async fn whole_snapshot(&self, uri: &Uri) -> Result<Snapshot> {
        let root = self.lock().find_uri(uri).map(|(root, _)| root);
        self.wait_for_scan(root).await;
        self.snapshot(uri)
    }

    /// Every workspace, once read, for requests about all of them.
    async fn snapshots(&self) -> Vec<(Workspace, PathBuf, PositionEncoding)> {
        self.wait_for_scan(None).await;
        let state = self.lock();
        state.roots.iter().map(|r| (r.workspace.clone(), r.dir.clone(), state.encoding)).collect()
    }
}

pub(super) fn invalid(message: String) -> Error {
    Error { code: ErrorCode::InvalidParams, message: message.into(), data: None }
}

pub(super) async fn completion(b: &Backend, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
    let at = params.text_document_position;
    let s = b.snapshot(&at.text_document.uri)?;
    b.run("completion", move || {
        let file = s.file()?;
        let found = ide::completions(&s.workspace, &s.path, s.offset(at.position));
        let items = found.items.into_iter().map(|i| convert::completion(file, i, s.encoding, s.snippets)).collect();
        Some(lsp::CompletionResponse::List(lsp::CompletionList { is_incomplete: found.incomplete, items }))
    })
    .await
}

pub(super) async fn hover(b: &Backend, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
    let at = params.text_document_position_params;
    let s = b.snapshot(&at.text_document.uri)?;
    b.run("hover", move || {
        let file = s.file()?;
        let h = ide::hover(&s.workspace, &s.path, s.offset(at.position))?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: h.markdown,
            }),
            range: Some(convert::range(file, h.range, s.encoding)),
        })
    })
    .await
}

pub(super) async fn definition(
    b: &Backend,
    params: lsp::GotoDefinitionParams,
) -> Result<Option<lsp::GotoDefinitionResponse>> {
    let at = params.text_document_position_params;
    let s = b.whole_snapshot(&at.text_document.uri).await?;
    b.run("definition", move || {
        let found: Vec<lsp::Location> = ide::definition(&s.workspace, &s.path, s.offset(at.position))
            .iter()
            .filter_map(|r| s.location(&r.path, r.range))
            .collect();
        (!found.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(found))
    })
    .await
}

pub(super) async fn references(b: &Backend, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
    let at = params.text_document_position;
    let s = b.whole_snapshot(&at.text_document.uri).await?;
    let include = params.context.include_declaration;
    b.run("references", move || {
        let found = ide::references(&s.workspace, &s.path, s.offset(at.position), include);
        Some(found.iter().filter_map(|o| s.location(&o.path, o.range)).collect())
    })
    .await
}

pub(super) async fn prepare_rename(
    b: &Backend,
    params: lsp::TextDocumentPositionParams,
) -> Result<Option<lsp::PrepareRenameResponse>> {
    let s = b.snapshot(&params.text_document.uri)?;
    b.run("prepareRename", move || {
        let (range, id) = ide::prepare_rename(&s.workspace, &s.path, s.offset(params.position)).map_err(invalid)?;
        let file = s.file().ok_or_else(|| invalid("the document is gone".to_owned()))?;
        Ok(Some(lsp::PrepareRenameResponse::RangeWithPlaceholder {
            range: convert::range(file, range, s.encoding),
            placeholder: id,
        }))
    })
    .await?
}

pub(super) async fn rename(b: &Backend, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
    let at = params.text_document_position;
    let s = b.whole_snapshot(&at.text_document.uri).await?;
    b.run("rename", move || {
        let edits = ide::rename(&s.workspace, &s.path, s.offset(at.position), &params.new_name).map_err(invalid)?;
        Ok(Some(s.workspace_edit(&edits)))
    })
    .await?
}

pub(super) async fn highlights(
    b: &Backend,
    params: lsp::DocumentHighlightParams,
) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
    let at = params.text_document_position_params;
    let s = b.snapshot(&at.text_document.uri)?;
    b.run("documentHighlight", move || {
        let file = s.file()?;
        let found = ide::highlights(&s.workspace, &s.path, s.offset(at.position));
        Some(
            found
                .iter()
                .map(|o| lsp::DocumentHighlight {
                    range: convert::range(file, o.range, s.encoding),
                    kind: Some(if o.is_definition {
                        lsp::DocumentHighlightKind::WRITE
                    } else {
                        lsp::DocumentHighlightKind::READ
                    }),
                })
                .collect(),
        )
    })
    .await
}

pub(super) async fn document_symbols(
    b: &Backend,
    params: lsp::DocumentSymbolParams,
) -> Result<Option<lsp::DocumentSymbolResponse>> {
    let s = b.snapshot(&params.text_document.uri)?;
    b.run("documentSymbol", move || {
        let file = s.file()?;
        let symbols = ide::document_symbols(&s.workspace, &s.path);
        Some(lsp::DocumentSymbolResponse::Nested(
            symbols.into_iter().map(|sym| convert::document_symbol(file, sym, s.encoding)).collect(),
        ))
    })
    .await
}

#[allow(deprecated)]
pub(super) async fn workspace_symbols(
    b: &Backend,
    params: lsp::WorkspaceSymbolParams,
) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
    let all = b.snapshots().await;
    b.run("workspace/symbol", move || {
        let mut out = Vec::new();
        for (ws, dir, encoding) in &all {
            for (path, symbol) in ide::workspace_symbols(ws, &params.query) {
                let (Some(file), Some(uri)) = (ws.file(&path), convert::uri(dir, &path)) else { continue };
                out.push(lsp::SymbolInformation {
                    name: symbol.name,
                    kind: convert::symbol_kind(symbol.kind),
                    tags: None,
                    deprecated: None,
                    location: lsp::Location { uri, range: convert::range(file, symbol.selection, *encoding) },
                    container_name: symbol.detail,
                });
            }
        }
        Some(lsp::WorkspaceSymbolResponse::Flat(out))
    })
    .await
}

pub(super) async fn code_actions(
    b: &Backend,
    params: lsp::CodeActionParams,
) -> Result<Option<lsp::CodeActionResponse>> {
    let s = b.snapshot(&params.text_document.uri)?;
    b.run("codeAction", move || {
        let file = s.file()?;
        let range = convert::text_range(file, params.range, s.encoding);
        let actions = ide::code_actions(&s.workspace, &s.path, range);
        let out = actions
            .into_iter()
            .map(|a| {
                lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: a.title,
                    kind: Some(match a.kind {
                        ide::ActionKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
                        ide::ActionKind::Refactor => lsp::CodeActionKind::REFACTOR,
                    }),
                    diagnostics: a
                        .diagnostic
                        .map(|d| vec![convert::diagnostic(&s.workspace, &s.dir, file, &d, s.encoding)]),
                    edit: Some(s.workspace_edit(&a.edits)),
                    is_preferred: a.preferred.then_some(true),
                    ..lsp::CodeAction::default()
                })
            })
            .collect();
        Some(out)
    })
    .await
}

pub(super) async fn code_lenses(b: &Backend, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
    let uri = params.text_document.uri;
    let s = b.whole_snapshot(&uri).await?;
    b.run("codeLens", move || {
        let file = s.file()?;
        let lenses = ide::code_lenses(&s.workspace, &s.path);
        Some(
            lenses
                .into_iter()
                .map(|l| {
                    let range = convert::range(file, l.range, s.encoding);
                    let locations: Vec<lsp::Location> =
                        l.locations.iter().filter_map(|r| s.location(&r.path, r.range)).collect();
                    let arguments = [
                        serde_json::to_value(&uri),
                        serde_json::to_value(range.start),
                        serde_json::to_value(&locations),
                    ]
                    .into_iter()
                    .filter_map(std::result::Result::ok)
                    .collect();
                    lsp::CodeLens {
                        range,
                        command: Some(lsp::Command {
                            title: l.title,
                            command: "threatls.showReferences".to_owned(),
                            arguments: Some(arguments),
                        }),
                        data: None,
                    }
                })
                .collect(),
        )
    })
    .await
}

pub(super) async fn semantic_tokens(
    b: &Backend,
    params: lsp::SemanticTokensParams,
) -> Result<Option<lsp::SemanticTokensResult>> {
    let s = b.snapshot(&params.text_document.uri)?;
    b.run("semanticTokens", move || {
        let file = s.file()?;
        let tokens = ide::semantic_tokens(&s.workspace, &s.path);
        let data = convert::semantic_tokens(file, &tokens, s.encoding);
        Some(lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens { result_id: None, data }))
    })
    .await
}

fn report(
    ws: &Workspace,
    dir: &std::path::Path,
    path: &str,
    encoding: PositionEncoding,
) -> lsp::FullDocumentDiagnosticReport {
    let items = match ws.file(path) {
        Some(file) => ws.diagnostics(path).iter().map(|d| convert::diagnostic(ws, dir, file, d, encoding)).collect(),
        None => Vec::new(),
    };
    lsp::FullDocumentDiagnosticReport { result_id: None, items }
}

pub(super) async fn document_diagnostics(
    b: &Backend,
    params: lsp::DocumentDiagnosticParams,
) -> Result<lsp::DocumentDiagnosticReportResult> {
    let s = b.snapshot(&params.text_document.uri)?;
    b.run("textDocument/diagnostic", move || {
        let full = report(&s.workspace, &s.dir, &s.path, s.encoding);
        lsp::DocumentDiagnosticReportResult::Report(lsp::DocumentDiagnosticReport::Full(
            lsp::RelatedFullDocumentDiagnosticReport { related_documents: None, full_document_diagnostic_report: full },
        ))
    })
    .await
}

pub(super) async fn workspace_diagnostics(
    b: &Backend,
    _: lsp::WorkspaceDiagnosticParams,
) -> Result<lsp::WorkspaceDiagnosticReportResult> {
    let all = b.snapshots().await;
    let versions: HashMap<Uri, i32> = b.lock().documents.iter().map(|(u, d)| (u.clone(), d.version)).collect();
    b.run("workspace/diagnostic", move || {
        let mut items = Vec::new();
        for (ws, dir, encoding) in &all {
            for path in ws.paths() {
                let Some(uri) = convert::uri(dir, path) else { continue };
                let full = report(ws, dir, path, *encoding);
                let version = versions.get(&uri).map(|v| i64::from(*v));
                items.push(lsp::WorkspaceDocumentDiagnosticReport::Full(lsp::WorkspaceFullDocumentDiagnosticReport {
                    uri,
                    version,
                    full_document_diagnostic_report: full,
                }));
            }
        }
        lsp::WorkspaceDiagnosticReportResult::Report(lsp::WorkspaceDiagnosticReport { items })
    })
    .await
}
