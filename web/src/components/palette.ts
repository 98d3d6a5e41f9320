/** Backend colours in a frontend's bucket bar and rows, by position; distinct on a dark page. */
const PALETTE = ['#38bdf8', '#a78bfa', '#34d399', '#fbbf24', '#f472b6', '#60a5fa', '#fb923c', '#2dd4bf'];

export function colorOf(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}
