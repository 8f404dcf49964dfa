/** A plain-text table: the first row is the header, columns padded to fit. */
export function table(rows: string[][], rightAligned: number[] = []): string[] {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        rightAligned.includes(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
      )
      .join("  ")
      .trimEnd();
  return [line(rows[0]), widths.map((width) => "-".repeat(width)).join("  "), ...rows.slice(1).map(line)];
}

/** 1234567 → "1,234,567"; fractions keep `digits` decimals. */
export function num(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Bytes in KB of 1,000 bytes, as the docs print them: "3.4", "118". */
export function kb(bytes: number): string {
  return bytes < 10_000 ? num(bytes / 1000, 1) : num(bytes / 1000);
}

/** Seconds as a short duration: "9.5 s", "3.3 min", "1.2 h". */
export function duration(seconds: number): string {
  if (seconds < 120) return `${num(seconds, seconds < 10 ? 1 : 0)} s`;
  if (seconds < 7_200) return `${num(seconds / 60, 1)} min`;
  return `${num(seconds / 3_600, 1)} h`;
}
