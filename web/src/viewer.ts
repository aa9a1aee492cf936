/**
 * The document viewer: the page image with the cited passage's word boxes over it (boxes are 0..1
 * of the upright page, so they are placed in percent), the page text beside it with the same span
 * marked, page navigation, zoom and download of the original file.
 */
import { can, downloadHref, getDocument, getPage, getPageImage } from './api.js';
import { append, focusHeading, h, replace } from './dom.js';
import { showError } from './errors.js';
import { marked } from './highlight.js';
import { metadataSection } from './metadata.js';
import { pl } from './i18n/pl.js';
import { nav, pushUrl } from './nav.js';
import type { DocumentRecord, PageView } from './types.js';

export interface Span {
  start: number;
  end: number;
}

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];
let zoomIndex = 2;
let imageUrl: string | null = null;
/** Bumped on every render: a slow response for an earlier page is dropped. */
let generation = 0;

export function viewerHref(id: string, page: number, span?: Span | null): string {
  return `#/documents/${encodeURIComponent(id)}/pages/${page}${span ? `?start=${span.start}&end=${span.end}` : ''}`;
}

/** Releases the page image's blob URL (when leaving the viewer). */
export function leaveViewer(): void {
  generation++;
  if (imageUrl) URL.revokeObjectURL(imageUrl);
  imageUrl = null;
}

/** Back to the screen the viewer was opened from: the results, or the supervisor's stored search or log. */
function backLink(): HTMLElement {
  const back = nav.viewerBack;
  const text = back?.from === 'audit' ? pl.audit.back : pl.viewer.back;
  return h('p', {}, h('a', { href: back?.href ?? '#/', class: 'back' }, `← ${text}`));
}

export async function renderViewer(root: HTMLElement, id: string, n: number, span: Span | null, keepFocusId: string | null): Promise<void> {
  const gen = ++generation;
  const status = h('div', { role: 'status', class: 'viewer-status' }, pl.viewer.loading);
  replace(root, backLink(), status);
  let doc: DocumentRecord;
  let page: PageView;
  try {
    [doc, page] = await Promise.all([getDocument(id), getPage(id, n)]);
  } catch (err) {
    if (gen === generation) showError(err, status);
    return;
  }
  if (gen !== generation) return;
  status.replaceChildren();

  const title = doc.title ?? pl.results.noTitle;
  const heading = h('h2', { id: 'viewer-h' }, title);
  const info = h('dl', { class: 'meta' },
    h('div', {}, h('dt', {}, pl.results.caseNumber), h('dd', {}, doc.caseNumber ?? pl.results.unknown)),
    h('div', {}, h('dt', {}, pl.results.docType), h('dd', {}, doc.docType ?? pl.results.unknown)),
    h('div', {}, h('dt', {}, pl.results.date), h('dd', {}, doc.date ?? pl.results.unknown)),
    h('div', {}, h('dt', {}, pl.viewer.file), h('dd', {}, doc.source.filename)),
    doc.externalId ? h('div', {}, h('dt', {}, pl.viewer.externalId), h('dd', {}, doc.externalId)) : null);
  // A plain link to the case in the DMS (the server accepts only http(s); checked again here).
  const external = doc.externalUrl && /^https?:\/\//i.test(doc.externalUrl)
    ? h('p', {}, h('a', { href: doc.externalUrl, id: 'open-in-dms', rel: 'noopener noreferrer' }, pl.viewer.openInDms))
    : null;

  const canvas = h('div', { class: 'page-canvas' });
  canvas.style.width = `${ZOOMS[zoomIndex]! * 100}%`;
  const figure = h('figure', { class: 'page-image', 'aria-labelledby': 'page-image-cap' },
    h('figcaption', { id: 'page-image-cap', class: 'visually-hidden' }, pl.viewer.imageAlt(n, title)),
    h('div', { class: 'page-scroll', tabindex: 0, 'aria-labelledby': 'page-image-cap', role: 'region' }, canvas));
  const textPane = h('section', { class: 'page-text', 'aria-labelledby': 'page-text-h' },
    h('h3', { id: 'page-text-h' }, page.source === 'ocr' ? pl.viewer.textOcr : pl.viewer.text),
    h('div', { class: 'text-scroll', tabindex: 0, role: 'region', 'aria-labelledby': 'page-text-h' },
      h('pre', { lang: 'pl' }, ...(page.text ? marked(page.text, span ? [[span.start, span.end]] : [], { id: 'cited', class: 'cited' }) : [pl.viewer.emptyPage]))));

  replace(root,
    backLink(),
    h('header', { class: 'viewer-head' }, heading, info, external, metadataSection(doc, (p, start, end) => viewerHref(doc.id, p, { start, end }))),
    toolbar(root, doc, n),
    status,
    h('div', { class: 'viewer-panes' }, figure, textPane));
  if (keepFocusId) document.getElementById(keepFocusId)?.focus();
  else focusHeading(heading);

  // The cited span's words, as boxes over the image.
  const boxes = span ? page.words.filter((w) => w.start < span.end && w.end > span.start).map((w) => w.box) : [];
  try {
    const blob = await getPageImage(id, n);
    if (gen !== generation) return;
    if (imageUrl) URL.revokeObjectURL(imageUrl);
    imageUrl = URL.createObjectURL(blob);
    const img = h('img', { src: imageUrl, alt: pl.viewer.imageAlt(n, title) });
    append(canvas, img, ...boxes.map((b) => {
      const el = h('div', { class: 'hl-box', 'aria-hidden': 'true' });
      Object.assign(el.style, { left: pct(b.x0), top: pct(b.y0), width: pct(b.x1 - b.x0), height: pct(b.y1 - b.y0) });
      return el;
    }));
    await img.decode().catch(() => undefined);
  } catch (err) {
    if (gen !== generation) return;
    replace(canvas, h('p', { class: 'hint' }, pl.viewer.imageMissing));
    showError(err, status);
  }
  if (gen !== generation) return;
  // Land on the highlight: the passage in the text and its first box on the image.
  document.getElementById('cited')?.scrollIntoView({ block: 'center' });
  canvas.querySelector('.hl-box')?.scrollIntoView({ block: 'center', inline: 'nearest' });
}

function pct(v: number): string {
  return `${(v * 100).toFixed(3)}%`;
}

function toolbar(root: HTMLElement, doc: DocumentRecord, n: number): HTMLElement {
  const go = (page: number, focusId: string) => {
    pushUrl(viewerHref(doc.id, page));
    void renderViewer(root, doc.id, page, null, focusId);
  };
  const prev = h('button', { type: 'button', id: 'prev-page', disabled: n <= 1 }, `‹ ${pl.viewer.prev}`);
  const next = h('button', { type: 'button', id: 'next-page', disabled: n >= doc.pageCount }, `${pl.viewer.next} ›`);
  prev.addEventListener('click', () => go(n - 1, n - 1 > 1 ? 'prev-page' : 'next-page'));
  next.addEventListener('click', () => go(n + 1, n + 1 < doc.pageCount ? 'next-page' : 'prev-page'));

  const zoomLabel = h('span', { class: 'zoom-level', 'aria-live': 'polite' }, pl.viewer.zoom(ZOOMS[zoomIndex]! * 100));
  const setZoom = (i: number) => {
    zoomIndex = Math.max(0, Math.min(ZOOMS.length - 1, i));
    const canvas = root.querySelector<HTMLElement>('.page-canvas');
    if (canvas) canvas.style.width = `${ZOOMS[zoomIndex]! * 100}%`;
    zoomLabel.textContent = pl.viewer.zoom(ZOOMS[zoomIndex]! * 100);
  };
  const out = h('button', { type: 'button', id: 'zoom-out' }, `− ${pl.viewer.zoomOut}`);
  const inn = h('button', { type: 'button', id: 'zoom-in' }, `+ ${pl.viewer.zoomIn}`);
  out.addEventListener('click', () => setZoom(zoomIndex - 1));
  inn.addEventListener('click', () => setZoom(zoomIndex + 1));

  // A plain link: the session cookie rides along and the browser streams the file to disk, under the
  // name the server gives it.
  const original = can('documents.original');
  const download = h('a', { href: downloadHref(doc.id), download: '', id: 'download', class: 'button', title: original ? pl.viewer.downloadOriginalHint : pl.viewer.downloadCopyHint }, original ? pl.viewer.download : pl.viewer.downloadCopy);
  return h('nav', { class: 'toolbar', 'aria-label': pl.viewer.toolbar },
    prev, h('span', { class: 'page-no' }, pl.viewer.page(n, doc.pageCount)), next,
    h('span', { class: 'sep', 'aria-hidden': 'true' }), out, zoomLabel, inn,
    h('span', { class: 'sep', 'aria-hidden': 'true' }), download);
}
