// Entry point: one threatls server for the window, its commands, the settings it follows, and
// the data-flow diagram panels drawn from it.

import * as vscode from 'vscode';

import { folderToDraw } from './diagram/folder';
import { DiagramPanels } from './diagram/panel';
import { Server } from './server';
import { SECTION } from './settings';

let server: Server | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('threatls');
  server = new Server(output);
  const running = server;
  const diagrams = new DiagramPanels(running, vscode.Uri.joinPath(context.extensionUri, 'dist'));
  context.subscriptions.push(
    output,
    running,
    diagrams,
    vscode.commands.registerCommand('threatls.showDiagram', async (resource: unknown) => {
      const folder = await folderToDraw(resource);
      if (folder !== undefined) {
        diagrams.show(folder);
      }
    }),
    vscode.commands.registerCommand('threatls.restartServer', () => running.restart()),
    vscode.commands.registerCommand('threatls.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) {
        return;
      }
      // A different binary or command line needs a new process; the rest the server takes live.
      if (event.affectsConfiguration(`${SECTION}.server`)) {
        void running.restart();
      } else {
        running.sendSettings();
      }
    }),
    // Trusting the workspace may bring its own server path into force.
    vscode.workspace.onDidGrantWorkspaceTrust(() => running.restart()),
  );
  await running.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
