/**
 * Human output: aligned tables, field lists, UTC times, compact values. Machine output: one JSON document.
 * Nothing here does I/O; commands write what these functions return through `CliOutput`.
 */
import type { NamedObject, SnapshotRef } from '../query/snapshot-queries';

export interface CliOutput {
  /** Write to stdout (the result). */
  stdout(text: string): void;
  /** Write to stderr (diagnostics, hints, progress). */
  stderr(text: string): void;
  /** Whether stderr is a terminal: progress is shown by default only then. */
  stderrIsTTY: boolean;
  /**
   * Writes a credential to stdout and returns only once it reached it; throws when it did not (the reader went away,
   * the stream broke). A credential counts as handed over only if this returned. Optional: without it, `stdout` is
   * used and trusted.
   */
  handOver?(text: string): void;
}

export function json(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: unknown[][], options: { indent?: string } = {}): string {
  const cells = [headers, ...rows.map((row) => row.map(cell))];
  const widths = headers.map((_, c) => Math.max(...cells.map((row) => width(row[c] ?? ''))));
  const indent = options.indent ?? '';
  const line = (row: string[]) => indent + row.map((text, c) => (c === row.length - 1 ? text : pad(text, widths[c]))).join('  ').trimEnd();
  return `${[line(cells[0]), ...cells.slice(1).map(line)].join('\n')}\n`;
}

/** `name  value` lines, names aligned; multi-line values are indented under their value column. */
export function fields(entries: [string, unknown][], options: { indent?: string } = {}): string {
  const indent = options.indent ?? '';
  const nameWidth = Math.max(0, ...entries.map(([name]) => width(name)));
  return entries.map(([name, value]) => {
    const lines = cell(value).split('\n');
    return [`${indent}${pad(name, nameWidth)}  ${lines[0]}`, ...lines.slice(1).map((l) => `${indent}${' '.repeat(nameWidth)}  ${l}`)].join('\n').trimEnd();
  }).join('\n') + '\n';
}

export function heading(text: string): string {
  return `${text}\n`;
}

/** `2026-11-25 12:15:24Z` (UTC, seconds). */
export function formatTime(iso: string | Date | undefined): string {
  if (iso === undefined) return '';
  const date = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export function formatSnapshot(ref: SnapshotRef): string {
  return `${ref.snapshotId} (${formatTime(ref.at)})`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}

/** The kind word users type: user, group, role, unit (and the engine's other kinds as they are). */
export function kindLabel(kind: string): string {
  return kind === 'roleDefinition' ? 'role' : kind === 'administrativeUnit' ? 'unit' : kind === 'directoryRole' ? 'directoryRole' : kind;
}

export function objectName(o: NamedObject): string {
  return o.userPrincipalName && o.userPrincipalName !== o.displayName ? `${o.displayName} <${o.userPrincipalName}>` : o.displayName;
}

/** A value in one cell: strings as they are, `(none)` for null and empty lists, scalars in lists joined by ", ". */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (!value.length) return '(none)';
    if (value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) return value.map((v) => cell(v)).join(', ');
    return value.map((v) => compactJson(v)).join(', ');
  }
  return compactJson(value);
}

export function compactJson(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Cuts a cell to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function width(text: string): number {
  return [...text].length;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)));
}
