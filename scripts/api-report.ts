/**
 * The API report: every name each entry point of package.json "exports" gives its users, with its kind
 * and signature, in the spirit of api-extractor's .api.md. `npm run api:report` writes
 * api/push-contracts.api.md; `--check` (run by src/api-report.test.ts) fails when the surface and the
 * checked-in report differ, so a change to what users can import is a deliberate one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
export const REPORT_FILE = path.join(ROOT, 'api', 'push-contracts.api.md');

/** The source of each subpath of package.json "exports": dist/x.js is built from src/x.ts. */
export function entryPoints(): Array<{ subpath: string; file: string }> {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
  return Object.entries(pkg.exports)
    .filter(([, target]) => typeof target === 'object' && target !== null && 'default' in target)
    .map(([subpath, target]) => {
      const js = (target as { default: string }).default;
      const file = path.join(ROOT, js.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
      return { subpath: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`, file };
    });
}

const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope | ts.TypeFormatFlags.WriteArrowStyleSignature;
const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')').trim();
}

function isPublic(decl: ts.Declaration | undefined): boolean {
  if (!decl) return true;
  const flags = ts.getCombinedModifierFlags(decl);
  const name = ts.getNameOfDeclaration(decl);
  return !(flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) && !(name && ts.isPrivateIdentifier(name));
}

function describe(checker: ts.TypeChecker, name: string, exported: ts.Symbol): string[] {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  // A class merged with an interface (PushApiError) is reported as the class.
  const decl = symbol.declarations?.find(ts.isClassDeclaration) ?? symbol.declarations?.[0];
  if (!decl) return [`unknown ${name}`];
  const sf = decl.getSourceFile();
  const print = (node: ts.Node): string => oneLine(printer.printNode(ts.EmitHint.Unspecified, node, sf));
  if (ts.isFunctionDeclaration(decl)) {
    const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
    return type.getCallSignatures().map((s) => `function ${name}${oneLine(checker.signatureToString(s, decl, ts.TypeFormatFlags.NoTruncation))}`);
  }
  if (ts.isClassDeclaration(decl)) {
    const lines = [`class ${name}${decl.heritageClauses ? ' ' + decl.heritageClauses.map(print).join(' ') : ''}`];
    const ctorType = checker.getTypeOfSymbolAtLocation(symbol, decl);
    for (const s of ctorType.getConstructSignatures()) lines.push(`  constructor${oneLine(checker.signatureToString(s, decl, ts.TypeFormatFlags.NoTruncation)).replace(/:[^:]*$/, '')}`);
    const instance = checker.getDeclaredTypeOfSymbol(symbol);
    for (const member of checker.getPropertiesOfType(instance)) {
      const md = member.valueDeclaration ?? member.declarations?.[0];
      // Own members only: what Error (or another base) gives is that base's surface, not ours.
      if (!isPublic(md) || member.name.startsWith('#') || md?.parent !== decl) continue;
      const t = checker.getTypeOfSymbolAtLocation(member, md ?? decl);
      const sigs = member.flags & ts.SymbolFlags.Method ? t.getCallSignatures() : [];
      if (sigs.length > 0) for (const s of sigs) lines.push(`  ${member.name}${oneLine(checker.signatureToString(s, md, ts.TypeFormatFlags.NoTruncation))}`);
      else if (md && (ts.isPropertyDeclaration(md) || ts.isParameter(md)) && md.type) lines.push(`  ${member.name}: ${print(md.type)}`);
      else lines.push(`  ${member.name}: ${oneLine(checker.typeToString(t, md, FLAGS))}`);
    }
    return lines;
  }
  if (ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl)) {
    // As written (comments dropped): a generated alias stays `keyof ...`, not the catalogue's data.
    return (symbol.declarations ?? []).filter((d) => ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d)).map((d) => print(d).replace(/^export /, '').replace(/^declare /, ''));
  }
  if (ts.isVariableDeclaration(decl)) {
    if (decl.type) return [`const ${name}: ${print(decl.type)}`];
    // An object table (errorCodes): its keys are the surface, the texts of its values are data.
    const init = decl.initializer && ts.isAsExpression(decl.initializer) ? decl.initializer.expression : decl.initializer;
    if (init && ts.isObjectLiteralExpression(init)) {
      const keys = checker.getPropertiesOfType(checker.getTypeOfSymbolAtLocation(symbol, decl)).map((p) => p.name);
      return [`const ${name}: { ${keys.join('; ')} }`];
    }
    return [`const ${name}: ${oneLine(checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, decl), decl, FLAGS))}`];
  }
  return [`${ts.SyntaxKind[decl.kind]} ${name}`];
}

export interface EntrySurface {
  readonly subpath: string;
  readonly file: string;
  /** Every exported name with its report lines. */
  readonly names: ReadonlyArray<{ readonly name: string; readonly value: boolean; readonly lines: readonly string[] }>;
}

/** What each entry point exports, read by the type checker from the sources. */
export function apiSurface(): EntrySurface[] {
  const entries = entryPoints();
  // lib ES2022 as tsconfig.json has it: the target's default adds the DOM's declarations, which the build
  // never sees and which were a seventh of this program's parse (2.3 s -> 2.0 s).
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true, esModuleInterop: true, resolveJsonModule: true, skipLibCheck: true, noEmit: true, types: ['node'],
  };
  const host = ts.createCompilerHost(options);
  // No JSDoc is parsed: the report prints types and declarations without comments, and in .ts files JSDoc
  // carries no type. @types/node alone is 2.2 MB of mostly JSDoc.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseNone;
  const program = ts.createProgram({ rootNames: entries.map((e) => e.file), options, host });
  const checker = program.getTypeChecker();
  return entries.map(({ subpath, file }) => {
    const sf = program.getSourceFile(file);
    const moduleSymbol = sf && checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) throw new Error(`${path.relative(ROOT, file)}: not found or not a module`);
    const names = checker.getExportsOfModule(moduleSymbol).sort((a, b) => a.name.localeCompare(b.name)).map((e) => {
      const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
      // A type-only re-export (export type { X }) is no value even when X is a class.
      const typeOnly = (e.declarations ?? []).some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly));
      return { name: e.name, value: !typeOnly && (target.flags & ts.SymbolFlags.Value) !== 0, lines: describe(checker, e.name, e) };
    });
    return { subpath, file, names };
  });
}

export function renderReport(surface: readonly EntrySurface[] = apiSurface()): string {
  const out = [
    '# push-contracts API report',
    '',
    '<!-- Generated by scripts/api-report.ts from the entry points of package.json "exports". Do not edit; run `npm run api:report`. -->',
    '',
    'Every name a user can import, by entry point. src/api-report.test.ts fails when this file and the code differ:',
    'a change to the public surface is made on purpose, by running `npm run api:report` and committing the result.',
    '',
  ];
  for (const { subpath, file, names } of surface) {
    out.push(`## ${subpath}`, '', `From \`${path.relative(ROOT, file)}\`: ${names.length} names.`, '', '```ts');
    for (const n of names) out.push(...n.lines);
    out.push('```', '');
  }
  return out.join('\n');
}

if (require.main === module) {
  const text = renderReport();
  const rel = path.relative(ROOT, REPORT_FILE);
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(REPORT_FILE) ? fs.readFileSync(REPORT_FILE, 'utf8') : '';
    if (current !== text) {
      process.stderr.write(`${rel} is stale: the public API changed. Run \`npm run api:report\` and commit it if the change is meant.\n`);
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
    fs.writeFileSync(REPORT_FILE, text);
    process.stdout.write(`wrote ${rel}\n`);
  }
}
