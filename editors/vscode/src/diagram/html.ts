// The diagram webview's page: no content of its own beyond the frame, one script from the
// extension's dist/ admitted by a nonce, and nothing else loadable.

import { randomBytes } from 'crypto';

import * as vscode from 'vscode';

export function diagramHtml(webview: vscode.Webview, script: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  // Styles may be inline: Mermaid writes a <style> into each SVG and style attributes on its
  // shapes. Scripts may not, so neither a diagram nor an injected attribute can run any.
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { padding: 0 12px 12px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); }
  .toolbar { position: sticky; top: 0; display: flex; gap: 6px; padding: 8px 0; background: var(--vscode-editor-background); z-index: 1; }
  button { font: inherit; padding: 3px 10px; border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; cursor: pointer;
    color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
  button:hover { background: var(--vscode-button-secondaryHoverBackground); }
  button:disabled { opacity: 0.5; cursor: default; }
  button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
  #notice h2 { font-size: 1.1em; font-weight: 600; }
  #notice pre { white-space: pre-wrap; font-family: var(--vscode-editor-font-family); color: var(--vscode-descriptionForeground); }
  #notice.error h2 { color: var(--vscode-errorForeground); }
  #notice .actions { display: flex; gap: 6px; }
  #diagram { overflow: auto; }
  #diagram svg { display: block; margin: 0 auto; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<div class="toolbar" role="toolbar">
  <button id="refresh" type="button" title="Draw the diagram again from the server">Refresh</button>
  <button id="zoom" type="button">Actual size</button>
  <button id="copy" type="button" disabled>Copy Mermaid source</button>
  <button id="save" type="button" disabled>Save as SVG</button>
</div>
<div id="notice" role="status"><h2>Drawing the data-flow diagram...</h2></div>
<div id="diagram" hidden></div>
<script nonce="${nonce}" src="${webview.asWebviewUri(script).toString()}"></script>
</body>
</html>
`;
}
