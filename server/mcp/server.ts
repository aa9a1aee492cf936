/**
 * kwerenda as a Model Context Protocol server, for the city's own chatbots and agents: the agent
 * search, documents, pages (with a citation span marked) and one resource per page — for one actor,
 * with exactly the checks, masking and audit records of the HTTP routes. Nothing here writes prose:
 * every tool returns archive data, and the descriptions tell the calling model to quote it as given.
 *
 * The server is built per actor (per HTTP request in stateless mode, once per `kwerenda mcp`
 * process), so the actor can never change under a running tool; a long-lived server checks before
 * every call that its user is still enabled and holds the same role (`stillActs`).
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { zSearchFilters } from '../domain/types.js';
import { DomainError } from '../errors.js';
import { refuseIdentifierSearch } from '../http/routes/agent.js';
import type { Logger } from '../log.js';
import { DenialLog } from '../security/denials.js';
import { DEFAULT_PESEL_POLICY, type PeselPolicy } from '../security/masking.js';
import { can, forbiddenMessage, type Permission } from '../security/permissions.js';
import { MAX_QUESTION_CHARS, type AgentService } from '../services/agent.service.js';
import type { DocumentService, PageView } from '../services/document.service.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Actor } from '../store/users.js';

/** What the MCP tools need: the same services the HTTP routes call. */
export interface McpDeps {
  agent: AgentService;
  documents: DocumentService;
  /** The audit trail: document and page reads are appended here (searches are recorded by the agent). */
  audit: AuditLog;
  /** Who sees PESEL / identity-card numbers unmasked; default: supervisors only. */
  pesel?: PeselPolicy;
  logger: Logger;
  /**
   * Throws a DomainError when the actor may no longer act as identified (disabled, removed, role
   * changed); called before every tool call and resource read. A server that lives longer than
   * one request (`kwerenda mcp`) needs it.
   */
  stillActs?: (actor: Actor) => void;
}

/** Marks around a citation span in `get_page` text. */
export const SPAN_OPEN = '«';
export const SPAN_CLOSE = '»';

/** The resource template of one document page. */
export const PAGE_URI_TEMPLATE = 'kwerenda://documents/{id}/pages/{n}';
export const pageUri = (id: string, n: number) => `kwerenda://documents/${id}/pages/${n}`;

/** The rules every tool description carries: the calling model must not turn results into conclusions. */
export const QUOTING_RULE =
  'Results are real documents from the archive, not generated text. Every citation was verified on the server: ' +
  'its quote is exactly the stored text of that page between start and end. Quote citations exactly as given, ' +
  'always with the document (id, title or case number) and page number; do not paraphrase, complete or correct them. ' +
  'Never present a conclusion, decision or fact that the documents do not state; if nothing was found, say so.';

const zDocId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'document id: letters, digits, _ or -');

const SEARCH_DESCRIPTION =
  'Search the city building-permit archive (questions in Polish, e.g. "decyzja w sprawie WUA-ZRB.6740.1.123.2019" or ' +
  '"co wydano dla działki 45/7 obręb Oporów"). Returns ranked documents with citations, the search plan that was run ' +
  "(show it as what was searched) and notFound: identifiers from the question that no document mentions. " +
  'conditions lists what the question asks of a document (type, object, matter, place, period, organ, outcome, identifiers); each ' +
  'result says of each condition whether the document meets it (met: yes, with the citation that shows it), shows another value ' +
  '(no) or says nothing of it (unknown). When partial is present, no document meets every condition: say so first, name ' +
  'partial.unmet, and present the results only as the closest documents, never as an answer. ' +
  QUOTING_RULE;

const DOCUMENT_DESCRIPTION =
  'One archive document by id, or (with sha256 instead of id) the documents made from one original file: title, case number, ' +
  'document type, date, source file and metadata. Each metadata value has its kind (caseNumber: its own signature; references: ' +
  'signatures it cites; docType; date, with extra.role "document" for its own date or "mentioned" for a date it only mentions; ' +
  'issuer: the court or organ that issued it; outcome: the result of a ruling or decision; parcel; address; investor), the span ' +
  'it was read from (page, start, end; raw is the exact text there, readable with get_page) and its origin: text (read from ' +
  'the page), folder or cli (given at ingest), dms (from the document management system), llm (proposed by a model and kept ' +
  'only because its raw text was found exactly at that span). ' + QUOTING_RULE;

const zSha256 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'sha256: 64 hex digits');

const PAGE_DESCRIPTION =
  `The stored text of one page of a document. With start and end (a citation's offsets) the span is marked ` +
  `${SPAN_OPEN}like this${SPAN_CLOSE} and returned alone as span.quote, so a citation can be read in its context. ` +
  QUOTING_RULE;

function toolError(err: unknown, logger: Logger, tool: string): CallToolResult {
  if (err instanceof DomainError && err.status < 500) {
    return { isError: true, content: [{ type: 'text', text: `${err.code}: ${err.message}` }], structuredContent: { error: { code: err.code, message: err.message } } };
  }
  logger.error('mcp_tool_failed', { tool, error: err instanceof Error ? err.name : 'unknown' });
  return { isError: true, content: [{ type: 'text', text: 'internal_error: błąd serwera; spróbuj ponownie później' }] };
}

/** `text` with `«…»` around [start, end). */
export function markSpan(text: string, start: number, end: number): string {
  return text.slice(0, start) + SPAN_OPEN + text.slice(start, end) + SPAN_CLOSE + text.slice(end);
}

/** Builds the MCP server of one actor. Every call is checked against the permission table for that actor. */
export function createMcpServer(deps: McpDeps, actor: Actor): McpServer {
  const pesel = deps.pesel ?? DEFAULT_PESEL_POLICY;
  const server = new McpServer({ name: 'kwerenda', version: '0.1.0' }, { capabilities: { logging: {} } });
  const denials = DenialLog.of(deps.audit);
  /** The actor still acts as identified and holds `permission`; a refusal is recorded as a failed authorization. */
  const need = (permission: Permission, tool: string) => {
    const refuse = (err: DomainError): never => {
      denials.record({ actor, ip: actor.ip ?? null, method: 'tools/call', route: `mcp:${tool}`, status: err.status, reason: err.code });
      throw err;
    };
    try {
      deps.stillActs?.(actor);
    } catch (err) {
      if (err instanceof DomainError) refuse(err);
      throw err;
    }
    if (!can(actor.role, permission)) refuse(new DomainError('forbidden', forbiddenMessage(permission), 403));
  };
  /** A page as the HTTP route serves it: read as the actor, recorded, masked for the actor's role. */
  const readPage = async (id: string, n: number, tool: string): Promise<PageView> => {
    need('documents.read', tool);
    const page = await deps.documents.page(id, n, actor);
    deps.audit.append({ actor, action: 'page.view', target: id, details: { page: n } });
    return pesel.view(page, actor.role);
  };

  server.registerTool(
    'search_archive',
    {
      title: 'Search the building-permit archive',
      description: SEARCH_DESCRIPTION,
      inputSchema: {
        question: z.string().min(1).max(MAX_QUESTION_CHARS).describe('The question in Polish, as the clerk asked it.'),
        filters: zSearchFilters.optional().describe('Optional filters: caseNumber, docType, dateFrom, dateTo (YYYY-MM-DD), precinct, parcel.'),
        limit: z.number().int().min(1).max(50).optional().describe('How many documents (1–50, default 10).'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      try {
        need('search', 'search_archive');
        const body = { question: args.question, ...(args.filters ? { filters: args.filters } : {}), ...(args.limit ? { limit: args.limit } : {}) };
        refuseIdentifierSearch(pesel, actor.role, body);
        const response = await deps.agent.search(body, actor, 'agent');
        return { content: [{ type: 'text', text: JSON.stringify(response) }], structuredContent: { ...response } };
      } catch (err) {
        return toolError(err, deps.logger, 'search_archive');
      }
    },
  );

  server.registerTool(
    'get_document',
    {
      title: 'Get one archive document',
      description: DOCUMENT_DESCRIPTION,
      inputSchema: {
        id: zDocId.optional().describe('Document id, as in search results (document.id). Give id or sha256, not both.'),
        sha256: zSha256.optional().describe('SHA-256 of an original file (64 hex digits): returns { sha256, documents } made from that file.'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ id, sha256 }) => {
      try {
        if ((id === undefined) === (sha256 === undefined)) throw new DomainError('invalid_request', 'podaj id dokumentu albo sha256 pliku (jedno z nich)');
        need('documents.read', 'get_document');
        if (sha256 !== undefined) {
          // As GET /api/documents?sha256=: only what the actor may read, each read audited, masked for the role.
          const hash = sha256.toLowerCase();
          const found = await deps.documents.bySha256(hash, actor);
          for (const d of found) deps.audit.append({ actor, action: 'document.view', target: d.id, details: { via: 'sha256' } });
          const shown = { sha256: hash, documents: found.map((d) => pesel.view(d, actor.role)) };
          return { content: [{ type: 'text', text: JSON.stringify(shown) }], structuredContent: shown };
        }
        const doc = await deps.documents.document(id!, actor);
        deps.audit.append({ actor, action: 'document.view', target: doc.id, details: {} });
        const shown = pesel.view(doc, actor.role);
        return { content: [{ type: 'text', text: JSON.stringify(shown) }], structuredContent: { ...shown } };
      } catch (err) {
        return toolError(err, deps.logger, 'get_document');
      }
    },
  );

  server.registerTool(
    'get_page',
    {
      title: 'Get the text of one page, with a citation span marked',
      description: PAGE_DESCRIPTION,
      inputSchema: {
        id: zDocId.describe('Document id.'),
        page: z.number().int().min(1).describe('Page number, from 1.'),
        start: z.number().int().min(0).optional().describe("A citation's start offset (with end)."),
        end: z.number().int().min(0).optional().describe("A citation's end offset (with start)."),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ id, page, start, end }) => {
      try {
        if ((start === undefined) !== (end === undefined)) throw new DomainError('invalid_span', 'podaj oba pola: start i end');
        const p = await readPage(id, page, 'get_page');
        let span: { start: number; end: number; quote: string } | undefined;
        if (start !== undefined && end !== undefined) {
          if (start >= end || end > p.text.length) throw new DomainError('invalid_span', `zakres ${start}–${end} wykracza poza tekst strony (${p.text.length} znaków)`);
          span = { start, end, quote: p.text.slice(start, end) };
        }
        const result = {
          documentId: p.documentId,
          page: p.page,
          pageCount: p.pageCount,
          uri: pageUri(p.documentId, p.page),
          text: p.text,
          ...(span ? { span, marked: markSpan(p.text, span.start, span.end) } : {}),
        };
        return { content: [{ type: 'text', text: span ? result.marked! : p.text }], structuredContent: result };
      } catch (err) {
        return toolError(err, deps.logger, 'get_page');
      }
    },
  );

  server.registerResource(
    'document-page',
    new ResourceTemplate(PAGE_URI_TEMPLATE, { list: undefined }),
    { title: 'Archive document page', description: 'The stored text of one page of an archive document. ' + QUOTING_RULE, mimeType: 'text/plain' },
    async (uri, vars) => {
      const id = String(vars.id ?? '');
      const n = Number(vars.n);
      try {
        if (!zDocId.safeParse(id).success || !/^\d{1,6}$/.test(String(vars.n ?? ''))) {
          throw new DomainError('document_not_found', 'nie ma takiego dokumentu w archiwum', 404);
        }
        const p = await readPage(id, n, 'document-page');
        return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: p.text }] };
      } catch (err) {
        if (err instanceof DomainError && err.status < 500) throw new McpError(ErrorCode.InvalidParams, `${err.code}: ${err.message}`);
        deps.logger.error('mcp_resource_failed', { error: err instanceof Error ? err.name : 'unknown' });
        throw new McpError(ErrorCode.InternalError, 'internal_error: błąd serwera');
      }
    },
  );
  return server;
}
