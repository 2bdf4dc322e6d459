import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { confluenceV1Examples, confluenceV2Examples } from './prism-examples.js';
import {
  addExamples,
  addJsonBody,
  addQueryEnumValues,
  type Json,
  keepOnly,
  loosenBody,
  movePrefix,
  parseExamples,
} from './prism-spec-patches.js';

/**
 * The Atlassian OpenAPI documents the contract tests mock with Prism, and the test copies that work around
 * the four quirks listed in ../shared/atlassian/MANIFEST.md:
 * 1. Jira's string examples (724 of them are JSON documents stored as strings) are parsed in the copy.
 * 2. Prism ignores the path of `servers`: the copy moves each server prefix (Confluence v2 `/wiki/api/v2`,
 *    Bitbucket Cloud `/2.0`, Bitbucket DC `/rest`) into the path keys, so the mock answers at the real paths
 *    and the gateway's base URLs point at it unchanged.
 * 3. Confluence v2 `POST /pages` and `PUT /pages/{id}`: the body's `oneOf` alternatives overlap; the copy makes
 *    them `anyOf`.
 * 4. Bitbucket Cloud has no examples: it runs in dynamic mode (schema-generated answers).
 * (Also: Bitbucket Cloud's hook create/update document no request body, so the copy declares their JSON body.)
 * Confluence v1 is cut down to the operations the gateway calls (the user lookup, CQL search, content and
 * spaces): whole, its recursive schemas cost Prism about 25 s of CPU to start, the subset a few seconds; and
 * the operations whose answers Prism cannot generate get an example (prism-examples.ts), as do the Confluence v2
 * lists the gateway pages through (Prism's static `_links.next` would be the literal "string").
 * Bitbucket Cloud's pipelines list takes `sort=-created_on` (newest first, FACTS.md §6.3) but the spec's `sort`
 * enum names only the ascending keys: the copy adds the descending one.
 */
export type MockName = 'jira' | 'confluence-v2' | 'confluence-v1' | 'bitbucket-cloud' | 'bitbucket-dc';

export const MOCK_NAMES: readonly MockName[] = [
  'jira',
  'confluence-v2',
  'confluence-v1',
  'bitbucket-cloud',
  'bitbucket-dc',
];

interface MockSpec {
  file: string;
  /** The path prefix the real host serves the spec's paths under (Prism would ignore it). */
  prefix: string;
  /** Generate answers from the schemas instead of answering the (missing) examples. */
  dynamic: boolean;
  parseStringExamples: boolean;
  /** Operations whose request body alternatives overlap: `oneOf` → `anyOf`. */
  anyOfBodies: ReadonlyArray<{ path: string; method: string }>;
  /** Serve only the paths this matches, and the components they use. Default: the whole spec. */
  keepPaths?: RegExp;
  /** 200 answers (application/json) to add as examples, by `METHOD /path`. */
  examples?: Record<string, unknown>;
  /** Query enum values the real API takes and the spec leaves out (paths before the prefix is moved). */
  queryEnums?: ReadonlyArray<{ path: string; method: string; param: string; values: readonly string[] }>;
  /** JSON bodies (component schemas) of operations that document none (paths before the prefix is moved). */
  jsonBodies?: ReadonlyArray<{ path: string; method: string; schema: string }>;
}

const SPECS: Record<MockName, MockSpec> = {
  jira: {
    file: 'jira-cloud-platform.swagger-v3.v3.json',
    prefix: '',
    dynamic: false,
    parseStringExamples: true,
    anyOfBodies: [],
  },
  'confluence-v2': {
    file: 'confluence-cloud-v2.openapi-v2.v3.json',
    prefix: '/wiki/api/v2',
    dynamic: false,
    parseStringExamples: false,
    anyOfBodies: [
      { path: '/pages', method: 'post' },
      { path: '/pages/{id}', method: 'put' },
    ],
    examples: confluenceV2Examples,
  },
  'confluence-v1': {
    file: 'confluence-cloud-v1.swagger.v3.json',
    prefix: '',
    dynamic: false,
    parseStringExamples: false,
    anyOfBodies: [],
    examples: confluenceV1Examples,
    keepPaths:
      /^\/wiki\/rest\/api\/(user\/current|search|content|content\/search|content\/\{id\}|space|space\/\{spaceKey\})$/,
  },
  'bitbucket-cloud': {
    file: 'bitbucket-cloud.swagger.v3.json',
    prefix: '/2.0',
    dynamic: true,
    parseStringExamples: false,
    anyOfBodies: [],
    queryEnums: [
      {
        path: '/repositories/{workspace}/{repo_slug}/pipelines',
        method: 'get',
        param: 'sort',
        values: ['-created_on', '-run_creation_date'],
      },
    ],
    jsonBodies: [
      { path: '/repositories/{workspace}/{repo_slug}/hooks', method: 'post', schema: 'webhook_subscription' },
      { path: '/repositories/{workspace}/{repo_slug}/hooks/{uid}', method: 'put', schema: 'webhook_subscription' },
      { path: '/workspaces/{workspace}/hooks', method: 'post', schema: 'webhook_subscription' },
      { path: '/workspaces/{workspace}/hooks/{uid}', method: 'put', schema: 'webhook_subscription' },
    ],
  },
  'bitbucket-dc': {
    file: 'bitbucket-datacenter-9.5.swagger.v3.json',
    prefix: '/rest',
    dynamic: false,
    parseStringExamples: false,
    anyOfBodies: [],
  },
};

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** ../shared/atlassian/openapi next to the repository; a clear error when it is not there. */
export function openApiDir(): string {
  const dir = path.resolve(repoRoot, '../shared/atlassian/openapi');
  if (!existsSync(dir)) {
    throw new Error(
      `The contract tests mock Atlassian's APIs from the OpenAPI documents in ${dir}, which does not exist. ` +
        'Check out the shared test data next to the repository (../shared/atlassian/openapi).',
    );
  }
  return dir;
}

export interface PreparedSpec {
  name: MockName;
  file: string;
  dynamic: boolean;
}

/** Write the patched test copy of one spec into `dir`. */
export function prepareSpec(name: MockName, dir: string): PreparedSpec {
  const spec = SPECS[name];
  const doc = JSON.parse(readFileSync(path.join(openApiDir(), spec.file), 'utf8')) as Json;
  if (spec.parseStringExamples) parseExamples(doc);
  for (const op of spec.anyOfBodies) loosenBody(doc, op);
  if (spec.keepPaths !== undefined) keepOnly(doc, spec.keepPaths);
  if (spec.examples !== undefined) addExamples(doc, spec.examples);
  for (const q of spec.queryEnums ?? []) addQueryEnumValues(doc, q);
  for (const b of spec.jsonBodies ?? []) addJsonBody(doc, b);
  movePrefix(doc, spec.prefix);
  doc.servers = [{ url: '/' }];
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return { name, file, dynamic: spec.dynamic };
}
