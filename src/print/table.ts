import { escapeCell } from './escape.ts';

// Tab-aligned tables as Go's text/tabwriter lays them out with the settings istioctl used
// (minwidth 10, padding 3, spaces): every column but the last is padded. Pure.

export function formatTable(cells: string[][], minWidth = 10, padding = 3): string {
  if (cells.length === 0) return '';
  const rows = cells.map((r) => r.map(escapeCell));
  const cols = Math.max(...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let c = 0; c < cols - 1; c++) {
    let w = 0;
    for (const r of rows) w = Math.max(w, (r[c] ?? '').length);
    widths.push(Math.max(minWidth, w + padding));
  }
  let out = '';
  for (const r of rows) {
    let line = '';
    for (let c = 0; c < r.length; c++) line += c < r.length - 1 ? (r[c] ?? '').padEnd(widths[c]!) : (r[c] ?? '');
    out += line + '\n';
  }
  return out;
}
