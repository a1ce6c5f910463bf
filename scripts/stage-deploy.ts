/**
 * `npm run stage:deploy [-- --out <dir>]`: stages the App Service artifact in `.deploy/` (default), the folder
 * teamsapp.yml's `azureAppService/zipDeploy` zips (minus `.webappignore`). Run after `npm run build`.
 *
 * The artifact is what `node dist/bot/src/main.js` (the site's start command, package.json "serve") needs and
 * nothing else: `dist/` as compiled, `package.json`, `package-lock.json`, and the production dependencies installed
 * there by `npm ci --omit=dev`. The development tree (jest, eslint, playwright, the Toolkit CLI: most of the
 * repository's node_modules) never leaves the machine.
 *
 * `--ignore-scripts`: the production tree has two install scripts. botbuilder-dialogs' postinstall deletes nested
 * copies of @microsoft/recognizers-text-number through `npx rimraf`, which is a devDependency here and is not in an
 * `--omit=dev` tree; the repository's own tree, which every test runs against, keeps those copies. dtrace-provider
 * (optional, pulled in by restify) builds a native addon; restify loads it in a try/catch and works without it. So
 * the staged tree has the same files as the tested one, and staging runs no package code.
 *
 * The packages are pure JavaScript apart from that optional addon, so an artifact staged on Windows or macOS runs on
 * the Linux site.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

export const DEFAULT_OUT_DIR = '.deploy';
/** The site's start command runs this file (infra/azure.bicep `appCommandLine`, package.json "serve"). */
export const STARTUP_FILE = 'dist/bot/src/main.js';
/** Copied from the repository root into the artifact. */
export const COPIED_PATHS = ['dist', 'package.json', 'package-lock.json'] as const;
export const NPM_CI_ARGS = ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'] as const;

/** Runs npm with `args` in `cwd`; throws if it fails. */
export type NpmRunner = (args: readonly string[], cwd: string) => void;

export interface StageOptions {
  /** The repository root. */
  root: string;
  /** The artifact folder, relative to `root` or absolute; emptied first. Default `.deploy`. */
  out?: string;
  npm?: NpmRunner;
  log?: (message: string) => void;
}

export class StageDeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StageDeployError';
  }
}

export const runNpm: NpmRunner = (args, cwd) => {
  // npm is a .cmd file on Windows, which Node only spawns through a shell.
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', [...args], { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) throw new StageDeployError(`npm ${args.join(' ')} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new StageDeployError(`npm ${args.join(' ')} failed in ${cwd} (exit code ${result.status})`);
};

/** Builds the artifact; returns its absolute path. */
export function stageDeploy(options: StageOptions): string {
  const root = resolve(options.root);
  const out = resolve(root, options.out ?? DEFAULT_OUT_DIR);
  const log = options.log ?? ((message: string) => console.log(message));
  if (!out.startsWith(root + sep)) throw new StageDeployError(`the artifact folder must be inside the repository, below ${root}; got ${out}`);
  const missing = COPIED_PATHS.filter((p) => !existsSync(join(root, p)));
  if (missing.length > 0) throw new StageDeployError(`missing ${missing.join(', ')} in ${root}; run \`npm run build\` (and keep package-lock.json) first`);
  if (!existsSync(join(root, STARTUP_FILE))) throw new StageDeployError(`${STARTUP_FILE} does not exist; run \`npm run build\` first`);

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const path of COPIED_PATHS) cpSync(join(root, path), join(out, path), { recursive: true });
  log(`rewind: staged ${COPIED_PATHS.join(', ')} in ${out}; installing production dependencies`);
  (options.npm ?? runNpm)(NPM_CI_ARGS, out);
  if (!existsSync(join(out, 'node_modules'))) throw new StageDeployError(`npm ${NPM_CI_ARGS.join(' ')} left no node_modules in ${out}`);
  log(`rewind: the artifact in ${out} starts with \`node ${STARTUP_FILE}\``);
  return out;
}

function parseOut(argv: readonly string[]): string | undefined {
  if (argv.length === 0) return undefined;
  if (argv.length === 2 && argv[0] === '--out' && argv[1] !== '') return argv[1];
  throw new StageDeployError(`usage: npm run stage:deploy [-- --out <dir>]; got ${argv.join(' ')}`);
}

if (require.main === module) {
  try {
    stageDeploy({ root: join(__dirname, '..'), out: parseOut(process.argv.slice(2)) });
  } catch (error) {
    console.error(`rewind: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
