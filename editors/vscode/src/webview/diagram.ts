// The diagram panel's script, bundled with Mermaid into dist/webview.js (see esbuild.mjs). It
// renders the Mermaid text the extension sends in Mermaid's strict mode: the text comes from the
// repository, so labels are sanitised, click handlers are off, and the page's
// Content-Security-Policy (src/diagram/html.ts) runs no script but this one.

import mermaid, { type MermaidConfig } from 'mermaid';

import type { Action, FromWebview, ToWebview } from '../diagram/protocol';

// What the panel keeps while its webview is reloaded (VS Code reloads a hidden one on showing it).
interface State {
  actualSize: boolean;
}

declare function acquireVsCodeApi(): {
  postMessage(message: FromWebview): void;
  getState(): State | undefined;
  setState(state: State): void;
};

const vscode = acquireVsCodeApi();
const element = (id: string): HTMLElement => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the panel's page has no #${id}`);
  return found;
};
const diagram = element('diagram');
const notice = element('notice');
const copy = element('copy') as HTMLButtonElement;
const save = element('save') as HTMLButtonElement;
const zoom = element('zoom') as HTMLButtonElement;

const ACTION_LABELS: Record<Action, string> = { refresh: 'Refresh', restart: 'Restart server', output: 'Show output' };

let source: string | undefined;
// A wide diagram fits the panel's width by default, its text small; at its actual size it scrolls.
let actualSize = vscode.getState()?.actualSize ?? false;
// Renders overlap when messages or theme changes come quickly; only the latest is shown.
let renders = 0;

// VS Code marks the page's body with the kind of the current colour theme.
function dark(): boolean {
  const kind = document.body.dataset.vscodeThemeKind ?? '';
  return kind === 'vscode-dark' || kind === 'vscode-high-contrast';
}

function config(): MermaidConfig {
  const style = getComputedStyle(document.body);
  return {
    startOnLoad: false,
    securityLevel: 'strict',
    theme: dark() ? 'dark' : 'default',
    fontFamily: style.getPropertyValue('--vscode-font-family').trim() || undefined,
    // Errors are shown by this page, in words, instead of Mermaid's picture of a bomb.
    suppressErrorRendering: true,
    // Above Mermaid's defaults (50,000 characters, 500 edges), which a large workspace reaches.
    maxTextSize: 2_000_000,
    maxEdges: 5000,
    flowchart: { useMaxWidth: true },
  };
}

function showNotice(title: string, detail: string, actions: Action[], error: boolean): void {
  const heading = document.createElement('h2');
  heading.textContent = title;
  const text = document.createElement('pre');
  text.textContent = detail;
  const buttons = document.createElement('div');
  buttons.className = 'actions';
  for (const action of actions) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = ACTION_LABELS[action];
    button.addEventListener('click', () => vscode.postMessage({ type: 'action', action }));
    buttons.append(button);
  }
  notice.replaceChildren(heading, text, buttons);
  notice.classList.toggle('error', error);
  notice.hidden = false;
  diagram.hidden = true;
  save.disabled = true;
}

async function render(): Promise<void> {
  if (source === undefined) return;
  const mine = ++renders;
  const id = `threatls-diagram-${mine}`;
  copy.disabled = false;
  try {
    mermaid.initialize(config());
    const { svg } = await mermaid.render(id, source);
    if (mine !== renders) return;
    // Mermaid's strict mode has sanitised every label in this SVG.
    diagram.innerHTML = svg;
    applyZoom();
    diagram.hidden = false;
    notice.hidden = true;
    save.disabled = false;
  } catch (error) {
    if (mine !== renders) return;
    const reason = error instanceof Error ? error.message : String(error);
    showNotice('Mermaid could not render the diagram', reason, ['refresh'], true);
  } finally {
    // What Mermaid left in the page to measure text in, when it failed.
    document.getElementById(`d${id}`)?.remove();
  }
}

function applyZoom(): void {
  zoom.textContent = actualSize ? 'Fit to width' : 'Actual size';
  const svg = diagram.querySelector('svg');
  const width = svg?.viewBox.baseVal?.width;
  if (svg === null || !width) return;
  svg.style.width = actualSize ? `${width}px` : '100%';
  svg.style.maxWidth = actualSize ? 'none' : `${width}px`;
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  if (message.type === 'diagram') {
    source = message.source;
    void render();
  } else if (message.type === 'notice') {
    source = undefined;
    renders += 1;
    copy.disabled = true;
    showNotice(message.title, message.detail, message.actions, false);
  }
});

element('refresh').addEventListener('click', () => vscode.postMessage({ type: 'action', action: 'refresh' }));
zoom.addEventListener('click', () => {
  actualSize = !actualSize;
  vscode.setState({ actualSize });
  applyZoom();
});
copy.addEventListener('click', () => vscode.postMessage({ type: 'copy' }));
// Serialised as XML from the page, so that the file is well-formed SVG (Mermaid's string holds
// HTML labels written as HTML).
save.addEventListener('click', () => {
  const svg = diagram.querySelector('svg');
  if (svg !== null) {
    vscode.postMessage({ type: 'save', svg: new XMLSerializer().serializeToString(svg) });
  }
});

// A new colour theme: render again in Mermaid's matching theme.
let wasDark = dark();
new MutationObserver(() => {
  if (dark() !== wasDark) {
    wasDark = dark();
    void render();
  }
}).observe(document.body, { attributes: true, attributeFilter: ['data-vscode-theme-kind', 'class'] });

applyZoom();
vscode.postMessage({ type: 'ready' });
