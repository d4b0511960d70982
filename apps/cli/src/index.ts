export { CliError, type CliErrorCode, exitCodeFor } from './cli-error.js';
export { type CliIo, runCli } from './run-cli.js';
export { emailToText, loadSpamAssassin, MAX_EMAIL_TEXT_LENGTH } from './spam-assassin.js';
