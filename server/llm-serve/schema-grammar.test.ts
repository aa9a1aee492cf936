import { describe, expect, it } from 'vitest';
import { zPlan } from '../agent/plan.js';
import { planJsonSchema } from '../llm/plan-schema.js';
import { dropOmitted, toGrammarSchema } from './schema-grammar.js';

function mapped(schema: unknown) {
  const m = toGrammarSchema(schema);
  if (!m.ok) throw new Error(m.problem);
  return m;
}

describe('toGrammarSchema', () => {
  it('turns anyOf into oneOf, which is all node-llama-cpp reads (an anyOf alone would compile to null)', () => {
    const m = mapped({ anyOf: [{ type: 'string' }, { type: 'integer' }] });
    expect(m.schema).toEqual({ oneOf: [{ type: 'string' }, { type: 'integer' }] });
  });

  it('makes a property that is not required nullable, so the model can leave it out', () => {
    const m = mapped({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a'], additionalProperties: false });
    expect(m.schema.properties).toEqual({ a: { type: 'string' }, b: { oneOf: [{ type: 'string' }, { type: 'null' }] } });
    expect(dropOmitted({ a: 'x', b: null }, m.omit)).toEqual({ a: 'x' });
    expect(dropOmitted({ a: 'x', b: 'y' }, m.omit)).toEqual({ a: 'x', b: 'y' });
  });

  it('keeps a null the schema itself allows', () => {
    const m = mapped({ type: 'object', properties: { b: { type: ['string', 'null'] } }, required: [] });
    expect(dropOmitted({ b: null }, m.omit)).toEqual({ b: null });
  });

  it('removes the stand-in nulls inside array items, anyOf branches and $defs', () => {
    const m = mapped({
      type: 'object',
      properties: {
        steps: {
          type: 'array',
          items: {
            anyOf: [
              { type: 'object', properties: { kind: { const: 'a' }, x: { type: 'string' } }, required: ['kind'] },
              { $ref: '#/$defs/b' },
            ],
          },
        },
      },
      required: ['steps'],
      $defs: { b: { type: 'object', properties: { kind: { const: 'b' }, y: { type: 'integer' } }, required: ['kind'] } },
    });
    expect(dropOmitted({ steps: [{ kind: 'a', x: null }, { kind: 'b', y: null }, { kind: 'b', y: 3 }] }, m.omit)).toEqual({
      steps: [{ kind: 'a' }, { kind: 'b' }, { kind: 'b', y: 3 }],
    });
  });

  it('maps the product plan schema; a reply that uses the stand-in nulls validates against zPlan once they are removed', () => {
    const m = mapped(planJsonSchema());
    expect(JSON.stringify(m.schema)).not.toContain('anyOf');
    expect(JSON.stringify(m.schema)).not.toContain('pattern');
    const reply = {
      steps: [
        { type: 'keyword', query: 'pozwolenie na budowę', filters: null },
        { type: 'identifier', kind: 'parcel', value: '45/7', precinct: null },
        { type: 'filter', filters: { caseNumber: null, docType: 'decyzja', dateFrom: '2016-01-01', dateTo: null, precinct: null, parcel: null } },
      ],
      // The grammar writes every property: an optional one the model leaves out comes back as null.
      conditions: null,
    };
    expect(zPlan.safeParse(reply).success).toBe(false);
    expect(zPlan.safeParse(dropOmitted(reply, m.omit)).success).toBe(true);
  });

  it('refuses what the grammar cannot enforce, naming the keyword and where it is', () => {
    const cases: [unknown, RegExp][] = [
      [{ type: 'object', properties: { n: { type: 'integer', minimum: 1 } } }, /#\/properties\/n\/minimum: keyword minimum is not supported/],
      [{ type: 'string', pattern: '^[A-Z]+$' }, /#\/pattern: pattern is not supported/],
      [{ type: 'string', format: 'email' }, /format "email" is not supported/],
      [{ not: { type: 'string' } }, /keyword not is not supported/],
      [{ $ref: 'https://example.org/schema.json' }, /only references to #\/\$defs/],
      [{ type: 'object', properties: { a: { type: 'string' } }, required: ['b'] }, /no property "b"/],
      [{ type: 'decimal' }, /unknown type "decimal"/],
      [{}, /does not say what type/],
      [[1, 2], /must be a JSON object/],
    ];
    for (const [schema, problem] of cases) {
      const m = toGrammarSchema(schema);
      expect(m.ok, JSON.stringify(schema)).toBe(false);
      if (!m.ok) expect(m.problem).toMatch(problem);
    }
  });

  it('keeps only the ISO date pattern, as format date; drops annotations', () => {
    const m = mapped({ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', title: 'Data', default: '2020-01-01' });
    expect(m.schema).toEqual({ type: 'string', format: 'date' });
  });

  it('splits a type list with object or array into branches node-llama-cpp can read', () => {
    const m = mapped({ type: ['object', 'null'], properties: { a: { type: 'string' } }, required: ['a'] });
    expect(m.schema).toEqual({ oneOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'null' }] });
  });
});
