// The functions alone: semver's index loads every function and range helper it has.
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import type { Provider, StepRegistry } from '@innominatus/core';
import type { DiagnosticSink } from '../validate/diagnostic-sink';

/**
 * Checks `requires.steps` against the loaded step types: a missing type is
 * `STEP_TYPE_MISSING` saying where to get it (`from`), a version outside the
 * range `STEP_VERSION_MISMATCH`, a range that does not parse
 * `STEP_VERSION_RANGE_INVALID`. The schema has checked the shape.
 */
export function checkRequiredSteps(doc: Partial<Provider>, steps: StepRegistry, sink: DiagnosticSink): void {
  const required = doc.requires?.steps;
  if (!Array.isArray(required)) return;
  required.forEach((r, i) => {
    if (typeof r?.type !== 'string') return;
    const at = `/requires/steps/${i}`;
    const from = typeof r.from === 'string' ? ` (from ${r.from})` : '';
    if (typeof r.version === 'string' && validRange(r.version) === null) {
      sink.add('STEP_VERSION_RANGE_INVALID', `'${r.version}' is not a semver range (e.g. ^1.2.0, >=1.0.0 <2.0.0)`, `${at}/version`);
      return;
    }
    const step = steps.find(r.type);
    if (!step) {
      const where =
        typeof r.from === 'string'
          ? `get it from '${r.from}': install it, then load it (provider-sdk --steps ${r.from}; in the reference host, the configuration's steps: list)`
          : 'provider.yaml does not say where to get it (add from: to this entry)';
      sink.add('STEP_TYPE_MISSING', `the provider needs step type '${r.type}', which is not loaded; ${where}`, `${at}/type`);
      return;
    }
    if (typeof r.version !== 'string') return;
    if (step.version === undefined) {
      sink.add('STEP_VERSION_MISMATCH', `the provider needs step type '${r.type}' ${r.version}${from}; the loaded one declares no version`, `${at}/version`);
    } else if (!satisfies(step.version, r.version, { includePrerelease: true })) {
      sink.add(
        'STEP_VERSION_MISMATCH',
        `the provider needs step type '${r.type}' ${r.version}${from}; the loaded one is version ${step.version}`,
        `${at}/version`,
      );
    }
  });
}
