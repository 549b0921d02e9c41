import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

interface EslintResult {
  messages: Array<{ ruleId: string | null; message: string }>;
}

/**
 * Lints `code` with the workspace's real ESLint config as if it were the given file, and returns the
 * rule ids and messages. (ESLint runs in its own process: its config is ESM, which Jest's VM cannot load.)
 */
function lintAs(relativePath: string, code: string): Promise<string[]> {
  const run = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', relativePath, '--format', 'json'],
    { cwd: root, input: code, encoding: 'utf8' },
  );
  if (!run.stdout) throw new Error(`eslint printed nothing: ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as EslintResult[];
  return Promise.resolve((result?.messages ?? []).map((m) => `${m.ruleId ?? 'parser'}: ${m.message}`));
}

describe('module boundaries are enforced, not decorative', () => {
  it('keeps the domain free of I/O', async () => {
    const problems = await lintAs('libs/domain/src/index.ts', "import { Client } from 'pg';\nexport const c = Client;\n");
    expect(problems.join('\n')).toMatch(/@nx\/enforce-module-boundaries: .*pg/);
  });

  it('keeps the domain from importing data-access libs', async () => {
    const problems = await lintAs(
      'libs/domain/src/index.ts',
      "import { createPrismaClient } from '@seedship/db';\nexport const f = createPrismaClient;\n",
    );
    expect(problems.join('\n')).toMatch(/type:domain" can only depend on libs tagged with "type:domain", "type:util"/);
  });

  it('keeps contracts from importing data access', async () => {
    const problems = await lintAs(
      'libs/contracts/src/index.ts',
      "import { createPrismaClient } from '@seedship/db';\nexport const f = createPrismaClient;\n",
    );
    expect(problems.join('\n')).toMatch(/type:contracts" can only depend on/);
  });

  it('keeps production code from importing the test harness', async () => {
    const problems = await lintAs(
      'libs/messaging/src/index.ts',
      "import { eventually } from '@seedship/testing';\nexport const e = eventually;\n",
    );
    expect(problems.join('\n')).toMatch(/type:data-access" can only depend on/);
  });

  it('forbids deep imports into another lib', async () => {
    const problems = await lintAs(
      'libs/jobs/src/index.ts',
      "import { SubjectNamespace } from '@seedship/messaging/src/lib/namespace';\nexport const n = SubjectNamespace;\n",
    );
    expect(problems.join('\n')).toMatch(/only through its public index|deep import|Imports of lazy-loaded/i);
  });

  it('flags a forgotten await', async () => {
    const problems = await lintAs(
      'libs/jobs/src/index.ts',
      'async function save(): Promise<void> {}\nexport function run(): void {\n  save();\n}\n',
    );
    expect(problems.join('\n')).toMatch(/no-floating-promises/);
  });
});
