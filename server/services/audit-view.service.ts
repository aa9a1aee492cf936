/**
 * The audit trail as one supervisor or admin may see it. The trail itself keeps everything as it
 * happened (its hashes cover it); what it shows follows the viewer's rights at the time of reading,
 * on every audit view alike — past searches, one stored search, the event log:
 * - identifiers (PESEL, identity-card numbers) are masked for roles that may not see them
 *   (`KWERENDA_PESEL_VISIBLE_ROLES`, the same policy as everywhere else): questions, stored
 *   responses, event targets and details;
 * - a document the viewer may not read now (a restriction that does not admit them, asked of the
 *   search backend as that viewer) is never named: a stored result becomes `{rank, restricted:
 *   true}`, and an event about it loses the document's id (and the file's hash);
 * - a restriction's rule (the case signature, folder or document it names, who may read it, the
 *   reason) is shown to those who manage restrictions and to those the rule admits, and otherwise
 *   reduced to its id and scope.
 */
import type { Viewer } from '../domain/types.js';
import type { SearchBackend } from '../search/backend.js';
import { DEFAULT_PESEL_POLICY, type PeselPolicy } from '../security/masking.js';
import { can } from '../security/permissions.js';
import type { AuditEntry } from '../store/audit-log.js';
import type { Principal } from '../store/restrictions.js';
import type { SearchListItem, StoredSearch } from '../store/searches.js';

interface StoredCitation {
  page: number;
  start: number;
  end: number;
  quote: string;
}

interface StoredResponse {
  results?: { rank: number; document: { id: string; caseNumber?: string | null }; citations?: StoredCitation[] }[];
  plan?: { type: string; label: string }[];
}

const ID_BATCH = 500;

/** Actions whose target is a document id. */
const DOCUMENT_TARGET = /^(document|page|file)\./;

const idOf = (v: unknown): string | null => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
const idsOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(idOf).filter((x): x is string => x !== null) : []);

/** Every document an entry names: its target (document/page/file actions) and ids in its details. */
function documentIdsOf(e: AuditEntry): string[] {
  const ids = [...idsOf(e.details.documentIds), ...idsOf(e.details.resultIds)];
  const one = idOf(e.details.documentId);
  if (one !== null) ids.push(one);
  if (e.target !== null && DOCUMENT_TARGET.test(e.action)) ids.push(e.target);
  return ids;
}

export class AuditViewService {
  constructor(
    private readonly backend: SearchBackend,
    private readonly pesel: PeselPolicy = DEFAULT_PESEL_POLICY,
  ) {}

  /** Ranks of stored results whose document `viewer` may not read (asked of the backend, as the viewer). */
  async hiddenRanks(response: unknown, viewer: Viewer): Promise<Set<number>> {
    const results = (response as StoredResponse).results ?? [];
    if (results.length === 0) return new Set();
    const visible = await this.visible(results.map((r) => r.document.id), viewer);
    return new Set(results.filter((r) => !visible.has(r.document.id)).map((r) => r.rank));
  }

  /** A line of the list of past searches: the question masked for the viewer's role. */
  listItem(item: SearchListItem, viewer: Viewer): SearchListItem {
    return { ...item, question: this.pesel.text(item.question, viewer.role) };
  }

  /** A stored search's question and response as `viewer` may see them now. */
  async storedSearch(s: StoredSearch, hidden: Set<number>, viewer: Viewer): Promise<{ question: string; response: unknown }> {
    return { question: this.pesel.text(s.question, viewer.role), response: redacted(await this.masked(s.response, viewer), hidden) };
  }

  /** Events as `viewer` may see them (same order). */
  async events(entries: AuditEntry[], viewer: Viewer): Promise<AuditEntry[]> {
    const visible = await this.visible(entries.flatMap(documentIdsOf), viewer);
    return entries.map((e) => {
      const shown = this.restrictionShown(e, viewer) ? { target: e.target, details: e.details } : { target: e.target, details: { id: e.details.id, scope: e.details.scope, restricted: true } };
      const limited = hideDocuments(e.action, shown, visible);
      return { ...e, ...this.pesel.view(limited, viewer.role) };
    });
  }

  /** Of `ids`, those `viewer` may read, asked in batches (a backend answers for a bounded number of ids at once). */
  private async visible(ids: string[], viewer: Viewer): Promise<Set<string>> {
    const unique = [...new Set(ids)];
    const out = new Set<string>();
    for (let i = 0; i < unique.length; i += ID_BATCH) {
      for (const d of await this.backend.documents(unique.slice(i, i + ID_BATCH), viewer)) out.add(d.id);
    }
    return out;
  }

  /** A restriction event's rule in full: to those who manage rules, and to those the rule admits. */
  private restrictionShown(e: AuditEntry, viewer: Viewer): boolean {
    if (!e.action.startsWith('restriction.') || can(viewer.role, 'restrictions.manage')) return true;
    const principals = Array.isArray(e.details.principals) ? (e.details.principals as Principal[]) : [];
    return principals.some((p) => (p.kind === 'user' && p.value === viewer.name) || (p.kind === 'role' && p.value === viewer.role));
  }

  /**
   * The response with identifiers masked for the viewer's role. Quotes are cut from the masked page
   * (as when it was first shown), so a quote ending inside a PESEL shows none of its digits.
   */
  private async masked(response: unknown, viewer: Viewer): Promise<unknown> {
    if (this.pesel.maySee(viewer.role)) return response;
    const r = response as StoredResponse;
    const shaped = Array.isArray(r?.results) && r.results.every((x) => typeof x?.document?.id === 'string' && Array.isArray(x.citations));
    if (!shaped) return this.pesel.view(response, viewer.role);
    const pageText = async (id: string, page: number) => (await this.backend.page(id, page, viewer))?.text ?? null;
    return this.pesel.response(r as { results: { document: { id: string }; citations: StoredCitation[] }[] }, viewer.role, pageText);
  }
}

/** The stored response with hidden results reduced to their rank. */
function redacted(response: unknown, hidden: Set<number>): unknown {
  if (hidden.size === 0) return response;
  const r = response as StoredResponse;
  const cases = (r.results ?? []).filter((x) => hidden.has(x.rank)).map((x) => x.document.caseNumber).filter((c): c is string => !!c);
  return {
    ...r,
    // followCase labels name the cases of the documents found: not the question's words, the archive's.
    ...(r.plan ? { plan: r.plan.map((p) => (p.type === 'followCase' && cases.some((c) => p.label.includes(c)) ? { ...p, label: 'pozostałe pisma sprawy' } : p)) } : {}),
    results: (r.results ?? []).map((x) => (hidden.has(x.rank) ? { rank: x.rank, restricted: true } : x)),
  };
}

/** An event's target and details with the documents the viewer may not read left unnamed. */
function hideDocuments(
  action: string,
  e: { target: string | null; details: Record<string, unknown> },
  visible: Set<string>,
): { target: string | null; details: Record<string, unknown> } {
  const hiddenId = (v: unknown) => idOf(v) !== null && !visible.has(idOf(v)!);
  if (e.target !== null && DOCUMENT_TARGET.test(action) && hiddenId(e.target)) return { target: null, details: { restricted: true } };
  const d = { ...e.details };
  let hid = false;
  if (hiddenId(d.documentId)) {
    d.documentId = null;
    if ('sha256' in d) d.sha256 = null;
    hid = true;
  }
  for (const k of ['documentIds', 'resultIds']) {
    if (Array.isArray(d[k]) && (d[k] as unknown[]).some(hiddenId)) {
      d[k] = (d[k] as unknown[]).map((v) => (hiddenId(v) ? null : v));
      hid = true;
    }
  }
  return { target: e.target, details: hid ? { ...d, restricted: true } : d };
}
