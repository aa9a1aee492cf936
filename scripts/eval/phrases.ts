/**
 * Polish wording of evaluation questions: how a clerk types a signature, names a kind of document,
 * describes what a case is about, or asks for something the archive does not hold. Only wording
 * lives here; which files are relevant is decided in questions.ts.
 */
import type { DocSubtype, DocType, GtFile } from '../../fixtures/ground-truth.js';
import { foldForCompare } from '../../ingest/text/fold.js';

/** Lower case without Polish diacritics, keeping punctuation: "Kuźnicza" → "kuznicza". */
export const plain = (s: string): string => foldForCompare(s);

/** A signature as clerks type it: as printed, lower case, with a space after the prefix, or as the folder name. */
export function signatureVariants(sig: string): string[] {
  const jrwa = /^([A-Z-]+)\.(\d{4}\..+)$/.exec(sig);
  const old = /^([A-Z-]+)\/(\d{4}(?:-\d+)?\/.+)$/.exec(sig);
  const spaced = jrwa ? `${jrwa[1]} ${jrwa[2]}` : old ? `${old[1]} ${old[2]}` : sig;
  const fourth = old ? sig.replace(/\//g, '_') : spaced.toLowerCase();
  return [...new Set([sig, sig.toLowerCase(), spaced, fourth])];
}

export const SIGNATURE_TEMPLATES: readonly ((s: string) => string)[] = [
  (s) => s,
  (s) => `sprawa ${s}`,
  (s) => `pisma ze znakiem ${s}`,
  (s) => `znak ${s}`,
  (s) => `gdzie jest mowa o sprawie ${s}`,
];

export const WHOLE_CASE_TEMPLATES: readonly ((s: string) => string)[] = [
  (s) => `wszystkie pisma w sprawie ${s}`,
  (s) => `akta sprawy ${s}`,
  (s) => `cała sprawa ${s}`,
  (s) => `komplet dokumentów sprawy ${s}`,
];

/** `o` is the precinct; templates with `o === undefined` leave it out. */
export const PARCEL_TEMPLATES: readonly { withPrecinct: boolean; ask: (n: string, o: string) => string }[] = [
  { withPrecinct: true, ask: (n, o) => `co wydano dla działki ${n} obręb ${o}` },
  { withPrecinct: false, ask: (n) => `działka nr ${n}` },
  { withPrecinct: true, ask: (n, o) => `dz. nr ${n} obr. ${o}` },
  { withPrecinct: false, ask: (n) => `dzialka ${n}` },
  { withPrecinct: true, ask: (n, o) => `dzialka ${n} ${plain(o)}` },
];

/** `nom` and `loc` with the prefix ("ul. Kuźnicza", "ul. Kuźniczej"). */
export const ADDRESS_TEMPLATES: readonly ((nom: string, loc: string, n: string) => string)[] = [
  (_nom, loc, n) => `przy ${loc} ${n}`,
  (nom, _loc, n) => `${nom} ${n}`,
  (_nom, loc, n) => `budowa przy ${plain(loc)} ${n} we Wroclawiu`,
  (nom, _loc, n) => `${plain(nom.replace(/^(?:ul|al|pl|os)\.\s*/, ''))} ${n}`,
];

/** `gen` is the genitive ("Zbigniewa Mazura", "spółki Odra Development Sp. z o.o."), `hon` with "Pana/Pani" for persons. */
export const INVESTOR_TEMPLATES: readonly ((nom: string, gen: string, hon: string) => string)[] = [
  (nom) => nom,
  (_nom, gen) => `sprawy ${gen}`,
  (nom) => plain(nom.replace(/[„”"]/g, '')),
  (_nom, _gen, hon) => `wniosek ${hon}`,
];

/** A kind of document a clerk asks for by name, with two wordings ({Y} = the year or range). */
export interface DocClass {
  id: string;
  match: (f: GtFile) => boolean;
  wordings: readonly [string, string];
}

const type = (...t: DocType[]) => (f: GtFile) => t.includes(f.docType);
const sub = (s: DocSubtype) => (f: GtFile) => f.docSubtype === s;

export const DOC_CLASSES: readonly DocClass[] = [
  // A "decyzja o wniesieniu sprzeciwu" is a decision too (heading "DECYZJA NR …").
  { id: 'decyzja', match: type('decyzja', 'sprzeciw'), wordings: ['decyzje z {Y}', 'decyzje wydane w {Y} r.'] },
  { id: 'pozwolenie', match: sub('pozwolenie-na-budowe'), wordings: ['pozwolenia na budowę z {Y}', 'decyzje o pozwoleniu na budowe {Y}'] },
  { id: 'odmowa', match: sub('odmowa-pozwolenia'), wordings: ['odmowy pozwolenia na budowę z {Y} roku', 'decyzje odmowne {Y}'] },
  { id: 'wz', match: sub('warunki-zabudowy'), wordings: ['decyzje o warunkach zabudowy z {Y}', 'decyzje WZ z {Y} r.'] },
  { id: 'sprzeciw', match: type('sprzeciw'), wordings: ['sprzeciwy od zgłoszeń z {Y}', 'decyzje o wniesieniu sprzeciwu {Y}'] },
  { id: 'postanowienie', match: type('postanowienie'), wordings: ['postanowienia z {Y}', 'postanowienia o usunięciu nieprawidłowości z {Y} r.'] },
  { id: 'zawiadomienie', match: type('zawiadomienie'), wordings: ['zawiadomienia o wszczęciu postępowania z {Y}', 'zawiadomienia z roku {Y}'] },
  { id: 'protokol', match: type('protokol'), wordings: ['protokoły oględzin z {Y}', 'protokol ogledzin {Y}'] },
  { id: 'odwolanie', match: type('odwolanie'), wordings: ['odwołania z {Y}', 'odwołania od decyzji złożone w {Y}'] },
  { id: 'wniosek', match: type('wniosek'), wordings: ['wnioski o pozwolenie na budowę z {Y}', 'wnioski z {Y} r.'] },
  { id: 'zgloszenie', match: type('zgloszenie'), wordings: ['zgłoszenia robót budowlanych z {Y}', 'zgloszenia budowy {Y}'] },
  { id: 'pelnomocnictwo', match: type('pelnomocnictwo'), wordings: ['pełnomocnictwa z {Y}', 'pelnomocnictwa {Y}'] },
];

/** What a building project is called: accusative after "na", a colloquial/plain variant, genitive. */
export interface BuildingWords {
  acc: string;
  acc2: string;
  gen: string;
}

/** Keys are `GtCase.buildingType` (fixtures/vocab.ts BUILDING_TYPES). */
export const BUILDINGS: Readonly<Record<string, BuildingWords>> = {
  'dom-jednorodzinny': { acc: 'budowę domu jednorodzinnego z garażem', acc2: 'budowe budynku mieszkalnego jednorodzinnego', gen: 'budowy domu jednorodzinnego' },
  rozbudowa: { acc: 'rozbudowę domu jednorodzinnego', acc2: 'rozbudowe budynku mieszkalnego od strony ogrodu', gen: 'rozbudowy domu jednorodzinnego' },
  nadbudowa: { acc: 'nadbudowę budynku wielorodzinnego o jedną kondygnację', acc2: 'nadbudowe bloku o poddasze uzytkowe', gen: 'nadbudowy budynku wielorodzinnego' },
  wielorodzinny: { acc: 'budowę budynku wielorodzinnego z garażem podziemnym', acc2: 'budowe bloku mieszkalnego z garazem podziemnym', gen: 'budowy budynku wielorodzinnego' },
  'zmiana-sposobu-uzytkowania': { acc: 'zmianę sposobu użytkowania mieszkania na gabinet stomatologiczny', acc2: 'przerobienie lokalu mieszkalnego na gabinet dentystyczny', gen: 'zmiany sposobu użytkowania lokalu' },
  garaz: { acc: 'budowę garażu wolnostojącego', acc2: 'postawienie garazu na dwa samochody', gen: 'budowy garażu dwustanowiskowego' },
  'budynek-gospodarczy': { acc: 'budowę budynku gospodarczego', acc2: 'postawienie parterowego budynku gospodarczego', gen: 'budowy budynku gospodarczego' },
};

/** Projects close enough that a clerk could accept one for the other: their documents are neutral. */
export const RELATED_BUILDINGS: Readonly<Record<string, readonly string[]>> = {
  'dom-jednorodzinny': ['rozbudowa'],
  rozbudowa: ['dom-jednorodzinny'],
  nadbudowa: ['wielorodzinny'],
  wielorodzinny: ['nadbudowa'],
};

/** What a paraphrase asks for, described without any identifier. */
export interface ParaphraseTarget {
  id: string;
  match: (f: GtFile) => boolean;
  wordings: readonly [(b: BuildingWords) => string, (b: BuildingWords) => string];
}

export const PARAPHRASE_TARGETS: readonly ParaphraseTarget[] = [
  { id: 'pozwolenie', match: sub('pozwolenie-na-budowe'), wordings: [(b) => `pozwolenie na ${b.acc}`, (b) => `zgoda na ${b.acc2}`] },
  { id: 'odmowa', match: sub('odmowa-pozwolenia'), wordings: [(b) => `odmowa pozwolenia na ${b.acc}`, (b) => `odmówiono pozwolenia na ${b.acc2}`] },
  { id: 'sprzeciw', match: type('sprzeciw'), wordings: [(b) => `sprzeciw od zgłoszenia ${b.gen}`, (b) => `urząd nie zgodził się na ${b.acc2}`] },
  { id: 'wz', match: sub('warunki-zabudowy'), wordings: [(b) => `ustalenie warunków zabudowy dla ${b.gen}`, (b) => `wz na ${b.acc2}`] },
  { id: 'odwolanie', match: type('odwolanie'), wordings: [(b) => `odwołanie od decyzji w sprawie ${b.gen}`, (b) => `strona odwołała się od decyzji dotyczącej ${b.gen}`] },
  { id: 'wniosek', match: type('wniosek'), wordings: [(b) => `wniosek o pozwolenie na ${b.acc}`, (b) => `wniosek inwestora o ${b.acc2}`] },
  { id: 'zgloszenie', match: type('zgloszenie'), wordings: [(b) => `zgłoszenie ${b.gen}`, (b) => `zgłoszono ${b.acc2}`] },
];

/**
 * Identifiers invented to exist nowhere (signature numbers above the generator's 2400, parcel
 * second parts above 36, streets and names outside its vocabulary). Each is still checked against
 * every page of the ground truth before use.
 */
export const ABSENT = {
  signatures: ['WUA-ZRB.6740.1.2999.2017', 'UA-AB/7351/3999/2009', 'WUA-ZWZ.6730.2.2998.2021', 'WUA-ZRB.6743.1.2997.2014'],
  parcels: ['99/9', '777/77', '999/98', '421/37'],
  streets: [
    { nom: 'ul. Bursztynowa', loc: 'ul. Bursztynowej', number: '7' },
    { nom: 'ul. Cynamonowa', loc: 'ul. Cynamonowej', number: '15' },
    { nom: 'al. Kasztanowa', loc: 'al. Kasztanowej', number: '3' },
    { nom: 'ul. Pszeniczna', loc: 'ul. Pszenicznej', number: '21' },
  ],
  investors: [
    // `probe`: the distinctive part, which must occur in no page (folded).
    { nom: 'Hieronim Kwiatkowski', gen: 'Hieronima Kwiatkowskiego', probe: 'kwiatkowsk' },
    { nom: 'Alfa-Beton Sp. z o.o.', gen: 'spółki Alfa-Beton Sp. z o.o.', probe: 'alfa-beton' },
    { nom: 'Barbara Lisiecka', gen: 'Barbary Lisieckiej', probe: 'lisieck' },
    { nom: 'Spółdzielnia Mieszkaniowa „Zielony Gaj”', gen: 'Spółdzielni Mieszkaniowej „Zielony Gaj”', probe: 'zielony gaj' },
  ],
} as const;

export const ABSENT_TEMPLATES = {
  signature: [(s: string) => `decyzja w sprawie ${s}`, (s: string) => `wszystkie pisma w sprawie ${s}`],
  parcel: [(n: string, o: string) => `co wydano dla działki ${n} obręb ${o}`, (n: string) => `działka nr ${n}`],
  address: [(loc: string, n: string) => `pozwolenie na budowę przy ${loc} ${n}`, (loc: string, n: string) => `przy ${loc} ${n}`],
  investor: [(nom: string) => nom, (_nom: string, gen: string) => `sprawy ${gen}`],
} as const;
