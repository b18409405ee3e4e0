/** Control characters in text that is shown again (a description, a user name, a URL, a remote answer): refused on input, replaced on output. */

/** Control characters (C0, DEL, C1) but newline, tab, and a carriage return before a newline (CRLF line ends). */
const CONTROLS_BUT_LINES = /(?![\n\t]|\r\n)\p{Cc}/gu;
/** Every control character. */
const CONTROLS = /\p{Cc}/gu;

/** True when `text` holds no control character; with `lines`, line ends (LF or CRLF) and tabs are allowed. */
export function withoutControls(text: string, options: { lines?: boolean } = {}): boolean {
  return maskControls(text, options) === text;
}

/** `text` with each control character (with `lines`, but line ends and tabs) shown as U+FFFD. */
export function maskControls(text: string, options: { lines?: boolean } = {}): string {
  return text.replace(options.lines === true ? CONTROLS_BUT_LINES : CONTROLS, '\uFFFD');
}
