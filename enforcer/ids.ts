// Unguessable identifiers (128 random bits) for decisions, approvals and permits.

export function randomId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return `${prefix}_${hex}`;
}

export function iso(ms: number): string { return new Date(ms).toISOString(); }
