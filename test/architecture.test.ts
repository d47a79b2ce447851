import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// The dependency rules of the layout, checked over the import statements of the source tree:
// - `lambda/` is what is deployed and `cli/` runs on a laptop; neither reaches into the CDK side (`lib/`);
// - the engine is pure: no AWS SDK, Powertools, CDK or file system, so the CLI and the Lambda share it;
// - dependencies between folders point one way: no two folders import each other, directly or round
//   a loop.

const ROOT = resolve(import.meta.dirname, '..');

/** One import statement: the importing file and what it names, both as written. */
interface Import {
  /** Repository-relative, `/`-separated. */
  readonly file: string;
  readonly specifier: string;
  /** The imported file or folder, repository-relative, for a relative specifier. */
  readonly target?: string;
}

/** Static `import … from`, `export … from`, side-effect `import '…'`, and `import('…')` with a literal. */
const IMPORT =
  /^(?:import|export)\s+(?:type\s+)?[\w$*{}\s,]*?\s*from\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => {
    const specifier = match[1] ?? match[2] ?? match[3] ?? '';
    if (!specifier.startsWith('.')) return { file, specifier };
    const target = relative(ROOT, resolve(ROOT, dirname(file), specifier))
      .split(sep)
      .join('/');
    return { file, specifier, target };
  });
}

/** The folder an import lands in: the folder itself for `./remediate` (its index), else the file's. */
function targetFolder(target: string): string {
  const path = join(ROOT, target);
  return existsSync(path) && statSync(path).isDirectory() ? target : dirname(target);
}

function isWithin(folder: string, ancestor: string): boolean {
  return ancestor === '.' || folder === ancestor || folder.startsWith(`${ancestor}/`);
}

/** One file importing another: `to` is the imported file, `folder` the folder it lands in. */
interface FolderImport {
  readonly from: string;
  readonly to: string;
  readonly folder: string;
}

/**
 * Folder-level import cycles: each group of folders that import each other round a loop, with the
 * imports that make it. Two folders are compared as the children of their common ancestor
 * (`lambda/pipeline` → `lambda/engine/diagnose` counts as `lambda/pipeline` → `lambda/engine`). A
 * folder and a folder inside it are not compared: a folder's own files (`lambda/engine/types.ts`) are
 * the vocabulary its parts share.
 */
function folderCycles(imports: readonly FolderImport[]): string[] {
  const edges = new Map<string, Map<string, string>>();
  for (const { from, to, folder } of imports) {
    const source = dirname(from);
    if (isWithin(source, folder) || isWithin(folder, source)) continue;
    const common = commonAncestor(source, folder);
    const [a, b] = [childOf(common, source), childOf(common, folder)];
    const out = edges.get(a) ?? new Map<string, string>();
    if (!out.has(b)) out.set(b, `${from} → ${to}`);
    edges.set(a, out);
  }
  return stronglyConnected(edges)
    .filter((group) => group.length > 1)
    .map((group) => {
      const members = new Set(group);
      const via = group.flatMap((folder) =>
        [...(edges.get(folder) ?? [])].filter(([next]) => members.has(next)).map(([, example]) => example),
      );
      return `${group.sort().join(' ⇄ ')} (${via.sort().join('; ')})`;
    })
    .sort();
}

/** The child of `ancestor` that holds `folder`: `childOf('lambda', 'lambda/engine/parse')` is `lambda/engine`. */
function childOf(ancestor: string, folder: string): string {
  const depth = ancestor === '.' ? 1 : ancestor.split('/').length + 1;
  return folder.split('/').slice(0, depth).join('/');
}

function commonAncestor(a: string, b: string): string {
  const left = a.split('/');
  const right = b.split('/');
  let i = 0;
  while (i < left.length && i < right.length && left[i] === right[i]) i++;
  return i === 0 ? '.' : left.slice(0, i).join('/');
}

/** Tarjan's algorithm: the groups of nodes that reach each other. */
function stronglyConnected(edges: ReadonlyMap<string, ReadonlyMap<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const groups: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        group.push(member);
      } while (member !== node);
      groups.push(group);
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return groups;
}

const RUNTIME = [...sourceFiles('lambda'), ...sourceFiles('cli')];
const ALL = [...RUNTIME, ...sourceFiles('lib')];

describe('the runtime and the CDK side', () => {
  it('keeps lambda/ and cli/ free of imports from lib/', () => {
    // Act
    const offending = RUNTIME.flatMap(importsOf)
      .filter((i) => i.target !== undefined && isWithin(i.target, 'lib'))
      .map((i) => `${i.file} imports ${i.specifier}`);

    // Assess
    expect(offending).toEqual([]);
  });
});

describe('the engine', () => {
  const FORBIDDEN = [
    /^@aws-sdk\//,
    /^@aws-lambda-powertools\//,
    /^aws-cdk-lib(\/|$)/,
    /^constructs$/,
    /^(node:)?fs(\/|$)/,
  ];

  it('imports no AWS SDK, Powertools, CDK or file system, so the CLI and the Lambda share it', () => {
    // Act
    const offending = sourceFiles('lambda/engine')
      .flatMap(importsOf)
      .filter((i) => FORBIDDEN.some((pattern) => pattern.test(i.specifier)))
      .map((i) => `${i.file} imports ${i.specifier}`);

    // Assess
    expect(offending).toEqual([]);
  });
});

describe('dependencies between folders', () => {
  const edge = (from: string, to: string): FolderImport => ({ from, to, folder: dirname(to) });

  it('finds two folders that import each other, and a loop round three', () => {
    // Prepare
    const imports = [
      edge('lambda/dedup/sweep.ts', 'lambda/delivery/deliver.ts'),
      edge('lambda/delivery/deliver.ts', 'lambda/dedup/store.ts'),
      edge('lambda/a/x.ts', 'lambda/b/x.ts'),
      edge('lambda/b/x.ts', 'lambda/c/x.ts'),
      edge('lambda/c/x.ts', 'lambda/a/x.ts'),
      edge('lambda/engine/types.ts', 'lambda/engine/classify/categories.ts'),
      edge('lambda/engine/classify/classify.ts', 'lambda/engine/types.ts'),
    ];

    // Act
    const cycles = folderCycles(imports);

    // Assess
    expect(cycles).toEqual([
      'lambda/a ⇄ lambda/b ⇄ lambda/c (lambda/a/x.ts → lambda/b/x.ts; lambda/b/x.ts → lambda/c/x.ts; lambda/c/x.ts → lambda/a/x.ts)',
      'lambda/dedup ⇄ lambda/delivery (lambda/dedup/sweep.ts → lambda/delivery/deliver.ts; lambda/delivery/deliver.ts → lambda/dedup/store.ts)',
    ]);
  });

  it('compares folders at the level where they part: a deep import counts for the folder it is in', () => {
    // Prepare
    const imports = [
      edge('lambda/engine/render/content.ts', 'lambda/pipeline/messages.ts'),
      edge('lambda/pipeline/diagnose.ts', 'lambda/engine/diagnose/problem.ts'),
    ];

    // Act
    const cycles = folderCycles(imports);

    // Assess
    expect(cycles).toEqual([
      'lambda/engine ⇄ lambda/pipeline (lambda/engine/render/content.ts → lambda/pipeline/messages.ts; lambda/pipeline/diagnose.ts → lambda/engine/diagnose/problem.ts)',
    ]);
  });

  it('has no two folders of lambda/, cli/ or lib/ that import each other', () => {
    // Prepare
    const imports = ALL.flatMap(importsOf).flatMap(({ file, target }) =>
      target === undefined ? [] : [{ from: file, to: target, folder: targetFolder(target) }],
    );

    // Act
    const cycles = folderCycles(imports);

    // Assess
    expect(imports.length).toBeGreaterThan(100);
    expect(cycles).toEqual([]);
  });
});
