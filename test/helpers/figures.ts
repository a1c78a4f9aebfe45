/**
 * Figures a test measured (statuses, times, counts), printed as one block after the file's tests.
 * They are reported, never asserted: the tests pin behaviour, not speed.
 */
export function useFigures(title: string): (name: string, figure: string) => void {
  const rows: string[] = [];
  afterAll(() => {
    if (rows.length > 0) console.log(`${title}\n${rows.join("\n")}`);
  });
  return (name, figure) => rows.push(`  ${name}: ${figure}`);
}
