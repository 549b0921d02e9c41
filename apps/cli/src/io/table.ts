/** A plain-text table for people: a header, a rule, one row per item; columns as wide as their widest cell. */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') + '\n';
}

/** Label/value pairs, aligned, for reviewing one record. */
export function renderFields(fields: ReadonlyArray<readonly [label: string, value: string]>): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `  ${`${label}:`.padEnd(width + 1)}  ${value}`).join('\n') + '\n';
}
