/* A plain text table for the terminal. */
export function printTable(
	headers: string[],
	rows: string[][],
	write: (line: string) => void = console.log,
): void {
	const widths = headers.map((header, column) =>
		Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
	);
	const line = (cells: string[]): string =>
		cells
			.map((cell, column) => (cell ?? '').padEnd(widths[column]))
			.join('  ')
			.trimEnd();
	write(line(headers));
	write(line(widths.map((width) => '-'.repeat(width))));
	for (const row of rows) write(line(row));
}
