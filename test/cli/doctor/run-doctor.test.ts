import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckStep } from '../../../cli/doctor/check';
import { doctorEnvironment } from '../../../cli/doctor/environment';
import type { DoctorOptions } from '../../../cli/doctor/facts';
import { runDoctor } from '../../../cli/doctor/run-doctor';

const options: DoctorOptions = { sinceMs: 3_600_000, sinceText: '1h', probe: false };

describe('runDoctor', () => {
  it('turns a check that throws into a ? line and runs the checks after it', async () => {
    const seen: string[] = [];
    const steps: CheckStep[] = [
      {
        id: 'broken',
        title: 'broken',
        run: async () => {
          throw new TypeError("Cannot read properties of undefined (reading 'arn')");
        },
      },
      {
        id: 'after',
        title: 'after',
        run: async (facts) => ({
          status: 'pass',
          detail: `still ran, facts intact: ${facts.options.sinceText}`,
        }),
      },
    ];

    const report = await runDoctor(
      options,
      doctorEnvironment({}),
      (check) => {
        seen.push(check.id);
      },
      steps,
    );

    expect(report.checks).toEqual([
      {
        id: 'broken',
        status: 'unknown',
        title: 'broken',
        detail: "the check failed: Cannot read properties of undefined (reading 'arn')",
      },
      { id: 'after', status: 'pass', title: 'after', detail: 'still ran, facts intact: 1h' },
    ]);
    expect(seen).toEqual(['broken', 'after']);
    expect(report.verdict.id).toBe('CHECKS_INCOMPLETE');
  });

  it('hands each check what the earlier ones learned', async () => {
    const steps: CheckStep[] = [
      {
        id: 'first',
        title: 'first',
        run: async () => ({ status: 'pass', detail: '', facts: { probe: { status: 200 } } }),
      },
      {
        id: 'second',
        title: 'second',
        run: async (facts) => ({ status: 'pass', detail: String(facts.probe?.status) }),
      },
    ];

    const report = await runDoctor(options, doctorEnvironment({}), () => {}, steps);

    expect(report.checks[1]?.detail).toBe('200');
  });
});

describe('the doctor’s modules', () => {
  it('load the AWS SDK only with import() when the doctor runs, so other commands never pay for it', async () => {
    const root = join(import.meta.dirname, '..', '..', '..', 'cli', 'doctor');
    const files = (await readdir(root, { recursive: true })).filter((file) => file.endsWith('.ts'));
    const staticSdkImports: string[] = [];
    for (const file of files) {
      const text = await readFile(join(root, file), 'utf8');
      if (/^import (?!type )[^;]*from '@(aws-sdk|smithy)\//m.test(text)) staticSdkImports.push(file);
    }

    expect(files.length).toBeGreaterThan(20);
    expect(staticSdkImports).toEqual([]);
  });
});
