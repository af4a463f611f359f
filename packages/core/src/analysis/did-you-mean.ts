/**
 * Edit distance between two strings: insertions, deletions, substitutions,
 * and swaps of two neighbouring characters (`wiht` → `with` is one edit),
 * the "optimal string alignment" variant of Damerau–Levenshtein distance.
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j]!, before[j - 2]! + 1);
    }
    before = prev;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The known word closest to `word`, when it is close enough to be a likely
 * typo (distance at most a third of the word, at least 1; case ignored), or
 * the only known word it abbreviates (`app` → `application`).
 */
export function closest(word: string, known: Iterable<string>): string | undefined {
  const words = [...known];
  const prefixed = word.length >= 3 ? words.filter((k) => k.toLowerCase().startsWith(word.toLowerCase()) && k !== word) : [];
  if (prefixed.length === 1) return prefixed[0];
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of words) {
    const d = levenshtein(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** `; did you mean 'x'?` or the empty string. */
export function didYouMean(word: string, known: Iterable<string>): string {
  const c = closest(word, known);
  return c === undefined ? '' : `; did you mean '${c}'?`;
}
