import { describe, expect, it } from 'vitest';
import { streetCandidates } from './executor.js';

describe('streetCandidates', () => {
  it('tries a street written with its town whole, then without the town word by word', () => {
    expect(streetCandidates('ul. Sosnowa Janków Przygodzki')).toEqual(['ul. Sosnowa Janków Przygodzki', 'ul. Sosnowa Janków', 'ul. Sosnowa']);
    expect(streetCandidates('ul. Zgierska Łódź')).toEqual(['ul. Zgierska Łódź', 'ul. Zgierska']);
  });
  it('keeps an address with a number, or a bare street, as asked', () => {
    expect(streetCandidates('ul. Morcinka 17 Kaczyce')).toEqual(['ul. Morcinka 17 Kaczyce']);
    expect(streetCandidates('ul. Polarna')).toEqual(['ul. Polarna']);
  });
});
