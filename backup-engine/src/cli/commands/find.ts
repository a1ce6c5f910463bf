/** `rewind find <text>`: every stored object whose id, UPN, mail or name starts with the text. */
import type { CommandContext } from '../context';
import { ExitCode } from '../errors';
import { json, kindLabel, table } from '../format';

export async function findCommand(ctx: CommandContext<'find'>): Promise<number> {
  const { queries, output, options } = ctx;
  await queries.resolveSnapshot(); // no snapshots yet → "run a backup first", not "nothing matches"
  const found = await queries.findObjects(options.text);
  const matches = found.map((f) => ({ ...f, kind: kindLabel(f.kind) }));
  if (options.global.json) {
    output.stdout(json({ query: options.text, matches }));
    return matches.length ? ExitCode.ok : ExitCode.notFound;
  }
  if (!matches.length) {
    output.stderr(`Nothing matches "${options.text}". Names match by prefix: a UPN, a mail, a display name or one word of it, or an id.\n`);
    return ExitCode.notFound;
  }
  output.stdout(table(['KIND', 'NAME', 'UPN', 'ID', 'NOW'], matches.map((m) => [m.kind, m.displayName, m.userPrincipalName ?? '', m.id, m.existsNow ? 'present' : 'deleted'])));
  return ExitCode.ok;
}
