import type { ValidateFunction } from 'ajv';
import type { AliasData, BoilerplateData } from '../normalize/rules.js';
import { ConfigError, readConfigFile, type ConfigFile } from './file.js';
import type { Config } from './schema.js';
import { validateAliases, validateBoilerplate } from './validators.generated.js';

const validBoilerplate = validateBoilerplate as unknown as ValidateFunction;
const validAliases = validateAliases as unknown as ValidateFunction;

/** The user's rule files named in `rules.*`, read and checked; problems name the file, line and key. */
export function readRuleFiles(config: Config, cwd: string): { boilerplate: BoilerplateData[]; aliases: AliasData[] } {
  const problems: string[] = [];
  const read = <T>(setting: string, path: string, valid: ValidateFunction): T | undefined => {
    let file: ConfigFile;
    try {
      file = readConfigFile(cwd, path);
    } catch (error) {
      problems.push(...(error instanceof ConfigError ? error.problems : [(error as Error).message]).map((p) => `${setting}: ${p}`));
      return undefined;
    }
    if (!valid(file.data)) {
      for (const error of valid.errors ?? []) {
        const keys = error.instancePath.split('/').slice(1);
        problems.push(`${path}:${file.lineOf(keys)}: ${keys.join('.') || '(top level)'} ${error.message ?? 'is invalid'} (see ${setting} in the README's configuration table)`);
      }
      return undefined;
    }
    return file.data as T;
  };
  const boilerplate = config.rules.boilerplate.flatMap((path) => {
    const data = read<BoilerplateData>('rules.boilerplate', path, validBoilerplate);
    for (const pattern of data?.patterns ?? []) {
      try {
        new RegExp(pattern, 'iu');
      } catch (error) {
        problems.push(`${path}: pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}`);
      }
    }
    return data ?? [];
  });
  const aliases = config.rules.aliases.flatMap((path) => read<AliasData>('rules.aliases', path, validAliases) ?? []);
  if (problems.length > 0) throw new ConfigError(problems);
  return { boilerplate, aliases };
}
