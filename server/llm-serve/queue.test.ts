import { describe, expect, it } from 'vitest';
import { SerialQueue } from './queue.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('SerialQueue', () => {
  it('runs one task at a time, in arrival order', async () => {
    const q = new SerialQueue();
    const order: string[] = [];
    const first = gate();
    const a = q.run(async () => {
      order.push('a start');
      await first.opened;
      order.push('a end');
    });
    const b = q.run(async () => {
      order.push('b');
    });
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a start']);
    first.open();
    await Promise.all([a, b]);
    expect(order).toEqual(['a start', 'a end', 'b']);
  });

  it('a request whose client left while waiting never runs, and the next one still does', async () => {
    const q = new SerialQueue();
    const first = gate();
    const ran: string[] = [];
    const a = q.run(async () => {
      await first.opened;
      ran.push('a');
    });
    const leaving = new AbortController();
    const b = q.run(async () => ran.push('b'), leaving.signal);
    const c = q.run(async () => ran.push('c'));
    leaving.abort(new Error('client gone'));
    await expect(b).rejects.toThrow('client gone');
    first.open();
    await Promise.all([a, c]);
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual(['a', 'c']);
    expect(q.depth).toBe(0);
  });

  it('a failed task frees the slot', async () => {
    const q = new SerialQueue();
    await expect(q.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(q.run(async () => 'next')).resolves.toBe('next');
  });
});
