/**
 * One file through the ingest stages: hash → (already present?) → detect → store original →
 * pages (text layer or OCR, stored one by one while the document is staging) → metadata → chunks →
 * embeddings → one transaction that makes the document searchable.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { IngestError } from '../server/errors.js';
import { Archive, pageImagePath, writeFileAtomic } from '../server/store/archive.js';
import type { Ledger } from '../server/store/ledger.js';
import { detectType, type Detected } from './detect.js';
import { dmsMetaValues, readSidecar, type DmsMetadata } from './dms.js';
import type { Embedder } from './embed.js';
import { ocrPage, type OcrPageInput, type OcrPageOptions } from './extract/ocr-page.js';
import { SHORT_TEXT_CHARS } from './extract/pdf-protocol.js';
import { PdfSession } from './extract/pdf-session.js';
import type { OcrEngine } from './extract/ocr-engine.js';
import { missingKinds, type ProposableKind } from './metadata/grounded-proposal.js';
import { DEFAULT_STEP_TIMEOUT_MS, MetadataRunner } from './metadata/runner.js';
import { PageChunks } from './page-chunks.js';
import { layoutPage } from './text/layout.js';
import type { MetaValue, PageResult, RawWord } from './types.js';


export interface PipelineContext {
  archive: Archive;
  ledger: Ledger;
  pool: OcrEngine;
  embedder: Embedder;
  caseOverride: string | null;
  /** Read each file's metadata sidecar from a DMS export (ingest/dms.ts); a missing or bad one fails the file. */
  dms?: boolean;
  /** Pages of one document processed at once (keeps every OCR worker busy, memory bounded). */
  pageWindow: number;
  ocr: OcrPageOptions;
  pdf: { timeoutMs: number; memoryMb: number; passwords: string[]; maxImagePixels: number; windowBytes?: number };
  /** Called whenever a page is stored (for progress displays). */
  onPage?: (fileId: number) => void;
  /**
   * Scaled out: writes a ready document to the search index (Elasticsearch) before the file counts
   * as done; throws (a retryable failure) while the index cannot take it. Also run for a document
   * already present, whose earlier run may have stopped before this step.
   */
  afterReady?: (documentId: number) => Promise<void>;
  /** Reads metadata off the main thread under a time limit; default one runner shared by the process. */
  metadata?: MetadataRunner;
  /**
   * With a model configured (LLM_METADATA): values for the type, own date, own signature, issuer or
   * outcome the rules left unknown, each grounded on the page text (ingest/metadata/grounded-proposal.ts).
   * Called only when one of them is missing; whatever it throws, the document keeps the rules' metadata.
   */
  proposeMetadata?: (pages: { page: number; text: string }[], values: MetaValue[]) => Promise<MetaValue[]>;
}

let sharedMetadata: MetadataRunner | null = null;

/** The process's metadata runner: one worker thread, reused by every document of every batch. */
function metadataRunner(ctx: PipelineContext): MetadataRunner {
  if (ctx.metadata) return ctx.metadata;
  sharedMetadata ??= new MetadataRunner({ stepTimeoutMs: DEFAULT_STEP_TIMEOUT_MS });
  return sharedMetadata;
}

export type FileOutcome = { status: 'ingested' | 'present'; documentId: number };

export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

export async function ingestFile(ctx: PipelineContext, fileId: number): Promise<FileOutcome> {
  const { ledger, archive } = ctx;
  const row = ledger.get(fileId);
  ledger.update(fileId, { status: 'running', stage: 'hash', attempts: row.attempts + 1, error: null, error_code: null });
  // Before any work: a bad sidecar fails the file at once, with the reason to fix it.
  const sidecar = ctx.dms ? readSidecar(row.path) : null;

  let hashed: { sha256: string; size: number };
  try {
    hashed = await sha256File(row.path);
  } catch (err) {
    throw new IngestError('read_failed', (err as Error).message.slice(0, 200));
  }
  ledger.update(fileId, { sha256: hashed.sha256, size: hashed.size });
  const present = archive.readyDocumentBySha(hashed.sha256);
  if (present) {
    await ctx.afterReady?.(present.id);
    ledger.update(fileId, {
      status: 'present',
      stage: 'done',
      document_id: present.id,
      pages_done: present.page_count,
      pages_total: present.page_count,
    });
    return { status: 'present', documentId: present.id };
  }

  ledger.update(fileId, { stage: 'detect' });
  const detected = await detectType(row.path);
  ledger.update(fileId, { detected: detected.description });
  if (detected.kind === 'unsupported') throw new IngestError('unsupported', detected.description);

  const source = await openSource(ctx, row.path, detected);
  try {
    if (source.pageCount === 0) throw new IngestError('empty', 'plik nie zawiera stron');
    const doc = archive.beginDocument({
      sha256: hashed.sha256,
      size: hashed.size,
      mime: detected.mime,
      sourcePath: row.path,
      kind: detected.kind,
      pageCount: source.pageCount,
    });
    const done = archive.storedPageNumbers(doc.id);
    ledger.update(fileId, { stage: 'pages', pages_total: source.pageCount, pages_done: done.size, document_id: doc.id });

    const todo = Array.from({ length: source.pageCount }, (_, i) => i + 1).filter((p) => !done.has(p));
    let stored = done.size;
    const chunks = new PageChunks(ctx.embedder);
    await forEachLimited(todo, ctx.pageWindow, async (pageNo) => {
      const started = Date.now();
      const { page, viewerImage } = await source.page(pageNo);
      page.seconds = Math.round((Date.now() - started) / 10) / 100;
      let imagePath: string | null = null;
      if (viewerImage) {
        imagePath = pageImagePath(archive.dataDir, hashed.sha256, pageNo);
        writeFileAtomic(imagePath, viewerImage);
      }
      archive.savePage(doc.id, page, imagePath);
      chunks.add(pageNo, page.text);
      stored++;
      ledger.update(fileId, { pages_done: stored });
      ctx.onPage?.(fileId);
    });

    ledger.update(fileId, { stage: 'index' });
    const unread = await indexDocument(ctx, doc.id, row.path, sidecar, chunks);
    // The document is kept with the fields that could not be read left unknown; the reason stays on its file.
    if (unread) ledger.update(fileId, { error_code: 'metadata_incomplete', error: unread });
    await ctx.afterReady?.(doc.id);
    ledger.update(fileId, { status: 'ingested', stage: 'done' });
    return { status: 'ingested', documentId: doc.id };
  } finally {
    await source.close();
  }
}

/**
 * Metadata, chunks and embeddings (most made while the pages came in), then the making-visible
 * transaction. Returns why some metadata could not be read, or null.
 */
async function indexDocument(
  ctx: PipelineContext,
  documentId: number,
  filePath: string,
  sidecar: DmsMetadata | null,
  early: PageChunks,
): Promise<string | null> {
  const pages = ctx.archive.pages(documentId);
  const folderNames = path.dirname(path.resolve(filePath)).split(path.sep).filter(Boolean).slice(-3).reverse();
  const { values: extracted, reason } = await metadataRunner(ctx).extract(
    pages.map((p) => ({ page: p.page, text: p.text })),
    { folderNames, caseOverride: ctx.caseOverride ?? undefined },
  );
  // Precedence: --case on the command line, then the DMS sidecar, then what was read; all are kept.
  const cli = extracted.filter((m) => m.origin === 'cli');
  const metadata = [...cli, ...(sidecar ? dmsMetaValues(sidecar) : []), ...extracted.filter((m) => m.origin !== 'cli')];
  // The model (when one is configured) reads while the last chunks are embedded.
  const [proposed, { chunks, vectors }] = await Promise.all([proposedMetadata(ctx, pages, metadata), early.all(pages)]);
  metadata.push(...proposed);
  const first = (kind: MetaValue['kind']) => metadata.find((m) => m.kind === kind);
  // Only the document's own date (or the one the records office registered): a date the text merely
  // mentions (a filing date, a quoted law's date) is never the document's.
  const docDate = metadata.find((m) => m.kind === 'date' && m.extra?.role === 'document');
  ctx.archive.finishDocument(documentId, {
    title: titleOf(pages, metadata.find((m) => m.kind === 'docType' && m.origin === 'text')),
    caseNumber: first('caseNumber')?.value ?? null,
    docType: first('docType')?.value ?? null,
    docDate: docDate?.value ?? null,
    metadata,
    chunks,
    vectors,
    external: sidecar ? { id: sidecar.externalId, url: sidecar.externalUrl } : null,
  });
  return reason;
}

/**
 * The model's grounded values for the kinds still unknown, appended after everything read by rules
 * (so a value of the rules always comes first). Each is checked once more here: origin 'llm', a kind
 * still missing, and its raw exactly at its span of the stored page text; anything else is dropped.
 */
export async function proposedMetadata(
  ctx: Pick<PipelineContext, 'proposeMetadata'>,
  pages: { page: number; text: string }[],
  metadata: MetaValue[],
): Promise<MetaValue[]> {
  const missing = new Set(missingKinds(metadata));
  if (!ctx.proposeMetadata || missing.size === 0) return [];
  let proposed: MetaValue[];
  try {
    proposed = await ctx.proposeMetadata(pages.map((p) => ({ page: p.page, text: p.text })), metadata.slice());
  } catch {
    return [];
  }
  const taken = new Set<string>();
  return (Array.isArray(proposed) ? proposed : []).filter((v) => {
    if (v?.origin !== 'llm' || !missing.has(v.kind as ProposableKind) || taken.has(v.kind)) return false;
    const text = pages.find((p) => p.page === v.page)?.text;
    if (text === undefined || v.start === null || v.end === null || text.slice(v.start, v.end) !== v.raw || v.raw === '') return false;
    taken.add(v.kind);
    return true;
  });
}

/** The heading line the document type was read from ("DECYZJA NR 123/2019"), else none. */
function titleOf(pages: { page: number; text: string }[], docType: MetaValue | undefined): string | null {
  if (!docType || docType.page === null || docType.start === null) return null;
  const text = pages.find((p) => p.page === docType.page)?.text ?? '';
  const lineStart = text.lastIndexOf('\n', docType.start) + 1;
  const lineEnd = text.indexOf('\n', docType.start);
  const line = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\s+/g, ' ').trim();
  return line.slice(0, 160) || null;
}

interface PageSource {
  pageCount: number;
  page(n: number): Promise<{ page: PageResult; viewerImage: Buffer | null }>;
  close(): Promise<void>;
}

async function openSource(ctx: PipelineContext, file: string, detected: Detected): Promise<PageSource> {
  if (detected.kind === 'pdf') return openPdf(ctx, file);
  let pageCount = 1;
  if (detected.kind === 'tiff') {
    try {
      const meta = await sharp(file, { limitInputPixels: ctx.ocr.maxPixels }).metadata();
      pageCount = meta.pages ?? 1;
    } catch (err) {
      throw new IngestError('corrupt', `nie można odczytać TIFF (${(err as Error).message.slice(0, 160)})`);
    }
  }
  return {
    pageCount,
    page: async (n) => imagePage(ctx, n, { data: file, tiffPage: detected.kind === 'tiff' ? n - 1 : undefined }),
    close: async () => undefined,
  };
}

async function imagePage(
  ctx: PipelineContext,
  pageNo: number,
  input: OcrPageInput,
  textLayer?: { words: RawWord[]; width: number; height: number },
): Promise<{ page: PageResult; viewerImage: Buffer | null }> {
  const r = await ocrPage(ctx.pool, input, ctx.ocr);
  // A short text layer ("Strona 1", a stamp) on a scan loses to OCR; a page that really is just a
  // few words of text keeps its exact text layer.
  const chars = (ws: RawWord[]) => ws.reduce((n, w) => n + w.text.trim().length, 0);
  const layerChars = textLayer ? chars(textLayer.words) : 0;
  const useOcr = layerChars === 0 || chars(r.words) > layerChars * 1.5 + 10;
  const laid = useOcr ? layoutSkewed(r.words, r.corrections.skew ?? 0, r.width / r.height) : layoutPage(textLayer!.words);
  return {
    page: {
      page: pageNo,
      text: laid.text,
      words: laid.words,
      source: laid.text.trim() ? (useOcr ? 'ocr' : 'text-layer') : 'empty',
      confidence: useOcr ? r.confidence : null,
      corrections: r.corrections,
      width: r.width,
      height: r.height,
    },
    viewerImage: r.viewerImage,
  };
}

/**
 * Lays out words of a slightly skewed scan. Each box is moved vertically by the skew at its centre
 * so that lines are level while reading order and lines are decided, then moved back: the stored
 * boxes stay where the words are on the page image.
 */
function layoutSkewed(words: RawWord[], skewDegrees: number, aspect: number): ReturnType<typeof layoutPage> {
  if (Math.abs(skewDegrees) < 0.05) return layoutPage(words);
  const k = Math.tan((skewDegrees * Math.PI) / 180) * aspect;
  const dy = (x0: number, x1: number) => ((x0 + x1) / 2 - 0.5) * k;
  const level = words.map((w) => {
    const d = dy(w.box.x0, w.box.x1);
    return { ...w, box: { ...w.box, y0: w.box.y0 + d, y1: w.box.y1 + d } };
  });
  const laid = layoutPage(level);
  for (const w of laid.words) {
    const d = dy(w.box.x0, w.box.x1);
    w.box = { ...w.box, y0: Math.min(1, Math.max(0, w.box.y0 - d)), y1: Math.min(1, Math.max(0, w.box.y1 - d)) };
  }
  return laid;
}

async function openPdf(ctx: PipelineContext, file: string): Promise<PageSource> {
  // Large files are not read here: the PDF worker reads them a window of pages at a time.
  const session = await PdfSession.openFile(file, ctx.pdf);
  return {
    pageCount: session.pageCount,
    close: () => session.close(),
    page: async (n) => {
      const text = await session.text(n);
      if (text.chars >= SHORT_TEXT_CHARS || (text.chars > 0 && text.hasImages === false)) {
        const laid = layoutPage(text.words);
        const page: PageResult = {
          page: n,
          text: laid.text,
          words: laid.words,
          source: 'text-layer',
          confidence: null,
          corrections: {},
          width: text.width,
          height: text.height,
        };
        return { page, viewerImage: null };
      }
      const ocrWith = async (render: boolean) => {
        const img = await session.image(n, 300, ctx.pdf.maxImagePixels, render);
        if (img.kind === 'rejected') throw new IngestError('too_large', `strona ${n}: ${img.reason}`);
        // A view, not a copy: the worker moved the page's buffer here.
        const data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
        const input: OcrPageInput =
          img.kind === 'raw'
            ? { data, raw: { width: img.width, height: img.height, channels: img.channels }, dpi: img.dpi, rotate: img.rotate }
            : { data, dpi: img.dpi, rotate: img.rotate };
        const result = await imagePage(ctx, n, input, text);
        result.page.corrections.image = img.kind === 'raw' && !img.embedded ? 'rendered' : 'embedded';
        return result;
      };
      try {
        return await ocrWith(false);
      } catch (err) {
        // An embedded image our decoder cannot read may still render: pdf.js is more forgiving.
        if (err instanceof IngestError && err.code === 'corrupt') return ocrWith(true);
        throw err;
      }
    },
  };
}

/** Runs `fn` over items with at most `limit` at once; the first error stops new work and is thrown. */
async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const lane = async () => {
    while (failed === null && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failed !== null) throw failed;
}
