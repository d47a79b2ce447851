import { describe, expect, it } from 'vitest';
import { FULL_CONFIG } from './fixtures';
import { configured, synthesise } from './synth';

/** Asset hashes follow the code; masking them keeps the snapshot about the infrastructure. */
function masked(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}

describe('the synthesised template', () => {
  it('matches the reviewed snapshot', () => {
    // Act
    const template = synthesise(configured(FULL_CONFIG)).template.toJSON();

    // Assess
    expect(masked(template)).toMatchSnapshot();
  });

  it('is the same on every synth', () => {
    // Act
    const first = JSON.stringify(masked(synthesise(configured(FULL_CONFIG)).template.toJSON()));
    const second = JSON.stringify(masked(synthesise(configured(FULL_CONFIG)).template.toJSON()));

    // Assess
    expect(second).toBe(first);
  });
});
