import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// Captured before anything in this file loads pdf.js (the imports below are dynamic).
const natives = {
  push: Array.prototype.push,
  parse: JSON.parse,
  stringify: JSON.stringify,
  toString: Function.prototype.toString,
};

describe('pdf.js loader', () => {
  it('leaves the engine’s own push and JSON in place after loading both pdf.js bundles', async () => {
    await import('./pdfjs.js');
    // The PDF worker's other modules load the bundles through it; nothing swaps them back.
    await import('./pdf-shared-port.js');
    expect(Array.prototype.push).toBe(natives.push);
    expect(JSON.parse).toBe(natives.parse);
    expect(JSON.stringify).toBe(natives.stringify);
    expect(Function.prototype.toString).toBe(natives.toString);
  });

  it('keeps the additions pdf.js needs on Node 20 and still reads a PDF', async () => {
    const { pdfjs } = await import('./pdfjs.js');
    expect(typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers).toBe('function');
    const { PDFDocument, StandardFonts } = await import('pdf-lib');
    const made = await PDFDocument.create();
    const page = made.addPage([300, 200]);
    page.drawText('Decyzja nr 12/2019', { x: 20, y: 100, size: 12, font: await made.embedFont(StandardFonts.Helvetica) });
    const doc = await pdfjs.getDocument({ data: await made.save(), isEvalSupported: false, verbosity: 0 }).promise;
    const text = await (await doc.getPage(1)).getTextContent();
    expect(text.items.map((i) => ('str' in i ? i.str : '')).join('')).toContain('Decyzja nr 12/2019');
    await doc.destroy();
  });

  it('runs with the text-state patch from patches/ applied (npm ci applies it; see patches/README.md)', () => {
    const file = createRequire(import.meta.url).resolve('pdfjs-dist/legacy/build/pdf.worker.mjs');
    const source = fs.readFileSync(file, 'utf8');
    const textState = source.slice(source.indexOf('class TextState {'), source.indexOf('class EvalState {'));
    expect(textState).toContain('Object.assign(Object.create(Object.getPrototypeOf(this)), this)');
  });
});
