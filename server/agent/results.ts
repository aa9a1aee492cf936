/**
 * From evidence to ranked result drafts: fuse the searches (RRF), choose each document's passages,
 * and score it by what the question asked for (server/domain/score.ts). Drafts carry citation
 * candidates only; verification happens last, in the service, against freshly read pages.
 */
import { findTerms, selectPassage } from '../domain/passages.js';
import { maxRrfScore, rrf } from '../domain/rrf.js';
import { confidenceOf, documentScore, type Coverage, type ScoreInput } from '../domain/score.js';
import type { CitationCandidate, Confidence, DocumentId, DocumentRecord, PageRecord, QueryTerm, Viewer } from '../domain/types.js';
import type { SearchBackend } from '../search/backend.js';
import { termFor } from '../search/polish.js';
import { maskIdentifiers } from '../security/masking.js';
import { conditionsOf, tally, type Condition, type DocumentText, type IdentifierCue } from './conditions.js';
import { identifierKey, type Evidence } from './executor.js';
import type { QuestionFacts } from './plan.js';

export const MAX_CITATIONS = 3;

export interface Draft {
  documentId: DocumentId;
  document: DocumentRecord;
  fused: number;
  score: number;
  confidence: Confidence;
  /** The question's conditions judged against this document (conditions.ts). */
  conditions: Condition[];
  candidates: CitationCandidate[];
  /** Text of the best passage, for the optional model rerank (data only, never shown). */
  rerankText: string;
  bestChunkId: string | null;
}

/** Identifiers of the question as evidence keys, normalised the way the executor stores them. */
export function questionIdentifiers(facts: QuestionFacts): { kind: 'caseNumber' | 'parcel' | 'address' | 'investor'; value: string; precinct?: string }[] {
  return [
    ...facts.caseNumbers.map((value) => ({ kind: 'caseNumber' as const, value })),
    ...facts.parcels.map((p) => ({ kind: 'parcel' as const, value: p.number, ...(p.precinct ? { precinct: p.precinct } : {}) })),
    ...facts.addresses.map((value) => ({ kind: 'address' as const, value })),
    ...facts.investors.map((value) => ({ kind: 'investor' as const, value })),
  ];
}

export async function buildDrafts(args: {
  backend: SearchBackend;
  /** Whose search it is: documents, chunks and pages are read as this viewer. */
  viewer: Viewer;
  evidence: Evidence;
  facts: QuestionFacts;
  /** How many documents to prepare (more than shown, so a rerank has room). */
  depth: number;
  /** Identifier keys present in the evidence for the question's identifiers. */
  identifierKeys: string[];
  /**
   * The searcher may not see PESEL / identity-card numbers: passages are chosen and words counted on
   * the text with them masked (same length, so offsets hold), never on their digits.
   */
  hideIdentifiers?: boolean;
  /** How much standing out by meaning counts (0: not at all); see AgentService. */
  meaningWeight?: number;
}): Promise<Draft[]> {
  const { backend, viewer, evidence: ev, facts } = args;
  // The fused top, and every document a filter step found (the question's type and period read from
  // its metadata): one that meets every condition must be judged even when the words rank it low.
  const fused = rrf(ev.docLists);
  const listed = new Set(ev.docLists.filter((l) => l.name.startsWith('filter')).flatMap((l) => l.ids.slice(0, args.depth)));
  const fusedDocs = fused.filter((f, i) => i < args.depth || listed.has(f.id));
  if (fusedDocs.length === 0) return [];
  const best = maxRrfScore(ev.docLists) || 1;
  const chunkOrder = rrf(ev.chunkLists);
  const chunksByDoc = new Map<DocumentId, string[]>();
  for (const f of chunkOrder) {
    const hit = ev.chunkHits.get(f.id);
    if (!hit) continue;
    const list = chunksByDoc.get(hit.documentId) ?? [];
    if (list.length < MAX_CITATIONS + 1) list.push(f.id);
    chunksByDoc.set(hit.documentId, list);
  }
  const docs = new Map((await backend.documents(fusedDocs.map((f) => f.id), viewer)).map((d) => [d.id, d]));
  const pages = new PageCache(backend, viewer);
  const wordTerms = facts.words.map((w) => termFor(w)).filter((t) => t.forms.length > 0);
  const maskedPages = new Map<string, string | null>();
  /** A page's text with identifiers masked (same length), read once. */
  const maskedPage = async (doc: DocumentId, page: number): Promise<string | null> => {
    const key = `${doc}:${page}`;
    if (!maskedPages.has(key)) {
      const p = await pages.get(doc, page);
      maskedPages.set(key, p ? maskIdentifiers(p.text) : null);
    }
    return maskedPages.get(key)!;
  };
  /** A span's text as the searcher may match it: masked on its whole page (a span may cut an identifier in half). */
  const matchable = async (doc: DocumentId, span: { page: number; start: number; end: number; text: string }): Promise<string> => {
    if (!args.hideIdentifiers) return span.text;
    const p = await pages.get(doc, span.page);
    const m = await maskedPage(doc, span.page);
    return p && m !== null && p.text.slice(span.start, span.end) === span.text ? m.slice(span.start, span.end) : maskIdentifiers(span.text);
  };

  const drafts: Draft[] = [];
  for (const f of fusedDocs) {
    const doc = docs.get(f.id);
    if (!doc) continue;
    const chunkIds = chunksByDoc.get(f.id) ?? [];
    const chunks = chunkIds.length > 0 ? await backend.chunks(chunkIds, viewer) : await backend.documentChunks(f.id, 1, viewer);
    const candidates: CitationCandidate[] = [];
    const add = async (page: number, range: { start: number; end: number }, anchor?: { start: number; end: number }) => {
      if (candidates.length >= MAX_CITATIONS) return;
      const p = await pages.get(f.id, page);
      if (!p) return;
      const text = args.hideIdentifiers ? ((await maskedPage(f.id, page)) ?? p.text) : p.text;
      const passage = selectPassage(text, range, ev.terms, anchor ? { anchor } : {});
      if (!passage) return;
      if (candidates.some((c) => c.page === page && c.start < passage.end && passage.start < c.end)) return;
      candidates.push({ documentId: f.id, page, start: passage.start, end: passage.end, quote: p.text.slice(passage.start, passage.end) });
    };
    for (const m of ev.metaHits.get(f.id) ?? []) {
      if (m.page !== null && m.start !== null && m.end !== null) {
        const p = await pages.get(f.id, m.page);
        if (p) await add(m.page, { start: 0, end: p.text.length }, { start: m.start, end: m.end });
      }
    }
    for (const c of chunks) await add(c.page, c);

    const evidence = [...chunks, ...candidates.map((c) => ({ ...c, text: c.quote }))];
    const evidenceText = (await Promise.all(evidence.map((span) => matchable(f.id, span)))).join('\n');
    const ids = identifierCues(f.id, facts, args.identifierKeys, ev);
    const conditions = conditionsOf(doc, facts, await readForConditions(doc, candidates, facts, ids, pages), ids);
    const input: ScoreInput = {
      identifiers: identifierCoverage(f.id, args.identifierKeys, ev),
      conditions: tally(conditions),
      words: wordCoverage(evidenceText, wordTerms),
      fusion: f.score / best,
      ...(args.meaningWeight && ev.meaning.size > 0 ? { meaning: args.meaningWeight * (ev.meaning.get(f.id) ?? 0) } : {}),
    };
    const score = documentScore(input);
    drafts.push({
      documentId: f.id,
      document: doc,
      fused: f.score,
      score,
      confidence: confidenceOf(score, input),
      conditions,
      candidates,
      rerankText: candidates[0]?.quote ?? chunks[0]?.text ?? '',
      bestChunkId: chunkIds[0] ?? chunks[0]?.chunkId ?? null,
    });
  }
  return drafts;
}

/** First pages a document states its type, matter, object and place on. */
const PAGES_READ_FOR_CONDITIONS = 3;

/**
 * The pages a document's conditions are judged on: its first pages and the pages its passages come
 * from, read only when the question asks something the metadata cannot answer (an identifier the
 * search found without a span on a page is looked for in them).
 */
async function readForConditions(
  doc: DocumentRecord,
  candidates: CitationCandidate[],
  facts: QuestionFacts,
  ids: readonly IdentifierCue[],
  pages: PageCache,
): Promise<DocumentText> {
  const needed =
    facts.objects.length + facts.subjects.length + facts.towns.length + facts.names.length + facts.precincts.length > 0 ||
    ids.some((i) => i.found && (i.hit?.page ?? null) === null);
  if (!needed) return { pages: [], complete: false };
  const numbers = new Set<number>();
  for (let p = 1; p <= Math.min(doc.pageCount, PAGES_READ_FOR_CONDITIONS); p++) numbers.add(p);
  for (const c of candidates) numbers.add(c.page);
  const read: { page: number; text: string }[] = [];
  for (const n of [...numbers].sort((a, b) => a - b)) {
    const p = await pages.get(doc.id, n);
    if (p) read.push({ page: n, text: p.text });
  }
  return { pages: read, complete: doc.pageCount > 0 && read.length >= doc.pageCount };
}

/** The question's identifiers, each with whether the search found this document naming it and the span that located it. */
function identifierCues(doc: DocumentId, facts: QuestionFacts, keys: string[], ev: Evidence): IdentifierCue[] {
  // A span on a page first: the text shows the identifier; the folder or EZD record only when no page does.
  const hits = [...(ev.metaHits.get(doc) ?? [])].sort((a, b) => Number(a.page === null) - Number(b.page === null));
  return questionIdentifiers(facts).map((i, n) => {
    const found = keys[n] !== undefined && (ev.identifierDocs.get(keys[n]!)?.has(doc) ?? false);
    const hit = found ? hits.find((m) => m.kind === i.kind || (i.kind === 'caseNumber' && m.kind === 'references')) : undefined;
    return { kind: i.kind, value: i.precinct ? `${i.value} (obręb ${i.precinct})` : i.value, written: i.value, found, ...(hit ? { hit } : {}) };
  });
}

function identifierCoverage(doc: DocumentId, keys: string[], ev: Evidence): Coverage {
  return { matched: keys.filter((k) => ev.identifierDocs.get(k)?.has(doc)).length, total: keys.length };
}

function wordCoverage(text: string, terms: QueryTerm[]): Coverage {
  if (terms.length === 0) return { matched: 0, total: 0 };
  const found = new Set(findTerms(text, terms).map((h) => h.term));
  return { matched: found.size, total: terms.length };
}

export function identifierKeysOf(facts: QuestionFacts, normalise: (kind: string, value: string) => string): string[] {
  return questionIdentifiers(facts).map((i) => identifierKey(i.kind, normalise(i.kind, i.value)));
}

/** Pages read once per question, as its viewer. */
export class PageCache {
  private readonly map = new Map<string, Promise<PageRecord | null>>();
  constructor(
    private readonly backend: SearchBackend,
    private readonly viewer: Viewer,
  ) {}
  get(doc: DocumentId, page: number): Promise<PageRecord | null> {
    const key = `${doc}:${page}`;
    let p = this.map.get(key);
    if (!p) {
      p = this.backend.page(doc, page, this.viewer);
      this.map.set(key, p);
    }
    return p;
  }
}
