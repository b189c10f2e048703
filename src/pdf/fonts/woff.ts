import { inflateSync } from 'node:zlib';

/**
 * WOFF 1.0 → plain sfnt (TrueType) bytes. fontkit reads WOFF but inflates a table on every
 * access (each glyph, each subset), which made generation ~10× slower; unpacking once at load
 * time is a few lines of the WOFF spec (header, table directory, zlib per table).
 */
export function woffToSfnt(woff: Uint8Array): Uint8Array {
  const v = new DataView(woff.buffer, woff.byteOffset, woff.byteLength);
  if (v.getUint32(0) !== 0x774f4646) return woff; // not 'wOFF'
  const flavor = v.getUint32(4);
  const numTables = v.getUint16(12);
  const tables: { tag: number; checksum: number; data: Uint8Array }[] = [];
  for (let i = 0; i < numTables; i++) {
    const e = 44 + i * 20;
    const tag = v.getUint32(e);
    const offset = v.getUint32(e + 4);
    const compLength = v.getUint32(e + 8);
    const origLength = v.getUint32(e + 12);
    const checksum = v.getUint32(e + 16);
    const raw = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? new Uint8Array(inflateSync(raw)) : raw;
    tables.push({ tag, checksum, data });
  }
  tables.sort((a, b) => a.tag - b.tag);
  const headerLen = 12 + numTables * 16;
  const total = tables.reduce((a, t) => a + ((t.data.length + 3) & ~3), headerLen);
  const out = new Uint8Array(total);
  const o = new DataView(out.buffer);
  let es = 0;
  while (1 << (es + 1) <= numTables) es++;
  o.setUint32(0, flavor);
  o.setUint16(4, numTables);
  o.setUint16(6, (1 << es) * 16);
  o.setUint16(8, es);
  o.setUint16(10, numTables * 16 - (1 << es) * 16);
  let off = headerLen;
  tables.forEach((t, i) => {
    const r = 12 + i * 16;
    o.setUint32(r, t.tag);
    o.setUint32(r + 4, t.checksum);
    o.setUint32(r + 8, off);
    o.setUint32(r + 12, t.data.length);
    out.set(t.data, off);
    off += (t.data.length + 3) & ~3;
  });
  return out;
}
