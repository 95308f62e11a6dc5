// Parses Mermaid diagrams with the real `mermaid` package, in its own Node process: mermaid is
// browser code (DOMPurify needs a window), so jsdom provides one here rather than inside Jest.
// Reads a JSON array of diagram sources on stdin; prints a JSON array with, for each, null
// when it parses or the parser's message when it does not.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let input = '';
for await (const chunk of process.stdin) input += chunk;
const results = [];
for (const source of JSON.parse(input)) {
  try {
    await mermaid.parse(source);
    results.push(null);
  } catch (error) {
    results.push(String(error?.message ?? error));
  }
}
process.stdout.write(JSON.stringify(results));
