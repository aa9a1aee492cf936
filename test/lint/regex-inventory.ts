/**
 * Every regular expression of the application code (`ingest/`, `server/`), for the ReDoS check:
 * literals are read from the syntax tree; patterns built with `new RegExp(…)` are recorded while
 * their modules load (the global constructor is wrapped for the time of the import), so a pattern
 * assembled from constants is checked exactly as it runs. A constructor call that does not run
 * at load time (inside a function) is reported as a site without a pattern, to be moved to module
 * level or listed with a reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export interface RegexSite {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  line: number;
  source: string;
  flags: string;
}

export interface ConstructorSite {
  file: string;
  line: number;
  /** The constructor's first argument as written. */
  argument: string;
}

function sourceFiles(root: string, dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !/\.test\.ts$|testkit\.ts$/.test(e.name)) out.push(p);
    }
  };
  for (const d of dirs) walk(d);
  return out.sort();
}

function isRegExpCall(n: ts.Node): n is ts.NewExpression | ts.CallExpression {
  return (ts.isNewExpression(n) || ts.isCallExpression(n)) && ts.isIdentifier(n.expression) && n.expression.text === 'RegExp';
}

/** Regex literals and `RegExp(…)` call sites of the given folders (tests and test kits left out). */
export function scanSources(root: string, dirs: string[]): { literals: RegexSite[]; constructors: ConstructorSite[] } {
  const literals: RegexSite[] = [];
  const constructors: ConstructorSite[] = [];
  for (const file of sourceFiles(root, dirs)) {
    const sf = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    const lineOf = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const visit = (n: ts.Node): void => {
      if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = (n as ts.RegularExpressionLiteral).text;
        const slash = text.lastIndexOf('/');
        literals.push({ file, line: lineOf(n), source: text.slice(1, slash), flags: text.slice(slash + 1) });
      } else if (isRegExpCall(n)) {
        constructors.push({ file, line: lineOf(n), argument: n.arguments?.[0]?.getText(sf) ?? '' });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { literals, constructors };
}

/**
 * Patterns the given files build with the RegExp constructor while they load. Call it in a
 * process that has not imported them yet (a test file of its own), or nothing is recorded.
 */
export async function constructedPatterns(root: string, files: string[]): Promise<RegexSite[]> {
  const Native = RegExp;
  const seen: RegexSite[] = [];
  const absRoot = path.resolve(root);
  const Recording = new Proxy(Native, {
    construct(target, args: unknown[], newTarget) {
      const re = Reflect.construct(target, args, newTarget === Recording ? target : newTarget) as RegExp;
      const frame = (new Error().stack ?? '').split('\n').find((l) => l.includes(absRoot) && !l.includes('/test/lint/'));
      const at = frame ? /(\/[^():]+\.ts):(\d+):\d+/.exec(frame) : null;
      if (at?.[1] && at[2]) {
        seen.push({ file: path.relative(absRoot, at[1]).split(path.sep).join('/'), line: Number(at[2]), source: re.source, flags: re.flags });
      }
      return re;
    },
    apply(target, _this, args: unknown[]) {
      return Reflect.construct(Recording, args, Recording) as RegExp;
    },
  });
  globalThis.RegExp = Recording;
  try {
    for (const f of files) await import(pathToFileURL(path.join(absRoot, f)).href);
  } finally {
    globalThis.RegExp = Native;
  }
  return seen;
}
