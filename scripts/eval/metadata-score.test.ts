import { describe, expect, it } from 'vitest';
import type { RealTextRecord } from '../../fixtures/real-text.js';
import {
  alignOffsets, mapSpan, occurrences, parcelValue, precision, recall, sameAddress, sameCompact, sameOutcome, sameParcel, scoreField,
} from './metadata-score.js';
import { type MetaRow, claimedRows, labelsOf, scoreMetadata } from './real-text-metadata.js';

const text = 'II SA/Bk 571/23 - Wyrok WSA w Białymstoku\nz dnia 12 stycznia 2024 r. w sprawie decyzji znak WOP.7721.12.2023';
const at = (s: string) => occurrences(text, s);

describe('scoreField', () => {
  it('counts a right value from the labelled place as a true positive', () => {
    const t = scoreField([{ value: 'ii sa/bk 571/23', span: [0, 15] }], [{ value: 'II SA/Bk 571/23', spans: at('II SA/Bk 571/23') }], sameCompact);
    expect(t).toMatchObject({ tp: 1, fp: 0, labelled: 1, claimed: 1 });
    expect(precision(t)).toBe(1);
    expect(recall(t)).toBe(1);
  });

  it('counts a wrong value (a cited signature taken for the own one) as a false positive and a miss', () => {
    const cited = text.indexOf('WOP');
    const t = scoreField([{ value: 'WOP.7721.12.2023', span: [cited, cited + 16] }], [{ value: 'II SA/Bk 571/23', spans: at('II SA/Bk 571/23') }], sameCompact);
    expect(t).toMatchObject({ tp: 0, fp: 1, wrongSpan: 0 });
    expect(precision(t)).toBe(0);
    expect(recall(t)).toBe(0);
  });

  it('counts any value where the label is null as a false positive', () => {
    const t = scoreField([{ value: '1960-06-14', span: [3, 8] }], [], sameCompact);
    expect(t).toMatchObject({ tp: 0, fp: 1, labelled: 0 });
    expect(Number.isNaN(recall(t))).toBe(true);
    expect(precision(t)).toBe(0);
  });

  it('requires the span to overlap the labelled span: the right value read elsewhere is a false positive', () => {
    const labelled = at('12 stycznia 2024 r.');
    const t = scoreField([{ value: '2024-01-12', span: [0, 5] }], [{ value: '2024-01-12', spans: labelled }], sameCompact);
    expect(t).toMatchObject({ tp: 0, fp: 1, wrongSpan: 1 });
    const noSpan = scoreField([{ value: '2024-01-12', span: null }], [{ value: '2024-01-12', spans: labelled }], sameCompact);
    expect(noSpan).toMatchObject({ tp: 0, fp: 1, wrongSpan: 1 });
  });

  it('matches each label once: a repeated claim is a false positive', () => {
    const span = at('II SA/Bk 571/23')[0]!;
    const t = scoreField([{ value: 'II SA/Bk 571/23', span }, { value: 'II SA/Bk 571/23', span }], [{ value: 'II SA/Bk 571/23', spans: [span] }], sameCompact);
    expect(t).toMatchObject({ tp: 1, fp: 1 });
  });
});

describe('field comparisons', () => {
  it('parcels match on the number, and on the precinct when both name one', () => {
    expect(sameParcel(parcelValue('10/1', 'Ulaszewa'), parcelValue('10/1', 'Ulaszewo'))).toBe(true);
    expect(sameParcel(parcelValue('10/1', null), parcelValue('10/1', 'Ulaszewo'))).toBe(true);
    expect(sameParcel(parcelValue('10/1', 'Krzyki'), parcelValue('10/1', 'Ulaszewo'))).toBe(false);
    expect(sameParcel(parcelValue('710/15', null), parcelValue('10/1', null))).toBe(false);
    expect(sameParcel(parcelValue('190', 'Łubnica'), parcelValue('190', '0017 Łubnica'))).toBe(true);
    expect(sameParcel(parcelValue('190', '17'), parcelValue('190', '0017 Łubnica'))).toBe(true);
    expect(sameParcel(parcelValue('190', '0018 Łęg'), parcelValue('190', '0017 Łubnica'))).toBe(false);
  });
  it('addresses match on a street word in any inflection, not on "ulica" alone', () => {
    expect(sameAddress('ul. Szczecińska', 'rejon ulicy Szczecińskiej, Wrocław')).toBe(true);
    expect(sameAddress('ulica Polna', 'rejon ulicy Szczecińskiej')).toBe(false);
  });
});

describe('alignment of stored text onto the clean text', () => {
  it('maps a span of re-wrapped, OCR-damaged text back to the same words', () => {
    const stored = 'II SA/Bk 571/23 - Wyrok WSA w Bialymstoku z dnia\n12 styczma 2024 r. w sprawie decyzji znak WOP.7721.12.2023';
    const map = alignOffsets(stored, text);
    const s = stored.indexOf('12 styczma');
    const [a, b] = mapSpan(map, s, s + '12 styczma 2024 r.'.length);
    expect(text.slice(a, b)).toBe('12 stycznia 2024 r.');
  });
});

describe('scoreMetadata on stored rows', () => {
  const record: RealTextRecord = {
    id: 't900', pages: [text],
    labels: { docType: 'wyrok WSA', date: '2024-01-12', signature: 'II SA/Bk 571/23', otherSignatures: ['WOP.7721.12.2023'], parcels: [] },
    spans: { docType: 'Wyrok WSA', date: 'z dnia 12 stycznia 2024 r.', signature: 'II SA/Bk 571/23', otherSignatures: ['WOP.7721.12.2023'], parcels: [] },
  };
  const row = (kind: string, value: string, raw: string, extra: Record<string, string> | null = null): MetaRow => {
    const start = text.indexOf(raw);
    return { kind, value, raw, page: 1, start, end: start + raw.length, origin: 'text', extra };
  };

  it('reads the own signature, the document date and cited signatures the way the product stores them', () => {
    const rows = [
      row('caseNumber', 'WOP.7721.12.2023', 'WOP.7721.12.2023'),
      row('caseNumber', 'II SA/Bk 571/23', 'II SA/Bk 571/23'),
      row('date', '2024-01-12', '12 stycznia 2024 r.', { role: 'document' }),
    ];
    expect(claimedRows('signature', rows).map((r) => r.value)).toEqual(['WOP.7721.12.2023']);
    expect(labelsOf('signature', record)[0]?.value).toBe('II SA/Bk 571/23');
    const s = scoreMetadata([record], [{ path: 'born-digital/t900.pdf', id: 't900', variant: 'pdf-text', format: 'pdf', sha256: 'a', bytes: 1, scanned: false, replaced: 0, fontSize: 11, text }],
      new Map([['a', { pageText: text, rows }]]));
    const t = s.tallies['born-digital'];
    expect(t.signature).toMatchObject({ tp: 0, fp: 1, labelled: 1 });
    expect(t.otherSignatures).toMatchObject({ tp: 0, fp: 1, labelled: 1 });
    expect(t.date).toMatchObject({ tp: 1, fp: 0 });
    expect(t.docType).toMatchObject({ tp: 0, fp: 0, labelled: 1 });
    expect(s.tallies.scanned.date.labelled).toBe(0);
  });

  it('takes the caseNumber marked as own when the product marks roles', () => {
    const rows = [
      row('caseNumber', 'WOP.7721.12.2023', 'WOP.7721.12.2023', { role: 'reference' }),
      row('caseNumber', 'II SA/Bk 571/23', 'II SA/Bk 571/23', { role: 'own' }),
    ];
    expect(claimedRows('signature', rows).map((r) => r.value)).toEqual(['II SA/Bk 571/23']);
    expect(claimedRows('otherSignatures', rows).map((r) => r.value)).toEqual(['WOP.7721.12.2023']);
  });
});

describe('sameOutcome', () => {
  it('accepts the label itself or its opening words, nothing that says more or else', () => {
    expect(sameOutcome('uchyla zaskarżoną decyzję', 'uchyla zaskarżoną decyzję oraz poprzedzającą ją decyzję')).toBe(true);
    expect(sameOutcome('Oddala skargę', 'oddala skargę')).toBe(true);
    expect(sameOutcome('oddala skargę kasacyjną', 'oddala skargę')).toBe(false);
    expect(sameOutcome('uchyla zaskarżony wyrok', 'uchyla zaskarżoną decyzję')).toBe(false);
    expect(sameOutcome('', 'oddala skargę')).toBe(false);
  });
});
