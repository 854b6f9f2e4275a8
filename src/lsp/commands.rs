//! `workspace/executeCommand`: the commands the server offers to clients.
//!
//! `threatls.diagram` answers with a workspace's data-flow diagram or report as text, for a
//! client to render (a webview, a Markdown preview). Its one argument is an object:
//! `{ "uri": <a file or folder in the workspace>, "format": "mermaid" | "dot" | "markdown" }`;
//! `root` is accepted for `uri`, and without either the first workspace folder is drawn.

use serde::Deserialize;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::requests::invalid;
use super::server::Backend;
use crate::export::{Format, export};

pub(super) const DIAGRAM: &str = "threatls.diagram";

/// Every command, for the server's capabilities.
pub(super) fn all() -> Vec<String> {
    vec![DIAGRAM.to_owned()]
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DiagramArgs {
    uri: Option<Uri>,
    root: Option<Uri>,
    format: Option<String>,
}

pub(super) async fn execute(b: &Backend, params: lsp::ExecuteCommandParams) -> Result<Option<lsp::LSPAny>> {
    if params.command != DIAGRAM {
        return Err(invalid(format!("unknown command `{}`; threatls offers `{DIAGRAM}`", params.command)));
    }
    let args: DiagramArgs = match params.arguments.as_slice() {
        [] => DiagramArgs::default(),
        [one] => serde_json::from_value(one.clone()).map_err(|e| {
            invalid(format!("`{DIAGRAM}` takes one object, `{{\"uri\": ..., \"format\": \"mermaid\"}}`: {e}"))
        })?,
        _ => return Err(invalid(format!("`{DIAGRAM}` takes one argument, an object"))),
    };
    let format = match args.format.as_deref() {
        None => Format::Mermaid,
        Some(name) => Format::parse(name).ok_or_else(|| {
            invalid(format!("`{name}` is not a format of `{DIAGRAM}`; use `mermaid`, `dot` or `markdown`"))
        })?,
    };
    let root = {
        let mut state = b.lock();
        match args.uri.or(args.root) {
            Some(uri) => state
                .locate_uri(&uri)
                .map(|(root, _)| root)
                .ok_or_else(|| invalid(format!("`{}` is not a file or folder threatls can read", uri.as_str())))?,
            None if state.roots.is_empty() => return Err(invalid("no workspace folder is open; pass a `uri`".into())),
            None => 0,
        }
    };
    b.wait_for_scan(Some(root)).await;
    let workspace = b.lock().roots.get(root).map(|r| r.workspace.clone());
    let workspace = workspace.ok_or_else(|| invalid("the workspace is gone".to_owned()))?;
    let text = b.run("workspace/executeCommand", move || export(&workspace, format)).await?;
    Ok(Some(lsp::LSPAny::String(text)))
}
