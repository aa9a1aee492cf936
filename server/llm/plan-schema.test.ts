import { describe, expect, it } from 'vitest';
import { MAX_STEPS, zPlan } from '../agent/plan.js';
import { forGuidedDecoding, planJsonSchema } from './plan-schema.js';
import { rerankJsonSchema } from './llm-reranker.js';

/** Keywords xgrammar, llguidance and llama.cpp all enforce (no oneOf, $ref, format, $schema). */
const SUPPORTED = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'anyOf', 'enum', 'const',
  'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'description',
]);

type S = Record<string, any>;

function keywords(schema: S, path = '#'): string[] {
  const bad: string[] = [];
  for (const [k, v] of Object.entries(schema)) {
    if (!SUPPORTED.has(k)) bad.push(`${path}/${k}`);
    if (k === 'properties') for (const [p, sub] of Object.entries(v as S)) bad.push(...keywords(sub as S, `${path}/properties/${p}`));
    if (k === 'items') bad.push(...keywords(v as S, `${path}/items`));
    if (k === 'anyOf') (v as S[]).forEach((sub, i) => bad.push(...keywords(sub, `${path}/anyOf/${i}`)));
  }
  // xgrammar drops length bounds next to a pattern: never combine them.
  if ('pattern' in schema && ('minLength' in schema || 'maxLength' in schema)) bad.push(`${path} pattern+length`);
  if (schema.type === 'object' && schema.additionalProperties !== false) bad.push(`${path} open object`);
  return bad;
}

/** A validator for exactly the subset above, as a guided-decoding engine would apply it. */
function accepts(schema: S, v: unknown): boolean {
  if (schema.anyOf) return (schema.anyOf as S[]).some((s) => accepts(s, v));
  if ('const' in schema && v !== schema.const) return false;
  if (schema.enum && !(schema.enum as unknown[]).includes(v)) return false;
  switch (schema.type) {
    case 'string':
      if (typeof v !== 'string') return false;
      if (schema.minLength !== undefined && v.length < schema.minLength) return false;
      if (schema.maxLength !== undefined && v.length > schema.maxLength) return false;
      return schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(v);
    case 'array':
      if (!Array.isArray(v)) return false;
      if (schema.minItems !== undefined && v.length < schema.minItems) return false;
      if (schema.maxItems !== undefined && v.length > schema.maxItems) return false;
      return v.every((x) => accepts(schema.items as S, x));
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      const o = v as Record<string, unknown>;
      const props = (schema.properties ?? {}) as Record<string, S>;
      if ((schema.required as string[] | undefined)?.some((k) => !(k in o))) return false;
      return Object.entries(o).every(([k, x]) => (props[k] ? accepts(props[k], x) : schema.additionalProperties !== false));
    }
    default:
      return schema.type === undefined;
  }
}

const kw = { type: 'keyword', query: 'pozwolenie na budowę' };
const CORPUS: [string, unknown][] = [
  ['every step type', { steps: [kw, { type: 'semantic', query: 'rozbudowa domu', filters: { docType: 'decyzja', dateFrom: '2016-01-01' } }, { type: 'identifier', kind: 'parcel', value: '45/7', precinct: 'Oporów' }, { type: 'filter', filters: { caseNumber: 'WUA-ZRB.6740.1.1.2019' } }, { type: 'followCase' }] }],
  ['the most steps', { steps: Array(MAX_STEPS).fill(kw) }],
  ['one step too many', { steps: Array(MAX_STEPS + 1).fill(kw) }],
  ['no steps', { steps: [] }],
  ['no steps key', {}],
  ['steps not a list', { steps: kw }],
  ['an unknown step type', { steps: [{ type: 'answer', text: 'decyzja uchylona' }] }],
  ['an extra key in a step', { steps: [{ ...kw, quote: 'decyzja uchylona' }] }],
  ['an extra key in the plan', { steps: [kw], documents: ['doc-1'] }],
  ['a keyword step without a query', { steps: [{ type: 'keyword' }] }],
  ['a query that is not a string', { steps: [{ type: 'keyword', query: 45 }] }],
  ['an unknown identifier kind', { steps: [{ type: 'identifier', kind: 'pesel', value: '1' }] }],
  ['an unknown filter', { steps: [{ type: 'filter', filters: { owner: 'x' } }] }],
  ['a date in the wrong format', { steps: [{ type: 'filter', filters: { dateFrom: '14.03.2019' } }] }],
  ['an empty filter value', { steps: [{ type: 'filter', filters: { precinct: '' } }] }],
  ['followCase with an argument', { steps: [{ type: 'followCase', caseNumber: 'x' }] }],
  ['not an object', 'steps'],
];

describe('planJsonSchema', () => {
  it('uses only keywords guided-decoding engines enforce, and closes every object', () => {
    expect(keywords(planJsonSchema())).toEqual([]);
    expect(keywords(rerankJsonSchema(['1', '2']))).toEqual([]);
  });

  it.each(CORPUS)('agrees with zPlan on %s', (_name, value) => {
    expect(accepts(planJsonSchema(), value)).toBe(zPlan.safeParse(value).success);
  });

  it('is only looser than zPlan where zod normalises or checks the calendar', () => {
    const blank = { steps: [{ type: 'keyword', query: '   ' }] };
    const month13 = { steps: [{ type: 'filter', filters: { dateTo: '2019-13-01' } }] };
    for (const v of [blank, month13]) {
      expect(accepts(planJsonSchema(), v)).toBe(true);
      expect(zPlan.safeParse(v).success).toBe(false);
    }
  });

  it('rewrites oneOf to anyOf and drops the $schema header', () => {
    expect(forGuidedDecoding({ $schema: 'x', oneOf: [{ type: 'string' }] })).toEqual({ anyOf: [{ type: 'string' }] });
  });
});
