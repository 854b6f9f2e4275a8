// Driving the VS Code workbench with the keyboard, as a person would: quick open, go to line,
// and the suggest widget.

export async function waitForWorkbench(page, timeoutMs) {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  // The explorer lists the folder once the remote file system answers.
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: timeoutMs });
}

// Opens `file` (an absolute path) with quick open and waits until its editor is the active one.
export async function openFile(page, file, timeoutMs) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(file);
  // The first pick is the file itself once quick open has looked the path up.
  await page
    .locator('.quick-input-widget .monaco-list-row[data-index="0"]')
    .filter({ hasText: file.split('/').pop() })
    .waitFor({ state: 'visible', timeout: timeoutMs });
  await page.keyboard.press('Enter');
  await page
    .locator(`.editor-instance .monaco-editor[data-uri$="${file}"]`)
    .waitFor({ state: 'visible', timeout: timeoutMs });
  const language = await page.locator('.statusbar-item#status\\.editor\\.mode').textContent({ timeout: timeoutMs });
  return language?.trim();
}

export async function goToLine(page, line) {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

// The labels of the suggest widget's rows once it shows, or null when it does not within
// `timeoutMs`. The widget renders only the rows in view.
export async function suggestions(page, timeoutMs) {
  const widget = page.locator('.editor-widget.suggest-widget.visible');
  try {
    await widget.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    return null;
  }
  return widget.locator('.monaco-list-row .label-name').allTextContents();
}

// Runs a command from the command palette by its label.
export async function runCommand(page, label, timeoutMs) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`>${label}`);
  await page
    .locator('.quick-input-widget .monaco-list-row[data-index="0"]')
    .filter({ hasText: label })
    .waitFor({ state: 'visible', timeout: timeoutMs });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: timeoutMs });
}

// Replaces a settings file's text through its editor and saves it, as a person editing
// settings.json does. `command` opens it; `file` is how its path ends.
export async function editSettings(page, command, file, settings, timeoutMs) {
  await runCommand(page, command, timeoutMs);
  const editor = page.locator(`.editor-instance .monaco-editor[data-uri$="${file}"]`);
  await editor.waitFor({ state: 'visible', timeout: timeoutMs });
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+A');
  // One line, inserted as a whole: the editor neither indents it nor closes its brackets twice.
  await page.keyboard.insertText(JSON.stringify(settings));
  await page.keyboard.press('Control+S');
  await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: timeoutMs });
  // Recent VS Code opens settings in a modal editor, over the rest of the workbench.
  const modal = page.locator('.monaco-modal-editor-block');
  if (await modal.count()) {
    await page.keyboard.press('Escape');
    await modal.waitFor({ state: 'detached', timeout: timeoutMs });
  }
}
