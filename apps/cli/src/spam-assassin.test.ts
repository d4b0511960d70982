import { describe, expect, it } from 'vitest';
import { emailToText, MAX_EMAIL_TEXT_LENGTH } from './spam-assassin.js';

const mbox = 'From someone@example.com  Thu Aug 22 12:36:23 2002\n';

describe('emailToText', () => {
  it('keeps the subject and the body of a plain message and drops the other headers', () => {
    const raw = `${mbox}Return-Path: <a@example.com>\nReceived: from x\n\tby y\nSubject: Lunch on\n Friday?\nFrom: Ann <a@example.com>\n\nAre you free at noon?\nAnn\n`;
    expect(emailToText(raw)).toBe('Lunch on Friday?\nAre you free at noon?\nAnn');
  });

  it('decodes RFC 2047 encoded-word subjects in Q and B encodings and joins adjacent words', () => {
    const raw = 'Subject: =?iso-8859-1?Q?Caf=E9_ouvert?= =?UTF-8?B?IOKCrDUg?=today\n\nbody';
    expect(emailToText(raw)).toBe('Café ouvert €5 today\nbody');
  });

  it('prefers text/plain over text/html in multipart/alternative', () => {
    const raw = [
      'Subject: Offer',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="XYZ"',
      '',
      'This is a multi-part message in MIME format.',
      '--XYZ',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'Plain version.',
      '--XYZ',
      'Content-Type: text/html',
      '',
      '<p>HTML version.</p>',
      '--XYZ--',
      'epilogue',
    ].join('\n');
    expect(emailToText(raw)).toBe('Offer\nPlain version.');
  });

  it('strips tags, scripts, styles and entities from text/html', () => {
    const raw = [
      'Subject: Deal',
      'Content-Type: text/html; charset="iso-8859-1"',
      '',
      '<html><head><title>t</title><style>p{color:red}</style></head>',
      '<body><script>alert(1)</script><p>Save&nbsp;50%&nbsp;&amp; more</p><br>Click <a href="http://x">here</a>&#33;</body></html>',
    ].join('\n');
    expect(emailToText(raw)).toBe('Deal\nSave 50% & more\n\nClick here!');
  });

  it('decodes quoted-printable with soft line breaks in the declared charset', () => {
    const raw = [
      'Subject: QP',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Cr=E8me br=FBl=E9e costs =3D 5 euros and this line is so long that it wraps=',
      ' softly.',
    ].join('\n');
    expect(emailToText(raw)).toBe('QP\nCrème brûlée costs = 5 euros and this line is so long that it wraps softly.');
  });

  it('decodes base64 parts inside multipart/mixed and skips attachments and binary parts', () => {
    const body = Buffer.from('Grüße aus Köln\n', 'utf8').toString('base64');
    const attachment = Buffer.from('secret attachment text').toString('base64');
    const raw = [
      'Subject: Photos',
      'Content-Type: multipart/mixed; boundary=outer',
      '',
      '--outer',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      body,
      '--outer',
      'Content-Type: text/plain; name="notes.txt"',
      'Content-Disposition: attachment; filename="notes.txt"',
      'Content-Transfer-Encoding: base64',
      '',
      attachment,
      '--outer',
      'Content-Type: image/jpeg',
      'Content-Transfer-Encoding: base64',
      '',
      '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBD',
      '--outer--',
    ].join('\n');
    expect(emailToText(raw)).toBe('Photos\nGrüße aus Köln');
  });

  it('walks nested multiparts and falls back to html when the plain part is empty', () => {
    const raw = [
      'Subject: Nested',
      'Content-Type: multipart/mixed; boundary="a"',
      '',
      '--a',
      'Content-Type: multipart/alternative; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      '   ',
      '--b',
      'Content-Type: text/html; charset=windows-1252',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      '<div>It=92s <b>free</b></div>',
      '--b--',
      '--a',
      'Content-Type: text/plain',
      '',
      'Footer',
      '--a--',
    ].join('\n');
    expect(emailToText(raw)).toBe('Nested\nIt’s free\n\nFooter');
  });

  it('handles CRLF line ends, missing subject and a missing blank line', () => {
    expect(emailToText('From: x@example.com\r\nTo: y@example.com\r\n\r\nHello\r\nthere')).toBe('\nHello\nthere');
    expect(emailToText('Subject: only headers')).toBe('only headers\n');
  });

  it('treats a multipart without a matching boundary as text', () => {
    const raw = 'Subject: Broken\nContent-Type: multipart/mixed; boundary="nope"\n\nJust text.';
    expect(emailToText(raw)).toBe('Broken\nJust text.');
  });

  it(`caps the text at ${MAX_EMAIL_TEXT_LENGTH} characters`, () => {
    const raw = `Subject: Long\n\n${'word '.repeat(10_000)}`;
    const text = emailToText(raw);
    expect(text.length).toBe(MAX_EMAIL_TEXT_LENGTH);
    expect(text.startsWith('Long\nword word')).toBe(true);
  });
});
