import { COMMANDS, CommandError, MANIFEST_COMMANDS, MAX_COMMAND_BYTES, ParsedCommand, editDistance, isCommandError, parseCommand } from '../src/commands/grammar';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function parsed(text: string): ParsedCommand {
  const result = parseCommand(text);
  if (isCommandError(result)) throw new Error(`expected a command for ${JSON.stringify(text)}, got ${result.error}: ${result.message}`);
  return result;
}

function failed(text: string): CommandError {
  const result = parseCommand(text);
  if (!isCommandError(result)) throw new Error(`expected an error for ${JSON.stringify(text)}, got ${JSON.stringify(result)}`);
  return result;
}

describe('grammar: every command', () => {
  test.each<[string, ParsedCommand]>([
    ['restore user bob', { verb: 'restoreUser', name: 'bob' }],
    ['restore group Sales', { verb: 'restoreGroup', name: 'Sales' }],
    ['versions user bob', { verb: 'versions', kind: 'user', name: 'bob' }],
    ['versions group Sales', { verb: 'versions', kind: 'group', name: 'Sales' }],
    ['memberships bob', { verb: 'memberships', name: 'bob' }],
    ['memberships bob at 2026-11-20', { verb: 'memberships', name: 'bob', at: { kind: 'instant', text: '2026-11-20', at: '2026-11-20T00:00:00.000Z' } }],
    ['diff role Helpdesk Administrator', { verb: 'diffRole', name: 'Helpdesk Administrator' }],
    ['diff role "Global Administrator" since 7d', { verb: 'diffRole', name: 'Global Administrator', since: { kind: 'duration', text: '7d', durationInMs: 7 * DAY } }],
    ['diff user bob', { verb: 'diffUser', name: 'bob' }],
    ['deleted', { verb: 'deleted' }],
    ['deleted since 24h', { verb: 'deleted', since: { kind: 'duration', text: '24h', durationInMs: 24 * HOUR } }],
    ['deleted since 2026-11-20T08:00Z', { verb: 'deleted', since: { kind: 'instant', text: '2026-11-20T08:00Z', at: '2026-11-20T08:00:00.000Z' } }],
    ['backup now', { verb: 'backupNow' }],
    ['backup status', { verb: 'backupStatus' }],
    ['undo r-20261120-080000-a1b2c3', { verb: 'undo', restoreId: 'r-20261120-080000-a1b2c3' }],
    ['help', { verb: 'help' }],
    ['help restore', { verb: 'help', topic: 'restore' }],
    ['set approvals channel', { verb: 'setApprovalsChannel' }],
    ['set summary channel', { verb: 'setSummaryChannel' }],
  ])('When the message is %j, then it parses to the typed command', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  test('When every COMMANDS example is parsed, then it yields its own verb', () => {
    const verbs = COMMANDS.map((c) => parsed(c.example).verb);
    expect(verbs).toEqual(COMMANDS.map((c) => c.verb));
  });

  test('When the manifest list is built, then it has at most 10 commands with titles ≤ 32 and descriptions ≤ 128 characters', () => {
    expect(MANIFEST_COMMANDS.length).toBeLessThanOrEqual(10);
    expect(MANIFEST_COMMANDS.filter((c) => c.title.length > 32 || c.description.length > 128)).toEqual([]);
  });

  test('When COMMANDS is listed, then every verb appears exactly once with a usage line', () => {
    const verbs = COMMANDS.map((c) => c.verb);
    expect(new Set(verbs).size).toBe(verbs.length);
    expect(COMMANDS.every((c) => c.usage.startsWith(c.keywords.join(' ')))).toBe(true);
  });
});

describe('grammar: mentions, casing, whitespace', () => {
  test.each([
    ['<at>Rewind</at> restore user bob'],
    ['<at>Rewind</at>restore user bob'],
    ['<AT>Rewind Bot</AT> restore user bob'],
    ['@Rewind restore user bob'],
    ['@rewind   restore user bob'],
    ['<at>Rewind</at> <at>Rewind</at> restore user bob'],
    ['RESTORE USER bob'],
    ['Restore User bob'],
    ['  restore \t user\n\nbob  '],
    ['restore\u00A0user\u3000bob'],
  ])('When the message is %j, then the mention is stripped and it is restore user bob', (text) => {
    expect(parseCommand(text)).toEqual({ verb: 'restoreUser', name: 'bob' });
  });

  test('When a person is mentioned as the name, then the mention text is the name', () => {
    expect(parseCommand('<at>Rewind</at> restore user <at>Bob Kelly</at>')).toEqual({ verb: 'restoreUser', name: 'Bob Kelly' });
  });

  test('When the name has upper case, then the command matches and the name keeps its case', () => {
    expect(parseCommand('DIFF USER Bob.Kelly@Contoso.example')).toEqual({ verb: 'diffUser', name: 'Bob.Kelly@Contoso.example' });
  });

  test('When a name spans several words without quotes, then whitespace inside it is collapsed', () => {
    expect(parseCommand('restore group   Sales    Team  ')).toEqual({ verb: 'restoreGroup', name: 'Sales Team' });
  });

  test('When the message holds HTML entities from Teams, then they are decoded in the name', () => {
    expect(parseCommand('restore group R&amp;D')).toEqual({ verb: 'restoreGroup', name: 'R&D' });
  });

  test('When an entity spells <at>, then it is not treated as a mention', () => {
    expect(parseCommand('restore user &lt;at&gt;x&lt;/at&gt;')).toEqual({ verb: 'restoreUser', name: '<at>x</at>' });
  });

  test('When an <at> tag is never closed, then it is part of the name', () => {
    expect(parseCommand('restore user <at>bob')).toEqual({ verb: 'restoreUser', name: '<at>bob' });
  });

  test('When the message is only the bot mention, then it is an empty-command error pointing at help', () => {
    expect(failed('<at>Rewind</at>  ')).toMatchObject({ error: 'empty', usage: 'help' });
  });

  test('When the message is empty, then it is an empty-command error', () => {
    expect(failed('')).toEqual({ error: 'empty', message: 'Type a command, for example: restore user bob. Type help for all commands.', usage: 'help' });
  });
});

describe('grammar: quoted names', () => {
  test.each([
    ['diff role "Global Administrator"'],
    ['diff role \u201CGlobal Administrator\u201D'],
    ['diff role \u201EGlobal Administrator\u201C'],
    ['diff role "  Global   Administrator "'],
  ])('When the name is quoted as %j, then it is one name', (text) => {
    expect(parseCommand(text)).toEqual({ verb: 'diffRole', name: 'Global Administrator' });
  });

  test('When a quoted name contains "since", then it stays part of the name', () => {
    expect(parseCommand('diff role "Admins since 2020" since 24h')).toEqual({
      verb: 'diffRole', name: 'Admins since 2020', since: { kind: 'duration', text: '24h', durationInMs: 24 * HOUR },
    });
  });

  test('When a quoted name contains "at", then memberships takes the whole quoted name', () => {
    expect(parseCommand('memberships "Pat at Home"')).toEqual({ verb: 'memberships', name: 'Pat at Home' });
  });

  test('When a quote is not closed, then it is an unclosedQuote error that shows how to quote', () => {
    expect(failed('restore group "Sales Team')).toEqual({
      error: 'unclosedQuote', message: 'A quote is not closed. Put a name in quotes like this: restore group "Sales Team".', usage: 'help',
    });
  });

  test('When an apostrophe is in the name, then it is not a quote', () => {
    expect(parseCommand("restore user O'Brien")).toEqual({ verb: 'restoreUser', name: "O'Brien" });
  });

  test('When the keyword itself is quoted, then it is not a keyword', () => {
    expect(failed('restore "user" bob').error).toBe('unknownCommand');
  });
});

describe('grammar: durations and dates', () => {
  test.each<[string, number]>([
    ['1h', HOUR],
    ['24h', 24 * HOUR],
    ['7d', 7 * DAY],
    ['2w', 14 * DAY],
    ['7D', 7 * DAY],
    ['9999h', 9999 * HOUR],
  ])('When the span is %s, then it is a duration of the right length', (span, ms) => {
    expect(parsed(`deleted since ${span}`)).toEqual({ verb: 'deleted', since: { kind: 'duration', text: span, durationInMs: ms } });
  });

  test.each<[string, string]>([
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20T08:00Z', '2026-11-20T08:00:00.000Z'],
    ['2026-11-20t08:00z', '2026-11-20T08:00:00.000Z'],
    ['2026-11-20T08:00', '2026-11-20T08:00:00.000Z'],
    ['2026-11-20T08:00:30.5Z', '2026-11-20T08:00:30.500Z'],
    ['2026-11-20T09:00+01:00', '2026-11-20T08:00:00.000Z'],
    ['2026-11-20T03:30-04:30', '2026-11-20T08:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('When the date is %s, then it is the UTC instant %s', (date, iso) => {
    expect(parsed(`memberships bob at ${date}`)).toEqual({ verb: 'memberships', name: 'bob', at: { kind: 'instant', text: date, at: iso } });
  });

  test('When diff role gets a date, then since is an instant', () => {
    expect(parsed('diff role "Global Administrator" since 2026-11-01')).toEqual({
      verb: 'diffRole', name: 'Global Administrator', since: { kind: 'instant', text: '2026-11-01', at: '2026-11-01T00:00:00.000Z' },
    });
  });

  test.each([
    ['2026-13-01'],
    ['2026-02-30'],
    ['2025-02-29'],
    ['2026-11-20T24:00Z'],
    ['2026-11-20T08:60Z'],
    ['2026-11-20T08:00+15:00'],
    ['20-11-2026'],
    ['yesterday'],
    ['1969-12-31'],
    ['2026-11-20T08:00:00.1234Z'],
  ])('When the date %s is not a valid ISO date, then it is a badDate error with the accepted forms', (date) => {
    const error = failed(`memberships bob at ${date}`);
    expect(error.error).toBe('badDate');
    expect(error.message).toContain('use 2026-11-20 or 2026-11-20T08:00Z (times are UTC)');
    expect(error.usage).toBe('memberships <name> [at <date>]');
  });

  test('When a bad date is given, then the exact message echoes it and suggests quoting the name', () => {
    expect(failed('memberships Pat at Home')).toEqual({
      error: 'badDate',
      message: '"Home" is not a date; use 2026-11-20 or 2026-11-20T08:00Z (times are UTC). If the word before it is part of the name, put the name in quotes.',
      usage: 'memberships <name> [at <date>]',
    });
  });

  test.each([['0d'], ['7m'], ['3days'], ['10y']])('When the span %s is not hours, days or weeks, then it is a badDuration error', (span) => {
    expect(failed(`deleted since ${span}`)).toMatchObject({ error: 'badDuration', usage: 'deleted [since <24h|7d|date>]' });
  });

  test('When a span has five digits, then it is refused', () => {
    expect(failed('deleted since 10000h').error).toMatch(/^bad/);
  });

  test('When "since" has no value, then it is a missingArgument error that names the accepted times', () => {
    expect(failed('diff role Admins since')).toEqual({
      error: 'missingArgument', message: '"since" needs a time such as 24h, 7d, 2w or a date such as 2026-11-20.', usage: 'diff role <name> [since <7d|24h|date>]',
    });
  });

  test('When "deleted" is followed by something other than since, then it is an unexpectedWords error', () => {
    expect(failed('deleted bob')).toEqual({
      error: 'unexpectedWords', message: 'deleted [since <24h|7d|date>] takes nothing more. Usage: deleted [since <24h|7d|date>].', usage: 'deleted [since <24h|7d|date>]',
    });
  });
});

describe('grammar: missing and extra arguments', () => {
  test('When restore user has no name, then it is a missingArgument error with an example', () => {
    expect(failed('restore user')).toEqual({
      error: 'missingArgument', message: 'Say which one: restore user <name>, for example restore user bob.', usage: 'restore user <name>',
    });
  });

  test('When versions has no kind, then it asks for user or group', () => {
    expect(failed('versions bob')).toEqual({
      error: 'missingArgument', message: 'Say which kind of object: versions user <name> or versions group <name>.', usage: 'versions <user|group> <name>',
    });
  });

  test('When backup now has extra words, then it is an unexpectedWords error', () => {
    expect(failed('backup now please')).toMatchObject({ error: 'unexpectedWords', usage: 'backup now' });
  });

  test('When the name is longer than 256 characters, then it is a badName error', () => {
    expect(failed(`restore user ${'a'.repeat(257)}`)).toMatchObject({ error: 'badName', usage: 'restore user <name>' });
  });

  test('When undo gets an upper-case id, then it is normalised to lower case', () => {
    expect(parsed('undo R-20261120-080000-A1B2C3')).toEqual({ verb: 'undo', restoreId: 'r-20261120-080000-a1b2c3' });
  });

  test.each([['undo bob'], ['undo r-2026-1'], ['undo r-20261120-080000-zzzzzz']])('When %s is not a restore id, then it is a badRestoreId error', (text) => {
    expect(failed(text)).toMatchObject({ error: 'badRestoreId', usage: 'undo <restoreId>' });
  });

  test('When undo has no id, then it is a missingArgument error', () => {
    expect(failed('undo').error).toBe('missingArgument');
  });
});

describe('grammar: closest command', () => {
  test.each<[string, string]>([
    ['restor user bob', 'restore user <name>'],
    ['restore usr bob', 'restore user <name>'],
    ['restore grup Sales', 'restore group <name>'],
    ['hlep', 'help'],
    ['backup stauts', 'backup status'],
    ['backup nwo', 'backup now'],
    ['memberhips bob', 'memberships <name> [at <date>]'],
    ['delted since 24h', 'deleted [since <24h|7d|date>]'],
    ['dif role Admins', 'diff role <name> [since <7d|24h|date>]'],
    ['versoins user bob', 'versions <user|group> <name>'],
    ['set approval channel', 'set approvals channel'],
    ['set sumary chanel', 'set summary channel'],
    ['undoo r-1', 'undo <restoreId>'],
  ])('When the message is %j, then the closest command is %s', (text, usage) => {
    const error = failed(text);
    expect(error.error).toBe('unknownCommand');
    expect(error.closest?.usage).toBe(usage);
    expect(error.usage).toBe(usage);
  });

  test('When the command is misspelled, then the exact message names the word and the suggestion', () => {
    expect(failed('restor user bob').message).toBe('"restor" is not a command I know. Did you mean: restore user <name>? Type help for all commands.');
  });

  test('When nothing is close, then there is no suggestion and the message points at help', () => {
    expect(failed('please make me a sandwich')).toEqual({ error: 'unknownCommand', message: '"please" is not a command I know. Type help for all commands.', usage: 'help' });
  });

  test('When the unknown word holds markdown or markup, then the echo is inert and short', () => {
    const message = failed('[click](https://evil.example)<b>x</b>aaaaaaaaaaaaaaaaaaaaaaaaaaaa').message;
    expect(message).not.toMatch(/[[\]()<>]/);
    expect(message.startsWith('"clickhttps://evil.exampl…"')).toBe(true);
  });

  test('When two words are swapped letters, then the edit distance counts one transposition', () => {
    expect([editDistance('hlep', 'help'), editDistance('restor', 'restore'), editDistance('', 'undo'), editDistance('abc', 'abc')]).toEqual([1, 1, 4, 0]);
  });
});

describe('grammar: any input is safe', () => {
  test('When the message is exactly 4 KB, then it is parsed', () => {
    const text = `restore group ${'x'.repeat(MAX_COMMAND_BYTES - 'restore group '.length)}`;
    expect(failed(text).error).toBe('badName');
  });

  test('When the message is over 4 KB, then it is a tooLong error with the size', () => {
    expect(failed(`restore user ${'b'.repeat(5000)}`)).toEqual({
      error: 'tooLong', message: 'That message is 4.9 KB; commands are at most 4 KB. Type help for the commands.', usage: 'help',
    });
  });

  test('When multi-byte characters push the message over 4 KB in UTF-8, then it is tooLong', () => {
    const text = 'é'.repeat(2100); // 2,100 code units, 4,200 bytes
    expect(failed(text).error).toBe('tooLong');
  });

  test.each([
    ['plain', 'a'.repeat(100 * 1024)],
    ['quotes', '"'.repeat(100 * 1024)],
    ['open mentions', '<at>'.repeat(25 * 1024)],
    ['spaces', ' '.repeat(100 * 1024)],
  ])('When a 100 KB message of %s arrives, then it is refused quickly', (_label, text) => {
    const started = process.hrtime.bigint();
    const result = parseCommand(text);
    const elapsedInMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(result).toMatchObject({ error: 'tooLong' });
    // A generous bound on a shared machine: it tells linear work from catastrophic backtracking, not speed.
    expect(elapsedInMs).toBeLessThan(1000);
  });

  test.each([
    ['unclosed mentions', '<at>'.repeat(1000)],
    ['alternating quotes', 'a"'.repeat(2000)],
    ['date-like digits', `memberships x at ${'1'.repeat(4000)}`],
    ['entities', '&amp;'.repeat(800)],
    ['many words', 'a '.repeat(2000)],
  ])('When a 4 KB pathological message of %s arrives, then it is answered quickly', (_label, text) => {
    const started = process.hrtime.bigint();
    const result = parseCommand(text);
    const elapsedInMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(isCommandError(result)).toBe(true);
    expect(elapsedInMs).toBeLessThan(1000);
  });

  test('When control, zero-width and bidi characters are in the message, then they are stripped', () => {
    expect(parseCommand('\u0000res\u200Btore\u0007 user\u202E b\u0000ob\uFEFF')).toEqual({ verb: 'restoreUser', name: 'bob' });
  });

  test('When line breaks and tabs separate words, then they count as spaces', () => {
    expect(parseCommand('backup\r\nstatus')).toEqual({ verb: 'backupStatus' });
  });

  test('When the value is not a string at run time, then it is an empty-command error, not a throw', () => {
    expect(parseCommand(undefined as unknown as string)).toMatchObject({ error: 'empty' });
  });

  test('When emoji and other scripts are in the name, then they are kept', () => {
    expect(parseCommand('restore group "Équipe 販売 🚀"')).toEqual({ verb: 'restoreGroup', name: 'Équipe 販売 🚀' });
  });
});
