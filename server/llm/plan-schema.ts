/**
 * The JSON schema sent to the model, derived from the zod `zPlan` so the two cannot drift apart, then
 * adjusted for guided-decoding engines: vLLM's xgrammar, llguidance (which rejects `oneOf`) and
 * llama.cpp. `oneOf` becomes `anyOf` (the branches are disjoint by their `type` constant, so nothing
 * is lost) and the `$schema` header goes (older vLLM falls back to a slower engine on it). The reply
 * is still validated with zod: the schema only steers generation.
 */
import { z } from 'zod';
import { zPlan } from '../agent/plan.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Rewrites a JSON schema into the subset guided-decoding engines enforce. */
export function forGuidedDecoding(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(forGuidedDecoding);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: { [k: string]: Json } = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === '$id' || key === 'title') continue;
    out[key === 'oneOf' ? 'anyOf' : key] = forGuidedDecoding(value);
  }
  return out;
}

let cached: Record<string, unknown> | undefined;

/** The plan schema as the model must write it (zod's input side: before trimming and cutting). */
export function planJsonSchema(): Record<string, unknown> {
  cached ??= forGuidedDecoding(z.toJSONSchema(zPlan, { io: 'input' }) as Json) as Record<string, unknown>;
  return cached;
}
