/**
 * Patterns the ReDoS check (regex-safety.test.ts) lets through, each with the reason. `SAFE`:
 * flagged by the checker but proven harmless where they run (the input is the project's own, or is
 * cut short before the pattern sees it). `REPORTED`: found vulnerable in files outside the change
 * that added the check, each with its exposure, listed so that they stay visible until their
 * owners rewrite them; an entry whose pattern is gone fails the check, so the list only shrinks.
 */
export interface AllowedPattern {
  file: string;
  source: string;
  reason: string;
}

export interface AllowedSite {
  file: string;
  /** The constructor's first argument as written. */
  argument: string;
  reason: string;
}

export const SAFE: AllowedPattern[] = [
  {
    file: 'server/agent/thesaurus.ts',
    source: String.raw`(\{[^}]*\})`,
    reason: 'splits variant specs of the domain thesaurus, a file of the project, never request or page text',
  },
  {
    file: 'server/http/openapi.ts',
    source: String.raw`[/:]+(\w)`,
    reason: 'runs on the route paths of the code when the API description is built',
  },
  {
    file: 'server/security/oidc.ts',
    source: String.raw`\/+$`,
    reason: 'runs on the configured OIDC redirect URI (operator settings), not on request data',
  },
  {
    file: 'server/http/download-name.ts',
    source: String.raw`^[.\s]+|[.\s]+$`,
    reason: 'runs on a file name already cut to MAX_BASE (120) characters',
  },
  {
    file: 'server/llm/grounding-terms.ts',
    source: String.raw`[\s,]+$`,
    reason: 'runs on one LEGAL_RE match, whose blank runs are at most four characters ([ \\t]{0,2} on each side of a join)',
  },
  {
    file: 'server/llm/grounding.ts',
    source: String.raw`\s+([,.;:)])`,
    reason: 'runs on a plan search string, squashed and cut to MAX_QUERY_CHARS (200) by plainText before grounding',
  },
  {
    file: 'server/llm/grounding.ts',
    source: String.raw`^[\s,.;:\-–—/]+|[\s,;:\-–—/(]+$`,
    reason: 'runs on a plan search string, squashed and cut to MAX_QUERY_CHARS (200) by plainText before grounding',
  },
  {
    file: 'ingest/metadata/signature.ts',
    source: String.raw`(?:znak(?:\s+sprawy)?|sygn\.?|sygnatura(?:\s+akt)?|(?:nr|numer)\s+sprawy|sprawa\s+nr|l\.\s?dz\.?|dotyczy\s+sprawy)\s*[:.\-–]?\s*(?:nr\.?)?\s*$`,
    reason: 'signatureLabel runs it on the 40 characters before a signature only',
  },
  {
    file: 'server/agent/question.ts',
    source: String.raw`(?<![\p{L}\d&'-])((?:[\p{L}\d][\p{L}\d&'-]*\s+){1,5})(?:[Ss]p\.\s?z\s?o\.\s?o\.(?:\s?[Ss]p\.\s?[Kk]\.)?|S\.\s?A\.|[Ss]p\.\s?[JjKk]\.)`,
    reason:
      'starts only at the start of a word and reads at most five words from it (linear; the fuzzer times the large constant); questions are at most MAX_QUESTION_CHARS (500)',
  },
  {
    file: 'server/services/webhook-target.ts',
    source: String.raw`(\d+\.\d+\.\d+\.\d+)$`,
    reason: 'runs only on a string net.isIPv6 accepted, at most 45 characters',
  },
  {
    file: 'server/services/webhook-target.ts',
    source: String.raw`%.*$`,
    reason:
      "runs on an IP address (a DNS answer, a URL's host, an entry of the operator's KWERENDA_WEBHOOK_ALLOW): no line break, so it matches at the first '%'",
  },
];

export const REPORTED: AllowedPattern[] = [];

/** `new RegExp(…)` calls that build their pattern at run time from data, so the check cannot see it. */
export const DYNAMIC_SITES: AllowedSite[] = [
  {
    file: 'server/domain/passages.ts',
    argument: "patterns.join('|')",
    reason: 'an alternation of query term forms: escaped literal words (no blanks) joined by \\s+, so every repetition is unambiguous',
  },
  {
    file: 'server/agent/conditions.ts',
    argument: "chars.join('[^\\\\p{L}\\\\p{N}]{0,2}')",
    reason: 'letters and digits only (filtered), joined by at most two characters that are neither: each repetition is bounded and cannot match what follows it',
  },
  {
    file: 'server/agent/conditions.ts',
    argument: '`(?<![\\\\p{L}\\\\p{N}])${stem}\\\\p{L}*`',
    reason: 'a literal stem of letters and digits (split on everything else) and one trailing letter run: linear',
  },
];
