/**
 * infra/grant-graph-permissions.sh: its syntax, its permission lists against infra/README.md, and its behaviour
 * against a fake `az` that answers the Graph calls the script makes and records the app role assignments it posts.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, readText } from './support/toolkit';

const SCRIPT = join(ROOT, 'infra/grant-graph-permissions.sh');
const PRINCIPAL_ID = '0b7c51d4-9d2e-4f5a-8c61-2f0e3a9b7c11';
const GRAPH_SP_ID = 'c3f5a1e2-0000-4000-8000-00000000a001';

function scriptList(name: 'BACKUP_PERMISSIONS' | 'RESTORE_PERMISSIONS'): string[] {
  const match = new RegExp(`^${name}=\\(\\n([^)]*)\\)`, 'm').exec(readText('infra/grant-graph-permissions.sh'));
  if (!match) throw new Error(`no ${name}=( … ) in the script`);
  return match[1].split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** The backticked permission in the first column of each row of the table under `### <heading>` in the README. */
function readmeList(heading: string): string[] {
  const readme = readText('infra/README.md');
  const start = readme.indexOf(`\n### ${heading}\n`);
  if (start === -1) throw new Error(`no "### ${heading}" in infra/README.md`);
  const end = readme.indexOf('\n#', start + 1);
  return [...readme.slice(start, end).matchAll(/^\| `([A-Za-z.-]+)` \|/gm)].map((m) => m[1]);
}

/** Every application permission the fake Graph knows: the script's lists and two it does not use. */
const KNOWN_ROLES = [...scriptList('BACKUP_PERMISSIONS'), ...scriptList('RESTORE_PERMISSIONS'), 'Mail.Read', 'Sites.Read.All'];
const roleId = (permission: string) => `00000000-0000-4000-8000-${String(KNOWN_ROLES.indexOf(permission) + 1).padStart(12, '0')}`;

/**
 * A fake `az`: `account show` succeeds; `rest` answers by URL and --query. Assigned role ids live in
 * $FAKE_AZ_STATE/assigned (one per line); each POST body is appended to $FAKE_AZ_STATE/posts, so `posted` lists
 * every assignment made since the fake was created.
 */
const FAKE_AZ = `#!/usr/bin/env bash
set -euo pipefail
state="$FAKE_AZ_STATE"
if [[ "$1" == account ]]; then exit 0; fi
method='' url='' query='' body=''
while [[ $# -gt 0 ]]; do
  case "$1" in
    --method) method="$2"; shift 2 ;;
    --url) url="$2"; shift 2 ;;
    --query) query="$2"; shift 2 ;;
    --body) body="$2"; shift 2 ;;
    --headers|--output) shift 2 ;;
    *) shift ;;
  esac
done
if [[ "$method" == POST ]]; then
  echo "$body" >> "$state/posts"
  sed -E 's/.*"appRoleId":"([^"]+)".*/\\1/' <<<"$body" >> "$state/assigned"
  exit 0
fi
case "$url" in
  *"/servicePrincipals/${PRINCIPAL_ID}?"*) echo 'rewindabc123' ;;
  *"servicePrincipals(appId='00000003-0000-0000-c000-000000000000')?\\$select=id") echo '${GRAPH_SP_ID}' ;;
  *"servicePrincipals(appId='00000003-0000-0000-c000-000000000000')?\\$select=appRoles") cat "$state/roles" ;;
  *"/servicePrincipals/${PRINCIPAL_ID}/appRoleAssignments"*)
    if [[ "$query" == *nextLink* ]]; then echo ''; else cat "$state/assigned"; fi ;;
  *) echo "fake az: unexpected $method $url" >&2; exit 3 ;;
esac
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  posted: string[];
}

function withFakeAz(assigned: string[]): { run: (...args: string[]) => Run; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'rewind-grant-'));
  writeFileSync(join(dir, 'az'), FAKE_AZ);
  chmodSync(join(dir, 'az'), 0o755);
  writeFileSync(join(dir, 'roles'), KNOWN_ROLES.map((p) => `${p}\t${roleId(p)}`).join('\n') + '\n');
  writeFileSync(join(dir, 'assigned'), assigned.map((p) => `${roleId(p)}\n`).join(''));
  writeFileSync(join(dir, 'posts'), '');
  const run = (...args: string[]): Run => {
    const result = spawnSync('bash', [SCRIPT, '--principal-id', PRINCIPAL_ID, ...args], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}`, FAKE_AZ_STATE: dir },
    });
    const posted = readFileSync(join(dir, 'posts'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => KNOWN_ROLES[KNOWN_ROLES.map(roleId).indexOf((JSON.parse(l) as { appRoleId: string }).appRoleId)]);
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, posted };
  };
  return { run, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('infra/grant-graph-permissions.sh', () => {
  test('When bash checks its syntax (bash -n), then it passes', () => {
    const result = spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' });

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('When its lists are compared with infra/README.md, then the backup list and the restore list are the README tables', () => {
    expect(scriptList('BACKUP_PERMISSIONS')).toEqual(readmeList('Backup (read-only)'));
    expect(scriptList('RESTORE_PERMISSIONS')).toEqual(readmeList('Restore'));
  });

  test('When the lists are read, then the backup list grants nothing that writes and the two lists do not overlap', () => {
    const backup = scriptList('BACKUP_PERMISSIONS');

    expect(backup.filter((p) => /Write|Create|DeleteRestore/.test(p))).toEqual([]);
    expect(scriptList('RESTORE_PERMISSIONS').filter((p) => backup.includes(p))).toEqual([]);
  });

  test('When nothing is assigned yet, then it grants every permission of both lists, each once, to Graph for the identity', () => {
    const az = withFakeAz([]);
    try {
      const result = az.run();

      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.posted).toEqual([...scriptList('BACKUP_PERMISSIONS'), ...scriptList('RESTORE_PERMISSIONS')]);
      expect(result.stdout).toContain('granted          User.ReadWrite.All');
      expect(result.stdout).toContain(`Done: ${result.posted.length} granted, 0 already granted.`);
    } finally {
      az.dispose();
    }
  });

  test('When it runs a second time, then it grants nothing and reports every permission as already granted', () => {
    const az = withFakeAz([]);
    try {
      const first = az.run();
      const second = az.run();

      expect(second.status).toBe(0);
      expect(second.posted).toEqual(first.posted);
      expect(second.stdout).toContain(`Done: 0 granted, ${first.posted.length} already granted.`);
    } finally {
      az.dispose();
    }
  });

  test('When run with --backup-only, then it grants only the read-only list and lists assigned write permissions without removing them', () => {
    const az = withFakeAz(['User.ReadWrite.All']);
    try {
      const result = az.run('--backup-only');

      expect(result.status).toBe(0);
      expect(result.posted).toEqual(scriptList('BACKUP_PERMISSIONS'));
      expect(result.stdout).toContain('left as it is    User.ReadWrite.All');
    } finally {
      az.dispose();
    }
  });

  test('When some permissions are assigned already, then only the missing ones are granted', () => {
    const az = withFakeAz(['User.Read.All', 'Directory.Read.All']);
    try {
      const result = az.run('--backup-only');

      expect(result.posted).toEqual(scriptList('BACKUP_PERMISSIONS').filter((p) => p !== 'User.Read.All' && p !== 'Directory.Read.All'));
      expect(result.stdout).toContain('already granted  Directory.Read.All');
    } finally {
      az.dispose();
    }
  });

  test('When run with --dry-run, then it grants nothing and says what it would grant', () => {
    const az = withFakeAz([]);
    try {
      const result = az.run('--dry-run');

      expect(result.status).toBe(0);
      expect(result.posted).toEqual([]);
      expect(result.stdout).toContain('would grant      GroupMember.ReadWrite.All');
    } finally {
      az.dispose();
    }
  });

  test('When the principal id is not a GUID or an argument is unknown, then it stops before calling az', () => {
    const az = withFakeAz([]);
    try {
      const notGuid = spawnSync('bash', [SCRIPT, '--principal-id', 'rewind'], { encoding: 'utf8' });
      const unknown = az.run('--everything');

      expect(notGuid.status).toBe(1);
      expect(notGuid.stderr).toContain('is not a GUID');
      expect(unknown.status).toBe(1);
      expect(unknown.stderr).toContain('unknown argument: --everything');
      expect(unknown.posted).toEqual([]);
    } finally {
      az.dispose();
    }
  });
});
