/** Text an operator enters that is shown again (a description, a user name, a URL): no control character a terminal or a log would act on. */

/** Control characters (C0, DEL, C1) but newline, tab, and a carriage return before a newline (CRLF line ends). */
const CONTROLS_BUT_LINES = /(?![\n\t]|\r\n)\p{Cc}/u;
/** Every control character. */
const CONTROLS = /\p{Cc}/u;

/** True when `text` holds no control character; with `lines`, line ends (LF or CRLF) and tabs are allowed. */
export function withoutControls(text: string, options: { lines?: boolean } = {}): boolean {
  return !(options.lines === true ? CONTROLS_BUT_LINES : CONTROLS).test(text);
}
