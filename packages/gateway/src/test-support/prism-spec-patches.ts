/**
 * The edits prism-specs.ts makes to its test copies of the Atlassian specs, one function per quirk. Each
 * mutates the parsed document in place.
 */
export type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Replace `example` strings that hold a JSON object or array by the parsed value, everywhere in the document. */
export function parseExamples(node: unknown): number {
  let parsed = 0;
  if (Array.isArray(node)) {
    for (const item of node) parsed += parseExamples(item);
    return parsed;
  }
  if (!isObject(node)) return parsed;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' && typeof value === 'string' && /^\s*[[{]/.test(value)) {
      try {
        node[key] = JSON.parse(value);
        parsed++;
      } catch {
        // Not JSON after all: a plain string example stays.
      }
    } else {
      parsed += parseExamples(value);
    }
  }
  return parsed;
}

/** An operation's request body, following a `#/components/requestBodies/…` reference. */
function requestBodyOf(doc: Json, at: { path: string; method: string }): unknown {
  const op = (doc.paths as Record<string, Json | undefined>)[at.path]?.[at.method];
  if (!isObject(op) || !isObject(op.requestBody)) throw new Error(`spec has no ${at.method} ${at.path} body`);
  const ref = op.requestBody.$ref;
  if (typeof ref !== 'string') return op.requestBody;
  const bodies = (doc.components as Json).requestBodies as Json;
  return bodies[ref.replace('#/components/requestBodies/', '')];
}

/** Turn every `oneOf` of one operation's request body schema into `anyOf` (schema $refs are not followed). */
export function loosenBody(doc: Json, at: { path: string; method: string }): void {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    if (!isObject(node)) return;
    if ('oneOf' in node) {
      node.anyOf = node.oneOf;
      delete node.oneOf;
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(requestBodyOf(doc, at));
}

/** Keep the paths `keep` matches and the components they reach (security schemes always). */
export function keepOnly(doc: Json, keep: RegExp): void {
  const paths = Object.entries(doc.paths as Json).filter(([key]) => keep.test(key));
  const all = doc.components as Record<string, Json>;
  const kept: Record<string, Json> = { securitySchemes: all.securitySchemes ?? {} };
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key !== '$ref' || typeof value !== 'string') {
        visit(value);
        continue;
      }
      const [, , section = '', name = ''] = value.split('/');
      if (kept[section]?.[name] !== undefined) continue;
      kept[section] = { ...kept[section], [name]: all[section]?.[name] };
      visit(all[section]?.[name]);
    }
  };
  visit(paths);
  doc.paths = Object.fromEntries(paths);
  doc.components = kept;
}

export function addExamples(doc: Json, examples: Record<string, unknown>): void {
  for (const [at, example] of Object.entries(examples)) {
    const [method = '', key = ''] = at.split(' ');
    const op = (doc.paths as Record<string, Record<string, Json> | undefined>)[key]?.[method.toLowerCase()];
    const media = ((op?.responses as Record<string, Json> | undefined)?.['200']?.content as Json | undefined)?.[
      'application/json'
    ];
    if (!isObject(media)) throw new Error(`spec has no JSON 200 answer for ${at}`);
    media.example = example;
  }
}

export function movePrefix(doc: Json, prefix: string): void {
  if (prefix === '') return;
  const paths = doc.paths as Json;
  doc.paths = Object.fromEntries(Object.entries(paths).map(([key, value]) => [`${prefix}${key}`, value]));
}

/**
 * Add values to a query parameter's enum, for the values the real API takes but the spec leaves out
 * (Bitbucket Cloud's pipelines `sort` names only ascending keys; FACTS.md §6.3 sorts by `-created_on`).
 */
export function addQueryEnumValues(
  doc: Json,
  at: { path: string; method: string; param: string; values: readonly string[] },
): void {
  const op = (doc.paths as Record<string, Record<string, Json> | undefined>)[at.path]?.[at.method];
  const params = Array.isArray(op?.parameters) ? (op.parameters as unknown[]) : [];
  const param = params.find((p) => isObject(p) && p.in === 'query' && p.name === at.param) as Json | undefined;
  const schema = param?.schema;
  if (!isObject(schema) || !Array.isArray(schema.enum)) {
    throw new Error(`spec has no enum query parameter ${at.param} on ${at.method} ${at.path}`);
  }
  schema.enum = [...new Set([...(schema.enum as unknown[]), ...at.values])];
}

/**
 * Declare a JSON request body on an operation whose spec documents none: Prism answers 415 to any body sent
 * to such an operation. The body is the component schema's own part: Bitbucket Cloud's hook create and update
 * describe their body (`webhook_subscription`) only in prose, and the schema's `allOf` base `object` requires
 * the `type` discriminator that answers carry and the documented request example does not send.
 */
export function addJsonBody(doc: Json, at: { path: string; method: string; schema: string }): void {
  const op = (doc.paths as Record<string, Record<string, Json> | undefined>)[at.path]?.[at.method];
  if (op === undefined) throw new Error(`spec has no operation ${at.method} ${at.path}`);
  if (op.requestBody !== undefined) throw new Error(`${at.method} ${at.path} already has a request body`);
  const component = ((doc.components as Json).schemas as Json)[at.schema];
  if (!isObject(component)) throw new Error(`spec has no schema ${at.schema}`);
  const own = Array.isArray(component.allOf)
    ? component.allOf.filter((part) => isObject(part) && !('$ref' in part))
    : [];
  const schema = own.length === 0 ? component : { allOf: own };
  op.requestBody = { required: true, content: { 'application/json': { schema } } };
}
