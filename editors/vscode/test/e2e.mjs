// The extension in real VS Code (code-server, driven in headless Chromium), against the real
// threatls binary, on a copy of examples/broken-shop. Run by test.sh, which builds the .vsix and
// installs code-server. The checks, in order, each on what the one before left on screen:
//   diagnostics  the Problems panel lists, for the model file threatmodel.yaml (which has the
//                extension's `Threat model (YAML)` language) and the annotated
//                services/billing/invoices.go, both open, and for every other file, exactly
//                what `threatls check --format json` reports (hints aside: VS Code never lists
//                them there);
//   completion   typing `class: ` in a threat opens a completion list that offers `spoofing`;
//   screenshot   of the list with its documentation, the squiggles and the model's problems,
//                for the README;
//   diagram      "threatls: Show Data-Flow Diagram" opens a panel whose webview holds a
//                rendered SVG with exactly the nodes, and their labels, of
//                `threatls export --format mermaid`; renaming an asset in the editor redraws it;
//                Save as SVG writes it to data-flow.svg in the folder; a screenshot of it for the README; a light colour theme redraws it with dark
//                text; no webview requested anything from outside code-server and VS Code's
//                resource origin, and no Content-Security-Policy refused a load;
//   settings     a rule turned off in the user settings reaches the running server;
//   missing      a server path that names no file gets a notification with an
//                "Install instructions" button, and the diagram panel says the server is not
//                running.
// Prints what it saw, then `N passed, N failed`; exits 0 when every check passed.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

import * as codeServer from './codeserver.mjs';
import {
  clickInPanel, expectedNodes, foreign, luminance, panelNotice, recordWebviewRequests, renderedDiagram, waitForPanel,
} from './diagram.mjs';
import { expectedProblems } from './expected.mjs';
import { readPanel, scrollPanelTo, settle } from './problems.mjs';
import { editSettings, goToLine, openFile, runCommand, suggestions, waitForWorkbench } from './workbench.mjs';

const { values: opts } = parseArgs({
  options: {
    bin: { type: 'string' },
    vsix: { type: 'string' },
    node: { type: 'string' },
    'code-server': { type: 'string' },
    workspace: { type: 'string' },
    tmp: { type: 'string' },
    screenshot: { type: 'string' },
    'diagram-screenshot': { type: 'string' },
    // Where a failed run leaves a screenshot of what the browser showed.
    artifacts: { type: 'string' },
  },
});
for (const [key, value] of Object.entries(opts)) {
  if (!value) throw new Error(`--${key} is required`);
}

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const MODEL = 'threatmodel.yaml';
const SOURCE = 'services/billing/invoices.go';
const DEADLINE_MS = 240_000;

const CHECKS = 6;
const passed = [];
const failed = new Set();
let current = 'setup';
const fail = (what) => {
  failed.add(current);
  console.log(`FAIL (${current}) ${what}`);
};
const step = (what) => console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${what}`);
const started = Date.now();

// Every process group started here goes into `pids`, so test.sh ends them however this ends.
const groups = [];
const remember = (pid) => {
  groups.push(pid);
  fs.appendFileSync(path.join(opts.tmp, 'pids'), `${pid}\n`);
};

let browserServer;
let page;
let dirs;
let serverUrl;

async function main() {
  const workspace = path.join(opts.tmp, 'broken-shop');
  fs.cpSync(opts.workspace, workspace, { recursive: true });
  dirs = codeServer.profile(opts.tmp, opts.bin);
  codeServer.installExtension({ node: opts.node, entry: opts['code-server'], dirs, vsix: opts.vsix });
  step('extension installed');

  const server = await codeServer.start({
    node: opts.node, entry: opts['code-server'], dirs, onGroup: remember, timeoutMs: 60_000,
  });
  serverUrl = server.url;
  step(`code-server listening on ${server.url}`);

  browserServer = await chromium.launchServer({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  remember(browserServer.process().pid);
  const browser = await chromium.connect(browserServer.wsEndpoint());
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(30_000);
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  await waitForWorkbench(page, 90_000);
  step('workbench loaded');

  const model = path.join(workspace, MODEL);
  // A check that throws leaves the workbench in a state the next ones cannot start from.
  const checks = [
    ['diagnostics', () => checkDiagnostics(workspace)],
    ['completion', () => checkCompletion(model)],
    ['screenshot', () => takeScreenshot(model)],
    ['diagram', () => checkDiagram(workspace)],
    ['settings', () => checkSettings()],
    ['missing', () => checkMissingBinary()],
  ];
  for (const [name, run] of checks) {
    current = name;
    try {
      await run();
    } catch (error) {
      fail(error.stack ?? String(error));
      break;
    }
    if (!failed.has(name)) passed.push(name);
  }
  current = 'teardown';
}

async function checkDiagnostics(workspace) {
  const language = await openFile(page, path.join(workspace, SOURCE), 30_000);
  step(`opened ${SOURCE} (${language})`);
  const modelLanguage = await openFile(page, path.join(workspace, MODEL), 30_000);
  step(`opened ${MODEL} (${modelLanguage})`);
  if (modelLanguage !== 'Threat model (YAML)') {
    fail(`${MODEL} has the language "${modelLanguage}", not "Threat model (YAML)"`);
  }
  const label = await settle(page, { firstMs: 60_000, quietMs: 3_000, maxMs: 90_000 });
  step(`problems settled: ${label}`);
  const shown = await readPanel(page, { timeoutMs: 30_000 });
  const { byFile: expected, hints } = expectedProblems(opts.bin, workspace);
  step(`the Problems panel lists ${count(shown)} problems in ${shown.size} files; the CLI reports ${count(expected)} in ${expected.size} (and ${hints} hints)`);
  for (const file of [MODEL, SOURCE]) {
    const full = path.join(workspace, file);
    if ((expected.get(full) ?? []).length === 0) {
      fail(`the CLI reports nothing for ${file}, so the comparison proves nothing`);
    }
    console.log(`diagnostics ${file}: ${JSON.stringify(shown.get(full) ?? [], null, 1)}`);
  }
  for (const file of new Set([...shown.keys(), ...expected.keys()])) {
    compare(path.relative(workspace, file), shown.get(file) ?? [], expected.get(file) ?? []);
  }
}

// Leaves the cursor after `class: ` with the list closed.
async function checkCompletion(model) {
  const lines = fs.readFileSync(model, 'utf8').split('\n');
  const at = lines.findIndex((line) => /^\s+class: spoofing\s*$/.test(line));
  if (at < 0) throw new Error(`no \`class: spoofing\` line in ${MODEL} to complete on`);
  await goToLine(page, at + 1);
  await page.keyboard.press('End');
  for (let i = 0; i < ' spoofing'.length; i += 1) await page.keyboard.press('Backspace');
  // The space is one of the server's trigger characters, so typing it opens the list.
  await page.keyboard.type(' ');
  let items = await suggestions(page, 10_000);
  if (items === null) {
    console.log('no completion list after typing `class: `; asking with Ctrl+Space');
    await page.keyboard.press('Control+Space');
    items = await suggestions(page, 10_000);
  }
  step(`completion after \`class: \` on line ${at + 1}: ${JSON.stringify(items)}`);
  // The list is long and shows only its first rows; typing narrows it, as a person would.
  let typed = '';
  if (items !== null && !items.includes('spoofing')) {
    typed = 'spo';
    await page.keyboard.type(typed);
    items = await suggestions(page, 10_000);
    step(`completion after \`class: ${typed}\`: ${JSON.stringify(items)}`);
  }
  if (items === null || !items.includes('spoofing')) {
    fail('the completion list after `class: ` does not offer `spoofing`');
  }
  await page.keyboard.press('Escape');
  for (let i = 0; i < typed.length; i += 1) await page.keyboard.press('Backspace');
}

// The whole list again with its first class's documentation beside it (the side bar hidden to
// make room), squiggles around it, and the model's problems in the panel below.
async function takeScreenshot(model) {
  await page.keyboard.press('Control+B');
  await page.keyboard.press('Control+Space');
  if ((await suggestions(page, 10_000)) === null) throw new Error('no completion list for the screenshot');
  // With the list open, Ctrl+Space shows the focused item's documentation beside it.
  await page.keyboard.press('Control+Space');
  await page.locator('.suggest-details-container .suggest-details').waitFor({ state: 'visible', timeout: 5_000 }).catch(() => {});
  // Scrolling with the wheel leaves the keyboard focus, and so the list, in the editor.
  await scrollPanelTo(page, model);
  await page.mouse.move(24, 600);
  await page.waitForTimeout(500);
  fs.mkdirSync(path.dirname(opts.screenshot), { recursive: true });
  await page.screenshot({ path: opts.screenshot });
  step(`screenshot saved to ${opts.screenshot}`);
  await page.keyboard.press('Escape');
}

async function checkDiagram(workspace) {
  const { nodes: expected } = expectedNodes(opts.bin, workspace);
  if (expected.size === 0) throw new Error('`threatls export --format mermaid` drew no node, so the comparison proves nothing');
  const requests = recordWebviewRequests(page);
  try {
    await runCommand(page, 'threatls: Show Data-Flow Diagram', 30_000);
    const shown = await renderedDiagram(page, 60_000);
    step(`the panel rendered a ${Math.round(shown.width)}x${Math.round(shown.height)} SVG with ${shown.nodes.size} nodes (theme ${shown.theme}, label colour ${shown.labelColor}); the CLI draws ${expected.size}`);
    compareNodes(shown.nodes, expected);
    if (shown.width === 0 || shown.height === 0) fail('the diagram\'s SVG has no size');
    if (shown.theme !== 'vscode-dark' || luminance(shown.labelColor) < 0.5) {
      fail(`in the dark theme (${shown.theme}) a plain node's label is ${shown.labelColor}, not light`);
    }
    await checkRedrawn(workspace, expected);
    await checkSaveSvg(workspace, expected);
    await takeDiagramScreenshot();
    await checkLightTheme(expected);
  } finally {
    requests.stop();
  }
  const origins = [...new Set(requests.seen.map((url) => new URL(url).origin))];
  step(`the webviews made ${requests.seen.length} requests, to ${origins.join(', ')}:\n    ${requests.seen.join('\n    ')}`);
  if (!requests.seen.some((url) => url.endsWith('/dist/webview.js'))) {
    fail('no webview request for the panel\'s dist/webview.js was seen, so the request check proves nothing');
  }
  const outside = foreign(requests.seen, serverUrl);
  if (outside.length > 0) fail(`webviews requested from outside VS Code:\n  ${outside.join('\n  ')}`);
  if (requests.refused.length > 0) fail(`a Content-Security-Policy refused:\n  ${requests.refused.join('\n  ')}`);
}

// Typing in the model makes the server publish again, and the panel draws the unsaved text;
// saving it back draws it again.
async function checkRedrawn(workspace, expected) {
  const lines = fs.readFileSync(path.join(workspace, MODEL), 'utf8').split('\n');
  const at = lines.findIndex((line) => /^\s+name: Storefront\s*$/.test(line));
  const id = [...expected].find(([, label]) => label === 'Storefront')?.[0];
  if (at < 0 || id === undefined) throw new Error(`no \`name: Storefront\` line in ${MODEL}, or no such node, to rename`);
  const reads = async (label) => {
    await waitForPanel(page, `node ${id} as "${label}"`, (p) => (p.diagram?.nodes.get(id) === label ? true : undefined), 30_000);
    step(`node ${id} reads "${label}"`);
  };
  await goToLine(page, at + 1);
  await page.keyboard.press('End');
  await page.keyboard.type('s');
  await reads('Storefronts');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Control+S');
  await reads('Storefront');
}

// "Save as SVG" offers data-flow.svg in the folder; accepting writes the rendered SVG there.
async function checkSaveSvg(workspace, expected) {
  const file = path.join(workspace, 'data-flow.svg');
  await clickInPanel(page, '#save');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  // The dialog fills the folder in first, then the file's name.
  let offered = '';
  for (const start = Date.now(); offered !== file && Date.now() - start < 10_000; await page.waitForTimeout(100)) {
    offered = await input.inputValue();
  }
  if (offered !== file) throw new Error(`Save as SVG offered "${offered}", not ${file}`);
  await page.keyboard.press('Enter');
  const start = Date.now();
  while (!fs.existsSync(file) && Date.now() - start < 10_000) await page.waitForTimeout(100);
  const svg = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const missing = [...expected.values()].filter((label) => !svg.includes(`>${label}<`));
  step(`Save as SVG wrote ${svg.length} characters to ${path.relative(workspace, file)}`);
  if (!/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(svg) || missing.length > 0) {
    fail(`${file} is not the diagram's SVG: it starts ${JSON.stringify(svg.slice(0, 80))} and lacks the labels ${missing.join(', ')}`);
  }
  fs.rmSync(file, { force: true });
}

// The panel alone, across the window, for its text to be read in the README.
async function takeDiagramScreenshot() {
  const layout = ['View: Toggle Maximize Editor Group', 'View: Toggle Panel Visibility'];
  await page.locator('.tab', { hasText: 'Data flow:' }).click();
  for (const command of layout) await runCommand(page, command, 30_000);
  const wide = await renderedDiagram(page, 10_000);
  await page.waitForTimeout(1_000);
  await page.screenshot({ path: opts['diagram-screenshot'] });
  step(`screenshot of the ${Math.round(wide.width)}x${Math.round(wide.height)} diagram saved to ${opts['diagram-screenshot']}`);
  for (const command of layout) await runCommand(page, command, 30_000);
}

async function checkLightTheme(expected) {
  // The model's editor first, so that the settings open in its group, not over the panel.
  await page.locator('.tab', { hasText: MODEL }).click();
  await editSettings(page, 'Preferences: Open User Settings (JSON)', 'User/settings.json', {
    ...codeServer.SETTINGS,
    'workbench.colorTheme': 'Default Light Modern',
  }, 30_000);
  const light = await waitForPanel(page, 'the diagram in a light theme, with dark text', (p) => (
    p.diagram?.theme === 'vscode-light' && luminance(p.diagram.labelColor) < 0.5 ? p.diagram : undefined), 30_000);
  step(`in the light theme (${light.theme}) a plain node's label is ${light.labelColor}`);
  compareNodes(light.nodes, expected);
}

function compareNodes(shown, expected) {
  const lines = (nodes) => [...nodes].map(([id, label]) => `${id} ${JSON.stringify(label)}`);
  const only = (a, b) => a.filter((x) => !b.includes(x));
  const [s, e] = [lines(shown), lines(expected)];
  console.log(`diagram nodes: ${JSON.stringify(s, null, 1)}`);
  if (only(s, e).length > 0 || only(e, s).length > 0) {
    fail(`the panel's nodes differ from the CLI's\n  only in the panel:\n    ${only(s, e).join('\n    ')}`
      + `\n  only from the CLI:\n    ${only(e, s).join('\n    ')}`);
  }
}

async function checkSettings() {
  const before = await settle(page, { firstMs: 30_000, quietMs: 2_000, maxMs: 60_000 });
  await editSettings(page, 'Preferences: Open User Settings (JSON)', 'User/settings.json', {
    ...codeServer.SETTINGS,
    'threatls.rules': { 'stride-coverage': 'off' },
  }, 30_000);
  const after = await settle(page, { from: before, firstMs: 30_000, quietMs: 2_000, maxMs: 60_000 });
  const codes = [...(await readPanel(page, { timeoutMs: 30_000 })).values()].flat().map((p) => p.split(' ')[2]);
  step(`with \`stride-coverage\` off: ${after} (was ${before})`);
  if (codes.includes('stride-coverage') || !codes.includes('unknown-key')) {
    fail(`with \`"threatls.rules": { "stride-coverage": "off" }\` the panel lists the codes ${[...new Set(codes)].join(', ')}`);
  }
}

// Changing the server path restarts the server, which finds nothing there.
async function checkMissingBinary() {
  await editSettings(page, 'Preferences: Open Remote Settings (JSON)', 'Machine/settings.json', {
    'threatls.server.path': path.join(opts.tmp, 'no-such-threatls'),
  }, 30_000);
  const toast = page.locator('.notification-toast').filter({ hasText: 'not an executable file' });
  await toast.locator('.monaco-button', { hasText: 'Install instructions' }).waitFor({ state: 'visible', timeout: 30_000 });
  step(`told: "${(await toast.locator('.notification-list-item-message').textContent())?.trim()}"`);
  step(`the diagram panel shows: "${await panelNotice(page, /server is not running/, 30_000)}"`);
}

function count(byFile) {
  return [...byFile.values()].reduce((sum, entries) => sum + entries.length, 0);
}

function compare(file, shown, expected) {
  const only = (a, b) => a.filter((x) => !b.includes(x));
  const extra = only(shown, expected);
  const missing = only(expected, shown);
  if (extra.length > 0 || missing.length > 0 || shown.length !== expected.length) {
    fail(`${file}: the Problems panel lists ${shown.length} problems, the CLI reports ${expected.length}`
      + `\n  only in VS Code:\n    ${extra.join('\n    ')}\n  only from the CLI:\n    ${missing.join('\n    ')}`);
  }
}

async function cleanup() {
  await browserServer?.close().catch(() => {});
  for (const pid of groups) codeServer.stopGroup(pid);
}

const deadline = setTimeout(() => {
  fail(`the test did not finish within ${DEADLINE_MS / 1000} s`);
  finish(1);
}, DEADLINE_MS);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => finish(1));

let finishing = false;
async function finish(code) {
  if (finishing) return;
  finishing = true;
  clearTimeout(deadline);
  if (code !== 0) {
    if (dirs) console.log(`--- logs\n${codeServer.logs(dirs)}`);
    if (page) {
      const shot = path.join(opts.artifacts, 'failure.png');
      fs.mkdirSync(opts.artifacts, { recursive: true });
      await page.screenshot({ path: shot, timeout: 5_000 }).then(() => console.log(`screenshot of the failure: ${shot}`), () => {});
    }
  }
  await cleanup();
  console.log(`${passed.length} passed, ${CHECKS - passed.length} failed`);
  process.exit(code);
}

main().then(
  () => finish(passed.length === CHECKS ? 0 : 1),
  (error) => {
    fail(error.stack ?? String(error));
    finish(1);
  },
);
