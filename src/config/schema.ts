/**
 * The one description of Wirefeed's settings: a JSON Schema that validates
 * `wirefeed.config.json|yaml`, names each setting's flag and environment
 * variable (`x-flag`, `x-env`), and is the source of the README's
 * configuration table (scripts/config-table.ts). `Config` is its TypeScript
 * shape after defaults; the two are checked against each other in
 * test/config-schema.test.ts.
 */

/** A leaf's annotations beyond JSON Schema; ajv is told to accept them as keywords. */
export interface SettingSchema {
  type: 'string' | 'integer' | 'number' | 'boolean' | 'array';
  description: string;
  default?: unknown;
  /** How a default that depends on other settings is worded in docs and in `wirefeed config`. */
  'x-default'?: string;
  /** What a valid value looks like, in words, for error messages ("an absolute http(s) URL"). */
  'x-expected'?: string;
  'x-flag'?: string;
  'x-env'?: string;
  /** A file or folder path: values from the config file are relative to the file's folder. */
  'x-path'?: boolean;
  format?: string;
  pattern?: string;
  enum?: readonly string[];
  minLength?: number;
  minimum?: number;
  maximum?: number;
  items?: { type: 'string'; minLength?: number };
  minItems?: number;
  uniqueItems?: boolean;
}

export interface GroupSchema {
  type: 'object';
  description: string;
  additionalProperties: false;
  properties: Record<string, SettingSchema | GroupSchema>;
}

const HTTP_URL = { type: 'string', format: 'uri', pattern: '^https?://[^\\s/?#]+', 'x-expected': 'an absolute http(s) URL' } as const;

export const CONFIG_SCHEMA = {
  $id: 'https://wirefeed.dev/schema/wirefeed.config.json',
  type: 'object',
  description: 'Wirefeed configuration',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'Optional: path or URL of this schema, for editors.' },
    site: {
      type: 'object',
      description: 'What every feed and page says about the site.',
      additionalProperties: false,
      properties: {
        title: { type: 'string', description: 'Site and main feed title.', default: 'Wirefeed' },
        description: { type: 'string', description: 'Feed description / subtitle.', default: 'Clean news items from Wirefeed' },
        url: {
          ...HTTP_URL,
          description: 'Absolute URL the site is served from; every link and self link starts with it.',
          'x-default': 'http://localhost:<serve.port>',
          'x-flag': '--site-url',
          'x-env': 'WIREFEED_SITE_URL',
        },
        language: {
          type: 'string',
          pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$',
          'x-expected': 'a language tag such as "en" or "pt-BR"',
          description: 'Feed language.',
          'x-default': 'the language most items are in',
        },
        author: {
          type: 'object',
          description: 'Feed author, used for items that name none.',
          additionalProperties: false,
          properties: {
            name: { type: 'string', description: 'Author name.', default: 'Wirefeed' },
            email: { type: 'string', format: 'email', 'x-expected': 'an e-mail address', description: 'Author e-mail.' },
            url: { ...HTTP_URL, description: 'Author home page.' },
          },
        },
        icon: { ...HTTP_URL, description: 'Square icon (JSON Feed `favicon`, Atom `icon`).' },
        logo: { ...HTTP_URL, description: 'Wider logo (RSS `image`, Atom `logo`, JSON Feed `icon`).' },
      },
    },
    seeds: { type: 'string', description: 'Folder of documents to publish (sub-folders included).', default: 'seeds', 'x-flag': '--seeds', 'x-env': 'WIREFEED_SEEDS', 'x-path': true },
    out: { type: 'string', description: 'Where `build` writes the static site.', default: 'feeds', 'x-flag': '--out', 'x-env': 'WIREFEED_OUT', 'x-path': true },
    limit: {
      type: 'integer',
      minimum: 0,
      maximum: 1_000_000,
      description: 'Items in each subscription feed; 0 puts every item in the main feeds.',
      default: 50,
      'x-flag': '--limit',
      'x-env': 'WIREFEED_LIMIT',
    },
    hub: { ...HTTP_URL, description: 'WebSub hub every feed links to and that is told which feeds changed.', 'x-flag': '--hub', 'x-env': 'WIREFEED_HUB' },
    taxonomy: {
      type: 'object',
      description: 'Topic sections the classifier files items under.',
      additionalProperties: false,
      properties: {
        sections: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          minItems: 1,
          uniqueItems: true,
          'x-expected': 'a list of section names',
          description: 'Sections allowed to compete (names the trained model does not know are ignored; `wirefeed check` warns).',
          default: ['World', 'Politics', 'Business', 'Technology', 'Science', 'Health', 'Sport', 'Entertainment'],
        },
        fallback: { type: 'string', description: 'Section for items the classifier is not confident about.', 'x-default': 'none: the best guess is kept' },
        minConfidence: {
          type: 'number',
          minimum: 0,
          maximum: 1,
          'x-expected': 'a number from 0 to 1',
          description: 'Below this calibrated confidence an item goes to `fallback` (when one is set).',
          'x-default': "the model's, chosen on validation data (0.6)",
        },
      },
    },
    rules: {
      type: 'object',
      description: 'Your own cleaning rules, added to the shipped ones.',
      additionalProperties: false,
      properties: {
        boilerplate: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          'x-expected': 'a list of file paths',
          description: 'JSON files like `data/boilerplate.json`: `{"patterns": [regex, …], "maxWords": N}`.',
          default: [],
          'x-path': true,
        },
        aliases: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          'x-expected': 'a list of file paths',
          description: 'JSON files like `data/aliases.json`: `{"terms": {…}, "conjunctions": {…}, "entities": {…}}`.',
          default: [],
          'x-path': true,
        },
      },
    },
    serve: {
      type: 'object',
      description: 'Settings of `wirefeed serve`.',
      additionalProperties: false,
      properties: {
        port: { type: 'integer', minimum: 0, maximum: 65535, description: 'Port to listen on.', default: 3000, 'x-flag': '--port', 'x-env': 'PORT' },
        host: { type: 'string', minLength: 1, description: 'Address to listen on (the Procfile binds 0.0.0.0).', default: '127.0.0.1', 'x-flag': '--host', 'x-env': 'HOST' },
        maxAge: {
          type: 'integer',
          minimum: 0,
          maximum: 31_536_000,
          description: 'Cache-Control max-age, in seconds.',
          default: 300,
          'x-flag': '--max-age',
          'x-env': 'WIREFEED_MAX_AGE',
        },
        watch: { type: 'boolean', description: 'Rebuild and swap the site when files in `seeds` change.', default: false, 'x-flag': '--watch', 'x-env': 'WIREFEED_WATCH' },
        trustProxy: { type: 'boolean', description: 'Honour X-Forwarded-Proto/-Host/-For from a proxy or CDN.', default: false, 'x-flag': '--trust-proxy', 'x-env': 'WIREFEED_TRUST_PROXY' },
        pollLimit: {
          type: 'string',
          pattern: '^\\d+(/[1-9]\\d*)?$',
          'x-expected': '"N" (requests per client per minute) or "N/SECONDS"',
          description: 'Answer 429 beyond this many requests per client; "0" is off.',
          'x-default': 'off',
          'x-flag': '--poll-limit',
          'x-env': 'WIREFEED_POLL_LIMIT',
        },
        accessLog: {
          type: 'string',
          enum: ['json', 'text', 'off'],
          'x-expected': 'json, text or off',
          description: 'Access log format.',
          'x-default': 'text on a terminal, else json; off when NODE_ENV=test',
          'x-env': 'WIREFEED_ACCESS_LOG',
        },
      },
    },
  },
} as const satisfies GroupSchema & { $id: string };

/** Effective configuration: every setting after defaults, env and flags. */
export interface Config {
  site: {
    title: string;
    description: string;
    url: string;
    language?: string;
    author: { name: string; email?: string; url?: string };
    icon?: string;
    logo?: string;
  };
  seeds: string;
  out: string;
  limit: number;
  hub?: string;
  taxonomy: { sections: string[]; fallback?: string; minConfidence?: number };
  rules: { boilerplate: string[]; aliases: string[] };
  serve: {
    port: number;
    host: string;
    maxAge: number;
    watch: boolean;
    trustProxy: boolean;
    pollLimit?: string;
    accessLog?: 'json' | 'text' | 'off';
  };
}

/** One setting of the schema, with its dotted key path. */
export interface Setting {
  path: string;
  schema: SettingSchema;
}

/** Every setting, depth first in schema order; `$schema` is not a setting. */
export function settings(group: GroupSchema = CONFIG_SCHEMA, prefix = ''): Setting[] {
  return Object.entries(group.properties).flatMap(([key, schema]): Setting[] => {
    if (key === '$schema') return [];
    const path = prefix + key;
    return schema.type === 'object' ? settings(schema, `${path}.`) : [{ path, schema }];
  });
}

// The shapes of data/boilerplate.json and data/aliases.json, which users extend with their own files (rules.*).
const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;

export const BOILERPLATE_SCHEMA = {
  $id: 'https://wirefeed.dev/schema/boilerplate.json',
  type: 'object',
  additionalProperties: false,
  required: ['patterns'],
  properties: { $comment: { type: 'string' }, maxWords: { type: 'integer', minimum: 1 }, patterns: { type: 'array', items: { type: 'string' } } },
} as const;

export const ALIASES_SCHEMA = {
  $id: 'https://wirefeed.dev/schema/aliases.json',
  type: 'object',
  additionalProperties: false,
  properties: { $comment: { type: 'string' }, terms: STRING_MAP, conjunctions: STRING_MAP, entities: STRING_MAP },
} as const;
