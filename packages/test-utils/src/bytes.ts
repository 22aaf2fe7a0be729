// Bytes and seeded cuts, so a stream can be split at the same "random" points on every run.

const encoder = new TextEncoder();
export const bytes = (text: string): Uint8Array => encoder.encode(text);

/** Split bytes into pieces of `size`. */
export function chunkEvery(data: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

/** Split bytes at random points (seeded, 1..maxSize bytes each). */
export function chunkRandomly(data: Uint8Array, seed: number, maxSize = 64): Uint8Array[] {
  const random = seededRandom(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; ) {
    const size = 1 + Math.floor(random() * maxSize);
    out.push(data.subarray(i, i + size));
    i += size;
  }
  return out;
}

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
