// Two bundles, so the .vsix carries no node_modules and loads fast: the extension, for Node in
// the extension host, and the diagram panel's script with Mermaid, for the webview's browser.
// Only the webview loads Mermaid, and only when a panel opens.
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

const common = { bundle: true, minify: true, sourcemap: false, logLevel: 'warning' };

await Promise.all([
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
