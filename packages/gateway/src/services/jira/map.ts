import type { Comment, Issue, JiraProject, JiraTransition } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { at, id, obj, str } from '../../webhooks/json.js';
import { browseLink, jiraComment, jiraIssue } from '../../webhooks/providers/jira-shapes.js';
import { markdownToWiki, wikiToMarkdown } from '../content/wiki.js';
import { adfToText, isAdfDoc, textToAdf } from './adf.js';
import type { JiraFlavor } from './transport.js';

/**
 * REST payloads → normalized entities, reusing the webhook mappers (REST and webhook issue shapes are the
 * same). `markdown` (the default; `text` is its older name) gives rich text as Markdown, converted without loss
 * from Cloud's ADF or Data Center's wiki markup (docs/content-formats.md); `adf` (Cloud) and `wiki` (Data
 * Center) keep the native format untouched — ADF as its JSON text.
 */
export type TextMode = 'markdown' | 'text' | 'adf' | 'wiki';

/** A mode once checked against the deployment: `text` is read as `markdown`. */
export type NativeMode = 'markdown' | 'adf' | 'wiki';

const refuse = (path: string, message: string) => new AppError('VALIDATION', message, { details: [{ path, message }] });

/**
 * The caller's `format` for this deployment, checked before anything is sent: ADF exists only on Cloud, wiki
 * markup only on Data Center.
 */
export function textMode(flavor: JiraFlavor, mode: TextMode): NativeMode {
  if (mode === 'adf' && flavor === 'dc')
    throw refuse('format', 'format=adf is for Jira Cloud: this connection is Jira Data Center (use markdown or wiki).');
  if (mode === 'wiki' && flavor === 'cloud')
    throw refuse('format', 'format=wiki is for Jira Data Center: this connection is Jira Cloud (use markdown or adf).');
  return mode === 'text' ? 'markdown' : mode;
}

/** Rich text as Jira answered it → Markdown: ADF on Cloud, wiki markup (a string) on Data Center. */
function markdownOf(value: unknown, flavor: JiraFlavor): string | null {
  if (flavor === 'cloud') return adfToText(value ?? null);
  return typeof value === 'string' ? wikiToMarkdown(value) : null;
}

const malformed = (what: string) =>
  new AppError('VENDOR_ERROR', `Jira answered ${what} Switchyard cannot read.`, { status: 502 });

export function toIssue(raw: unknown, flavor: JiraFlavor, mode: TextMode): Issue {
  const issue = jiraIssue(raw);
  if (issue === null) throw malformed('an issue without id or key');
  if (textMode(flavor, mode) === 'markdown') {
    issue.description = markdownOf(at(raw, 'fields', 'description'), flavor);
    issue.description_format = 'markdown';
  }
  return issue;
}

export function toComment(raw: unknown, flavor: JiraFlavor, mode: TextMode): Comment {
  const comment = jiraComment(raw, null);
  if (comment === null) throw malformed('a comment without id');
  if (textMode(flavor, mode) === 'markdown') {
    comment.body = markdownOf(at(raw, 'body'), flavor);
    comment.body_format = 'markdown';
  }
  return comment;
}

export function toProject(raw: unknown): JiraProject {
  const projectId = id(at(raw, 'id'));
  const key = str(at(raw, 'key'));
  if (projectId === null || key === null) throw malformed('a project without id or key');
  const self = str(at(raw, 'self'));
  const issueLink = browseLink(self, key);
  return {
    id: projectId,
    key,
    name: str(at(raw, 'name')),
    project_type: str(at(raw, 'projectTypeKey')),
    links: { web: issueLink, api: self },
  };
}

export function toTransition(raw: unknown): JiraTransition {
  const transitionId = id(at(raw, 'id'));
  if (transitionId === null) throw malformed('a transition without id');
  const toName = str(at(raw, 'to', 'name'));
  return {
    id: transitionId,
    name: str(at(raw, 'name')) ?? '',
    to:
      toName === null
        ? null
        : { id: id(at(raw, 'to', 'id')), name: toName, category: str(at(raw, 'to', 'statusCategory', 'key')) },
  };
}

/**
 * Caller text → what Jira stores: Markdown converted to ADF (Cloud) or wiki markup (Data Center); with mode
 * `adf` the caller's own ADF (an object or its JSON text), with `wiki` the caller's wiki markup as given. null
 * clears the field.
 */
export function toVendorText(value: unknown, flavor: JiraFlavor, mode: TextMode, path: string): unknown {
  const native = textMode(flavor, mode);
  if (value === null) return null;
  if (native === 'adf') {
    let doc: unknown = value;
    if (typeof value === 'string') {
      try {
        doc = JSON.parse(value);
      } catch {
        doc = undefined;
      }
    }
    if (obj(doc) === null || !isAdfDoc(doc))
      throw refuse(path, 'With format=adf, send an ADF document ({"type":"doc",…}).');
    return doc;
  }
  if (typeof value !== 'string')
    throw refuse(path, native === 'wiki' ? 'With format=wiki, send wiki markup text.' : 'Send Markdown text.');
  if (native === 'wiki') return value;
  return flavor === 'cloud' ? textToAdf(value) : markdownToWiki(value);
}
