/**
 * A search plan: the only thing a planner (rules or LLM) produces. Typed steps, validated with zod;
 * the application turns each step into backend queries. Strings in a plan are search strings, shown
 * to the clerk as "Szukano: …" — plain text, length-limited, and (for the LLM planner) grounded in the
 * question or the archive before they are used (see server/llm/grounding.ts).
 */
import { z } from 'zod';
import { zSearchFilters, type SearchFilters } from '../domain/types.js';

export const MAX_STEPS = 8;
export const MAX_QUERY_CHARS = 200;

/** Plain text: control characters and markup-ish brackets removed, whitespace squashed, cut to `max`. */
export function plainText(s: string, max = MAX_QUERY_CHARS): string {
  return s
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .trim();
}

const zQuery = z.string().transform((s) => plainText(s)).pipe(z.string().min(1));

export const zIdentifierKind = z.enum(['caseNumber', 'parcel', 'address', 'investor']);

export const zPlanStep = z.discriminatedUnion('type', [
  /** Words to find (BM25 over chunks); the application adds inflected forms and synonyms. */
  z.object({ type: z.literal('keyword'), query: zQuery, filters: zSearchFilters.optional() }).strict(),
  /** Text to embed and find by meaning (vector search). */
  z.object({ type: z.literal('semantic'), query: zQuery, filters: zSearchFilters.optional() }).strict(),
  /** An identifier named in the question: exact lookup in metadata and text. */
  z
    .object({
      type: z.literal('identifier'),
      kind: zIdentifierKind,
      value: zQuery,
      precinct: zQuery.optional(),
    })
    .strict(),
  /** Documents matching filters alone (e.g. every document of a case, decisions of a year). */
  z.object({ type: z.literal('filter'), filters: zSearchFilters }).strict(),
  /** Add the other documents of the cases found in the top results. */
  z.object({ type: z.literal('followCase') }).strict(),
]);
export type PlanStep = z.infer<typeof zPlanStep>;

/**
 * A condition the question sets a document, in the question's words: the type, the object built, the
 * matter, a precinct, a town, a name, a period ("2002", "1999–2001"), the organ, the outcome.
 * Identifiers are `identifier` steps. A condition the question does not state is dropped (grounding).
 */
export const zPlanCondition = z
  .object({
    kind: z.enum(['docType', 'object', 'subject', 'precinct', 'town', 'name', 'period', 'issuer', 'outcome']),
    value: zQuery,
  })
  .strict();
export type PlanCondition = z.infer<typeof zPlanCondition>;

export const MAX_CONDITIONS = 6;

export const zPlan = z
  .object({
    steps: z.array(zPlanStep).min(1).max(MAX_STEPS),
    conditions: z.array(zPlanCondition).max(MAX_CONDITIONS).optional(),
  })
  .strict();
export type Plan = z.infer<typeof zPlan>;

export interface PlanContext {
  /** Filters the clerk set in the form; planners may add to them, never remove. */
  filters?: SearchFilters;
  /** Aborted when the question's time budget for planning is spent. */
  signal?: AbortSignal;
}

export interface Planner {
  readonly id: 'rules' | 'llm';
  /** Never returns an invalid plan: throws PlannerError instead (the agent then falls back to rules). */
  plan(question: string, ctx: PlanContext): Promise<Plan>;
}

export type PlannerFailure = 'timeout' | 'invalid_output' | 'unavailable' | 'error';

/** The LLM planner could not produce a usable plan; `reason` is safe to show (no model text). */
export class PlannerError extends Error {
  constructor(
    readonly failure: PlannerFailure,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'PlannerError';
  }
}

/** Identifiers and cues the rules planner read from a question (reused by grounding and notFound). */
export interface QuestionFacts {
  caseNumbers: string[];
  parcels: { number: string; precinct?: string }[];
  addresses: string[];
  investors: string[];
  /** Document type words ("decyzja", "postanowienie") mapped to stored doc types. */
  docTypes: string[];
  /** Courts and organs the question names, as their official nominative names ("Wojewoda Mazowiecki", "Wojewódzki Sąd Administracyjny we Wrocławiu"). */
  issuers: string[];
  /** Outcomes asked for, worded as an operative part words them ("oddala skargę kasacyjną", "stwierdza nieważność uchwały", "odmawia"). */
  outcomes: string[];
  dateFrom?: string;
  dateTo?: string;
  precincts: string[];
  /** What is built or done, as thesaurus concept ids with `condition: "object"` or `"works"` ("dom", "stacja-bazowa", "rozbudowa"). */
  objects: string[];
  /** The matter of the proceeding, as concept ids with `condition: "subject"`, when not the type of document sought ("wyroki … w sprawie pozwolenia na budowę"). */
  subjects: string[];
  /** Towns named after "w"/"we", as written ("Poznaniu"), when not the seat of a court or organ named. */
  towns: string[];
  /** Other proper names the question names (a plan area, a village, an abbreviation the vocabulary does not know). */
  names: string[];
  /** The question asks for a whole case ("wszystkie pisma w sprawie …"). */
  wholeCase: boolean;
  /** Content words left after identifiers and stop words, in question order. */
  words: string[];
}

export type { SearchFilters };
