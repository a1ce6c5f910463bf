import './support/strip-bom-for-jest';
import { MANIFEST_COMMANDS } from '../../bot/src/commands/grammar';
import { ICON_BACKGROUND } from '../../scripts/make-icons';
import { resolvePlaceholders, validateManifest } from '../../scripts/package-app';
import { SAMPLE_VALUES, manifestTemplate } from './support/sample';

interface CommandList {
  scopes: string[];
  commands: { title: string; description: string }[];
}
interface Bot {
  botId: string;
  scopes: string[];
  commandLists: CommandList[];
}

function resolvedManifest(values: Readonly<Record<string, string>> = SAMPLE_VALUES): Record<string, unknown> {
  const { value, unresolved } = resolvePlaceholders(manifestTemplate(), values);
  expect(unresolved).toEqual([]);
  return value;
}

function bot(manifest: Record<string, unknown>): Bot {
  return (manifest.bots as Bot[])[0];
}

describe('appPackage/manifest.json', () => {
  test('uses exactly the placeholders the README documents', () => {
    const text = JSON.stringify(manifestTemplate());
    const names = new Set([...text.matchAll(/\$\{\{ *([A-Za-z_][A-Za-z0-9_]*) *\}\}/g)].map((m) => m[1]));
    expect([...names].sort()).toEqual(['APP_NAME_SUFFIX', 'BOT_DOMAIN', 'BOT_ID', 'TEAMS_APP_ID']);
  });

  test('with sample values it validates against its schema with no errors', async () => {
    const manifest = resolvedManifest();
    expect(manifest.$schema).toBe('https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json');
    expect(manifest.manifestVersion).toBe('1.22');
    expect(await validateManifest(manifest)).toEqual([]);
  });

  test('the placeholders land where provisioning values belong', () => {
    const manifest = resolvedManifest();
    expect(manifest.id).toBe(SAMPLE_VALUES.TEAMS_APP_ID);
    expect(bot(manifest).botId).toBe(SAMPLE_VALUES.BOT_ID);
    expect(manifest.validDomains).toEqual([SAMPLE_VALUES.BOT_DOMAIN]);
    expect((manifest.name as { short: string }).short).toBe('Rewind-dev');
    expect(manifest.permissions).toEqual(['identity', 'messageTeamMembers']);
  });

  test('an empty APP_NAME_SUFFIX gives the plain name, and a 24-character suffix still fits the 30-character limit', async () => {
    expect((resolvedManifest({ ...SAMPLE_VALUES, APP_NAME_SUFFIX: '' }).name as { short: string }).short).toBe('Rewind');
    expect(await validateManifest(resolvedManifest({ ...SAMPLE_VALUES, APP_NAME_SUFFIX: '-'.repeat(24) }))).toEqual([]);
    const tooLong = await validateManifest(resolvedManifest({ ...SAMPLE_VALUES, APP_NAME_SUFFIX: '-'.repeat(25) }));
    expect(tooLong.join('\n')).toMatch(/^\/name\/short must NOT have more than 30 characters/m);
  });

  test('the bot is offered in personal chat, teams and group chats', () => {
    expect(bot(resolvedManifest()).scopes).toEqual(['personal', 'team', 'groupChat']);
  });

  test("each scope's command list is exactly the bot's MANIFEST_COMMANDS, in order", () => {
    const { scopes, commandLists } = bot(resolvedManifest());
    for (const scope of scopes) {
      const lists = commandLists.filter((l) => l.scopes.includes(scope));
      expect(lists).toHaveLength(1);
      expect(lists[0].commands).toEqual(MANIFEST_COMMANDS);
    }
    for (const list of commandLists) expect(scopes).toEqual(expect.arrayContaining(list.scopes));
  });

  test('the commands fit the tightest limits any schema version had (10 per list, title 32, description 128)', () => {
    for (const list of bot(resolvedManifest()).commandLists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const c of list.commands) {
        expect(c.title.length).toBeLessThanOrEqual(32);
        expect(c.description.length).toBeLessThanOrEqual(128);
      }
    }
  });

  test('accentColor is the colour icon background', () => {
    expect((manifestTemplate().accentColor as string).toLowerCase()).toBe(ICON_BACKGROUND.toLowerCase());
  });
});

describe('schema validation can fail', () => {
  test.each<[string, (m: Record<string, unknown>) => void, RegExp]>([
    ['a 4th bot scope', (m) => bot(m).scopes.push('meetings'), /^\/bots\/0\/scopes\/3 must be equal to one of the allowed values/m],
    ['a command title over 128 characters', (m) => (bot(m).commandLists[0].commands[0].title = 'x'.repeat(129)), /^\/bots\/0\/commandLists\/0\/commands\/0\/title must NOT have more than 128 characters/m],
    ['11 commands in a list', (m) => bot(m).commandLists[0].commands.push({ title: 'extra', description: 'one too many' }), /^\/bots\/0\/commandLists\/0\/commands must NOT have more than 10 items/m],
    ['a missing botId', (m) => delete (bot(m) as Partial<Bot>).botId, /^\/bots\/0 must have required property 'botId'/m],
    ['a Teams app id that is not a GUID', (m) => (m.id = 'rewind'), /^\/id must match pattern/m],
    ['an unknown property', (m) => (m.colour = 'blue'), /must NOT have additional properties.*colour/m],
    ['a short description over 80 characters', (m) => ((m.description as { short: string }).short = 'x'.repeat(81)), /^\/description\/short must NOT have more than 80 characters/m],
  ])('%s', async (_name, breakIt, expected) => {
    const manifest = resolvedManifest();
    breakIt(manifest);
    const errors = await validateManifest(manifest);
    expect(errors.join('\n')).toMatch(expected);
  });

  test('a $schema that is not a shipped Teams schema is refused rather than fetched', async () => {
    const manifest = resolvedManifest();
    expect(await validateManifest({ ...manifest, $schema: 'https://developer.microsoft.com/json-schemas/teams/v1.18/MicrosoftTeams.schema.json' })).toEqual([
      expect.stringContaining('does not ship'),
    ]);
    expect(await validateManifest({ ...manifest, $schema: 'https://example.com/schema.json' })).toEqual([expect.stringContaining('$schema must be a Teams manifest schema URL')]);
    expect(await validateManifest([])).toEqual(['the manifest is not a JSON object']);
  });

  test('the locale form of the schema URL is accepted', async () => {
    const manifest = resolvedManifest();
    expect(await validateManifest({ ...manifest, $schema: 'https://developer.microsoft.com/en-us/json-schemas/teams/v1.22/MicrosoftTeams.schema.json' })).toEqual([]);
  });
});
