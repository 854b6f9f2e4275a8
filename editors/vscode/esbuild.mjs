// Two bundles, so the .vsix carries no node_modules and loads fast: the extension, for Node in
// the extension host, and the diagram panel's script with Mermaid, for the webview's browser.
// Only the webview loads Mermaid, and only when a panel opens. The licences of the packages
// bundled go beside them, in dist/THIRD-PARTY-NOTICES.txt.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { build } from 'esbuild';

// threatls draws flowcharts only (src/export/mermaid.rs), so of the diagram types Mermaid loads
// on demand only the flowchart is bundled, and of its layouts only dagre: this takes the panel's
// script from 3.5 MB to 1.2 MB. Any other type fails to render with an error that says so.
// The build stops if Mermaid's files no longer look as expected, rather than bundle nothing.
function flowchartsOnly() {
  const seen = { flowchart: 0, pruned: 0 };
  return {
    name: 'flowcharts-only',
    setup(b) {
      b.onResolve({ filter: /^\.\/(chunks\/mermaid\.core\/)?[\w-]+\.mjs$/ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        const diagram = /\/mermaid\/dist\/mermaid\.core\.mjs$/.test(args.importer);
        const layout = /\/mermaid\/dist\/chunks\/mermaid\.core\/chunk-\w+\.mjs$/.test(args.importer)
          && /\/(cose-bilkent|swimlanes)-\w+\.mjs$/.test(args.path);
        if (diagram && /\/flowDiagram-\w+\.mjs$/.test(args.path)) {
          seen.flowchart += 1;
          return undefined;
        }
        if (!diagram && !layout) return undefined;
        seen.pruned += 1;
        return { path: args.path, namespace: 'not-bundled' };
      });
      b.onLoad({ filter: /.*/, namespace: 'not-bundled' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`threatls' diagram panel draws flowcharts only (${args.path} is not bundled)`)});`,
        loader: 'js',
      }));
      b.onEnd((result) => {
        if (result.errors.length === 0 && (seen.flowchart !== 1 || seen.pruned < 10)) {
          throw new Error(`Mermaid's layout changed: ${JSON.stringify(seen)}; update flowchartsOnly in esbuild.mjs`);
        }
      });
    },
  };
}

// Each npm package a bundle holds, with its licence text, from the builds' metafiles.
function writeNotices(results, file) {
  const dirs = new Set();
  for (const { metafile } of results) {
    for (const output of Object.values(metafile.outputs)) {
      // Tree shaking may have left nothing of a package it read.
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const dir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
        if (dir !== undefined && bytesInOutput > 0) dirs.add(dir);
      }
    }
  }
  const notices = [...dirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const license = readdirSync(dir).find((name) => /^(licen[cs]e|copying)/i.test(name));
    const text = license === undefined ? `(the package has no licence file; package.json says ${pkg.license})`
      : readFileSync(path.join(dir, license), 'utf8').trim();
    return `${pkg.name} ${pkg.version}${pkg.license ? ` (${pkg.license})` : ''}\n\n${text}\n`;
  });
  writeFileSync(file, `The threatls extension bundles these npm packages.\n\n${notices.join(`\n${'-'.repeat(78)}\n\n`)}`);
}

const common = { bundle: true, minify: true, sourcemap: false, metafile: true, logLevel: 'warning' };

const results = await Promise.all([
  build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    // Provided by the extension host at run time.
    external: ['vscode'],
  }),
  build({
    ...common,
    entryPoints: ['src/webview/diagram.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    // VS Code 1.82's Electron runs Chromium 114.
    target: 'chrome114',
    plugins: [flowchartsOnly()],
  }),
]);
writeNotices(results, 'dist/THIRD-PARTY-NOTICES.txt');
