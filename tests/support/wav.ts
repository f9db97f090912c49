// WAV files made in the tests: a 440 Hz tone (or any samples) as uncompressed PCM, 8 kHz mono 16-bit unless told
// otherwise — the format announcements must have, and the wrong ones the upload must refuse.
export function wavFile(
  o: { ms?: number; rate?: number; channels?: number; bits?: 8 | 16; amplitude?: number; sample?: (i: number) => number } = {},
): Buffer {
  const { ms = 1000, rate = 8000, channels = 1, bits = 16, amplitude = 8000 } = o;
  const sample = o.sample ?? ((i: number) => Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / rate)));
  const bytes = bits / 8;
  const frames = Math.round((rate * ms) / 1000);
  const data = Buffer.alloc(frames * channels * bytes);
  for (let i = 0; i < frames; i++)
    for (let c = 0; c < channels; c++) {
      const v = sample(i);
      const at = (i * channels + c) * bytes;
      if (bits === 16) data.writeInt16LE(v, at);
      else data.writeUInt8(128 + Math.round(v / 256), at);
    }
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * channels * bytes, 28);
  h.writeUInt16LE(channels * bytes, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
