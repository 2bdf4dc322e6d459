import type { GrantedSite } from '../../services/connect-flow.js';
import { html, page } from './html.js';

/** An error or success page of the connect flow: a title and a message, plus the connection ids on success. */
export function messagePage(title: string, message: string, connectionIds: string[] = []): string {
  const ids = connectionIds.map((id) => html`<li><code>${id}</code></li>`);
  return page(title, html`<p>${message}</p>${ids.length > 0 ? html`<ul>${ids}</ul>` : html``}`);
}

/** The site picker: one checkbox per granted site, posted back with the state (the cookie rides along). */
export function pickerPage(
  action: string,
  state: string,
  providerName: string,
  sites: GrantedSite[],
  notice?: string,
): string {
  const rows = sites.map(
    (s) =>
      html`<label><input type="checkbox" name="site" value="${s.cloudId}"> <strong>${s.name}</strong><br><small>${s.url}</small></label>`,
  );
  return page(
    'Choose the sites to connect',
    html`<p>You granted ${providerName} access to several sites. Choose the ones to connect.</p>
${notice === undefined ? html`` : html`<p class="notice">${notice}</p>`}
<form method="post" action="${action}">
<input type="hidden" name="state" value="${state}">
${rows}
<button type="submit">Connect</button>
</form>`,
  );
}
