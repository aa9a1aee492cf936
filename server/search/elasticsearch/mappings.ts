/**
 * Index templates of the Elasticsearch backend. Four kinds of records, each in its own index behind
 * an alias (`kwerenda-chunks` → `kwerenda-chunks-000001`), so `kwerenda reindex` can build
 * `-000002` and switch the alias without downtime:
 *
 * - documents: one per ingested file (what `document()` returns);
 * - pages: one per page — the stored text the citations are verified against, analysed like the
 *   chunks so highlight offsets are offsets into the page text;
 * - chunks: page-aware passages (BM25 and kNN over these), with an int8-quantised HNSW vector;
 * - metadata: one per extracted identifier (signature, parcel, address …) with its span.
 *
 * Every record carries the fields a query must filter on — `status`, the restriction rules and the
 * document's filter fields (case, type, date, parcels) — because Elasticsearch has no joins: the
 * ready/viewer/filter conditions are then plain filters inside each single-index query.
 *
 * Text analysis mirrors the SQLite archive: the word field splits on anything that is not a letter
 * or digit (like FTS5 unicode61) and folds case and diacritics, ł included; a trigram subfield does
 * substring search. Stemming (analysis-stempel's `polish_stem` when the cluster has the plugin)
 * lives in a separate subfield: the application already expands Polish forms (server/search/
 * polish.ts), and a stemmed main field would make a plain form match other words than on SQLite.
 */
import type { estypes } from '@elastic/elasticsearch';

export const RECORD_KINDS = ['documents', 'pages', 'chunks', 'metadata'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** Name of the first concrete index behind an alias. */
export const FIRST_GENERATION = '000001';

/** `kwerenda-chunks` and friends: what every query and write addresses. */
export function aliasName(prefix: string, kind: RecordKind): string {
  return `${prefix}-${kind}`;
}

export interface MappingOptions {
  /** Dimensions of the embedding model's vectors (HashingEmbedder: 384). */
  dimensions: number;
  /** True when every node has the analysis-stempel plugin (see detectStempel). */
  stempel: boolean;
  /** Shards and replicas of each index; a single-node cluster wants 1 and 0. */
  shards?: number;
  replicas?: number;
}

/**
 * Analysis shared by all indices. `kw_stem` is the Polish analyzer: stempel's `polish_stem`
 * when installed; otherwise the documented fallback (standard tokenizer, lowercase, asciifolding,
 * ł→l char filter) — folding only, no stemming, which is what the application's query forms expect.
 */
export function analysisSettings(stempel: boolean): estypes.IndicesIndexSettingsAnalysis {
  return {
    char_filter: {
      kw_l_stroke: { type: 'mapping', mappings: ['ł => l', 'Ł => L'] },
      kw_spaces: { type: 'pattern_replace', pattern: '\\s+', replacement: ' ' },
    },
    tokenizer: {
      // FTS5 unicode61 splits on every non-alphanumeric character ("45/7" → 45, 7): same here, so a
      // phrase of an identifier matches exactly where it does on SQLite.
      kw_words: { type: 'pattern', pattern: '[^\\p{L}\\p{N}]+' },
      // Every 3 characters, punctuation included: a phrase of trigrams is a substring match.
      kw_trigram: { type: 'ngram', min_gram: 3, max_gram: 3, token_chars: [] },
    },
    normalizer: {
      // The folded comparison of identifiers (server/search/sqlite/filters.ts foldKey).
      kw_fold: { type: 'custom', char_filter: ['kw_l_stroke', 'kw_spaces'], filter: ['lowercase', 'asciifolding', 'trim'] },
    },
    analyzer: {
      kw_folded: { type: 'custom', char_filter: ['kw_l_stroke'], tokenizer: 'kw_words', filter: ['lowercase', 'asciifolding'] },
      kw_trigram: { type: 'custom', char_filter: ['kw_l_stroke'], tokenizer: 'kw_trigram', filter: ['lowercase', 'asciifolding'] },
      kw_stem: stempel
        ? { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'polish_stem', 'asciifolding'] }
        : { type: 'custom', char_filter: ['kw_l_stroke'], tokenizer: 'standard', filter: ['lowercase', 'asciifolding'] },
    },
  };
}

const keyword: estypes.MappingProperty = { type: 'keyword' };
const folded: estypes.MappingProperty = { type: 'keyword', fields: { folded: { type: 'keyword', normalizer: 'kw_fold' } } };
const int: estypes.MappingProperty = { type: 'integer' };
const stored: estypes.MappingProperty = { type: 'object', enabled: false };

/** Fields on every record: readiness, who may read it, and the document's filter fields. */
const COMMON: Record<string, estypes.MappingProperty> = {
  doc_id: keyword,
  status: keyword,
  // Restriction rules: visible iff every rule names the viewer's user or role (nested, so a
  // viewer matching two principals of one rule is not counted twice). `restriction_count` = 0
  // lets the common case skip the nested check.
  restriction_count: int,
  restrictions: { type: 'nested', properties: { principals: keyword } },
  case_number: folded,
  doc_type: folded,
  doc_date: { type: 'date', format: 'strict_date' },
  // Nested: "45/7 obręb Oporów" must hold for one parcel, not 45/7 somewhere and Oporów elsewhere.
  parcels: { type: 'nested', properties: { number: keyword, precinct: folded } },
};

const pageText: estypes.MappingProperty = {
  type: 'text',
  analyzer: 'kw_folded',
  // Offsets in the postings: highlights come back as page-text offsets, cheaply.
  index_options: 'offsets',
  fields: {
    stem: { type: 'text', analyzer: 'kw_stem' },
    trigram: { type: 'text', analyzer: 'kw_trigram' },
  },
};

/** Properties of each record kind. */
export function properties(kind: RecordKind, dimensions: number): Record<string, estypes.MappingProperty> {
  switch (kind) {
    case 'documents':
      return {
        ...COMMON,
        sha256: keyword, filename: keyword, kind: keyword, title: { type: 'text', analyzer: 'kw_folded' },
        page_count: int, ocr_pages: int, mean_confidence: { type: 'float' },
        external_id: keyword, external_url: { type: 'keyword', index: false },
        metadata: stored, indexed_at: { type: 'date' },
      };
    case 'pages':
      return {
        ...COMMON,
        page: int, text: pageText, words: stored, source: keyword, confidence: { type: 'float' },
        width: { type: 'float' }, height: { type: 'float' }, corrections: stored,
      };
    case 'chunks':
      return {
        ...COMMON,
        chunk_key: keyword, seq: int, page: int, start: int, end: int, text: pageText,
        embedding: { type: 'dense_vector', dims: dimensions, index: true, similarity: 'cosine', index_options: { type: 'int8_hnsw' } },
      };
    case 'metadata':
      return {
        ...COMMON,
        seq: int, kind: keyword, value: folded, raw: { type: 'keyword', index: false }, page: int, start: int, end: int,
        origin: keyword, precinct: folded, extra: stored,
      };
  }
}

/** The index template for one record kind (`PUT _index_template/kwerenda-chunks`). */
export function indexTemplate(prefix: string, kind: RecordKind, opts: MappingOptions): estypes.IndicesPutIndexTemplateRequest {
  return {
    name: aliasName(prefix, kind),
    index_patterns: [`${aliasName(prefix, kind)}-*`],
    priority: 200,
    _meta: { app: 'kwerenda', stempel: opts.stempel, dimensions: opts.dimensions },
    template: {
      settings: {
        number_of_shards: opts.shards ?? 1,
        number_of_replicas: opts.replicas ?? 0,
        analysis: analysisSettings(opts.stempel),
      },
      mappings: { dynamic: 'strict', properties: properties(kind, opts.dimensions) },
    },
  };
}

/** `_nodes/plugins` reply → true when every node has analysis-stempel (an analyzer must exist on all). */
export function hasStempel(reply: estypes.NodesInfoResponse): boolean {
  const nodes = Object.values(reply.nodes ?? {});
  return nodes.length > 0 && nodes.every((n) => (n.plugins ?? []).some((p) => p.name === 'analysis-stempel'));
}
