// Plain-text tables for a terminal: left-aligned text, right-aligned numbers.

export type Cell = string | number | null | undefined;

export function renderTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = (cell: Cell) => (cell === null || cell === undefined ? '-' : String(cell));
  const numeric = header.map((_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === 'number' || row[column] === null));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => text(row[column]).length)));
  const line = (cells: readonly Cell[]) =>
    cells
      .map((cell, column) => (numeric[column] ? text(cell).padStart(widths[column]) : text(cell).padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') + '\n';
}
