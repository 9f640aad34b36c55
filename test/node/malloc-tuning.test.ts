/** When the command line starts itself again under the malloc settings. */
import { describe, expect, it } from 'vitest';
import { MALLOC_SWITCH, wantsMallocTuning } from '../../src/node/malloc-tuning.js';

describe('wantsMallocTuning', () => {
  it('tunes glibc processes whose environment sets no malloc option', () => {
    expect(wantsMallocTuning({ PATH: '/bin' }, '2.36')).toBe(true);
  });

  it('leaves other C libraries, chosen settings and the tuned child alone', () => {
    expect(wantsMallocTuning({ PATH: '/bin' }, undefined)).toBe(false);
    expect(wantsMallocTuning({ MALLOC_ARENA_MAX: '4' }, '2.36')).toBe(false);
    expect(wantsMallocTuning({ [MALLOC_SWITCH]: 'default' }, '2.36')).toBe(false);
    expect(wantsMallocTuning({ [MALLOC_SWITCH]: 'tuned', MALLOC_ARENA_MAX: '2' }, '2.36')).toBe(false);
  });
});
