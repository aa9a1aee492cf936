/**
 * `kwerenda search "PYTANIE" [--json]`: the agent search from a terminal, recorded like any other
 * search (as the local operator). Prints documents and verified citations, never prose.
 */
import type { Config } from '../config.js';
import { createLogger } from '../log.js';
import { createSearchRuntime } from '../main.js';
import type { AgentResponse } from '../services/agent.service.js';
import { cliOperator } from '../store/users.js';

export async function searchCommand(config: Readonly<Config>, question: string, opts: { json?: boolean; limit?: number }): Promise<number> {
  // The terminal shows the answer; only warnings go to stderr.
  const runtime = await createSearchRuntime(config, { logger: createLogger('warn'), vectorSearch: 'vec0' });
  try {
    const res = await runtime.agent.search({ question, ...(opts.limit ? { limit: opts.limit } : {}) }, cliOperator());
    process.stdout.write(opts.json ? JSON.stringify(res, null, 2) + '\n' : formatResponse(res));
    return 0;
  } finally {
    await runtime.close();
  }
}

/** Condition kinds as a clerk reads them (the web UI says the same). */
const KIND: Record<string, string> = {
  caseNumber: 'sygnatura', parcel: 'działka', address: 'adres', investor: 'strona', docType: 'rodzaj dokumentu', object: 'obiekt',
  subject: 'sprawa', precinct: 'obręb', town: 'miejscowość', name: 'nazwa', period: 'okres', issuer: 'organ', outcome: 'rozstrzygnięcie',
};
const MET: Record<string, string> = { yes: '✓ spełnia', no: '✗ nie spełnia', unknown: '? dokument o tym nie mówi' };
const RECORDED: Record<string, string> = { dms: 'z systemu EZD', cli: 'podane przy przyjęciu', folder: 'z nazwy folderu' };

export function formatResponse(res: AgentResponse): string {
  const out: string[] = [];
  out.push(`Szukano (${res.mode === 'llm' ? 'model' : res.mode === 'rules' ? 'reguły' : res.mode}):`);
  for (const s of res.plan) out.push(`  • ${s.label} — ${s.hits} dok.`);
  if (res.conditions?.length) out.push(`Warunki pytania: ${res.conditions.map((c) => `${KIND[c.kind] ?? c.kind}: ${c.value}`).join(' · ')}`);
  if (res.degraded) out.push(`Uwaga: ${res.degraded.reason}; odpowiedział planista regułowy.`);
  for (const n of res.notFound ?? []) out.push(`Żaden dokument w archiwum nie wymienia: ${n.value}`);
  if (res.partial) out.push(`Żaden dokument nie spełnia wszystkich warunków: ${res.partial.unmet.map((c) => c.value).join(' + ')}. Najbliższe wyniki:`);
  if (res.results.length === 0) out.push('Brak wyników.');
  for (const r of res.results) {
    const d = r.document;
    const head = [d.title ?? d.source.filename, d.docType, d.date, d.caseNumber].filter(Boolean).join(' · ');
    out.push('');
    out.push(`${r.rank}. ${head}  [${r.confidence}, ${r.score.toFixed(2)}]`);
    out.push(`   plik: ${d.source.filename} (dokument ${d.id}, stron: ${d.pageCount})`);
    for (const c of r.conditions ?? []) {
      const shown = c.citation
        ? ` (${c.citation.value.replace(/\s+/g, ' ')}, s. ${c.citation.page})`
        : c.recorded
          ? ` (${RECORDED[c.recorded.origin] ?? c.recorded.origin}: ${c.recorded.value})`
          : '';
      out.push(`   ${MET[c.met] ?? c.met}: ${KIND[c.kind] ?? c.kind} ${c.value}${shown}`);
    }
    for (const c of r.citations) out.push(`   s. ${c.page}: „${c.quote.replace(/\s+/g, ' ')}”`);
  }
  out.push(`\nid wyszukiwania: ${res.id}`);
  return out.join('\n') + '\n';
}
