/**
 * The ReDoS check of `npm test`: every regular expression of `ingest/` and `server/` (literals, and
 * patterns built with `new RegExp` as they are built) goes through recheck, which finds exponential
 * and polynomial backtracking. A vulnerable or unanalysable pattern fails the test unless
 * regex-allow.ts lists it with a reason; an allow-list entry that no longer matches code fails too.
 */
import fs from 'node:fs';
import { check, type Diagnostics } from 'recheck';
import { describe, expect, it } from 'vitest';
import { DYNAMIC_SITES, REPORTED, SAFE } from './regex-allow.js';
import { constructedPatterns, scanSources, type RegexSite } from './regex-inventory.js';

const DIRS = ['ingest', 'server'];
/**
 * recheck's defaults without any wall-clock limit: the overall one would turn a slow machine's check
 * into "unknown", and the fuzzer's per-attack ones made its verdict depend on the machine's load (a
 * safe pattern flagged once on a busy 2-core machine). What bounds the fuzzing then is its own
 * counts of characters read (attackLimit, incubationLimit), with a fixed PRNG seed: the same
 * verdict on every run.
 */
const PARAMS = { timeout: null, attackTimeout: null, incubationTimeout: null, seedingTimeout: null, randomSeed: 0 } as const;

const key = (file: string, source: string): string => `${file}\u0000${source}`;

describe('regular expressions of ingest/ and server/', () => {
  it('have no catastrophic backtracking (recheck), or are listed with a reason', async () => {
    const { literals, constructors } = scanSources('.', DIRS);
    const built = await constructedPatterns('.', [...new Set(constructors.map((c) => c.file))]);

    const seenSites = new Set(built.map((b) => `${b.file}:${b.line}`));
    const unseen = constructors
      .filter((c) => !seenSites.has(`${c.file}:${c.line}`))
      .filter((c) => !DYNAMIC_SITES.some((d) => d.file === c.file && d.argument === c.argument));
    expect(unseen, 'RegExp built inside a function: build it at module level, or list it in DYNAMIC_SITES with a reason').toEqual([]);

    const allowed = new Set([...SAFE, ...REPORTED].map((a) => key(a.file, a.source)));
    const unique = new Map<string, RegexSite>();
    for (const s of [...literals, ...built]) unique.set(key(s.file, `/${s.source}/${s.flags}`), s);
    const present = new Set([...unique.values()].map((s) => key(s.file, s.source)));

    // An entry for a file that is not there (yet) is not stale: helpers land their files on their own.
    const stale = [...SAFE, ...REPORTED].filter((a) => fs.existsSync(a.file) && !present.has(key(a.file, a.source)));
    expect(stale.map((a) => `${a.file}: /${a.source}/`), 'allow-list entries whose pattern is gone').toEqual([]);

    const problems: string[] = [];
    for (const site of unique.values()) {
      if (allowed.has(key(site.file, site.source))) continue;
      // 'd' (match indices) changes nothing in matching; recheck does not know it.
      const d: Diagnostics = await check(site.source, site.flags.replace('d', ''), PARAMS);
      if (d.status === 'safe') continue;
      const what =
        d.status === 'vulnerable'
          ? `${d.complexity.type} backtracking, e.g. on ${d.attack.pattern}`
          : `not analysed (${d.error.kind}${'message' in d.error ? `: ${d.error.message}` : ''})`;
      problems.push(`${site.file}:${site.line} /${site.source}/${site.flags}: ${what}`);
    }
    if (REPORTED.length > 0) {
      console.warn(`Vulnerable patterns reported, not yet rewritten:\n${REPORTED.map((r) => `  ${r.file}: ${r.reason}`).join('\n')}`);
    }
    expect(problems).toEqual([]);
  }, 900_000);
});
