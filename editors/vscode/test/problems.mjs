// Reading VS Code's Problems panel from its DOM, as a person reads it: the status bar's counts,
// and every row of the panel, one file row followed by the rows of its problems.

import { problemLine } from './expected.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The status bar item's label, e.g. "Errors: 25, Warnings: 12, Infos: 9".
async function counts(page) {
  return page.evaluate(() => document.getElementById('status.problems')?.getAttribute('aria-label') ?? '');
}

const total = (label) => [...label.matchAll(/\d+/g)].reduce((sum, m) => sum + Number(m[0]), 0);

// Waits for a first report (some problem shown, or with `from`, counts other than those), then
// for the counts to stay the same for `quietMs`: a server may report a file more than once, the
// first time before it has read the whole workspace. Resolves with the last label, or throws
// with what it saw.
export async function settle(page, { firstMs, quietMs, maxMs, from }) {
  const start = Date.now();
  let label = await counts(page);
  while (from === undefined ? total(label) === 0 : label === from) {
    if (Date.now() - start > firstMs) {
      throw new Error(`the problems did not change within ${firstMs} ms (status bar: "${label}")`);
    }
    await sleep(200);
    label = await counts(page);
  }
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() - start > maxMs) {
      throw new Error(`the problems kept changing for ${maxMs} ms (last: "${label}")`);
    }
    await sleep(200);
    const now = await counts(page);
    if (now !== label) {
      label = now;
      since = Date.now();
    }
  }
  return label;
}

export async function openPanel(page) {
  if (!(await page.locator('.markers-panel').isVisible())) {
    await page.keyboard.press('Control+Shift+M');
  }
  await page.locator('.markers-panel').waitFor({ state: 'visible', timeout: 10_000 });
}

// The rows the panel has rendered now: it renders only those in view, so the caller scrolls.
// The sticky copies of file rows at the top of the view are not rows of the list.
async function renderedRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.markers-panel .monaco-list-rows > .monaco-list-row')].map((row) => {
      const text = (selector) => row.querySelector(selector)?.textContent ?? '';
      return {
        index: Number(row.getAttribute('data-index')),
        last: row.getAttribute('data-last-element') === 'true',
        level: Number(row.getAttribute('aria-level')),
        // A file row's label carries the file's full path.
        file: row.querySelector('.monaco-icon-label')?.getAttribute('aria-label') ?? '',
        icon: row.querySelector('.marker-icon')?.className ?? '',
        message: text('.marker-message'),
        code: text('.marker-code'),
        position: text('.marker-line'),
      };
    }),
  );
}

// Every problem in the panel, by file (full path), each as `problemLine` writes it.
export async function readPanel(page, { timeoutMs }) {
  await openPanel(page);
  const list = page.locator('.markers-panel .monaco-list');
  await list.hover();
  const rows = new Map();
  const start = Date.now();
  // From the top, down until the last row has been rendered and a scroll brings nothing new.
  await scrollToTop(page);
  for (;;) {
    const before = rows.size;
    for (const row of await renderedRows(page)) {
      rows.set(row.index, row);
    }
    const sawLast = [...rows.values()].some((row) => row.last);
    if (sawLast && rows.size === before) {
      break;
    }
    if (Date.now() - start > timeoutMs) {
      throw new Error(`could not read the whole Problems panel within ${timeoutMs} ms (${rows.size} rows read)`);
    }
    await page.mouse.wheel(0, 100);
    await sleep(100);
  }
  const byFile = new Map();
  let file = null;
  for (const row of [...rows.values()].sort((a, b) => a.index - b.index)) {
    if (row.level === 1) {
      file = row.file;
      byFile.set(file, []);
      continue;
    }
    // Level 3 is a problem's related information ("first defined here").
    if (row.level !== 2) {
      continue;
    }
    const at = /Ln (\d+), Col (\d+)/.exec(row.position);
    const severity = /\b(error|warning|info)\b/.exec(row.icon)?.[1] ?? `?${row.icon}`;
    const entry = problemLine({
      line: at ? Number(at[1]) : '?',
      column: at ? Number(at[2]) : '?',
      severity,
      code: row.code,
      message: row.message,
    });
    byFile.get(file)?.push(entry);
  }
  for (const [name, entries] of byFile) {
    byFile.set(name, entries.sort());
  }
  return byFile;
}

// The offset of a file's row from the top of the panel, or null when it is not rendered; with
// no file, of the first row of the list.
async function offsetOf(page, file) {
  return page.evaluate((file) => {
    const list = document.querySelector('.markers-panel .monaco-list');
    const row = [...list.querySelectorAll('.monaco-list-rows > .monaco-list-row[aria-level="1"]')].find((r) =>
      file === null ? r.getAttribute('data-index') === '0' : r.querySelector('.monaco-icon-label')?.getAttribute('aria-label') === file,
    );
    return row ? row.getBoundingClientRect().top - list.getBoundingClientRect().top : null;
  }, file);
}

// Chromium moves a list by about 50 pixels a wheel event, however large its delta, so scrolling
// is a loop that measures where it got.
async function scrollToTop(page) {
  await page.locator('.markers-panel .monaco-list').hover();
  for (let i = 0; i < 200; i += 1) {
    const offset = await offsetOf(page, null);
    if (offset !== null && offset >= 0) {
      return;
    }
    await page.mouse.wheel(0, -100);
    await sleep(50);
  }
}

// Scrolls the panel until the row of `file` is in its first two rows, for a person to read that
// file's problems. (A step of 50 pixels can take a 22-pixel row from the second row out of view.)
export async function scrollPanelTo(page, file) {
  await scrollToTop(page);
  for (let i = 0; i < 200; i += 1) {
    const offset = await offsetOf(page, file);
    if (offset !== null && offset < 30) {
      return;
    }
    await page.mouse.wheel(0, 100);
    await sleep(50);
  }
}
