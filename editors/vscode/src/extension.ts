// Entry point: one threatls server for the window, its commands, and the settings it follows.

import * as vscode from 'vscode';

import { Server } from './server';
import { SECTION } from './settings';

let server: Server | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('threatls');
  server = new Server(output);
  const running = server;
  context.subscriptions.push(
    output,
    running,
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
