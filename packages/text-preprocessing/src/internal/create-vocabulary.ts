import { PAD_ID, UNK_ID, UNK_TOKEN } from '../special-tokens.js';
import type { Vocabulary, VocabularyJSON } from '../vocabulary.js';

/**
 * Creates a vocabulary from tokens ordered by id. The caller guarantees the invariants
 * (`<pad>`, `<unk>` first, all distinct); use `vocabularyFromJSON` for untrusted input.
 */
export function createVocabularyUnchecked(tokens: readonly string[]): Vocabulary {
  const frozen = Object.freeze([...tokens]);
  const index = new Map<string, number>();
  for (let i = 0; i < frozen.length; i++) index.set(frozen[i] as string, i);
  const size = frozen.length;
  return Object.freeze({
    size,
    idOf(token: string): number {
      return index.get(token) ?? UNK_ID;
    },
    tokenOf(id: number): string {
      return Number.isInteger(id) && id >= PAD_ID && id < size ? (frozen[id] as string) : UNK_TOKEN;
    },
    has(token: string): boolean {
      return index.has(token);
    },
    tokens(): readonly string[] {
      return frozen;
    },
    toJSON(): VocabularyJSON {
      return { tokens: [...frozen] };
    },
  });
}
