/** What a GitHub API root must be: `https://api.github.com`, or `https://HOST/api/v3` on GHES. */
export const API_URL_RULE = 'must be an http(s) URL without query or credentials';

export type ApiUrlCheck =
  { readonly ok: true; readonly url: string } | { readonly ok: false; readonly shown: string };

/**
 * Checks a GitHub API root and returns it without trailing slashes. A URL that carries
 * credentials is never echoed back, only described.
 */
export function checkApiUrl(value: string): ApiUrlCheck {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  const fine =
    url !== undefined &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '' &&
    url.password === '';
  if (!fine) {
    return { ok: false, shown: url?.username || url?.password ? 'a URL with credentials' : value };
  }
  return { ok: true, url: url.href.replace(/\/+$/, '') };
}
