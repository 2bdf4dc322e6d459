/** Print a command's result: JSON with --json, else a plain table (arrays) or key: value lines (objects). */
export function printRows(result: unknown, json: boolean, out: NodeJS.WritableStream = process.stdout): void {
  if (json) {
    out.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  if (Array.isArray(result)) {
    if (result.length === 0) {
      out.write('(none)\n');
      return;
    }
    const rows = result as Array<Record<string, unknown>>;
    const columns = Object.keys(rows[0] ?? {});
    const cell = (v: unknown) => (v === null || v === undefined ? '-' : String(v));
    const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
    const line = (values: string[]) =>
      values
        .map((v, i) => v.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd();
    out.write(`${line(columns)}\n`);
    for (const r of rows) out.write(`${line(columns.map((c) => cell(r[c])))}\n`);
    return;
  }
  if (typeof result === 'object' && result !== null) {
    for (const [k, v] of Object.entries(result))
      out.write(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`);
    return;
  }
  if (result !== undefined) out.write(`${String(result)}\n`);
}
