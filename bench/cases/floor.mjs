// The floor: what crossing into WebAssembly costs before any work is done.
const TEXT_32 = "web:search serpapi.com q=attn 01"; // 32 ASCII bytes

export function floorCases({ engine }) {
  if (TEXT_32.length !== 32) throw new Error("the floor string must be 32 bytes");
  const encoder = new TextEncoder();
  const ptr = engine.core.io(64);
  const dst = engine.core.bytes.subarray(ptr, ptr + 64);
  return [
    { id: "floor.noop", group: "floor", name: "empty WASM call", fn: () => engine.core.exports.noop(), note: "`engine.core.exports.noop()`" },
    {
      id: "floor.noop_32b",
      group: "floor",
      name: "32-byte string into memory + empty call",
      fn: () => {
        encoder.encodeInto(TEXT_32, dst);
        engine.core.exports.noop();
      },
      note: "`TextEncoder.encodeInto` into linear memory, then `noop()`",
    },
  ];
}
