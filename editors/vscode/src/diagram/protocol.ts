// The messages between a diagram panel (panel.ts, in the extension host) and the script in its
// webview (src/webview/diagram.ts). Types only: both sides import them.

// What a notice can offer to do; the extension runs each, so the webview names no command.
export type Action = 'refresh' | 'restart' | 'output';

export type ToWebview =
  // Mermaid text to render. It comes from the repository: only Mermaid's strict mode reads it.
  | { type: 'diagram'; source: string }
  // Why there is no diagram to show.
  | { type: 'notice'; title: string; detail: string; actions: Action[] };

export type FromWebview =
  // The script has loaded (again: a hidden panel's webview is reloaded when it is shown).
  | { type: 'ready' }
  | { type: 'action'; action: Action }
  | { type: 'copy' }
  | { type: 'save'; svg: string };

export const ACTIONS: readonly Action[] = ['refresh', 'restart', 'output'];
