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
