// Telling the user that there is no server to run, and where to get one.

import * as vscode from 'vscode';

export const INSTALL_URL = 'https://github.com/threatls/threatls#readme';

const INSTALL = 'Install instructions';
const SETTINGS = 'Open settings';

export function reportMissingBinary(reason: string, output: vscode.OutputChannel): void {
  output.appendLine(`Install threatls (${INSTALL_URL}), or set threatls.server.path to its absolute path.`);
  void vscode.window.showErrorMessage(`threatls: ${reason}`, INSTALL, SETTINGS).then((choice) => {
    if (choice === INSTALL) {
      void vscode.env.openExternal(vscode.Uri.parse(INSTALL_URL));
    } else if (choice === SETTINGS) {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'threatls.server.path');
    }
  });
}
