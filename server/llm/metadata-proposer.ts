/**
 * The model's proposals for the metadata the rules left unknown (type, the document's own date and
 * signature, issuer, outcome). It is shown the start of the first page that holds text and the kinds
 * to fill, answers under a JSON schema, and every proposal goes through `groundProposals`: only a
 * value whose quote is in the page text and carries it is kept. One call, no repair: ingest must not
 * wait twice. A timeout, an unreachable server or an invalid reply never fails the document: it is
 * ingested with the rules' metadata and the outcome says why nothing was added. Nothing about the
 * document is logged here; the outcome carries counts and a reason code only.
 */
import { z } from 'zod';
import {
  DOC_TYPE_VALUES,
  groundProposals,
  missingKinds,
  PROPOSABLE_KINDS,
  type Proposal,
  type ProposableKind,
  type RejectReason,
} from '../../ingest/metadata/grounded-proposal.js';
import type { MetaValue } from '../../ingest/types.js';
import { createLlmClient, deadline, toPlannerError, type LlmClient, type LlmSettings } from './client.js';
import { stripFence } from './llm-planner.js';
import { metadataMessages } from './prompts.js';

export interface MetadataProposerOptions {
  /** Time for the one call. */
  timeoutMs: number;
  /** Characters from the start of the page sent to the model. Default 3000. */
  maxChars?: number;
  maxTokens?: number;
}

export const DEFAULT_METADATA_CHARS = 3000;

export interface ProposalOutcome {
  /** Grounded values (origin 'llm', `extra.model` naming the model), at most one per kind; empty on any failure. */
  values: MetaValue[];
  /** Proposals dropped by grounding, by reason. */
  rejected: Record<RejectReason, number>;
  /** Why the model gave nothing usable: no call needed, a timeout, an unreachable server, a bad reply. */
  failure: null | 'timeout' | 'unavailable' | 'invalid_output' | 'error';
  /** Whether the model was asked. */
  asked: boolean;
}

const zReply = z
  .object({
    proposals: z
      .array(
        z.object({
          kind: z.enum(PROPOSABLE_KINDS),
          value: z.string().max(500),
          quote: z.string().max(2000),
        }),
      )
      .max(20),
  })
  .strict();

/** The reply schema: proposals for the asked kinds only. */
export function metadataJsonSchema(kinds: readonly ProposableKind[]): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      proposals: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: [...kinds] },
            value: { type: 'string' },
            quote: { type: 'string' },
          },
          required: ['kind', 'value', 'quote'],
          additionalProperties: false,
        },
      },
    },
    required: ['proposals'],
    additionalProperties: false,
  };
}

const NO_REJECTIONS = (): Record<RejectReason, number> => ({ known: 0, repeated: 0, page: 0, quote: 0, unsupported: 0, cited: 0 });

export class LlmMetadataProposer {
  constructor(
    private readonly client: LlmClient,
    private readonly opts: MetadataProposerOptions,
  ) {}

  static fromConfig(settings: LlmSettings): LlmMetadataProposer {
    return new LlmMetadataProposer(createLlmClient(settings), { timeoutMs: settings.timeoutMs });
  }

  /**
   * Grounded values for the kinds `values` (the rules', the command line's, the DMS's) leave unknown.
   * Never throws.
   */
  async propose(pages: readonly { page: number; text: string }[], values: readonly MetaValue[], signal?: AbortSignal): Promise<ProposalOutcome> {
    const kinds = missingKinds(values);
    const first = pages.find((p) => typeof p.text === 'string' && p.text.trim() !== '');
    if (kinds.length === 0 || !first) return { values: [], rejected: NO_REJECTIONS(), failure: null, asked: false };
    const shownChars = Math.min(first.text.length, this.opts.maxChars ?? DEFAULT_METADATA_CHARS);
    const dl = deadline(this.opts.timeoutMs, signal);
    let raw: string;
    try {
      raw = await this.client.structuredCompletion({
        messages: metadataMessages(first.text.slice(0, shownChars), kinds, [...new Set(DOC_TYPE_VALUES.map((t) => t.value))]),
        schemaName: 'document_metadata',
        jsonSchema: metadataJsonSchema(kinds),
        signal: dl.signal,
        maxTokens: this.opts.maxTokens ?? 600,
      });
    } catch (err) {
      const code = toPlannerError(err, this.opts.timeoutMs, dl.timedOut()).failure;
      const failure = code === 'timeout' || code === 'unavailable' ? code : 'error';
      return { values: [], rejected: NO_REJECTIONS(), failure, asked: true };
    } finally {
      dl.dispose();
    }
    const proposals = parseMetadataReply(raw, first.page);
    if (!proposals) return { values: [], rejected: NO_REJECTIONS(), failure: 'invalid_output', asked: true };
    const grounded = groundProposals([{ page: first.page, text: first.text, shownChars }], values, proposals);
    // Which model proposed it stays with the value, beside its span.
    const model = this.client.model;
    return { ...grounded, values: grounded.values.map((v) => ({ ...v, extra: { ...v.extra, model } })), failure: null, asked: true };
  }
}

/** The proposals of a reply (all on the page shown), or null when it is not valid JSON of the schema. */
export function parseMetadataReply(raw: string, page: number): Proposal[] | null {
  let data: unknown;
  try {
    data = JSON.parse(stripFence(raw));
  } catch {
    return null;
  }
  const parsed = zReply.safeParse(data);
  if (!parsed.success) return null;
  return parsed.data.proposals.map((p) => ({ kind: p.kind, value: p.value, quote: p.quote, page }));
}
