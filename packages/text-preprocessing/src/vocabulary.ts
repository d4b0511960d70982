/**
 * A token ↔ id mapping. Id `PAD_ID` (0) is `<pad>`, id `UNK_ID` (1) is `<unk>`, real tokens start
 * at 2.
 *
 * @example
 * ```ts
 * const vocabulary: Vocabulary = buildVocabulary([['hi']]);
 * vocabulary.idOf('hi'); // 2
 * vocabulary.tokenOf(2); // 'hi'
 * ```
 */
export interface Vocabulary {
  /** Number of ids, including the two reserved ones. */
  readonly size: number;
  /**
   * The id of a token.
   *
   * @param token - any string.
   * @returns its id, or `UNK_ID` for tokens not in the vocabulary (never `undefined`/`NaN`).
   */
  idOf(token: string): number;
  /**
   * The token of an id.
   *
   * @param id - an id.
   * @returns the token, or `<unk>` for ids outside `[0, size)` or not integers.
   */
  tokenOf(id: number): string;
  /**
   * Whether a token has its own id (the reserved `<pad>` and `<unk>` count).
   *
   * @param token - any string.
   */
  has(token: string): boolean;
  /** All tokens ordered by id (index = id). */
  tokens(): readonly string[];
  /** The serialisable form; `vocabularyFromJSON` restores it. */
  toJSON(): VocabularyJSON;
}

/** Serialised {@link Vocabulary}: the tokens ordered by id, starting with `<pad>` and `<unk>`. */
export interface VocabularyJSON {
  /** Tokens by id: `tokens[0] === '<pad>'`, `tokens[1] === '<unk>'`, all distinct. */
  readonly tokens: readonly string[];
}
