// Parses each Mermaid file named on the command line with Mermaid's own parser (the npm
// package, in Node with jsdom standing in for a browser), and fails on the first that does not
// parse as a flowchart. Run by tests/mermaid/check.sh.
import { JSDOM } from 'jsdom';
import { readFileSync } from 'node:fs';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const parsed = await mermaid.parse(readFileSync(file, 'utf8'));
    if (parsed.diagramType !== 'flowchart-v2') throw new Error(`parsed as ${parsed.diagramType}`);
    console.log(`ok ${file}`);
  } catch (e) {
    failed++;
    console.log(`FAILED ${file}: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
