import Table from 'cli-table3';
import { stringify } from 'yaml';

export type Format = 'table' | 'json' | 'yaml';
export const FORMATS: readonly Format[] = ['table', 'json', 'yaml'];

/** A column of a human table: a header and how to show one item. */
export interface Column<T> { header: string; value: (t: T) => unknown }

/** `data` as JSON or YAML (whole, for scripts), or as a table of `columns` (one row per item). */
export function render<T>(data: T | T[], format: Format, columns: Column<T>[]): string {
  if (format === 'json') return JSON.stringify(data, null, 2);
  if (format === 'yaml') return stringify(data).trimEnd();
  const items = Array.isArray(data) ? data : [data];
  const table = new Table({ head: columns.map((c) => c.header), style: { head: [], border: [] } });
  for (const item of items) table.push(columns.map((c) => cell(c.value(item))));
  return table.toString();
}

/** Key/value table of one object (for `get` of nested things). */
export function renderDetails(rows: [string, unknown][]): string {
  const table = new Table({ style: { head: [], border: [] } });
  for (const [k, v] of rows) table.push({ [k]: cell(v) });
  return table.toString();
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Epoch milliseconds as an ISO time without milliseconds, or '' when absent. */
export function time(ms: number | null | undefined): string {
  return typeof ms === 'number' ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
}
