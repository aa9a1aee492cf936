/**
 * `kwerenda thesaurus`: the department's vocabulary (server/agent/thesaurus.json) as the search
 * uses it. Without options, one block a concept: its names, what clerks say, the document type a
 * question naming it asks for, and why the words belong together. With `--synonyms`, the Solr-format
 * lines for an Elasticsearch `synonym_graph` filter. Reads no archive: needs no data directory.
 */
import { Command } from 'commander';

const SYNONYMS_HELP = `
Reguły synonimów (--synonyms) są w formacie Solr: nazwy równoważne w jednym wierszu
(„wsa, wojewodzki sad administracyjny, …”), słowa potoczne jednokierunkowo
(„plot, parkan => ogrodzenie, …, plot, parkan”: wpisane słowo zostaje, dochodzą nazwy urzędowe).
Domyślnie bez polskich znaków (ł→l): filtr synonym_graph stawia się wtedy po lowercase i asciifolding, np.

  kwerenda thesaurus --synonyms > synonyms.txt
  (plik do katalogu config/analysis/ węzłów Elasticsearch), a w ustawieniach analizatora:
  "filter": { "kwerenda_synonyms": { "type": "synonym_graph", "synonyms_path": "analysis/synonyms.txt", "updateable": true } }
  "analyzer": { "…_search": { "tokenizer": "standard", "filter": ["lowercase", "asciifolding", "kwerenda_synonyms"] } }

Z --no-fold wiersze zachowują polskie znaki (dla analizatora bez asciifolding).`;

export interface ThesaurusOptions {
  synonyms?: boolean;
  fold?: boolean;
}

/** What the command prints (lines without the final newline). */
export async function thesaurusText(opts: ThesaurusOptions): Promise<string[]> {
  const { CONCEPTS, synonymLines } = await import('../agent/thesaurus.js');
  if (opts.synonyms) return synonymLines({ fold: opts.fold !== false });
  return CONCEPTS.flatMap((c) => [
    `${c.id}: ${c.terms.join(' · ')}`,
    ...(c.colloquial?.length ? [`  potocznie: ${c.colloquial.join(' · ')}`] : []),
    ...(c.broader?.length ? [`  także: ${c.broader.join(' · ')}`] : []),
    ...(c.docType ? [`  typ dokumentu: ${c.docType}`] : []),
    ...(c.issuer ? [`  organ: ${c.issuer}`] : []),
    `  uzasadnienie: ${c.usage}`,
    '',
  ]);
}

export function thesaurusCommand(): Command {
  return new Command('thesaurus')
    .description('Słownik wydziału (skróty, nazwy urzędowe, słowa potoczne); --synonyms: reguły synonimów dla Elasticsearch')
    .option('--synonyms', 'wiersze synonimów w formacie Solr dla filtra synonym_graph Elasticsearch')
    .option('--no-fold', 'z --synonyms: zachowaj polskie znaki (bez asciifolding)')
    .addHelpText('after', SYNONYMS_HELP)
    .action(async (opts: ThesaurusOptions) => {
      process.stdout.write((await thesaurusText(opts)).join('\n') + '\n');
    });
}
