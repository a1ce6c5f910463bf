import './support/strip-bom-for-jest';
import AdmZip from 'adm-zip';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppPackageError, buildAppPackage, loadEnvValues, main, parseArgs, parseEnvFile, resolvePlaceholders } from '../../scripts/package-app';
import { APP_PACKAGE_DIR, SAMPLE_VALUES, manifestTemplate } from './support/sample';

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'rewind-package-'));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of appPackage/ (manifest and icons) under the scratch folder, optionally with a changed manifest. */
function copyOfAppPackage(change?: (manifest: Record<string, unknown>) => void): string {
  const dir = join(scratch, 'appPackage');
  mkdirSync(dir, { recursive: true });
  for (const file of ['color.png', 'outline.png']) copyFileSync(join(APP_PACKAGE_DIR, file), join(dir, file));
  const manifest = manifestTemplate();
  change?.(manifest);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

async function refusal(promise: Promise<unknown>): Promise<AppPackageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppPackageError);
  return error as AppPackageError;
}

describe('buildAppPackage', () => {
  test('writes appPackage.<env>.zip with exactly manifest.json and the two icons at the root, placeholders resolved', async () => {
    const outDir = join(scratch, 'build');
    const built = await buildAppPackage({ env: 'dev', envValues: SAMPLE_VALUES, outDir });
    expect(built.zipPath).toBe(join(outDir, 'appPackage.dev.zip'));
    expect(readdirSync(outDir)).toEqual(['appPackage.dev.zip']);

    const zip = new AdmZip(built.zipPath);
    expect(zip.getEntries().map((e) => e.entryName).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifestText = zip.readAsText('manifest.json');
    expect(manifestText).not.toContain('${{');
    const manifest = JSON.parse(manifestText) as { id: string; bots: { botId: string }[]; validDomains: string[]; name: { short: string } };
    expect(manifest.id).toBe(SAMPLE_VALUES.TEAMS_APP_ID);
    expect(manifest.bots[0].botId).toBe(SAMPLE_VALUES.BOT_ID);
    expect(manifest.validDomains).toEqual([SAMPLE_VALUES.BOT_DOMAIN]);
    expect(manifest.name.short).toBe('Rewind-dev');
    expect(manifest).toEqual(built.manifest);
    for (const icon of ['color.png', 'outline.png']) expect(zip.readFile(icon)).toEqual(readFileSync(join(APP_PACKAGE_DIR, icon)));
  });

  test('a value with quotes or backslashes stays valid JSON (values replace inside strings, not in the text)', async () => {
    const built = await buildAppPackage({ env: 'dev', envValues: { ...SAMPLE_VALUES, APP_NAME_SUFFIX: ' "q" \\' }, outDir: scratch });
    const manifest = JSON.parse(new AdmZip(built.zipPath).readAsText('manifest.json')) as { name: { short: string } };
    expect(manifest.name.short).toBe('Rewind "q" \\');
  });

  test('refuses, naming every unresolved placeholder and where it is used, and writes no zip', async () => {
    const outDir = join(scratch, 'build');
    const { BOT_ID: _botId, BOT_DOMAIN: _domain, ...partial } = SAMPLE_VALUES;
    const error = await refusal(buildAppPackage({ env: 'dev', envValues: { ...partial, TEAMS_APP_ID: '' }, outDir }));
    expect(error.problems).toEqual(['TEAMS_APP_ID (at id)', 'BOT_ID (at bots[0].botId)', 'BOT_DOMAIN (at validDomains[0])']);
    expect(error.message).toContain('unresolved placeholders');
    expect(error.message).toContain('env/.env.dev');
    expect(existsSync(outDir)).toBe(false);
  });

  test('an empty APP_NAME_SUFFIX is a value; a missing one is not', async () => {
    const built = await buildAppPackage({ env: 'prod', envValues: { ...SAMPLE_VALUES, APP_NAME_SUFFIX: '' }, outDir: scratch });
    expect((built.manifest.name as { short: string }).short).toBe('Rewind');
    const { APP_NAME_SUFFIX: _suffix, ...withoutSuffix } = SAMPLE_VALUES;
    const error = await refusal(buildAppPackage({ env: 'dev', envValues: withoutSuffix, outDir: scratch }));
    expect(error.problems).toEqual(['APP_NAME_SUFFIX (at name.short, name.full)']);
  });

  test('refuses a manifest that breaks the schema, listing the errors, and writes no zip', async () => {
    const appPackageDir = copyOfAppPackage((m) => {
      const bot = (m.bots as { scopes: string[]; commandLists: { commands: { title: string }[] }[] }[])[0];
      bot.scopes.push('meetings');
      bot.commandLists[0].commands[0].title = 'x'.repeat(129);
    });
    const outDir = join(scratch, 'build');
    const error = await refusal(buildAppPackage({ env: 'dev', envValues: SAMPLE_VALUES, appPackageDir, outDir }));
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^schema: \/bots\/0\/scopes\/3 must be equal to one of the allowed values/),
        expect.stringMatching(/^schema: \/bots\/0\/commandLists\/0\/commands\/0\/title must NOT have more than 128 characters/),
      ]),
    );
    expect(existsSync(outDir)).toBe(false);
  });

  test('refuses a placeholder value the schema rejects (a bot id that is not a GUID)', async () => {
    const error = await refusal(buildAppPackage({ env: 'dev', envValues: { ...SAMPLE_VALUES, BOT_ID: 'not-a-guid' }, outDir: scratch }));
    expect(error.problems).toEqual([expect.stringMatching(/^schema: \/bots\/0\/botId must match pattern/)]);
    expect(readdirSync(scratch)).toEqual([]);
  });

  test('refuses icons of the wrong size or kind, a missing icon, and an icon path outside the package root', async () => {
    const swapped = copyOfAppPackage();
    copyFileSync(join(APP_PACKAGE_DIR, 'outline.png'), join(swapped, 'color.png'));
    copyFileSync(join(APP_PACKAGE_DIR, 'color.png'), join(swapped, 'outline.png'));
    const error = await refusal(buildAppPackage({ env: 'dev', envValues: SAMPLE_VALUES, appPackageDir: swapped, outDir: join(scratch, 'build') }));
    expect(error.problems).toEqual([
      'color.png is 32×32; the colour icon must be 192×192',
      'outline.png is 192×192; the outline icon must be 32×32',
      'outline.png has no alpha channel; the outline icon must have a transparent background',
      expect.stringMatching(/^outline\.png has \d+ pixels that are neither white nor fully transparent$/),
    ]);

    rmSync(join(swapped, 'outline.png'));
    const missing = await refusal(buildAppPackage({ env: 'dev', envValues: SAMPLE_VALUES, appPackageDir: swapped, outDir: join(scratch, 'build') }));
    expect(missing.problems).toContainEqual(expect.stringMatching(/^icons\.outline: .*outline\.png does not exist$/));

    const outside = copyOfAppPackage((m) => ((m.icons as { color: string }).color = '../color.png'));
    const escaped = await refusal(buildAppPackage({ env: 'dev', envValues: SAMPLE_VALUES, appPackageDir: outside, outDir: join(scratch, 'build') }));
    expect(escaped.problems).toEqual(['icons.color must name a .png file next to manifest.json (the package root), got "../color.png"']);
    expect(existsSync(join(scratch, 'build'))).toBe(false);
  });

  test('a failed build leaves an earlier zip of the same env as it was', async () => {
    const first = await buildAppPackage({ env: 'dev', envValues: SAMPLE_VALUES, outDir: scratch });
    const before = readFileSync(first.zipPath);
    await refusal(buildAppPackage({ env: 'dev', envValues: { ...SAMPLE_VALUES, BOT_ID: '' }, outDir: scratch }));
    expect(readFileSync(first.zipPath)).toEqual(before);
    expect(readdirSync(scratch)).toEqual(['appPackage.dev.zip']);
  });

  test('refuses an env name that could leave the folder', async () => {
    const error = await refusal(buildAppPackage({ env: '../x', envValues: SAMPLE_VALUES, outDir: scratch }));
    expect(error.problems).toEqual(['"../x" is not an environment name (letters, digits, - and _)']);
  });
});

describe('resolvePlaceholders', () => {
  test('replaces in every string, allows spaces inside the braces, leaves keys and other values alone', () => {
    const { value, unresolved } = resolvePlaceholders({ '${{A}}': ['x${{ A }}y', 3, true, null, { deep: '${{B}}${{A}}' }] }, { A: '1', B: '2' });
    expect(unresolved).toEqual([]);
    expect(value).toEqual({ '${{A}}': ['x1y', 3, true, null, { deep: '21' }] });
  });
});

describe('env files', () => {
  test('parseEnvFile reads KEY=value lines, skipping comments and blank lines', () => {
    const text = [
      '# Built-in environment variables',
      'TEAMSFX_ENV=dev',
      '',
      'APP_NAME_SUFFIX=',
      '  BOT_DOMAIN = rewind.azurewebsites.net  # set by provisioning',
      'export TEAMS_APP_ID=6f0c2a55-3f7e-4b52-9c1d-2d6b8f3a9e10',
      'QUOTED="a # not a comment "',
      "SINGLE='x'",
      'URL=https://host/path#fragment',
    ].join('\r\n');
    expect(parseEnvFile(text, '.env.dev')).toEqual({
      TEAMSFX_ENV: 'dev',
      APP_NAME_SUFFIX: '',
      BOT_DOMAIN: 'rewind.azurewebsites.net',
      TEAMS_APP_ID: '6f0c2a55-3f7e-4b52-9c1d-2d6b8f3a9e10',
      QUOTED: 'a # not a comment ',
      SINGLE: 'x',
      URL: 'https://host/path#fragment',
    });
  });

  test('parseEnvFile names each malformed line', () => {
    expect(() => parseEnvFile('OK=1\njust words\n=nokey\n', 'env/.env.dev')).toThrow(
      'cannot read env/.env.dev:\n  - env/.env.dev:2: expected KEY=value, got "just words"\n  - env/.env.dev:3: expected KEY=value, got "=nokey"',
    );
  });

  test('loadEnvValues reads env/.env.<env> and the environment wins', () => {
    writeFileSync(join(scratch, '.env.staging'), 'BOT_ID=from-file\nBOT_DOMAIN=file.example\n');
    expect(loadEnvValues('staging', { envDir: scratch, overlay: { BOT_ID: 'from-environment', OTHER: undefined } })).toEqual({
      BOT_ID: 'from-environment',
      BOT_DOMAIN: 'file.example',
    });
  });

  test('loadEnvValues refuses a missing env file, naming it', () => {
    expect(() => loadEnvValues('nope', { envDir: scratch })).toThrow(`${join(scratch, '.env.nope')} does not exist`);
  });
});

describe('the command (main)', () => {
  function repository(envFiles: Record<string, string>): string {
    copyOfAppPackage();
    mkdirSync(join(scratch, 'env'));
    for (const [name, text] of Object.entries(envFiles)) writeFileSync(join(scratch, 'env', name), text);
    return scratch;
  }

  test('defaults to env dev, reads env/.env.dev, overlays the environment, and writes appPackage/build/appPackage.dev.zip', async () => {
    const rootDir = repository({
      '.env.dev': `TEAMSFX_ENV=dev\nAPP_NAME_SUFFIX=-dev\nTEAMS_APP_ID=${SAMPLE_VALUES.TEAMS_APP_ID}\nBOT_ID=${SAMPLE_VALUES.BOT_ID}\nBOT_DOMAIN=\n`,
    });
    const built = await main([], { rootDir, environment: { BOT_DOMAIN: 'overlay.example' } });
    expect(built.zipPath).toBe(join(rootDir, 'appPackage', 'build', 'appPackage.dev.zip'));
    expect(built.manifest.validDomains).toEqual(['overlay.example']);
  });

  test('--env picks the file; an empty value in it is reported as unresolved', async () => {
    const rootDir = repository({ '.env.local': `APP_NAME_SUFFIX=-local\nTEAMS_APP_ID=${SAMPLE_VALUES.TEAMS_APP_ID}\nBOT_ID=\nBOT_DOMAIN=localhost\n` });
    const error = await refusal(main(['--env', 'local'], { rootDir, environment: {} }));
    expect(error.problems).toEqual(['BOT_ID (at bots[0].botId)']);
    expect(existsSync(join(rootDir, 'appPackage', 'build'))).toBe(false);
    await expect(main(['--env=local'], { rootDir, environment: { BOT_ID: SAMPLE_VALUES.BOT_ID } })).resolves.toMatchObject({
      zipPath: join(rootDir, 'appPackage', 'build', 'appPackage.local.zip'),
    });
  });

  test('parseArgs', () => {
    expect(parseArgs([])).toEqual({ env: 'dev' });
    expect(parseArgs(['--env', 'prod'])).toEqual({ env: 'prod' });
    expect(parseArgs(['--env=prod'])).toEqual({ env: 'prod' });
    expect(() => parseArgs(['--envv', 'prod'])).toThrow('unexpected argument "--envv"');
    expect(() => parseArgs(['--env'])).toThrow('unexpected argument "--env"');
  });
});
