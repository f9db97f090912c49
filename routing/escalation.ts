// Escalation decisions, pure: reading case numbers and choosing whom to suggest.
//
// Kazakhstan case numbers look like `5999-25-00-2/417` or `7599-24-00-2А/8554`: court code, year, a
// two-digit part, the case category (digits, optionally a letter) and the sequence. Citizens type them with
// «№», spaces, Latin or Cyrillic letters and various dashes; all of that maps to one canonical form.

// Latin look-alikes of the Cyrillic letters used in categories are written in Cyrillic in the canonical form.
const LATIN_TO_CYRILLIC: Record<string, string> = {
  A: 'А',
  B: 'В',
  C: 'С',
  E: 'Е',
  H: 'Н',
  K: 'К',
  M: 'М',
  O: 'О',
  P: 'Р',
  T: 'Т',
  X: 'Х',
};

const CASE_NUMBER =
  /(?<!\d)(\d{4})\s*[-‐‑–—]\s*(\d{2})\s*[-‐‑–—]\s*(\d{2})\s*[-‐‑–—]\s*(\d{1,2}\s*[A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]{0,3})\s*\/\s*(\d{1,6})(?!\d)/g;

function canonicalCategory(raw: string): string {
  return raw
    .replace(/\s+/g, '')
    .toUpperCase()
    .replace(/[A-Z]/g, (c) => LATIN_TO_CYRILLIC[c] ?? c);
}

/** The canonical form of a case number, or null when `raw` is not one. */
export function normalizeCaseNumber(raw: string): string | null {
  return extractCaseNumbers(raw)[0] ?? null;
}

/** Every case number in a text, canonical, in order of appearance, without repeats. */
export function extractCaseNumbers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(CASE_NUMBER)) {
    const n = `${m[1]}-${m[2]}-${m[3]}-${canonicalCategory(m[4])}/${Number(m[5])}`;
    if (!out.includes(n)) out.push(n);
  }
  return out;
}

export interface SpecialistInfo {
  userId: number;
  courtId: number | null;
  active: boolean;
  /** Open escalations they hold now. */
  load: number;
}

export interface Suggestion {
  userId: number;
  reason: 'case' | 'court';
  caseNumber?: string;
}

/**
 * Specialists to suggest for a ticket: the ones handling its case numbers first (from the court's case
 * directory), then the other specialists of the ticket's court, least loaded first.
 */
export function suggestSpecialists(
  ticket: { courtId: number; caseNumbers: string[] },
  directory: ReadonlyMap<string, number>,
  specialists: SpecialistInfo[],
): Suggestion[] {
  const active = new Map(specialists.filter((s) => s.active).map((s) => [s.userId, s]));
  const out: Suggestion[] = [];
  for (const caseNumber of ticket.caseNumbers) {
    const userId = directory.get(caseNumber);
    if (userId !== undefined && active.has(userId) && !out.some((s) => s.userId === userId))
      out.push({ userId, reason: 'case', caseNumber });
  }
  const court = [...active.values()]
    .filter((s) => s.courtId === ticket.courtId && !out.some((o) => o.userId === s.userId))
    .sort((a, b) => a.load - b.load || a.userId - b.userId);
  return [...out, ...court.map((s) => ({ userId: s.userId, reason: 'court' as const }))];
}

/** The short message telling the citizen their question went to the specialist handling it. */
export function escalationNotice(lang: 'kk' | 'ru' | 'mixed' | 'unknown', ref: string): string {
  const kk = `Сіздің ${ref} нөмірлі өтінішіңіз іс жүргізетін жауапты маманға жіберілді. Жауап осы арна арқылы келеді.`;
  const ru = `Ваше обращение ${ref} передано ответственному специалисту, который ведёт дело. Ответ придёт по этому же каналу.`;
  if (lang === 'kk') return kk;
  if (lang === 'ru') return ru;
  return `${kk}\n\n${ru}`;
}
