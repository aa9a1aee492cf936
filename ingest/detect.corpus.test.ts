/** detectType on every file of the real third-party corpus (hostile, odd and misnamed files). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDir as CORPUS } from '../test/helpers/paths.js';
import { detectType, type DetectedKind } from './detect.js';

/** Every file of the real corpus → expected kind (and, for some, a description fragment). */
const EXPECTED: Record<string, DetectedKind | [DetectedKind, string]> = {
  'MANIFEST.md': ['unsupported', 'text/plain'],
  'gitprawo_kodeks.pdf': 'pdf',
  'libtiff_ojpeg_chewey_subsamp21_multi_strip.tiff': 'tiff',
  'libtiff_test_ifd_loop_to_self.tif': 'tiff',
  'libtiff_testfax3_bug54_1dnoEOL.tif': 'tiff',
  'libtiff_testfax4.tiff': 'tiff',
  'ocrmypdf_2400dpi.pdf': 'pdf',
  'ocrmypdf_3small.pdf': 'pdf',
  'ocrmypdf_aspect.pdf': 'pdf',
  'ocrmypdf_c02-22.pdf': 'pdf',
  'ocrmypdf_cardinal.pdf': 'pdf',
  'ocrmypdf_ccitt.pdf': 'pdf',
  'ocrmypdf_enormous.pdf': 'pdf',
  'ocrmypdf_epson.pdf': 'pdf',
  'ocrmypdf_graph_ocred.pdf': 'pdf',
  'ocrmypdf_hugemono.pdf': 'pdf',
  // %PDF header followed by %%EOF only: still a PDF; parsing fails later with a reason.
  'ocrmypdf_invalid.pdf': 'pdf',
  'ocrmypdf_jbig2.pdf': 'pdf',
  'ocrmypdf_jbig2_baddevicen.pdf': 'pdf',
  'ocrmypdf_kcs.pdf': 'pdf',
  'ocrmypdf_lichtenstein.pdf': 'pdf',
  'ocrmypdf_linn.png': 'png',
  'ocrmypdf_linn.txt': ['unsupported', 'text/plain'],
  'ocrmypdf_multipage.pdf': 'pdf',
  'ocrmypdf_negzero.pdf': 'pdf',
  'ocrmypdf_no_contents.pdf': 'pdf',
  'ocrmypdf_overlay.pdf': 'pdf',
  'ocrmypdf_rotated_skew.pdf': 'pdf',
  'ocrmypdf_skew.pdf': 'pdf',
  'ocrmypdf_tagged.pdf': 'pdf',
  'pdfjs_bug1250079.pdf': 'pdf',
  'pdfjs_bug1980958.pdf': 'pdf',
  'pdfjs_large_jpeg_downscale.pdf': 'pdf',
  'pdfjs_scan-bad.pdf': 'pdf',
  'polishlaw_D19180001.md': ['unsupported', 'text/plain'],
  'pypdf_libreoffice-writer-password.pdf': 'pdf',
  'pypdf_source-odt-renamed.pdf': ['unsupported', 'OpenDocument text (application/vnd.oasis.opendocument.text)'],
  'qpdf_bad-xref.pdf': 'pdf',
  'qpdf_deep-pages.pdf': 'pdf',
  'qpdf_empty.pdf': 'pdf',
  'qpdf_enc-XI-R6_V5_U-view_O-master.pdf': 'pdf',
  'qpdf_encrypted-with-images.pdf': 'pdf',
  // Fuzzer output: binary PDF fragments ('trailer', 'obj', '/Root') but no %PDF header at all.
  'qpdf_fuzz_69977a.pdf': ['unsupported', 'to nie jest PDF (brak nagłówka %PDF)'],
  'qpdf_leading-junk.pdf': ['pdf', '14 bajtów śmieci przed %PDF-'],
  'tesseract_8087_054.3B.tif': 'tiff',
  'tesseract_8087_054.3B.txt': ['unsupported', 'text/plain'],
  'tesseract_eurotext.tif': 'tiff',
  'tesseract_eurotext.txt': ['unsupported', 'text/plain'],
  'tesseract_phototest-rotated-180.png': 'png',
  'tesseract_phototest.tif': 'tiff',
  'tesseract_phototest.txt': ['unsupported', 'text/plain'],
  'tesspol_sample_pl-part1-times-digital_cam.box': ['unsupported', 'text/plain'],
  'tesspol_sample_pl-part1-times-digital_cam.tif': 'tiff',
  'tesspol_sample_pl-part1.gt.txt': ['unsupported', 'text/plain'],
  'tesspol_sample_pl-part2-courier-scanner_HP_DeskJet_F4180_300dpi.box': ['unsupported', 'text/plain'],
  'tesspol_sample_pl-part2-courier-scanner_HP_DeskJet_F4180_300dpi.tif': 'tiff',
  'tesspol_sample_pl-part2.gt.txt': ['unsupported', 'text/plain'],
  'tesspol_sample_pl-part3-times-scanner_Brother_DCP-135C_300dpi.box': ['unsupported', 'text/plain'],
  'tesspol_sample_pl-part3-times-scanner_Brother_DCP-135C_300dpi.tif': 'tiff',
  'tesspol_sample_pl-part3.gt.txt': ['unsupported', 'text/plain'],
};

const MIME: Partial<Record<DetectedKind, string>> = { pdf: 'application/pdf', tiff: 'image/tiff', jpeg: 'image/jpeg', png: 'image/png' };

describe('detectType on the real corpus', () => {
  it('has an expectation for every corpus file', () => {
    expect(fs.readdirSync(CORPUS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, want] of Object.entries(EXPECTED)) {
    it(file, async () => {
      const [kind, fragment] = Array.isArray(want) ? want : [want, undefined];
      const got = await detectType(path.join(CORPUS, file));
      expect(got.kind).toBe(kind);
      if (MIME[kind]) expect(got.mime).toBe(MIME[kind]);
      if (fragment) expect(got.description).toContain(fragment);
    });
  }
});
