/**
 * Supervisors' verdicts on the results a search showed. Append-only (the table's triggers refuse
 * UPDATE and DELETE): a newer verdict on the same result supersedes the older one, and the history
 * stays readable, so a change of mind is visible rather than quiet.
 */
import type { AuditLog } from './audit-log.js';
import { write, type Db } from './db.js';
import type { Actor } from './users.js';

export const VERDICTS = ['relevant', 'not_relevant', 'citation_wrong'] as const;
export type VerdictKind = (typeof VERDICTS)[number];

/** One recorded verdict, with who gave it and when. */
export interface Verdict {
  id: number;
  searchId: string;
  rank: number;
  documentId: string;
  verdict: VerdictKind;
  userId: number | null;
  userName: string | null;
  createdAt: string;
}

/** Verdicts given during one week (Monday–Sunday, UTC), counting only the current verdict per result. */
export interface VerdictWeek {
  /** Monday of the week, YYYY-MM-DD. */
  weekStart: string;
  relevant: number;
  notRelevant: number;
  citationWrong: number;
  total: number;
  /** relevant / total: the share of judged results that were right, as shown. */
  precision: number;
}

interface Row {
  id: number;
  search_id: string;
  rank: number;
  document_id: string;
  verdict: VerdictKind;
  user_id: number | null;
  user_name: string | null;
  created_at: string;
}

const toVerdict = (r: Row): Verdict => ({
  id: r.id,
  searchId: r.search_id,
  rank: r.rank,
  documentId: r.document_id,
  verdict: r.verdict,
  userId: r.user_id,
  userName: r.user_name,
  createdAt: r.created_at,
});

const SELECT = 'SELECT v.*, u.name AS user_name FROM verdicts v LEFT JOIN users u ON u.id = v.user_id';

export class Verdicts {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Appends a verdict and its audit entry in one transaction; the caller has checked that `rank`
   * exists in the stored response.
   */
  record(v: { searchId: string; rank: number; documentId: string; verdict: VerdictKind }, actor: Actor): Verdict {
    return write(this.db, () => {
      const id = Number(
        this.db
          .prepare('INSERT INTO verdicts(search_id, rank, document_id, verdict, user_id) VALUES (?, ?, ?, ?, ?)')
          .run(v.searchId, v.rank, v.documentId, v.verdict, actor.userId).lastInsertRowid,
      );
      this.audit.append({
        actor,
        action: 'verdict',
        target: `search:${v.searchId}`,
        details: { verdictId: id, searchId: v.searchId, rank: v.rank, documentId: v.documentId, verdict: v.verdict },
      });
      return toVerdict(this.db.prepare(`${SELECT} WHERE v.id = ?`).get(id) as Row);
    });
  }

  /** Every verdict on a search, oldest first. */
  history(searchId: string): Verdict[] {
    return (this.db.prepare(`${SELECT} WHERE v.search_id = ? ORDER BY v.id`).all(searchId) as Row[]).map(toVerdict);
  }

  /** The current verdict per result rank (the latest one), in rank order. */
  current(searchId: string): Verdict[] {
    const latest = new Map<number, Verdict>();
    for (const v of this.history(searchId)) latest.set(v.rank, v);
    return [...latest.values()].sort((a, b) => a.rank - b.rank);
  }

  /** Current verdicts counted per week of the verdict, newest week first. */
  summary(limitWeeks = 52): VerdictWeek[] {
    // Monday of the verdict's week: strftime('%w') is 0 for Sunday.
    const rows = this.db
      .prepare(
        `WITH cur AS (
           SELECT v.* FROM verdicts v
           WHERE v.id = (SELECT MAX(id) FROM verdicts w WHERE w.search_id = v.search_id AND w.rank = v.rank)
         )
         SELECT date(created_at, '-' || ((CAST(strftime('%w', created_at) AS INTEGER) + 6) % 7) || ' days') AS week,
                SUM(verdict = 'relevant') AS relevant, SUM(verdict = 'not_relevant') AS not_relevant,
                SUM(verdict = 'citation_wrong') AS citation_wrong, COUNT(*) AS total
         FROM cur GROUP BY week ORDER BY week DESC LIMIT ?`,
      )
      .all(limitWeeks) as { week: string; relevant: number; not_relevant: number; citation_wrong: number; total: number }[];
    return rows.map((r) => ({
      weekStart: r.week,
      relevant: r.relevant,
      notRelevant: r.not_relevant,
      citationWrong: r.citation_wrong,
      total: r.total,
      precision: r.total > 0 ? r.relevant / r.total : 0,
    }));
  }
}
