/**
 * `npm run package [-- --env <name>]`: builds the Teams app package appPackage/build/appPackage.<env>.zip
 * (default env `dev`) from appPackage/manifest.json and its two icons.
 *
 * Contract (appPackage/README.md describes it for users):
 * - Values come from env/.env.<env> (`KEY=value` lines; blank lines and `#` comments ignored; a value may be quoted),
 *   overlaid by the process environment (a variable set in the environment wins over the file).
 * - Every `${{VAR}}` in a string of manifest.json is replaced (the same placeholder syntax as Teams Toolkit). A
 *   placeholder with no value, or an empty one, is unresolved, except APP_NAME_SUFFIX, which may be empty (as in
 *   Teams Toolkit). Any unresolved placeholder fails the build, naming each one and where it is used.
 * - The resolved manifest is validated against the JSON schema named by its `$schema`, loaded from the copy shipped
 *   in @microsoft/app-manifest (never fetched); the icons it names must be PNG files next to manifest.json, color
 *   192×192, outline 32×32 with an alpha channel and only white or fully transparent pixels. All problems are
 *   reported together.
 * - Only when everything passes is the zip written (to a temporary name, then renamed): manifest.json and the two
 *   icons at the zip root. A failed build writes nothing.
 */
import AdmZip from 'adm-zip';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DecodedPng, readPng } from './png';

export const DEFAULT_ENV = 'dev';
export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;
/** Placeholders that may resolve to an empty string. */
const MAY_BE_EMPTY = new Set(['APP_NAME_SUFFIX']);
/** Teams Toolkit's placeholder syntax (fx-core `placeholderRegex`): `${{NAME}}`, spaces allowed inside the braces. */
const PLACEHOLDER = /\$\{\{ *([A-Za-z_][A-Za-z0-9_]*) *\}\}/g;
const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** A build that was refused; `problems` lists every reason, one per entry. */
export class AppPackageError extends Error {
  constructor(
    summary: string,
    readonly problems: readonly string[],
  ) {
    super(problems.length ? `${summary}:\n${problems.map((p) => `  - ${p}`).join('\n')}` : summary);
    this.name = 'AppPackageError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Environment files

/**
 * Parses a Teams Toolkit env file: `KEY=value` per line; blank lines and lines starting with `#` are skipped; an
 * optional leading `export ` is allowed; a value in matching single or double quotes is taken literally, an
 * unquoted value is trimmed and loses a trailing ` # comment`. Throws on any other line, naming it.
 */
export function parseEnvFile(text: string, fileName: string): Record<string, string> {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!m) {
      problems.push(`${fileName}:${index + 1}: expected KEY=value, got "${line.length > 40 ? `${line.slice(0, 40)}…` : line}"`);
      return;
    }
    values[m[1]] = envValue(m[2].trim());
  });
  if (problems.length) throw new AppPackageError(`cannot read ${fileName}`, problems);
  return values;
}

function envValue(raw: string): string {
  const quote = raw[0];
  if ((quote === '"' || quote === "'") && raw.length >= 2 && raw.endsWith(quote)) return raw.slice(1, -1);
  const comment = raw.search(/\s#/);
  return (comment >= 0 ? raw.slice(0, comment) : raw).trim();
}

export interface LoadEnvOptions {
  /** Folder holding `.env.<env>` files. */
  envDir: string;
  /** Overlaid on the file's values; normally `process.env`. */
  overlay?: Readonly<Record<string, string | undefined>>;
}

/** Reads `<envDir>/.env.<env>` and overlays the given environment; the file must exist. */
export function loadEnvValues(env: string, { envDir, overlay = {} }: LoadEnvOptions): Record<string, string> {
  checkEnvName(env);
  const file = join(envDir, `.env.${env}`);
  if (!existsSync(file)) {
    throw new AppPackageError(`no environment file for "${env}"`, [`${file} does not exist (KEY=value lines; Teams Toolkit provisioning fills in the ids)`]);
  }
  const values = parseEnvFile(readFileSync(file, 'utf8'), file);
  for (const [key, value] of Object.entries(overlay)) if (value !== undefined) values[key] = value;
  return values;
}

function checkEnvName(env: string): void {
  if (!ENV_NAME.test(env)) throw new AppPackageError('bad environment name', [`"${env}" is not an environment name (letters, digits, - and _)`]);
}

// ---------------------------------------------------------------------------------------------------------------
// Placeholders

export interface Resolution<T> {
  value: T;
  /** `NAME (at path, …)` for each placeholder without a usable value, in order of first use. */
  unresolved: string[];
}

/** Replaces `${{VAR}}` in every string of a JSON value (keys are left alone); reports what it could not replace. */
export function resolvePlaceholders<T>(json: T, values: Readonly<Record<string, string | undefined>>): Resolution<T> {
  const missing = new Map<string, string[]>();
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      return node.replace(PLACEHOLDER, (whole, name: string) => {
        const value = values[name];
        if (value === undefined || (value === '' && !MAY_BE_EMPTY.has(name))) {
          missing.set(name, [...(missing.get(name) ?? []), path || '(root)']);
          return whole;
        }
        return value;
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, path ? `${path}.${key}` : key)]));
    }
    return node;
  };
  const value = walk(json, '') as T;
  const unresolved = [...missing].map(([name, paths]) => `${name} (at ${paths.join(', ')})`);
  return { value, unresolved };
}

// ---------------------------------------------------------------------------------------------------------------
// Schema

/** `https://developer.microsoft.com/[locale/]json-schemas/teams/<version>/MicrosoftTeams.schema.json` → version. */
function teamsSchemaVersion(schemaUrl: unknown): string | undefined {
  if (typeof schemaUrl !== 'string') return undefined;
  const m = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v[0-9.]+|vDevPreview)\/MicrosoftTeams\.schema\.json$/i.exec(
    schemaUrl,
  );
  return m?.[1];
}

/** Where @microsoft/app-manifest keeps its copy of a Teams manifest schema (it loads that copy before going online). */
function localSchemaFile(version: string): string {
  return join(dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams', version, 'MicrosoftTeams.schema.json');
}

type ValidatableManifest = Parameters<typeof AppManifestUtils.validateAgainstSchema>[0];

/**
 * Validates a resolved manifest against the schema its `$schema` names, offline. Returns the schema errors (empty
 * when valid); a `$schema` that is not a Teams schema shipped with @microsoft/app-manifest is itself an error.
 */
export async function validateManifest(manifest: unknown): Promise<string[]> {
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) return ['the manifest is not a JSON object'];
  const schemaUrl = (manifest as { $schema?: unknown }).$schema;
  const version = teamsSchemaVersion(schemaUrl);
  if (!version) return [`$schema must be a Teams manifest schema URL (https://developer.microsoft.com/json-schemas/teams/v1.NN/MicrosoftTeams.schema.json), got ${JSON.stringify(schemaUrl)}`];
  if (!existsSync(localSchemaFile(version))) return [`$schema names Teams schema ${version}, which @microsoft/app-manifest does not ship (validation stays offline)`];
  const errors = await AppManifestUtils.validateAgainstSchema(manifest as ValidatableManifest);
  return errors.map((e) => e.trim());
}

// ---------------------------------------------------------------------------------------------------------------
// Icons

/** The icon's header and pixels, or the one problem that it cannot be read as a PNG. */
function readIcon(name: string, bytes: Buffer): DecodedPng | string[] {
  try {
    return readPng(bytes);
  } catch (error) {
    return [`${name}: ${(error as Error).message}`];
  }
}

/** Problems with a colour icon (192×192 PNG). */
export function colorIconProblems(name: string, bytes: Buffer): string[] {
  const png = readIcon(name, bytes);
  if (Array.isArray(png)) return png;
  return png.width === COLOR_ICON_SIZE && png.height === COLOR_ICON_SIZE ? [] : [`${name} is ${png.width}×${png.height}; the colour icon must be ${COLOR_ICON_SIZE}×${COLOR_ICON_SIZE}`];
}

/** Problems with an outline icon: 32×32 PNG with alpha, every pixel white or fully transparent, not all transparent. */
export function outlineIconProblems(name: string, bytes: Buffer): string[] {
  const png = readIcon(name, bytes);
  if (Array.isArray(png)) return png;
  const problems: string[] = [];
  if (png.width !== OUTLINE_ICON_SIZE || png.height !== OUTLINE_ICON_SIZE) {
    problems.push(`${name} is ${png.width}×${png.height}; the outline icon must be ${OUTLINE_ICON_SIZE}×${OUTLINE_ICON_SIZE}`);
  }
  if (!png.hasAlpha) problems.push(`${name} has no alpha channel; the outline icon must have a transparent background`);
  if (!png.rgba) {
    problems.push(`${name} is not an 8-bit non-interlaced PNG, so its pixels cannot be checked`);
    return problems;
  }
  const { rgba } = png;
  let notWhite = 0;
  let visible = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i + 3] === 0) continue;
    visible++;
    if (rgba[i] !== 255 || rgba[i + 1] !== 255 || rgba[i + 2] !== 255) notWhite++;
  }
  if (notWhite) problems.push(`${name} has ${notWhite} pixel${notWhite === 1 ? ' that is' : 's that are'} neither white nor fully transparent`);
  if (png.hasAlpha && visible === 0) problems.push(`${name} is fully transparent`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Build

export interface BuildOptions {
  env: string;
  /** Values for the placeholders (already merged from the env file and the environment). */
  envValues: Readonly<Record<string, string | undefined>>;
  /** Folder with manifest.json and the icons; default appPackage/ of this repository. */
  appPackageDir?: string;
  /** Where the zip goes; default `<appPackageDir>/build`. */
  outDir?: string;
}

export interface BuiltPackage {
  zipPath: string;
  /** The resolved manifest, as written into the zip. */
  manifest: Record<string, unknown>;
  /** The zip's entry names. */
  entries: string[];
}

export const APP_PACKAGE_DIR = resolve(__dirname, '..', 'appPackage');

export function zipFileName(env: string): string {
  return `appPackage.${env}.zip`;
}

/** Builds `<outDir>/appPackage.<env>.zip`, or throws AppPackageError listing every problem (and writes nothing). */
export async function buildAppPackage({ env, envValues, appPackageDir = APP_PACKAGE_DIR, outDir }: BuildOptions): Promise<BuiltPackage> {
  checkEnvName(env);
  const manifestPath = join(appPackageDir, 'manifest.json');
  let template: unknown;
  try {
    template = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new AppPackageError(`cannot read ${manifestPath}`, [(error as Error).message]);
  }

  const { value: manifest, unresolved } = resolvePlaceholders(template, envValues);
  if (unresolved.length) {
    throw new AppPackageError(`unresolved placeholders in ${manifestPath} for env "${env}" (set them in env/.env.${env} or the environment)`, unresolved);
  }

  const problems = (await validateManifest(manifest)).map((e) => `schema: ${e}`);
  const icons = (manifest as { icons?: { color?: unknown; outline?: unknown } }).icons ?? {};
  const files = new Map<string, Buffer>();
  for (const [kind, check] of [['color', colorIconProblems], ['outline', outlineIconProblems]] as const) {
    const name = icons[kind];
    if (typeof name !== 'string') continue; // the schema reports a missing icon
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\.png$/.test(name)) {
      problems.push(`icons.${kind} must name a .png file next to manifest.json (the package root), got "${name}"`);
      continue;
    }
    const path = join(appPackageDir, name);
    if (!existsSync(path)) {
      problems.push(`icons.${kind}: ${path} does not exist`);
      continue;
    }
    const bytes = readFileSync(path);
    problems.push(...check(name, bytes));
    files.set(name, bytes);
  }
  if (problems.length) throw new AppPackageError(`the app package for env "${env}" is not valid`, problems);

  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
  for (const [name, bytes] of files) zip.addFile(name, bytes);
  const target = outDir ?? join(appPackageDir, 'build');
  mkdirSync(target, { recursive: true });
  const zipPath = join(target, zipFileName(env));
  const temporary = `${zipPath}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, zip.toBuffer());
    renameSync(temporary, zipPath);
  } finally {
    rmSync(temporary, { force: true });
  }
  return { zipPath, manifest: manifest as Record<string, unknown>, entries: zip.getEntries().map((e) => e.entryName) };
}

// ---------------------------------------------------------------------------------------------------------------
// Command line

export interface MainOptions {
  /** Repository root holding env/ and appPackage/; default this repository. */
  rootDir?: string;
  /** Overlaid on the env file; default process.env. */
  environment?: Readonly<Record<string, string | undefined>>;
}

const USAGE = 'usage: npm run package [-- --env <name>]   (default env: dev; reads env/.env.<name>)';

export function parseArgs(argv: readonly string[]): { env: string } {
  let env = DEFAULT_ENV;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--env' && i + 1 < argv.length) env = argv[++i];
    else if (arg.startsWith('--env=')) env = arg.slice('--env='.length);
    else throw new AppPackageError(`unexpected argument "${arg}"`, [USAGE]);
  }
  return { env };
}

/** Runs the command: returns the built package or throws AppPackageError. */
export async function main(argv: readonly string[], { rootDir = resolve(__dirname, '..'), environment = process.env }: MainOptions = {}): Promise<BuiltPackage> {
  const { env } = parseArgs(argv);
  const envValues = loadEnvValues(env, { envDir: join(rootDir, 'env'), overlay: environment });
  return buildAppPackage({ env, envValues, appPackageDir: join(rootDir, 'appPackage') });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (built) => console.log(`rewind: wrote ${built.zipPath} (${built.entries.join(', ')})`),
    (error: unknown) => {
      console.error(`rewind: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
