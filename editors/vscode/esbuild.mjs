// One bundled file, so the .vsix carries no node_modules and loads fast.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  // Provided by the extension host at run time.
  external: ['vscode'],
  minify: true,
  sourcemap: false,
  logLevel: 'warning',
});
