/** `textError(label)`: zod's message for a text field that is missing ("Password is required") or not text ("Password must be text"). */
export function textError(label: string): (issue: { input?: unknown }) => string {
  return (issue) => (issue.input === undefined || issue.input === null ? `${label} is required` : `${label} must be text`);
}
