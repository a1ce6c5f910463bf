import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const APP_PACKAGE_DIR = join(__dirname, '..', '..');

/** Values of the shape provisioning produces (GUIDs for the ids, a host name for the domain). */
export const SAMPLE_VALUES: Readonly<Record<string, string>> = Object.freeze({
  TEAMS_APP_ID: '6f0c2a55-3f7e-4b52-9c1d-2d6b8f3a9e10',
  BOT_ID: 'c7a1e3d2-8b4f-4e6a-a0b9-5d2f1c7e8a34',
  BOT_DOMAIN: 'rewind-bot-dev.azurewebsites.net',
  APP_NAME_SUFFIX: '-dev',
});

/** appPackage/manifest.json as committed, with its placeholders. */
export function manifestTemplate(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(APP_PACKAGE_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;
}
