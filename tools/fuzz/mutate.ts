/**
 * Seeded byte mutations for fuzzing: flip a bit, overwrite, insert or delete bytes, or cut the
 * tail, at positions drawn from a chosen set (anywhere, or only the model's graph structure).
 */
import { seededUint32 } from '../../src/numeric/seeded-random.js';

export type Mutation = 'flip' | 'overwrite' | 'insert' | 'delete' | 'truncate';
/**
 * Drawn with these weights: edits that keep the length leave protobuf framing intact more
 * often, so more mutants get past the decoder to the checks behind it.
 */
const MUTATIONS: Mutation[] = ['flip', 'flip', 'flip', 'flip', 'overwrite', 'overwrite', 'overwrite', 'overwrite', 'insert', 'delete', 'truncate'];
/** Bytes fuzzers like to write: boundaries of signed and unsigned integers and varints. */
const SPECIAL = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x0a, 0x12];

/**
 * `bytes` with 1 to 3 mutations at positions from `positions` (all positions when omitted),
 * deterministic in `seed`. Returns the mutant and a description of what was done.
 *
 * @example
 * const { bytes: mutant, what } = mutate(modelBytes, 42);
 */
export function mutate(bytes: Uint8Array, seed: number, positions?: ArrayLike<number>): { bytes: Uint8Array; what: string } {
  const random = seededUint32(seed);
  const pick = (n: number) => random() % n;
  let out = Uint8Array.from(bytes);
  const done: string[] = [];
  const count = 1 + pick(3);
  for (let k = 0; k < count; k++) {
    const kind = MUTATIONS[pick(MUTATIONS.length)];
    // Positions are those of the original bytes; edits that change the length keep them roughly valid.
    const at = Math.min(out.length - 1, positions && positions.length > 0 ? positions[pick(positions.length)] : pick(out.length));
    const value = pick(2) === 0 ? SPECIAL[pick(SPECIAL.length)] : pick(256);
    if (kind === 'flip') out[at] ^= 1 << pick(8);
    else if (kind === 'overwrite') out[at] = value;
    else if (kind === 'insert') out = Uint8Array.from([...out.subarray(0, at), value, ...out.subarray(at)]);
    else if (kind === 'delete') out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + 1)]);
    else out = out.slice(0, at);
    done.push(`${kind}@${at}`);
    if (kind === 'truncate') break;
  }
  return { bytes: out, what: done.join(' ') };
}
