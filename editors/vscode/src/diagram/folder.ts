// Which workspace folder "Show Data-Flow Diagram" draws: the one of the file it was run on (the
// editor title button passes it), else of the active editor, else the only one, else the one
// the user picks.

import * as vscode from 'vscode';

export async function folderToDraw(resource: unknown): Promise<vscode.WorkspaceFolder | undefined> {
  const uri = resource instanceof vscode.Uri ? resource : vscode.window.activeTextEditor?.document.uri;
  const folders = vscode.workspace.workspaceFolders ?? [];
  const own = uri === undefined ? undefined : vscode.workspace.getWorkspaceFolder(uri);
  if (own !== undefined) {
    return own;
  }
  if (folders.length === 0) {
    void vscode.window.showInformationMessage('threatls: open a folder with a threat model to see its data-flow diagram.');
    return undefined;
  }
  if (folders.length === 1) {
    return folders[0];
  }
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'The workspace folder whose data flows to draw' });
}
