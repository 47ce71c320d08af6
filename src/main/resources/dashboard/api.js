// The dashboard's requests: JSON to the data endpoints, with what an error means for the page.
// 401: the login expired (back to the login page, or the shared link's password form); 503: Sightline
// or its database could not answer now, say "retry"; anything else: its message.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export class Api {
  constructor(base, root, mode) {
    this.base = base;   // URL of the data endpoints (dashboard/api/ or share/<token>/api/)
    this.root = root;   // URL of Sightline's root (behind a proxy, its public path)
    this.mode = mode;   // 'account' or 'share'
    this.csrf = null;
    this.onUnavailable = () => {};
  }

  url(path) {
    return new URL(path, this.base);
  }

  async request(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.csrf && method !== 'GET') headers['X-CSRF-Token'] = this.csrf;
    let response;
    try {
      response = await fetch(this.url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      this.onUnavailable('Sightline cannot be reached right now.');
      throw new ApiError(0, 'unreachable');
    }
    if (response.status === 401) {
      this.expired();
      throw new ApiError(401, 'logged out');
    }
    if (response.status === 503) {
      this.onUnavailable('Sightline is busy or its database is unavailable.');
      throw new ApiError(503, 'unavailable');
    }
    if (response.status === 204) return null;
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new ApiError(response.status, json.message || response.statusText);
    return json;
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, body) {
    return this.request('POST', path, body);
  }

  delete(path) {
    return this.request('DELETE', path);
  }

  expired() {
    if (this.mode === 'share') {
      location.reload();
    } else {
      location.href = new URL('login?next=' + encodeURIComponent('./' + location.search), this.root).href;
    }
  }
}
