// Shared by the staff pages: talking to the API with the session's CSRF token, building DOM
// without innerHTML (customer names and notes come from outside), dates and times as the
// business's wall clock, and announcements for screen readers.

let csrfToken = null;

/** An error answer of the API: `{error: {code, message, field?, details?}}`. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `request failed (${status})`);
    this.status = status;
    this.code = error.code || 'unknown';
    this.field = error.field || null;
    this.details = error.details || null;
  }
}

/** Calls the API; resolves with the parsed body, rejects with an ApiError. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError(0, { error: { code: 'network', message: 'The server cannot be reached. Check the connection and try again.' } });
  }
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
  if (!response.ok) {
    if (response.status === 401 && path !== '/api/v1/session') goToLogin();
    throw new ApiError(response.status, parsed);
  }
  return parsed;
}

function goToLogin() {
  const next = location.pathname + location.search;
  location.assign(`/staff/login?next=${encodeURIComponent(next)}`);
}

/** The logged-in user and business; sends the browser to the login page without a session. */
export async function loadSession() {
  try {
    const session = await api('GET', '/api/v1/session');
    csrfToken = session.csrf_token;
    return session;
  } catch (e) {
    if (e.status === 401) goToLogin();
    throw e;
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

export async function logOut() {
  try { await api('DELETE', '/api/v1/session'); } finally { location.assign('/staff/login'); }
}

/** `el('p', {class: 'x', onclick: f}, 'text', child)`: attributes, listeners, children. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else if (value === true) {
      node.setAttribute(name, '');
    } else {
      node.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Says something to screen readers (and shows it briefly as a toast). */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (region) {
    region.textContent = '';
    // A new text node after clearing makes screen readers speak repeated messages too.
    setTimeout(() => { region.textContent = message; }, 30);
  }
  const toasts = document.getElementById('toasts');
  if (toasts) {
    const toast = el('div', { class: 'toast' }, message);
    toasts.append(toast);
    setTimeout(() => toast.remove(), 6000);
  }
}

/** Minutes after local midnight of an API time like `2027-03-01T09:30:00+01:00`. */
export function minutesOf(localTime) {
  return Number(localTime.slice(11, 13)) * 60 + Number(localTime.slice(14, 16));
}

export function clock(minutes) {
  const m = Math.max(0, Math.round(minutes));
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` shifted by whole days. */
export function addDays(date, days) {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function longDate(date) {
  return new Date(`${date}T12:00:00Z`).toLocaleDateString(undefined, {
    weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
  });
}

/** An instant (UTC or with offset) as wall-clock date and time in the business's zone. */
export function inZone(instant, timeZone) {
  return new Date(instant).toLocaleString(undefined, {
    timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
  });
}

/** Shows an API error in `region`; marks the input its `field` names inside `form` invalid. */
export function showError(region, error, form) {
  if (form) clearErrors(form);
  region.textContent = error.message;
  region.hidden = false;
  if (form && error.field) {
    const input = fieldInput(form, error.field);
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', region.id);
      input.focus();
    }
  }
}

/** The input for an API field name: `customer.phone` → name="customer.phone", `mon[1]` → "mon". */
function fieldInput(form, field) {
  const candidates = [field, field.replace(/\[\d+\]$/, ''), field.split('.').pop(), field.split(/[.[]/)[0]];
  for (const name of candidates) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (input) return input;
  }
  return null;
}

export function clearErrors(form) {
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
  for (const region of form.querySelectorAll('.error')) {
    region.textContent = '';
    region.hidden = true;
  }
}

/** Opens a modal dialog and gives focus back to where it was when the dialog closes. */
export function openDialog(dialog, focusFirst) {
  const opener = document.activeElement;
  dialog.addEventListener('close', () => {
    // The close event comes a task later; the dialog may already be open again by then.
    if (dialog.open) return;
    const again = opener && opener.dataset && opener.dataset.id
      ? document.querySelector(`[data-id="${CSS.escape(opener.dataset.id)}"]`)
      : opener;
    if (again && document.contains(again)) again.focus();
  }, { once: true });
  dialog.showModal();
  if (focusFirst) focusFirst.focus();
}

// ---- live updates ----------------------------------------------------------------------

const liveHandlers = { ready: [], bookings: [], conversations: [], down: [] };
let liveSource = null;

/**
 * Calls `handler(data)` on the business's live stream: `ready` (connected: fetch again what
 * the page shows), `bookings` and `conversations` (`{changed: [ids]}`), `down` (the
 * connection dropped; the browser reconnects by itself).
 */
export function onLive(type, handler) {
  liveHandlers[type].push(handler);
}

/** Opens the business's live stream, once per page. */
export function startLive(slug) {
  if (liveSource) return;
  const source = new EventSource(`/api/v1/businesses/${slug}/events`);
  liveSource = source;
  const dispatch = (type, data) => { for (const handler of liveHandlers[type]) handler(data); };
  for (const type of ['ready', 'bookings', 'conversations']) {
    source.addEventListener(type, (event) => dispatch(type, JSON.parse(event.data || '{}')));
  }
  source.addEventListener('error', () => {
    dispatch('down', {});
    // The browser retries a dropped stream by itself, but not a refused one (an ended
    // session): check the session (which leads to the login page if it ended), then start over.
    if (source.readyState === EventSource.CLOSED) {
      liveSource = null;
      setTimeout(() => loadSession().then(() => startLive(slug), () => {}), 5000);
    }
  });
}

/** Shows the live stream's state in `indicator`, and as `data-live` on the page's body. */
export function showLiveState(indicator) {
  const show = (on) => {
    indicator.textContent = on ? 'live' : 'reconnecting…';
    indicator.classList.toggle('on', on);
    document.body.dataset.live = on ? 'on' : 'off';
  };
  onLive('ready', () => show(true));
  onLive('down', () => show(false));
}

// ---- the inbox link --------------------------------------------------------------------

/** Shows on the header's Inbox link how many conversations wait for staff. */
export function showWaitingCount(count) {
  const link = document.getElementById('inbox-link');
  const badge = document.getElementById('inbox-count');
  if (!link || !badge) return;
  badge.textContent = String(count);
  badge.hidden = count === 0;
  link.setAttribute('aria-label', count ? `Inbox, ${count} waiting` : 'Inbox');
}

/** The business's conversations staff own, newest first. */
export function conversationsWithStaff(slug) {
  return api('GET', `/api/v1/businesses/${slug}/conversations?owner=human`);
}

/** Keeps the Inbox badge current on pages other than the inbox. */
export function trackWaiting(slug) {
  let timer = null;
  const refresh = () => {
    clearTimeout(timer);
    // A burst of changes (a customer typing fast, a busy chat) costs one request.
    timer = setTimeout(() => conversationsWithStaff(slug)
      .then((list) => showWaitingCount(list.filter((c) => c.waiting).length), () => {}), 300);
  };
  onLive('ready', refresh);
  onLive('conversations', refresh);
  startLive(slug);
}
