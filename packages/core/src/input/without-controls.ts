/** Text an operator enters that is shown again (a description, a user name, a URL): no control character a terminal or a log would act on. */

/** Control characters (C0, DEL, C1) but newline and tab. */
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
/** Every control character. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;

/** True when `text` holds no control character; with `lines`, newlines and tabs are allowed. */
export function withoutControls(text: string, options: { lines?: boolean } = {}): boolean {
  return !(options.lines === true ? CONTROLS_BUT_LINES : CONTROLS).test(text);
}
