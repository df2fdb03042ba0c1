// Input quoted in a message must never drive the terminal: a name holding `ESC ]0;...BEL` would
// retitle it, `ESC [2J` clear it. Every message and table cell goes through escapeControl. Pure.

// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and isolates
// that reorder what is shown ("trojan source").
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with control characters written as `\xNN` / `\uNNNN`; tabs and newlines are kept. */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, escapeOne);
}

/** For a single-line cell: newlines and tabs escaped too. */
export function escapeCell(s: string): string {
  return escapeControl(s).replace(/[\n\t]/g, (c) => (c === '\n' ? '\\n' : '\\t'));
}
