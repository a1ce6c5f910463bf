/**
 * The architecture's "never" arrows fail lint (eslint.config.mjs), each proved here by linting a forbidden import as
 * if it were in a real file of that part of the tree; and the deployed bot loads no simulator module.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
const ROOT = path.resolve(__dirname, '../..');

/**
 * The messages of no-restricted-imports for each `[file, code]`: `code` linted as if it were the content of `file`.
 * ESLint loads its flat config with a dynamic import, which jest's module sandbox does not allow, so the linting runs
 * in a child process (one for all cases).
 */
function restrictedImports(cases: [string, string][]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const path = require('node:path');
    const cases = JSON.parse(process.argv[1]);
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const [file, code] of cases) {
        const [result] = await eslint.lintText(code, { filePath: path.join(process.cwd(), file) });
        out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
  const run = spawnSync(process.execPath, ['-e', script, JSON.stringify(cases)], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as string[][];
}

const FORBIDDEN: [string, string, RegExp][] = [
  ['backup-engine/src/restore/plan.ts', "import { DEMO_BOB_ID } from '../../../graph-simulator/src';", /engine never imports the bot, the cards or the simulator/],
  ['backup-engine/src/restore/plan.ts', "import { renderCard } from '../../../cards/render';", /engine never imports the bot, the cards or the simulator/],
  ['backup-engine/src/restore/plan.ts', "import { createBotApp } from '../../../bot/src/app';", /engine never imports the bot, the cards or the simulator/],
  ['backup-engine/src/restore/plan.ts', "import { TurnContext } from 'botbuilder';", /engine never imports botbuilder/],
  ['backup-engine/src/query/snapshot-queries.ts', "import { CosmosClient } from '@azure/cosmos';", /Only the Cosmos adapter/],
  ['bot/src/app.ts', "import { DEMO_BOB_ID } from '../../graph-simulator/src';", /Only tests, benchmarks and scripts import the simulator/],
  ['bot/src/app.ts', "import { CosmosClient } from '@azure/cosmos';", /Only the Cosmos adapter/],
  ['cards/render.ts', "import { planRestore } from '../backup-engine/src';", /Cards import nothing from the engine/],
  ['graph-simulator/src/simulator.ts', "import { runBackup } from '../../backup-engine/src';", /imports nothing of the product/],
];
const ALLOWED: [string, string][] = [
  ['bot/src/app.ts', "import { renderCard } from '../../cards/render';\nimport { Restores } from '../../backup-engine/src';"],
  ['backup-engine/src/store/cosmos-store.ts', "import { CosmosClient } from '@azure/cosmos';"],
];

let results: string[][];
beforeAll(() => {
  results = restrictedImports([...FORBIDDEN.map(([file, code]): [string, string] => [file, `${code}\n`]), ...ALLOWED.map(([file, code]): [string, string] => [file, `${code}\n`])]);
}, 120_000);

describe('when a module imports across a forbidden arrow', () => {
  it.each(FORBIDDEN.map((c, i) => [...c, i] as const))('then lint fails: %s importing %s', (_file, _code, message, i) => {
    expect(results[i]).toEqual([expect.stringMatching(message)]);
  });

  it('then the allowed arrows pass: the bot uses the engine and the cards, the Cosmos adapter uses @azure/cosmos', () => {
    expect(results.slice(FORBIDDEN.length)).toEqual([[], []]);
  });
});

describe('when the deployed host loads the bot', () => {
  it('then no simulator module is loaded', () => {
    // What bot/src/main.ts loads (the engine, the bot's config and server), in a fresh process, as the deployed
    // build does: every module file it loaded, checked for the simulator.
    const script = "require('./backup-engine/src'); require('./bot/src/config'); require('./bot/src/server'); process.stdout.write(JSON.stringify(Object.keys(require.cache)));";
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    const loaded = JSON.parse(run.stdout) as string[];
    expect(loaded.some((file) => file.includes(`${path.sep}bot${path.sep}src${path.sep}server.ts`))).toBe(true);
    expect(loaded.filter((file) => file.includes(`${path.sep}graph-simulator${path.sep}`))).toEqual([]);
  }, 90_000);
});
