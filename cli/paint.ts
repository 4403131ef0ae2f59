// ANSI colours for the pretty output, or none (pipes, NO_COLOR, tests).

type Brush = (text: string) => string;

export interface Paint {
  red: Brush;
  green: Brush;
  yellow: Brush;
  dim: Brush;
  bold: Brush;
}

const wrap =
  (open: number, close: number): Brush =>
  (text) =>
    `\x1b[${open}m${text}\x1b[${close}m`;
const none: Brush = (text) => text;

export function paint(on: boolean): Paint {
  if (!on) return { red: none, green: none, yellow: none, dim: none, bold: none };
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}
