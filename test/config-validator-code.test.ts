import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validatorCode } from '../src/config/validator-code.js';

describe('validatorCode', () => {
  it('is what src/config/validators.generated.ts holds: the schemas and ajv have not changed since it was generated', () => {
    const committed = readFileSync(new URL('../src/config/validators.generated.ts', import.meta.url), 'utf8');
    expect(validatorCode() === committed, 'src/config/validators.generated.ts is out of date: run npm run generate:validators').toBe(true);
  });
});
