/**
 * What an image declares about itself, read from its header alone (no decoding), so that an image
 * bomb — a few bytes declaring 8000×8000 or 65500×65500 — is refused before any pixel is inflated.
 *
 * Hand-written on purpose: the walk over JPEG segments is the one pdf-lib's JpegEmbedder does
 * (same start-of-frame markers, same segment stepping), so the size checked here is exactly the
 * size that would be embedded; a general image-size library stops at fewer SOF markers and would
 * let the others through unchecked.
 */

export interface ImageHeader {
  format: 'png' | 'jpeg';
  width: number;
  height: number;
  /** Bytes one decoded pixel takes where it is decoded (pdf-lib expands PNGs to 8-bit RGBA at least). */
  bytesPerPixel: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// JpegEmbedder's list: every SOFn except DHT (C4) and JPG (C8 is listed there too, kept identical).
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf]);
// Samples per pixel by PNG colour type (greyscale, RGB, palette, grey+alpha, RGBA).
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v);
}

export function isJpeg(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0xff && b[1] === 0xd8;
}

/** The header of a PNG or JPEG, or a reason it has none usable. */
export function readImageHeader(b: Uint8Array): ImageHeader | { problem: string } {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (isPng(b)) {
    // The first chunk must be IHDR (PNG spec 11.2.2): length 13 at 8, type at 12, fields from 16.
    if (b.length < 33 || view.getUint32(8) !== 13 || String.fromCharCode(b[12], b[13], b[14], b[15]) !== 'IHDR')
      return { problem: 'the PNG has no IHDR header' };
    const width = view.getUint32(16);
    const height = view.getUint32(20);
    const depth = b[24];
    const channels = PNG_CHANNELS[b[25]];
    if (!channels || ![1, 2, 4, 8, 16].includes(depth)) return { problem: 'the PNG header declares an unknown colour type or bit depth' };
    return { format: 'png', width, height, bytesPerPixel: Math.max(4, (channels * depth) / 8) };
  }
  if (isJpeg(b)) {
    let pos = 2;
    while (pos + 4 <= b.length) {
      const marker = view.getUint16(pos);
      pos += 2;
      if ((marker & 0xff00) === 0xff00 && JPEG_SOF.has(marker & 0xff)) {
        // length(2) precision(1) height(2) width(2) components(1)
        if (pos + 8 > b.length) break;
        const height = view.getUint16(pos + 3);
        const width = view.getUint16(pos + 5);
        const components = b[pos + 7];
        return { format: 'jpeg', width, height, bytesPerPixel: Math.max(1, components) };
      }
      pos += view.getUint16(pos);
    }
    return { problem: 'the JPEG has no frame header (SOF)' };
  }
  return { problem: 'not a PNG or JPEG image' };
}
