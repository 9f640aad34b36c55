import { describe, expect, it } from 'vitest';
import { imagenetClasses as classes } from '../../src/preprocess/imagenet-classes.js';

describe('imagenetClasses', () => {
  it('lists the 1000 ImageNet-1k classes in index order', () => {
    expect(Array.isArray(classes)).toBe(true);
    const names = classes as string[];
    expect(names.length).toBe(1000);
    expect(names.every((n) => typeof n === 'string' && n.length > 0 && n === n.trim() && !n.includes('_'))).toBe(true);
    // Spot checks against the synset order (n01440764 tench ... n15075141 toilet tissue).
    const known: Record<number, string> = {
      0: 'tench', 1: 'goldfish', 2: 'great white shark', 7: 'cock', 151: 'Chihuahua', 207: 'golden retriever',
      281: 'tabby', 282: 'tiger cat', 285: 'Egyptian cat', 340: 'zebra', 386: 'African elephant', 409: 'analog clock',
      538: 'dome', 817: 'sports car', 954: 'banana', 999: 'toilet tissue',
    };
    for (const [index, name] of Object.entries(known)) expect(names[Number(index)], `class ${index}`).toBe(name);
    // The two well-known duplicate names of the list (different synsets): crane (bird, machine) and maillot.
    expect([names[134], names[517], names[638], names[639]]).toEqual(['crane', 'crane', 'maillot', 'maillot']);
  });
});
