/**
 * Turns a client's JSON schema into the subset node-llama-cpp compiles to a llama.cpp grammar, or
 * says why it cannot. The server enforces a schema or refuses it: a keyword the grammar would
 * silently ignore (a number range, an arbitrary pattern) is a 400, never a reply that breaks it.
 *
 * Two gaps of node-llama-cpp 3.x are bridged here:
 * - it knows `oneOf` but not `anyOf` (an `anyOf` alone compiles to `null`): `anyOf` becomes `oneOf`,
 *   which for generation is the same (the model writes one branch);
 * - it writes every property of an object, `required` or not: a property that is not required is
 *   made nullable in the grammar, and `dropOmitted` removes those nulls from the reply afterwards, so
 *   the model can leave an optional field out instead of inventing a value for it.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export type GrammarSchema = JsonObject;

/** Where a nullable stand-in for an omitted property was added, to undo it in the reply. */
export interface OmitRule {
  /** All property names of the object (of one `anyOf` branch): the rule applies where they all are. */
  keys: string[];
  /** Property names that may come back as `null` meaning "absent". */
  optional: string[];
  /** Rules for nested values, by property name (objects) or for every item (arrays). */
  properties: Record<string, OmitRule[]>;
  items: OmitRule[];
  /** A `$ref` to a definition whose rules apply (looked up when used: definitions may recurse). */
  ref?: string;
}

export interface OmitRules {
  root: OmitRule[];
  defs: Record<string, OmitRule[]>;
}

export type MappedSchema =
  | { ok: true; schema: GrammarSchema; omit: OmitRules }
  | { ok: false; problem: string };

/** Annotations: no effect on what may be generated. */
const IGNORED = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'strict']);
const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);
const FORMATS = new Set(['date', 'time', 'date-time']);
/** The one pattern with an exact grammar equivalent (`format: date`); the product's dates use it. */
const ISO_DATE_PATTERNS = new Set(['^\\d{4}-\\d{2}-\\d{2}$', '^[0-9]{4}-[0-9]{2}-[0-9]{2}$']);
const MAX_DEPTH = 32;

class Unsupported extends Error {}

/** Maps a schema for `llama.createGrammarForJsonSchema`; `problem` names the keyword and its path. */
export function toGrammarSchema(schema: unknown): MappedSchema {
  try {
    if (!isObject(schema)) throw new Unsupported('the schema must be a JSON object');
    const defs: Record<string, OmitRule[]> = {};
    const { value, omit } = mapNode(schema, '#', 0, defs);
    if (!('type' in value) && !('oneOf' in value) && !('$ref' in value) && !('const' in value) && !('enum' in value)) {
      throw new Unsupported('#: the schema does not say what type the reply is');
    }
    return { ok: true, schema: value, omit: { root: omit, defs } };
  } catch (err) {
    if (err instanceof Unsupported) return { ok: false, problem: err.message };
    throw err;
  }
}

/** The schema for `response_format: {type: 'json_object'}`: any JSON object. */
export function anyObjectSchema(): GrammarSchema {
  return { type: 'object', additionalProperties: true };
}

function mapNode(node: JsonObject, path: string, depth: number, defs: Record<string, OmitRule[]>): { value: JsonObject; omit: OmitRule[] } {
  if (depth > MAX_DEPTH) throw new Unsupported(`${path}: the schema is nested too deeply`);
  const out: JsonObject = {};
  const omit: OmitRule[] = [];
  const type = node.type;
  if (Array.isArray(type) && type.some((t) => t === 'object' || t === 'array')) {
    // node-llama-cpp reads an array of types only for scalars: split into one branch per type.
    const branches = type.map((t) => forType(node, t as string));
    return mapNode({ oneOf: branches }, path, depth, defs);
  }
  for (const [key, value] of Object.entries(node)) {
    const at = `${path}/${key}`;
    if (IGNORED.has(key)) {
      if (key === 'description' && typeof value === 'string') out.description = value;
      continue;
    }
    switch (key) {
      case 'type':
        if (typeof value === 'string' ? !TYPES.has(value) : !Array.isArray(value) || value.length === 0 || !value.every((t) => typeof t === 'string' && TYPES.has(t))) {
          throw new Unsupported(`${at}: unknown type ${JSON.stringify(value)}`);
        }
        out.type = value;
        break;
      case 'enum':
        if (!Array.isArray(value) || value.length === 0 || !value.every(isScalar)) throw new Unsupported(`${at}: enum must be a non-empty list of scalar values`);
        out.enum = value;
        break;
      case 'const':
        if (!isScalar(value)) throw new Unsupported(`${at}: const must be a scalar value`);
        out.const = value;
        break;
      case 'anyOf':
      case 'oneOf': {
        if (!Array.isArray(value) || value.length === 0) throw new Unsupported(`${at}: ${key} must be a non-empty list of schemas`);
        out.oneOf = value.map((branch, i) => {
          if (!isObject(branch)) throw new Unsupported(`${at}/${i}: a schema must be an object`);
          const mapped = mapNode(branch, `${at}/${i}`, depth + 1, defs);
          // A branch's omitted properties are undone by trying each branch's rules on the value.
          omit.push(...mapped.omit);
          return mapped.value;
        });
        break;
      }
      case 'allOf': {
        if (!Array.isArray(value) || value.length !== 1 || !isObject(value[0])) throw new Unsupported(`${at}: allOf is supported with exactly one schema`);
        const mapped = mapNode(value[0], `${at}/0`, depth + 1, defs);
        Object.assign(out, mapped.value);
        omit.push(...mapped.omit);
        break;
      }
      case 'properties':
      case 'required':
        break; // with the object below
      case 'additionalProperties':
        if (typeof value === 'boolean') out.additionalProperties = value;
        else if (isObject(value)) out.additionalProperties = mapNode(value, at, depth + 1, defs).value;
        else throw new Unsupported(`${at}: additionalProperties must be a boolean or a schema`);
        break;
      case 'items':
        if (!isObject(value)) throw new Unsupported(`${at}: items must be a schema`);
        {
          const mapped = mapNode(value, at, depth + 1, defs);
          out.items = mapped.value;
          if (mapped.omit.length > 0) omit.push({ keys: [], optional: [], properties: {}, items: mapped.omit });
        }
        break;
      case 'prefixItems':
        if (!Array.isArray(value) || !value.every(isObject)) throw new Unsupported(`${at}: prefixItems must be a list of schemas`);
        out.prefixItems = value.map((item, i) => mapNode(item as JsonObject, `${at}/${i}`, depth + 1, defs).value);
        break;
      case 'minItems':
      case 'maxItems':
      case 'minLength':
      case 'maxLength':
      case 'minProperties':
      case 'maxProperties':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Unsupported(`${at}: expected a non-negative integer`);
        out[key] = value;
        break;
      case 'format':
        if (typeof value !== 'string' || !FORMATS.has(value)) throw new Unsupported(`${at}: format ${JSON.stringify(value)} is not supported (only date, time, date-time)`);
        out.format = value;
        break;
      case 'pattern':
        if (typeof value !== 'string' || !ISO_DATE_PATTERNS.has(value)) throw new Unsupported(`${at}: pattern is not supported by the llama.cpp grammar (only the ISO date pattern, as format date)`);
        out.format = 'date';
        break;
      case '$defs':
      case 'definitions':
        if (!isObject(value)) throw new Unsupported(`${at}: expected an object of definitions`);
        out.$defs = Object.fromEntries(
          Object.entries(value).map(([name, def]) => {
            if (!isObject(def)) throw new Unsupported(`${at}/${name}: a definition must be a schema`);
            const mapped = mapNode(def, `${at}/${name}`, depth + 1, defs);
            if (mapped.omit.length > 0) defs[name] = mapped.omit;
            return [name, mapped.value];
          }),
        );
        break;
      case '$ref':
        if (typeof value !== 'string') throw new Unsupported(`${at}: $ref must be a string`);
        if (value.startsWith('#/$defs/')) out.$ref = value;
        else if (value.startsWith('#/definitions/')) out.$ref = `#/$defs/${value.slice('#/definitions/'.length)}`;
        else throw new Unsupported(`${at}: only references to #/$defs/… are supported`);
        omit.push({ keys: [], optional: [], properties: {}, items: [], ref: (out.$ref as string).slice('#/$defs/'.length) });
        break;
      default:
        throw new Unsupported(`${at}: keyword ${key} is not supported by the llama.cpp grammar`);
    }
  }
  if (node.properties !== undefined || node.required !== undefined) {
    if (node.type !== 'object') throw new Unsupported(`${path}: properties/required need "type": "object"`);
    mapProperties(node, path, depth, out, omit, defs);
  }
  return { value: out, omit };
}

function mapProperties(node: JsonObject, path: string, depth: number, out: JsonObject, omit: OmitRule[], defs: Record<string, OmitRule[]>): void {
  const props = node.properties ?? {};
  if (!isObject(props)) throw new Unsupported(`${path}/properties: expected an object`);
  // JSON Schema: without `required`, no property is required.
  const required = node.required ?? [];
  if (!Array.isArray(required) || !required.every((r) => typeof r === 'string')) throw new Unsupported(`${path}/required: expected a list of names`);
  for (const name of required) {
    if (!(name as string in props)) throw new Unsupported(`${path}/required: no property ${JSON.stringify(name)} is defined`);
  }
  const rule: OmitRule = { keys: Object.keys(props), optional: [], properties: {}, items: [] };
  const mappedProps: JsonObject = {};
  for (const [name, prop] of Object.entries(props)) {
    if (!isObject(prop)) throw new Unsupported(`${path}/properties/${name}: a schema must be an object`);
    const mapped = mapNode(prop, `${path}/properties/${name}`, depth + 1, defs);
    if (mapped.omit.length > 0) rule.properties[name] = mapped.omit;
    if (required.includes(name)) {
      mappedProps[name] = mapped.value;
    } else {
      mappedProps[name] = { oneOf: [mapped.value, { type: 'null' }] };
      if (!allowsNull(prop)) rule.optional.push(name);
    }
  }
  out.properties = mappedProps;
  if (rule.optional.length > 0 || Object.keys(rule.properties).length > 0) omit.push(rule);
}

/**
 * Removes the nulls that stand for omitted optional properties, so the reply validates against the
 * client's schema. With several branches (`anyOf`), a branch's rule applies to an object that has
 * all of that branch's properties (the grammar writes them all), and only removes nulls it names.
 */
export function dropOmitted(value: unknown, rules: OmitRules): unknown {
  return drop(value, rules.root, rules.defs, 0);
}

function drop(value: unknown, rules: OmitRule[], defs: Record<string, OmitRule[]>, depth: number): unknown {
  if (rules.length === 0 || depth > MAX_DEPTH * 4) return value;
  const resolved = rules.flatMap((r) => (r.ref === undefined ? [r] : (defs[r.ref] ?? [])));
  if (Array.isArray(value)) {
    const itemRules = resolved.flatMap((r) => r.items);
    return itemRules.length === 0 ? value : value.map((v) => drop(v, itemRules, defs, depth + 1));
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const rule of resolved) {
    if (!rule.keys.every((k) => k in out)) continue;
    for (const [name, nested] of Object.entries(rule.properties)) out[name] = drop(out[name], nested, defs, depth + 1);
    for (const name of rule.optional) if (out[name] === null) delete out[name];
  }
  return out;
}

const OBJECT_ONLY = ['properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties'];
const ARRAY_ONLY = ['items', 'prefixItems', 'minItems', 'maxItems'];
const STRING_ONLY = ['minLength', 'maxLength', 'format', 'pattern'];

/** The keywords of `node` that apply to values of type `t`. */
function forType(node: JsonObject, t: string): JsonObject {
  const drop = new Set(['type', ...(t === 'object' ? [] : OBJECT_ONLY), ...(t === 'array' ? [] : ARRAY_ONLY), ...(t === 'string' ? [] : STRING_ONLY)]);
  const out: JsonObject = { type: t };
  for (const [key, value] of Object.entries(node)) if (!drop.has(key)) out[key] = value;
  return out;
}

function allowsNull(schema: JsonObject): boolean {
  const t = schema.type;
  if (t === 'null' || (Array.isArray(t) && t.includes('null'))) return true;
  if (schema.const === null) return true;
  if (Array.isArray(schema.enum) && schema.enum.includes(null)) return true;
  const branches = schema.anyOf ?? schema.oneOf;
  return Array.isArray(branches) && branches.some((b) => isObject(b) && allowsNull(b));
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isScalar(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}
