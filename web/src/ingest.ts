/**
 * Records staff: upload files and folders (picker or drag and drop) into a batch, then follow the
 * batch live — per file stage, pages, status and the failure reason, with a retry button — by polling
 * the ingest ledger through the API. `#/ingest` or `#/ingest/batches/:id`.
 */
import { ApiError, AuthError, call, can, csrfHeaders, forget } from './api.js';
import { append, focusHeading, h, replace } from './dom.js';
import { showError } from './errors.js';
import { pl } from './i18n/pl.js';

interface Summary { files: number; queued: number; running: number; ingested: number; present: number; failed: number; pagesDone: number; pagesTotal: number }
interface BatchView { id: number; startedAt: string; finishedAt: string | null; status: string; summary: Summary }
interface FileView {
  id: number; name: string; status: string; stage: string; pagesDone: number; pagesTotal: number | null;
  error: { code: string; reason: string } | null;
  notice?: string;
}

const POLL_MS = 1500;
/** Bumped on every render: a poll of a view that is gone stops by itself. */
let generation = 0;
/** Reloads the list of last batches of the current view (after a batch's counts change). */
let refreshHistory: () => void = () => undefined;

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await (await call(path, init)).json()) as T;
}

/** multipart upload with progress (fetch cannot report upload progress). */
function upload(files: File[], onProgress: (fraction: number) => void): Promise<{ batchId: number }> {
  const fd = new FormData();
  // A folder upload keeps its folders in the name, so the batch shows where each file came from.
  for (const f of files) fd.append('files', f, f.webkitRelativePath || f.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/ingest');
    for (const [k, v] of Object.entries(csrfHeaders('POST'))) xhr.setRequestHeader(k, v);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError('network', '', 0));
    xhr.onload = () => {
      const body = xhr.response as { batchId?: number; error?: { code: string; message: string } } | null;
      if (xhr.status === 401) {
        forget();
        reject(new AuthError('unauthorised'));
      } else if (xhr.status === 202 && body?.batchId) resolve({ batchId: body.batchId });
      else reject(new ApiError(body?.error?.code ?? `http_${xhr.status}`, body?.error?.message ?? '', xhr.status));
    };
    xhr.send(fd);
  });
}

/** Files of a dropped folder, recursively (the drop's File list holds only top-level files). */
async function droppedFiles(dt: DataTransfer): Promise<File[]> {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (!entries.length) return [...dt.files];
  const out: File[] = [];
  const visit = async (e: FileSystemEntry, prefix: string): Promise<void> => {
    if (e.isFile) {
      const f = await new Promise<File>((res, rej) => (e as FileSystemFileEntry).file(res, rej));
      out.push(prefix ? new File([f], prefix + f.name, { type: f.type, lastModified: f.lastModified }) : f);
    } else if (e.isDirectory) {
      const reader = (e as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const c of batch) await visit(c, `${prefix}${e.name}/`);
      }
    }
  };
  for (const e of entries) await visit(e, '');
  return out;
}

export function renderIngest(root: HTMLElement, batchId: number | null): void {
  const gen = ++generation;
  const heading = h('h2', { id: 'ingest-h' }, pl.ingest.heading);
  let chosen: File[] = [];
  const filesInput = h('input', { id: 'ingest-files', type: 'file', multiple: true });
  const folderInput = h('input', { id: 'ingest-folder', type: 'file', webkitdirectory: true, multiple: true });
  const chosenText = h('p', { id: 'ingest-chosen', class: 'hint', 'aria-live': 'polite' }, pl.ingest.noneChosen);
  const send = h('button', { type: 'submit', class: 'primary', disabled: true }, pl.ingest.upload);
  const clear = h('button', { type: 'button', class: 'secondary' }, pl.ingest.clear);
  const progress = h('progress', { id: 'ingest-progress', max: 100, value: 0, hidden: true, 'aria-label': pl.ingest.uploading });
  const status = h('div', { id: 'ingest-status', role: 'status', 'aria-live': 'polite' });
  const zone = h('div', { class: 'summary drop-zone', id: 'drop-zone', role: 'group', 'aria-labelledby': 'drop-h', 'aria-describedby': 'drop-hint' },
    h('h3', { id: 'drop-h' }, pl.ingest.dropZone),
    h('p', { id: 'drop-hint', class: 'hint' }, pl.ingest.dropHint),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'ingest-files' }, pl.ingest.files), filesInput),
      h('div', { class: 'field' }, h('label', { for: 'ingest-folder' }, pl.ingest.folder), folderInput)),
    chosenText);
  const form = h('form', { 'aria-labelledby': 'ingest-h', class: 'ingest-form' }, zone, h('div', { class: 'toolbar' }, send, clear, progress));
  const batchBox = h('section', { id: 'batch', 'aria-live': 'off' });
  const history = h('section', { id: 'batches', 'aria-labelledby': 'batches-h' });
  const overview = h('section', { id: 'overview', 'aria-labelledby': 'overview-h' });
  // A supervisor may look at batches but not upload: no form for a role that cannot use it.
  const writable = can('ingest.write');
  replace(root, h('section', { 'aria-labelledby': 'ingest-h', class: 'ingest' }, heading, writable ? form : h('p', { class: 'hint' }, pl.ingest.readOnly)), status, batchBox, history, overview);

  const choose = (files: File[]) => {
    chosen = files;
    const bytes = files.reduce((n, f) => n + f.size, 0);
    chosenText.textContent = files.length ? pl.ingest.chosen(files.length, (bytes / 1024 ** 2).toFixed(1)) : pl.ingest.noneChosen;
    send.disabled = files.length === 0;
  };
  filesInput.addEventListener('change', () => choose([...(filesInput.files ?? [])]));
  folderInput.addEventListener('change', () => choose([...(folderInput.files ?? [])]));
  clear.addEventListener('click', () => {
    filesInput.value = '';
    folderInput.value = '';
    choose([]);
  });
  zone.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    if (ev.dataTransfer) void droppedFiles(ev.dataTransfer).then(choose, (err: unknown) => showError(err, status));
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!chosen.length) return;
    send.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    replace(status, h('p', {}, pl.ingest.uploading));
    upload(chosen, (f) => {
      progress.value = Math.round(f * 100);
      progress.setAttribute('aria-valuetext', pl.ingest.uploaded(Math.round(f * 100)));
    }).then(
      ({ batchId: id }) => {
        if (gen !== generation) return;
        progress.hidden = true;
        replace(status, h('p', {}, pl.ingest.queued));
        clear.click();
        history.replaceChildren();
        location.hash = `#/ingest/batches/${id}`; // the router re-renders with this batch
      },
      (err: unknown) => {
        progress.hidden = true;
        send.disabled = chosen.length === 0;
        showError(err, status);
      },
    );
  });

  refreshHistory = () => {
    void showHistory(gen, history, status);
    void showOverview(gen, overview);
  };
  if (batchId !== null) void poll(gen, batchId, batchBox, status, true);
  refreshHistory();
}

interface Overview {
  documents: number;
  pages: number;
  scannedPages: number;
  bornDigitalPages: number;
  emptyPages: number;
  failedFiles: number;
  batches: number;
  lastBatchAt: string | null;
}

/** The archive at a glance; silent when the role may not see it. */
async function showOverview(gen: number, box: HTMLElement): Promise<void> {
  let o: Overview;
  try {
    o = await api('/api/archive/overview');
  } catch {
    return;
  }
  if (gen !== generation) return;
  const items = pl.ingest.overviewItems(o).map((t) => h('li', {}, t));
  if (o.lastBatchAt) items.push(h('li', {}, pl.ingest.lastBatchAt(new Date(o.lastBatchAt).toLocaleString('pl-PL'))));
  replace(box, h('h2', { id: 'overview-h' }, pl.ingest.overviewHeading), h('ul', { class: 'overview' }, ...items));
}

/** Polls one batch until nothing in it is queued or running; `note` stays in front of the counts. */
async function poll(gen: number, id: number, box: HTMLElement, status: HTMLElement, focus: boolean, note = ''): Promise<void> {
  let lastSummary = '';
  while (gen === generation && box.isConnected) {
    let data: { batch: BatchView; files: FileView[] };
    try {
      data = await api(`/api/ingest/batches/${id}`);
    } catch (err) {
      showError(err, status);
      return;
    }
    if (gen !== generation) return;
    const live = data.batch.status === 'running'; // 'interrupted' when its process died: nothing will move
    const text = (note ? note + ' ' : '') + pl.ingest.batchSummary(data.batch.summary) + (live ? '' : ` ${pl.ingest.batchDone}`);
    showBatch(data, box, gen, status);
    // Announce counts only when they change, not on every poll.
    if (text !== lastSummary) {
      if (lastSummary) refreshHistory();
      lastSummary = text;
      replace(status, h('p', { class: 'batch-summary' }, text));
    }
    if (focus) {
      focus = false;
      const hd = box.querySelector('h2');
      if (hd) focusHeading(hd as HTMLElement);
    }
    if (!live) return;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function showBatch(data: { batch: BatchView; files: FileView[] }, box: HTMLElement, gen: number, status: HTMLElement): void {
  const hadFocus = box.contains(document.activeElement) ? document.activeElement?.id ?? null : null;
  const rows = data.files.map((f) => {
    const word =
      f.status === 'failed'
        ? pl.ingest.failed(f.error?.reason ?? f.error?.code ?? '')
        : (pl.ingest.statuses[f.status] ?? f.status) + (f.notice ? ` (${f.notice})` : '');
    const action = h('td', {});
    if (f.status === 'failed' && can('ingest.write')) {
      const btn = h('button', { type: 'button', class: 'secondary', id: `retry-${f.id}`, 'aria-label': pl.ingest.retryLabel(f.name) }, pl.ingest.retry);
      btn.addEventListener('click', () => {
        btn.disabled = true;
        api(`/api/ingest/files/${f.id}/retry`, { method: 'POST' }).then(
          () => {
            void poll(gen, data.batch.id, box, status, false, pl.ingest.retried(f.name));
          },
          (err: unknown) => {
            btn.disabled = false;
            showError(err, status);
          },
        );
      });
      append(action, btn);
    }
    return h('tr', { class: `file ${f.status}`, 'data-file-id': f.id },
      h('th', { scope: 'row', class: 'name' }, f.name),
      h('td', { class: 'stage' }, pl.ingest.stages[f.stage] ?? f.stage),
      h('td', { class: 'pages' }, f.pagesTotal !== null ? `${f.pagesDone}/${f.pagesTotal}` : '–'),
      h('td', { class: f.status === 'failed' ? 'status error' : 'status' }, word),
      action);
  });
  const heading = h('h2', { id: 'batch-h' }, pl.ingest.batchHeading(data.batch.id));
  const head = h('tr', {}, ...[pl.ingest.file, pl.ingest.stage, pl.ingest.pages, pl.ingest.status, pl.ingest.action].map((t) => h('th', { scope: 'col' }, t)));
  replace(box, heading, h('div', { class: 'doc-metadata' }, h('table', { class: 'batch-files', 'aria-labelledby': 'batch-h' }, h('thead', {}, head), h('tbody', {}, ...rows))));
  box.setAttribute('aria-labelledby', 'batch-h');
  if (hadFocus) (document.getElementById(hadFocus) as HTMLElement | null)?.focus();
}

async function showHistory(gen: number, box: HTMLElement, status: HTMLElement): Promise<void> {
  let data: { batches: BatchView[] };
  try {
    data = await api('/api/ingest/batches?limit=20');
  } catch (err) {
    showError(err, status);
    return;
  }
  if (gen !== generation) return;
  const heading = h('h2', { id: 'batches-h' }, pl.ingest.lastBatches);
  if (!data.batches.length) {
    replace(box, heading, h('p', {}, pl.ingest.noBatches));
    return;
  }
  const head = h('tr', {}, ...[pl.ingest.batch, pl.ingest.started, pl.ingest.status, pl.ingest.result].map((t) => h('th', { scope: 'col' }, t)));
  const rows = data.batches.map((b) =>
    h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: `#/ingest/batches/${b.id}`, 'aria-label': pl.ingest.showLabel(b.id) }, String(b.id))),
      h('td', {}, h('time', { datetime: b.startedAt }, new Date(b.startedAt).toLocaleString('pl-PL'))),
      h('td', {}, pl.ingest.batchStatus[b.status] ?? b.status),
      h('td', {}, pl.ingest.counts(b.summary))));
  replace(box, heading, h('div', { class: 'doc-metadata' }, h('table', { 'aria-labelledby': 'batches-h' }, h('thead', {}, head), h('tbody', {}, ...rows))));
}
