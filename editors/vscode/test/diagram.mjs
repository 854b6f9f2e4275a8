// The data-flow diagram panel, read as the test sees it: the nodes `threatls export --format
// mermaid` writes, the nodes the panel's webview rendered, and every request a webview made.

import { spawnSync } from 'node:child_process';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Every node of the export, id -> label: `  n3(["Storefront"])`, `  k0["a threat open"]`. The
// labels are written with Mermaid's `#quot;` and `#<code>;` entities, which it renders as text.
export function expectedNodes(bin, workspace) {
  const run = spawnSync(bin, ['export', '--format', 'mermaid', '.'], { cwd: workspace, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) {
    throw new Error(`${bin} export failed (${run.status ?? run.signal}): ${run.stderr}`);
  }
  const nodes = new Map();
  for (const line of run.stdout.split('\n')) {
    const node = /^\s*([A-Za-z]\w*)(?:\[\[|\(\[|\[\(|\(\(|\[|>|\{)"([^"]*)"/.exec(line);
    if (node !== null) {
      const label = node[2].replace(/#quot;/g, '"').replace(/#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)));
      nodes.set(node[1], label);
    }
  }
  return { nodes, source: run.stdout };
}

// Webviews run in frames (and a service worker) served from VS Code's webview directory.
const WEBVIEW = /\/webview\/browser\/pre\//;

function origin(request) {
  const worker = request.serviceWorker?.();
  if (worker) return worker.url();
  try {
    return request.frame().url();
  } catch {
    return '';
  }
}

// Records, from now on, every request whose frame or service worker is a webview's, and every
// load a Content-Security-Policy refused (Chromium sends no request for those, and says so in
// the console).
export function recordWebviewRequests(page) {
  const seen = [];
  const refused = [];
  const onRequest = (request) => {
    if (WEBVIEW.test(origin(request))) seen.push(request.url());
  };
  const onConsole = (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  };
  // The context's requests are its pages' and its service workers'.
  page.context().on('request', onRequest);
  page.on('console', onConsole);
  return {
    seen,
    refused,
    stop: () => {
      page.context().off('request', onRequest);
      page.off('console', onConsole);
    },
  };
}

// Allowed: the code-server the workbench came from, VS Code's resource origin (answered inside
// the webview by its service worker, from the extension's files), and data in the URL itself.
export function foreign(urls, server) {
  const home = new URL(server).origin;
  return [...new Set(urls)].filter((raw) => {
    const url = new URL(raw);
    if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
    if (url.origin === home) return false;
    return !(url.protocol === 'https:' && url.hostname.endsWith('.vscode-resource.vscode-cdn.net'));
  });
}

// What the diagram panel shows, read in its webview's frame: `{ diagram }` with the SVG's nodes
// (id -> label), size, VS Code's theme kind and the text colour of a plain node, or `{ notice }`.
function readPanel() {
  const diagram = document.getElementById('diagram');
  if (diagram === null) return null;
  const svg = diagram.hidden ? null : diagram.querySelector('svg');
  if (svg === null) {
    return { notice: (document.getElementById('notice')?.innerText ?? '').replace(/\s+/g, ' ').trim() };
  }
  const box = svg.getBoundingClientRect();
  const all = [...svg.querySelectorAll('g.node')];
  // The label of a node drawn in the theme's colours rather than a threat state's.
  const plain = all.find((g) => !/\b(severe|open|accepted|mitigated)\b/.test(g.getAttribute('class') ?? ''));
  const label = plain?.querySelector('.nodeLabel') ?? plain?.querySelector('text');
  return {
    diagram: {
      nodes: all.map((g) => [
        /flowchart-([A-Za-z]\w*)-\d+$/.exec(g.id)?.[1] ?? `?${g.id}`,
        (g.querySelector('.label') ?? g).textContent.replace(/\s+/g, ' ').trim(),
      ]),
      width: box.width,
      height: box.height,
      theme: document.body.dataset.vscodeThemeKind,
      labelColor: label ? getComputedStyle(label).color : '',
    },
  };
}

// Reads the panel until `accept` returns something for what it shows (the diagram's nodes as a
// Map), and returns that; throws after `timeoutMs`, saying what it waited for and what it saw.
export async function waitForPanel(page, wanted, accept, timeoutMs) {
  const start = Date.now();
  let last = 'no webview frame with the diagram panel';
  for (;;) {
    for (const frame of page.frames()) {
      if (!WEBVIEW.test(frame.url())) continue;
      const shown = await frame.evaluate(readPanel).catch(() => null);
      if (shown === null) continue;
      if (shown.diagram) shown.diagram.nodes = new Map(shown.diagram.nodes);
      const accepted = accept(shown);
      if (accepted !== undefined) return accepted;
      last = shown.notice ?? JSON.stringify({ ...shown.diagram, nodes: Object.fromEntries(shown.diagram.nodes) });
    }
    if (Date.now() - start > timeoutMs) {
      throw new Error(`the panel did not show ${wanted} within ${timeoutMs} ms; it showed: ${last}`);
    }
    await sleep(250);
  }
}

// Clicks a button of the panel's toolbar, as a person would.
export async function clickInPanel(page, selector) {
  for (const frame of page.frames()) {
    if (WEBVIEW.test(frame.url()) && (await frame.locator(selector).count().catch(() => 0)) > 0) {
      await frame.locator(selector).click();
      return;
    }
  }
  throw new Error(`no ${selector} in the diagram panel`);
}

export function renderedDiagram(page, timeoutMs) {
  return waitForPanel(page, 'a rendered diagram', (shown) => shown.diagram, timeoutMs);
}

export function panelNotice(page, pattern, timeoutMs) {
  return waitForPanel(page, String(pattern), (shown) => (pattern.test(shown.notice) ? shown.notice : undefined), timeoutMs);
}

// The relative luminance of a CSS colour `rgb(r, g, b)`, from 0 (black) to 1 (white).
export function luminance(color) {
  const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  if (b === undefined) throw new Error(`not a colour: "${color}"`);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}
