import type { Comment, Issue, JiraProject, JiraTransition } from '@switchyard/sdk';
import { AppError } from '../../errors/app-error.js';
import { at, id, obj, str } from '../../webhooks/json.js';
import { browseLink, jiraComment, jiraIssue } from '../../webhooks/providers/jira-shapes.js';
import { adfToText, isAdfDoc, textToAdf } from './adf.js';
import type { JiraFlavor } from './transport.js';

/**
 * REST payloads → normalized entities, reusing the webhook mappers (REST and webhook issue shapes are the
 * same). `text` (the default) gives rich text as Markdown-ish text on Cloud (converted from ADF) and as wiki
 * markup on Data Center (as Jira stores it); `adf` keeps Cloud's ADF untouched, as its JSON text.
 */
export type TextMode = 'text' | 'adf';

const malformed = (what: string) =>
  new AppError('VENDOR_ERROR', `Jira answered ${what} Switchyard cannot read.`, { status: 502 });

export function toIssue(raw: unknown, flavor: JiraFlavor, mode: TextMode): Issue {
  const issue = jiraIssue(raw);
  if (issue === null) throw malformed('an issue without id or key');
  if (flavor === 'cloud' && mode === 'text') {
    issue.description = adfToText(at(raw, 'fields', 'description') ?? null);
    issue.description_format = 'markdown';
  }
  return issue;
}

export function toComment(raw: unknown, flavor: JiraFlavor, mode: TextMode): Comment {
  const comment = jiraComment(raw, null);
  if (comment === null) throw malformed('a comment without id');
  if (flavor === 'cloud' && mode === 'text') {
    comment.body = adfToText(at(raw, 'body') ?? null);
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

const refuse = (path: string, message: string) => new AppError('VALIDATION', message, { details: [{ path, message }] });

/**
 * Caller text → what Jira stores: ADF built from the text on Cloud (or the caller's own ADF with mode `adf`,
 * as an object or its JSON text), wiki markup as given on Data Center. null clears the field.
 */
export function toVendorText(value: unknown, flavor: JiraFlavor, mode: TextMode, path: string): unknown {
  if (value === null) return null;
  if (mode === 'adf') {
    if (flavor === 'dc') throw refuse('format', 'Jira Data Center has no ADF: send wiki markup with format=text.');
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
  if (typeof value !== 'string') throw refuse(path, 'Send text (Markdown on Cloud, wiki markup on Data Center).');
  return flavor === 'cloud' ? textToAdf(value) : value;
}
