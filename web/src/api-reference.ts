/**
 * `#/api`: the reference of the HTTP API for the city's integrators, rendered as plain HTML from
 * `GET /api/openapi.json` (no Swagger UI bundle: the CSP allows only our own scripts). Each route
 * shows its method and path, who may call it, its parameters, its request body fields and the
 * fields of each response. Loaded by dynamic import only when the screen is opened.
 */
import { callJson } from './api.js';
import { focusHeading, h, replace } from './dom.js';
import { messageOf } from './errors.js';
import { pl } from './i18n/pl.js';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  description?: string;
  format?: string;
  pattern?: string;
};
interface Operation {
  summary: string;
  description?: string;
  'x-kwerenda-access': string;
  'x-kwerenda-roles': string[] | 'everyone' | 'signed-in';
  parameters?: { name: string; in: string; required: boolean; schema: Schema; description?: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
}
interface OpenApi {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const T = {
  heading: 'Opis API',
  intro: 'Interfejs HTTP kwerendy dla innych systemów miasta. Wersja do pobrania (OpenAPI 3.1): ',
  loading: 'Wczytuję opis API…',
  who: 'Kto może wywołać: ',
  everyone: 'każdy, bez logowania',
  signedIn: 'każdy zalogowany użytkownik',
  parameters: 'Parametry',
  body: 'Treść żądania',
  response: (status: string) => `Odpowiedź ${status}`,
  cols: ['Pole', 'Typ', 'Wymagane', 'Opis'],
  yes: 'tak',
  no: 'nie',
};

/** Follows `#/components/schemas/X`. */
function resolve(doc: OpenApi, s: Schema | undefined): Schema | undefined {
  const name = s?.$ref?.split('/').pop();
  return name ? doc.components.schemas[name] : s;
}

/** A short type label: `string`, `integer`, `array of Citation`, `"high" | "low"`. */
function typeOf(doc: OpenApi, s: Schema | undefined): string {
  if (!s) return '';
  if (s.$ref) return s.$ref.split('/').pop() ?? '';
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.anyOf) return s.anyOf.map((x) => typeOf(doc, x)).join(' | ');
  if (s.type === 'array') return `array of ${typeOf(doc, s.items)}`;
  return Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? (s.format ? s.format : 'any'));
}

function fieldTable(doc: OpenApi, caption: string, schema: Schema | undefined): HTMLElement | null {
  const s = resolve(doc, schema);
  const props = Object.entries(s?.properties ?? {});
  if (props.length === 0) return s ? h('p', {}, `${caption}: ${typeOf(doc, schema)}`) : null;
  return h('table', { class: 'dense' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...T.cols.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...props.map(([name, p]) =>
      h('tr', {}, h('th', { scope: 'row' }, h('code', {}, name)), h('td', {}, typeOf(doc, p)),
        h('td', {}, (s?.required ?? []).includes(name) ? T.yes : T.no), h('td', {}, p.description ?? '')))));
}

function who(op: Operation): string {
  const r = op['x-kwerenda-roles'];
  if (r === 'everyone') return T.everyone;
  if (r === 'signed-in') return T.signedIn;
  return r.map((role) => pl.roles[role] ?? role).join(', ');
}

function operationView(doc: OpenApi, path: string, method: string, op: Operation): HTMLElement {
  const params = op.parameters ?? [];
  const body = op.requestBody?.content['application/json']?.schema;
  const multipart = op.requestBody?.content['multipart/form-data'];
  return h('section', { class: 'api-op' },
    h('h3', {}, h('code', {}, `${method.toUpperCase()} ${path}`)),
    h('p', {}, op.summary),
    h('p', {}, T.who, h('strong', {}, who(op)), ` (${op['x-kwerenda-access']})`),
    params.length > 0 && h('table', { class: 'dense' },
      h('caption', {}, T.parameters),
      h('thead', {}, h('tr', {}, ...T.cols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...params.map((p) =>
        h('tr', {}, h('th', { scope: 'row' }, h('code', {}, p.name), ` (${p.in})`), h('td', {}, typeOf(doc, p.schema)),
          h('td', {}, p.required ? T.yes : T.no), h('td', {}, p.description ?? ''))))),
    body ? fieldTable(doc, T.body, body) : multipart ? h('p', {}, `${T.body}: multipart/form-data`) : null,
    ...Object.entries(op.responses)
      .filter(([status]) => status.startsWith('2'))
      .map(([status, r]) => {
        const json = r.content?.['application/json']?.schema;
        const other = r.content ? Object.keys(r.content).find((c) => c !== 'application/json') : undefined;
        return json ? fieldTable(doc, `${T.response(status)}: ${r.description}`, json) : h('p', {}, `${T.response(status)}: ${r.description}${other ? ` (${other})` : ''}`);
      }));
}

/** Renders the reference into `root`. */
export async function renderApiReference(root: HTMLElement): Promise<void> {
  const heading = h('h2', { id: 'api-h' }, T.heading);
  replace(root, h('section', { 'aria-labelledby': 'api-h' }, heading, h('p', { role: 'status' }, T.loading)));
  focusHeading(heading);
  let doc: OpenApi;
  try {
    doc = await callJson<OpenApi>('/api/openapi.json');
  } catch (err) {
    replace(root, h('section', { 'aria-labelledby': 'api-h' }, heading, h('p', { class: 'error', role: 'alert' }, messageOf(err))));
    return;
  }
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => operationView(doc, path, m, op)));
  replace(root, h('section', { 'aria-labelledby': 'api-h', class: 'api-reference' },
    heading,
    h('p', {}, T.intro, h('a', { href: 'api/openapi.json' }, '/api/openapi.json')),
    ...ops));
}
