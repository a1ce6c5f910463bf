/**
 * What the tests need to know about Teams Toolkit project files, taken from the Toolkit CLI in node_modules
 * (@microsoft/teamsapp-cli 3.x, fx-core): its schema, its validator options, its placeholder syntax and the
 * variables it fills in itself.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

export const ROOT = join(__dirname, '..', '..', '..');

export const SCHEMA_PATH = join(ROOT, 'node_modules/@microsoft/teamsapp-cli/resource/yaml-schema/v1.7/yaml.schema.json');

/** Project files and the env file each one reads (fx-core MetadataV3: teamsapp.yml, .local.yml, .testtool.yml). */
export const PROJECT_FILES = [
  { file: 'teamsapp.yml', envFile: 'env/.env.dev', env: 'dev' },
  { file: 'teamsapp.local.yml', envFile: 'env/.env.local', env: 'local' },
  { file: 'teamsapp.testtool.yml', envFile: 'env/.env.testtool', env: 'testtool' },
] as const;

/**
 * Filled in by the Toolkit when empty at provision: it asks for the subscription and the resource group and
 * generates RESOURCE_SUFFIX (fx-core provision: `if (!process.env.RESOURCE_SUFFIX) … uuid.v4().slice(0, 6)`).
 */
export const TOOLKIT_RESOLVED = ['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'RESOURCE_SUFFIX'] as const;

/** fx-core `placeholderRegex`, with the name captured. */
const PLACEHOLDER = /\$\{\{ *([a-zA-Z_][a-zA-Z0-9_]*) *\}\}/g;

export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

export function readText(relativePath: string): string {
  return readFileSync(join(ROOT, relativePath), 'utf8');
}

/** `KEY=value` lines of a Toolkit env file (blank lines and `#` comments skipped), value unquoted and trimmed. */
export function readEnvFile(relativePath: string): Map<string, string> {
  const out = new Map<string, string>();
  readText(relativePath)
    .split(/\r?\n/)
    .forEach((line, i) => {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(trimmed);
      if (!match) throw new Error(`${relativePath}:${i + 1} is not KEY=value: ${line}`);
      if (out.has(match[1])) throw new Error(`${relativePath}:${i + 1} repeats ${match[1]}`);
      out.set(match[1], match[2].trim().replace(/^(["'])(.*)\1$/, '$2'));
    });
  return out;
}

/** Parses YAML, failing on any syntax error or warning with the file name and positions. */
export function parseYaml(text: string, name: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) throw new Error(`${name} is not valid YAML:\n${problems.map((p) => `  ${p.message}`).join('\n')}`);
  return document.toJS();
}

/**
 * The Toolkit's own validator: the schema is draft-07 (Ajv's default class), compiled with `allowUnionTypes` and the
 * `deprecationMessage` keyword as fx-core's `Validator.initVersion` does; `allErrors` so a report lists everything.
 */
export function toolkitValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
  ajv.addKeyword('deprecationMessage');
  return ajv.compile(schema);
}

export function formatErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `  ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

export interface Action {
  uses: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}

export const LIFECYCLE_STAGES = ['provision', 'deploy', 'publish'] as const;

export function actionsOf(project: unknown, stage: (typeof LIFECYCLE_STAGES)[number]): Action[] {
  const list = (project as Record<string, unknown>)[stage];
  return Array.isArray(list) ? (list as Action[]) : [];
}
