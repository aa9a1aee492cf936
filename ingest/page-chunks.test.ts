import { describe, expect, it } from 'vitest';
import { HashingEmbedder, type Embedder } from './embed.js';
import { PageChunks } from './page-chunks.js';
import { chunkPages } from './text/chunk.js';

const pageText = (n: number) =>
  Array.from({ length: 150 }, (_, i) => `Strona ${n}, akapit ${i}: decyzja o pozwoleniu na budowę dla działki nr ${n}/${i} w obrębie Krzyki.`).join('\n');

/** The hashing embedder, counting calls. */
class Counting implements Embedder {
  readonly id = 'counting';
  readonly dimensions = 384;
  calls: number[] = [];
  private readonly inner = new HashingEmbedder();
  constructor(private readonly failOnCall?: number) {}
  async embed(texts: string[], kind: 'query' | 'passage'): Promise<Float32Array[]> {
    this.calls.push(texts.length);
    if (this.calls.length === this.failOnCall) throw new Error('embedding server answered 500');
    return this.inner.embed(texts, kind);
  }
}

describe('chunks and embeddings made while pages come in', () => {
  it('gives the same chunks and vectors as chunking and embedding the whole document at the end', async () => {
    const pages = [1, 2, 3, 4, 5, 6].map((page) => ({ page, text: pageText(page) }));
    const embedder = new Counting();
    const early = new PageChunks(embedder);
    // Pages arrive out of order; page 2 was stored by an earlier, interrupted run.
    for (const n of [3, 1, 5, 4, 6]) early.add(n, pages[n - 1]!.text);
    await new Promise((r) => setImmediate(r)); // the page loop awaits the next page meanwhile
    const callsBeforeEnd = embedder.calls.length;
    const got = await early.all(pages);

    const whole = chunkPages(pages);
    const vectors = await new HashingEmbedder().embed(whole.map((c) => c.text), 'passage');
    expect(got.chunks).toEqual(whole);
    expect(got.vectors).toEqual(vectors);
    // Most of the embedding happened before the last page: in batches, not one request a page.
    expect(callsBeforeEnd).toBeGreaterThan(0);
    expect(embedder.calls.every((n) => n >= 1)).toBe(true);
    expect(embedder.calls.length).toBeLessThan(pages.length);
  });

  it('reports an embedding failure when the document is finished, and leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const early = new PageChunks(new Counting(1));
      const pages = [1, 2, 3].map((page) => ({ page, text: pageText(page) }));
      for (const p of pages) early.add(p.page, p.text);
      await new Promise((r) => setTimeout(r, 20));
      await expect(early.all(pages)).rejects.toThrow('embedding server answered 500');
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('handles a document with no text (blank scans) without calling the embedder', async () => {
    const embedder = new Counting();
    const early = new PageChunks(embedder);
    early.add(1, '');
    const got = await early.all([{ page: 1, text: '' }]);
    expect(got).toEqual({ chunks: [], vectors: [] });
    expect(embedder.calls).toEqual([]);
  });
});
