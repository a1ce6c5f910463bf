/** The argument parser is pure: every accepted form, and the exact message of every rejected one. */
import { UsageError } from '../../src/cli/errors';
import { parseArguments } from '../../src/cli/parse-args';

const NOW = new Date('2026-11-25T12:00:00Z');
const parse = (...argv: string[]) => parseArguments(argv, NOW);

describe('when the arguments are valid', () => {
  it.each([
    [['backup'], { command: 'backup', full: false }],
    [['backup', '--full', '--progress'], { command: 'backup', full: true, global: expect.objectContaining({ progress: true }) }],
    [['snapshots', '--json'], { command: 'snapshots', global: expect.objectContaining({ json: true }) }],
    [['find', 'bob'], { command: 'find', text: 'bob' }],
    [['show', 'user', 'Bob', 'Kelly'], { command: 'show', kind: 'user', name: 'Bob Kelly' }],
    [['show', 'role', 'Helpdesk Administrator', '--at=2026-11-20'], { command: 'show', kind: 'role', at: '2026-11-20' }],
    [['show', 'unit', 'Seattle', '--at', '20261125T122058142Z-9a78ea'], { command: 'show', kind: 'unit', at: '20261125T122058142Z-9a78ea' }],
    [['versions', 'GROUP', 'Helpdesk'], { command: 'versions', kind: 'group', name: 'Helpdesk' }],
    [['diff', 'user', 'bob', '--from', '74eca930a6', '--to', '2026-11-25T08:00Z'], { command: 'diff', from: '74eca930a6', to: '2026-11-25T08:00Z' }],
    [['diff', 'tenant'], { command: 'diffTenant' }],
    [['deleted'], { command: 'deleted', sinceText: '7d', since: new Date('2026-11-18T12:00:00Z') }],
    [['deleted', '--since', '24h'], { command: 'deleted', since: new Date('2026-11-24T12:00:00Z') }],
    [['deleted', '--since', '2026-11-01'], { command: 'deleted', since: new Date('2026-11-01T00:00:00Z') }],
    [['prune', '--dry-run', '--keep-daily', '30', '--keep-monthly', '0'], { command: 'prune', dryRun: true, policy: { keepDailyForDays: 30, keepMonthlyForMonths: 0 } }],
    [['prune'], { command: 'prune', dryRun: false, policy: { keepDailyForDays: 90, keepMonthlyForMonths: 84 } }],
    [['check', '--tenant', '51A9BED4-4908-47C2-B8C7-867C6542A0D8'], { command: 'check', global: expect.objectContaining({ tenant: '51a9bed4-4908-47c2-b8c7-867c6542a0d8' }) }],
    [['find', '--', '--odd-name'], { command: 'find', text: '--odd-name' }],
    [['show', '--help'], { command: 'help', topic: 'show' }],
    [['help', 'prune'], { command: 'help', topic: 'prune' }],
    [['--help'], { command: 'help' }],
  ])('then %j parses', (argv, expected) => {
    expect(parse(...argv)).toMatchObject(expected);
  });
});

describe('when the arguments are wrong', () => {
  it.each([
    [[], 'no command given'],
    [['frob'], 'unknown command "frob"'],
    [['snapshot'], 'unknown command "snapshot"; did you mean snapshots?'],
    [['--json'], 'expected a command before --json'],
    [['snapshots', '--jsn'], 'unknown option --jsn for `rewind snapshots`; did you mean --json?'],
    [['snapshots', '-x'], 'unknown option -x for `rewind snapshots` (options are spelled --name)'],
    [['snapshots', 'extra'], 'unexpected argument "extra" for `rewind snapshots`'],
    [['backup', '--full=yes'], '--full takes no value'],
    [['find'], '`rewind find` needs the text to look for: an id, a UPN, a mail, or the start of a name'],
    [['show'], '`rewind show` needs a kind (user, group, role, unit) and a name'],
    [['show', 'user'], '`rewind show user` needs a name: an id, a UPN, a mail, or the start of a name'],
    [['show', 'widget', 'bob'], 'unknown kind "widget": use user, group, role or unit'],
    [['show', 'user', 'bob', '--at'], '--at needs a value: time|snapshot'],
    [['show', 'user', 'bob', '--at', 'yesterday'], '--at "yesterday" is neither a date (2026-11-20, 2026-11-20T08:00Z) nor a snapshot id (see `rewind snapshots`)'],
    [['show', 'user', 'bob', '--at', '2026-13-45'], '--at "2026-13-45" is neither a date (2026-11-20, 2026-11-20T08:00Z) nor a snapshot id (see `rewind snapshots`)'],
    [['diff', 'user', 'bob', '--from', 'last-week'], '--from "last-week" is neither a date (2026-11-20, 2026-11-20T08:00Z), a snapshot id (see `rewind snapshots`) nor a version hash (see `rewind versions`)'],
    [['diff', 'tenant', '--to', 'abcdef12'], '--to "abcdef12" is neither a date (2026-11-20, 2026-11-20T08:00Z) nor a snapshot id (see `rewind snapshots`)'],
    [['diff'], '`rewind diff` needs a kind (user, group, role, unit) and a name (or `rewind diff tenant`)'],
    [['deleted', '--since', '3x'], '--since "3x" is neither a duration nor a date: use e.g. 30m, 24h, 7d, 2w or 2026-11-20'],
    [['prune', '--keep-daily', '0'], '--keep-daily must be a whole number of days, 1 or more (got "0")'],
    [['prune', '--keep-monthly', '-1'], '--keep-monthly must be a whole number of months, 0 or more (got "-1")'],
    [['prune', '--keep-monthly', '1.5'], '--keep-monthly must be a whole number of months, 0 or more (got "1.5")'],
    [['check', '--tenant', 'contoso.com'], '--tenant must be a tenant id, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 (got "contoso.com")'],
    [['help', 'frobnicate'], 'no help for "frobnicate": there is no such command'],
  ])('then %j is refused with its message', (argv, message) => {
    expect(() => parse(...argv)).toThrow(UsageError);
    expect(() => parse(...argv)).toThrow(new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });
});
