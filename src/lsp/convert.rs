//! Between the core's byte offsets and plain types, and LSP's positions and types.

use std::path::Path;

use tower_lsp_server::ls_types::{self as lsp, Position, Range, Uri};

use crate::analysis::{SourceFile, Workspace};
use crate::diagnostic::{Diagnostic, Severity};
use crate::ide;
use crate::model::Kind;
use crate::syntax::{LineCol, LineIndex, PositionEncoding, TextRange};

pub(super) fn uri(root: &Path, path: &str) -> Option<Uri> {
    Uri::from_file_path(root.join(path))
}

pub(super) fn position(file: &SourceFile, offset: u32, encoding: PositionEncoding) -> Position {
    let p = file.position(offset, encoding);
    Position { line: p.line, character: p.col }
}

pub(super) fn range(file: &SourceFile, r: TextRange, encoding: PositionEncoding) -> Range {
    Range { start: position(file, r.start, encoding), end: position(file, r.end, encoding) }
}

/// The byte offset of a position, clamped to its line and to the file.
pub(super) fn offset(file: &SourceFile, p: Position, encoding: PositionEncoding) -> u32 {
    let lc = LineCol { line: p.line, col: p.character };
    if !file.text.is_empty() || file.kept_lines.is_empty() {
        return file.line_index.offset(&file.text, lc, encoding);
    }
    // A closed source file: only the lines with annotations are known.
    match file.kept_lines.iter().find(|l| l.number == p.line) {
        Some(l) => l.start + LineIndex::new(&l.text).offset(&l.text, LineCol { line: 0, col: p.character }, encoding),
        None => 0,
    }
}

pub(super) fn text_range(file: &SourceFile, r: Range, encoding: PositionEncoding) -> TextRange {
    TextRange::new(offset(file, r.start, encoding), offset(file, r.end, encoding))
}

pub(super) fn diagnostic(
    ws: &Workspace,
    root: &Path,
    file: &SourceFile,
    d: &Diagnostic,
    encoding: PositionEncoding,
) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let other = ws.file(&r.path)?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location { uri: uri(root, &r.path)?, range: range(other, r.range, encoding) },
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: range(file, d.range, encoding),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_owned())),
        code_description: d.code.doc_url().parse().ok().map(|href| lsp::CodeDescription { href }),
        source: Some("threatls".to_owned()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub(super) fn completion(
    file: &SourceFile,
    item: ide::CompletionItem,
    encoding: PositionEncoding,
    snippets: bool,
) -> lsp::CompletionItem {
    let kind = match item.kind {
        ide::CompletionKind::Key => lsp::CompletionItemKind::PROPERTY,
        ide::CompletionKind::Value | ide::CompletionKind::Severity => lsp::CompletionItemKind::ENUM_MEMBER,
        ide::CompletionKind::Class => lsp::CompletionItemKind::CLASS,
        ide::CompletionKind::Element(kind) => symbol_kind_completion(kind),
        ide::CompletionKind::Snippet => lsp::CompletionItemKind::SNIPPET,
        ide::CompletionKind::Verb | ide::CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        ide::CompletionKind::Reference => lsp::CompletionItemKind::REFERENCE,
    };
    lsp::CompletionItem {
        label: item.label.clone(),
        kind: Some(kind),
        detail: item.detail,
        documentation: item.documentation.map(|value| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value })
        }),
        sort_text: Some(item.sort),
        filter_text: Some(item.label),
        insert_text_format: Some(if item.snippet && snippets {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(file, item.replace, encoding),
            new_text: if item.snippet && !snippets { ide::snippet_as_text(&item.insert) } else { item.insert },
        })),
        ..lsp::CompletionItem::default()
    }
}

fn symbol_kind_completion(kind: Kind) -> lsp::CompletionItemKind {
    match kind {
        Kind::Threat => lsp::CompletionItemKind::EVENT,
        Kind::Mitigation => lsp::CompletionItemKind::FUNCTION,
        Kind::Asset => lsp::CompletionItemKind::CLASS,
        Kind::Flow => lsp::CompletionItemKind::INTERFACE,
        Kind::Boundary => lsp::CompletionItemKind::MODULE,
        Kind::Data => lsp::CompletionItemKind::STRUCT,
    }
}

pub(super) fn symbol_kind(kind: ide::SymbolKind) -> lsp::SymbolKind {
    match kind {
        ide::SymbolKind::Section => lsp::SymbolKind::NAMESPACE,
        ide::SymbolKind::Class => lsp::SymbolKind::TYPE_PARAMETER,
        ide::SymbolKind::Template => lsp::SymbolKind::INTERFACE,
        ide::SymbolKind::Annotation => lsp::SymbolKind::KEY,
        ide::SymbolKind::Element(Kind::Threat) => lsp::SymbolKind::EVENT,
        ide::SymbolKind::Element(Kind::Mitigation) => lsp::SymbolKind::FUNCTION,
        ide::SymbolKind::Element(Kind::Asset) => lsp::SymbolKind::CLASS,
        ide::SymbolKind::Element(Kind::Flow) => lsp::SymbolKind::INTERFACE,
        ide::SymbolKind::Element(Kind::Boundary) => lsp::SymbolKind::MODULE,
        ide::SymbolKind::Element(Kind::Data) => lsp::SymbolKind::STRUCT,
    }
}

#[allow(deprecated)]
pub(super) fn document_symbol(file: &SourceFile, s: ide::Symbol, encoding: PositionEncoding) -> lsp::DocumentSymbol {
    let children: Vec<lsp::DocumentSymbol> =
        s.children.into_iter().map(|c| document_symbol(file, c, encoding)).collect();
    lsp::DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: range(file, s.range, encoding),
        selection_range: range(file, s.selection, encoding),
        children: (!children.is_empty()).then_some(children),
    }
}

/// The semantic token types threatls reports, in `ide::TokenType::ALL` order.
pub(super) fn token_legend() -> lsp::SemanticTokensLegend {
    let types = ide::TokenType::ALL.iter().map(|t| match t {
        ide::TokenType::Verb => lsp::SemanticTokenType::KEYWORD,
        ide::TokenType::Id => lsp::SemanticTokenType::VARIABLE,
        ide::TokenType::Name => lsp::SemanticTokenType::TYPE,
        ide::TokenType::Severity => lsp::SemanticTokenType::ENUM_MEMBER,
        ide::TokenType::Reference => lsp::SemanticTokenType::STRING,
    });
    lsp::SemanticTokensLegend { token_types: types.collect(), token_modifiers: Vec::new() }
}

/// Tokens in LSP's relative encoding: each token's line and start as deltas from the last.
pub(super) fn semantic_tokens(
    file: &SourceFile,
    tokens: &[(TextRange, ide::TokenType)],
    encoding: PositionEncoding,
) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut last_line, mut last_start) = (0, 0);
    for (r, token) in tokens {
        let (start, end) = (position(file, r.start, encoding), position(file, r.end, encoding));
        if end.line != start.line || end.character <= start.character {
            continue;
        }
        let delta_line = start.line - last_line;
        let delta_start = if delta_line == 0 { start.character - last_start } else { start.character };
        let token_type = ide::TokenType::ALL.iter().position(|t| t == token).unwrap_or(0);
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: u32::try_from(token_type).unwrap_or(0),
            token_modifiers_bitset: 0,
        });
        (last_line, last_start) = (start.line, start.character);
    }
    out
}
