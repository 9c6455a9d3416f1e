// JSON Feed 1.1 (jsonfeed.org/version/1.1): the JSON Schema in test/schemas plus the rules a
// schema cannot express. The W3C validator does not read JSON Feed, so messages here name the
// spec's own words rather than validator message names.

import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { escapedHtmlProblems } from './html-safety.js';
import { asList, httpUrlOnlyProblem, repeatedValues, rfc3339Problem } from './syntax.js';

const SCHEMA_PATH = new URL('../schemas/jsonfeed-1.1.schema.json', import.meta.url);

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const validateSchema = (() => {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strictRequired: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);
})();

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Problems with a JSON Feed 1.1 document, empty when it is valid and complete. */
export function jsonFeedRules(json: string): string[] {
  let feed: unknown;
  try {
    feed = JSON.parse(json);
  } catch (error) {
    return [`InvalidJSON: ${(error as Error).message}`];
  }
  const schemaProblems = validateSchema(feed) ? [] : (validateSchema.errors ?? []).map(describeSchemaError);
  return [...schemaProblems, ...(isObject(feed) ? feedProblems(feed) : [])];
}

function describeSchemaError(error: ErrorObject): string {
  const schema = error.parentSchema as { description?: string } | undefined;
  const why = schema?.description ? ` (${schema.description})` : '';
  return `Schema: ${error.instancePath || '/'} ${error.message ?? 'is invalid'}${why}`;
}

function itemsOf(feed: JsonObject): JsonObject[] {
  return Array.isArray(feed.items) ? feed.items.filter(isObject) : [];
}

function feedProblems(feed: JsonObject): string[] {
  const items = itemsOf(feed);
  return [
    ...publicWebProblems(feed),
    ...paginationProblems(feed),
    ...duplicateIdProblems(items),
    ...items.flatMap((item, index) => itemProblems(item, `/items/${index}`)),
  ];
}

// "home_page_url ... If a feed is published on the public web, this should be considered as
// required", and likewise feed_url, which "serves as the unique identifier for the feed".
// Both must be http(s) URLs a reader can open or poll.
function publicWebProblems(feed: JsonObject): string[] {
  return ['home_page_url', 'feed_url'].flatMap((key) =>
    typeof feed[key] === 'string'
      ? asList(httpUrlOnlyProblem(feed[key], `/${key}`))
      : [`MissingElement: /${key} is required for feeds on the public web`],
  );
}

// "next_url must not be the same as feed_url", and readers fetch it, so it is an http(s) URL.
function paginationProblems(feed: JsonObject): string[] {
  if (typeof feed.next_url !== 'string') return [];
  return [
    ...asList(httpUrlOnlyProblem(feed.next_url, '/next_url')),
    ...(feed.next_url === feed.feed_url ? ['DuplicateValue: /next_url must not be the same as feed_url'] : []),
  ];
}

// "id ... is unique for that item for that feed over time".
function duplicateIdProblems(items: readonly JsonObject[]): string[] {
  const ids = items.map((item) => item.id).filter((id): id is string => typeof id === 'string');
  return repeatedValues(ids).map((id) => `DuplicateEntries: two items have the id "${id}"`);
}

// url "is the permalink ... should be present regardless"; dates are RFC 3339 and must name a
// real, plausible moment; content_html is HTML a reader renders, held to the same safety rules
// as RSS and Atom content.
function itemProblems(item: JsonObject, where: string): string[] {
  return [
    ...(typeof item.url === 'string' ? asList(httpUrlOnlyProblem(item.url, `${where}/url`)) : [`MissingElement: ${where}/url should be present`]),
    ...['date_published', 'date_modified'].flatMap((key) =>
      typeof item[key] === 'string' ? asList(rfc3339Problem(item[key], `${where}/${key}`)) : [],
    ),
    ...(typeof item.content_html === 'string' ? escapedHtmlProblems(item.content_html, `${where}/content_html`) : []),
  ];
}
