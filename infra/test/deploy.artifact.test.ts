/**
 * The App Service artifact: scripts/stage-deploy.ts stages `.deploy/` (dist, package files, production
 * dependencies), teamsapp.yml builds, stages and zip-deploys exactly that folder, and `.webappignore` (matched as the
 * Toolkit's zipDeploy matches it: .gitignore rules, paths relative to the artifact folder) keeps what
 * `node dist/bot/src/main.js` loads.
 */
import ignore from 'ignore';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_OUT_DIR, NPM_CI_ARGS, STARTUP_FILE, StageDeployError, stageDeploy } from '../../scripts/stage-deploy';
import { actionsOf, parseYaml, readText } from './support/toolkit';

function fakeRepository(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rewind-stage-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const BUILT = {
  [STARTUP_FILE]: 'require("./server");\n',
  'dist/cards/templates/approval.json': '{}\n',
  'package.json': '{"name":"rewind"}\n',
  'package-lock.json': '{"lockfileVersion":3}\n',
  'src/not-copied.ts': 'export {};\n',
};

describe('scripts/stage-deploy.ts', () => {
  test('When the build exists, then dist and the package files are copied and npm ci --omit=dev runs in the artifact folder', () => {
    const root = fakeRepository(BUILT);
    const calls: { args: readonly string[]; cwd: string }[] = [];
    try {
      const out = stageDeploy({
        root,
        log: () => undefined,
        npm: (args, cwd) => {
          calls.push({ args, cwd });
          mkdirSync(join(cwd, 'node_modules'));
        },
      });

      expect(out).toBe(join(root, DEFAULT_OUT_DIR));
      expect(calls).toEqual([{ args: NPM_CI_ARGS, cwd: out }]);
      expect(NPM_CI_ARGS).toEqual(expect.arrayContaining(['ci', '--omit=dev', '--ignore-scripts']));
      expect(readFileSync(join(out, STARTUP_FILE), 'utf8')).toBe(BUILT[STARTUP_FILE]);
      expect(existsSync(join(out, 'dist/cards/templates/approval.json'))).toBe(true);
      expect(existsSync(join(out, 'package-lock.json'))).toBe(true);
      expect(existsSync(join(out, 'src'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('When the artifact folder holds an old artifact, then it is emptied first', () => {
    const root = fakeRepository({ ...BUILT, [`${DEFAULT_OUT_DIR}/stale.js`]: 'old\n' });
    try {
      const out = stageDeploy({ root, log: () => undefined, npm: (_args, cwd) => mkdirSync(join(cwd, 'node_modules')) });

      expect(existsSync(join(out, 'stale.js'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('When the build is missing, then staging stops and says to run npm run build, before touching anything', () => {
    const { [STARTUP_FILE]: _main, ...unbuilt } = BUILT;
    const root = fakeRepository(unbuilt);
    try {
      expect(() => stageDeploy({ root, log: () => undefined, npm: () => undefined })).toThrow(/dist\/bot\/src\/main\.js does not exist; run `npm run build` first/);
      expect(existsSync(join(root, DEFAULT_OUT_DIR))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('When the artifact folder is outside the repository (or is the repository), then staging refuses to empty it', () => {
    const root = fakeRepository(BUILT);
    try {
      expect(() => stageDeploy({ root, out: '..', npm: () => undefined })).toThrow(StageDeployError);
      expect(() => stageDeploy({ root, out: '.', npm: () => undefined })).toThrow(/must be inside the repository/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('When npm fails, then staging fails with its error', () => {
    const root = fakeRepository(BUILT);
    try {
      expect(() =>
        stageDeploy({
          root,
          log: () => undefined,
          npm: () => {
            throw new StageDeployError('npm ci failed');
          },
        }),
      ).toThrow('npm ci failed');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('teamsapp.yml deploy and .webappignore', () => {
  test('When deploy runs, then it builds, stages, and zip-deploys the staged folder with .webappignore to the Bicep web app', () => {
    const project = parseYaml(readText('teamsapp.yml'), 'teamsapp.yml');
    const steps = actionsOf(project, 'deploy').map((a) => (a.uses === 'cli/runNpmCommand' ? `npm ${String(a.with?.args)}` : a.uses));
    const zipDeploy = actionsOf(project, 'deploy').find((a) => a.uses === 'azureAppService/zipDeploy');
    const packageJson = JSON.parse(readText('package.json')) as { scripts: Record<string, string> };

    expect(steps).toEqual(['npm install --no-audit', 'npm run build', 'npm run stage:deploy', 'azureAppService/zipDeploy']);
    expect(packageJson.scripts['stage:deploy']).toContain('scripts/stage-deploy.ts');
    expect(zipDeploy?.with).toEqual(
      expect.objectContaining({ artifactFolder: `./${DEFAULT_OUT_DIR}`, ignoreFile: '.webappignore', resourceId: '${{BOT_AZURE_APP_SERVICE_RESOURCE_ID}}' }),
    );
  });

  test('When .webappignore is applied to the staged folder, then what the bot loads stays and tests, type declarations and the compiler go', () => {
    const rules = ignore().add(readText('.webappignore'));
    const kept = [
      STARTUP_FILE,
      'dist/bot/src/server.js',
      'dist/backup-engine/src/store/cosmos-store.js',
      'dist/cards/templates/approval.json',
      'dist/graph-simulator/src/seed/playground-users.js',
      'package.json',
      'node_modules/restify/lib/index.js',
      'node_modules/@azure/identity/package.json',
      'node_modules/@azure/identity/dist/commonjs/index.js',
      'node_modules/botbuilder/lib/index.js',
    ];
    const dropped = ['dist/bot/test/config.test.js', 'dist/bench/backup.js', 'node_modules/.bin/tsc', 'node_modules/typescript/lib/typescript.js', 'node_modules/botbuilder/lib/index.d.ts'];

    expect(kept.filter((p) => rules.ignores(p))).toEqual([]);
    expect(dropped.filter((p) => !rules.ignores(p))).toEqual([]);
  });

  test('When the artifact folder is staged, then git ignores it', () => {
    expect(readText('.gitignore').split('\n')).toContain(`${DEFAULT_OUT_DIR}/`);
  });
});
