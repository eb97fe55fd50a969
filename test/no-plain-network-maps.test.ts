import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Issue 11: "no name from the network ever becomes a key of a plain object". A plain `{}` inherits
// `constructor`, `toString`, ... and `__proto__` sets its prototype, so a lookup or write under a key
// chosen by a client, a researcher or a data file reads Object's members or pollutes them. This scans
// packages/*/src with the type checker for records (string-indexed types) created as object literals and
// then read or written under a computed, non-literal string key. Use a Map, `nullRecord()` of
// @federa/core, or `ownValue()` for reads of parsed JSON.

const ROOT = join(import.meta.dirname, '..');
const PACKAGES = ['core', 'protocol', 'server', 'client', 'cli'];

/**
 * Places a computed key is known not to come from the network, with why. Keep this short: a new
 * entry needs a reason a reviewer can check.
 */
const DESCRIPTOR = 'a field or type name of the compiled protobuf descriptor, not of a message';
const ALLOWED = new Map<string, string>([
  ['packages/protocol/src/message-rules.ts REQUIRED_FIELDS[typeName]', DESCRIPTOR],
  ['packages/protocol/src/wire-decode.ts out[field.name]', DESCRIPTOR],
  ['packages/protocol/src/wire-encode.ts out[field.name]', DESCRIPTOR],
  [
    'packages/cli/src/commands/sim.ts config[key]',
    "the operator's own --strategy-param flag, in their own process",
  ],
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A declaration's initializer is a plain object literal (`{}`, `{ a: 1 }`, `{ ...x }`). */
function plainLiteralInit(symbol: ts.Symbol | undefined): ts.ObjectLiteralExpression | undefined {
  for (const d of symbol?.declarations ?? []) {
    const init = ts.isVariableDeclaration(d) || ts.isPropertyDeclaration(d) ? d.initializer : undefined;
    let e = init;
    while (e && (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e)))
      e = e.expression;
    if (e && ts.isObjectLiteralExpression(e)) return e;
  }
  return undefined;
}

/** Element accesses `x[key]` on a string-indexed object literal where `key` is a non-literal string. */
function findings(program: ts.Program): string[] {
  const checker = program.getTypeChecker();
  const out: string[] = [];
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || !file.fileName.includes('/packages/')) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isElementAccessExpression(node)) {
        const key = node.argumentExpression;
        const keyType = checker.getTypeAtLocation(key);
        const computedString =
          !ts.isStringLiteralLike(key) &&
          !ts.isNumericLiteral(key) &&
          (keyType.flags & ts.TypeFlags.String) !== 0;
        const objectType = checker.getTypeAtLocation(node.expression);
        const indexed = checker.getIndexInfoOfType(objectType, ts.IndexKind.String) !== undefined;
        const target = ts.isPropertyAccessExpression(node.expression)
          ? node.expression.name
          : node.expression;
        const literal = plainLiteralInit(checker.getSymbolAtLocation(target));
        if (computedString && indexed && literal) {
          const { line } = file.getLineAndCharacterOfPosition(node.getStart());
          const where = `${relative(ROOT, file.fileName)}:${line + 1}`;
          const text = node.getText().slice(0, 60);
          if (!ALLOWED.has(`${relative(ROOT, file.fileName)} ${text}`)) out.push(`${where} ${text}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return out;
}

describe('no network-chosen name becomes a key of a plain object (issue 11)', () => {
  it('packages/*/src index no object literal by a computed string key', () => {
    const files = PACKAGES.flatMap((p) => sourceFiles(join(ROOT, 'packages', p, 'src')));
    const config = ts.getParsedCommandLineOfConfigFile(
      join(ROOT, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => undefined,
      },
    );
    const program = ts.createProgram(files, { ...config!.options, noEmit: true });
    expect(files.length).toBeGreaterThan(100);
    expect(findings(program)).toEqual([]);
  }, 120_000);

  it('catches the patterns of issue 11 rows 1 and 14 (a test that cannot fail is a defect)', () => {
    const source = `
      const ASSETS: Record<string, string> = { 'app.js': 'text/javascript' };
      export const type = (name: string) => ASSETS[name];
      export function sum(names: string[]) {
        const out: Record<string, { keys: number }> = {};
        for (const n of names) out[n] ??= { keys: 0 };
        const safe = new Map<string, number>();
        for (const n of names) safe.set(n, 1);
        const fixed: Record<string, number> = {};
        fixed['literal'] = 1;
        return { out, safe, fixed };
      }`;
    const path = join(ROOT, 'packages', 'probe', 'src', 'probe.ts');
    const host = ts.createCompilerHost({ strict: true, noEmit: true });
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, lang) =>
      name === path ? ts.createSourceFile(name, source, lang, true) : read(name, lang);
    const program = ts.createProgram([path], { strict: true, noEmit: true, types: [] }, host);
    expect(findings(program).map((f) => f.replace(/^.*?probe\.ts:\d+ /, ''))).toEqual([
      'ASSETS[name]',
      'out[n]',
    ]);
  });
});
