// Rewrites src/config/validators.generated.ts from the config schemas (npm run generate:validators).
import { writeFileSync } from 'node:fs';
import { validatorCode } from '../src/config/validator-code.js';

writeFileSync(new URL('../src/config/validators.generated.ts', import.meta.url), validatorCode());
