// Settings (owners): business details and policies, staff and their weekly hours, closures,
// services, logins, reminders, the chat and its questions to customers, and the messaging
// channels, each saved through the same API as machine clients use. A refusal is
// shown next to the field the API names; nothing is repeated without the owner's word.
import {
  api, announce, clearErrors, el, inZone, loadSession, logOut, openDialog, showError, trackWaiting,
} from './common.js';

const DAYS = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'],
  ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday']];
const $ = (id) => document.getElementById(id);

const state = { slug: '', timeZone: 'UTC', staff: [], services: [], questions: [], faq: [], pendingClosure: null };
const base = () => `/api/v1/businesses/${state.slug}`;

async function start() {
  const session = await loadSession();
  state.slug = session.business.slug;
  state.timeZone = session.business.time_zone;
  $('business-name').textContent = session.business.name;
  $('user-name').textContent = session.user.name;
  $('logout-button').addEventListener('click', logOut);
  trackWaiting(state.slug);
  if (session.user.role !== 'owner') {
    $('owner-only').hidden = false;
    for (const form of document.querySelectorAll('main form')) form.hidden = true;
    return;
  }
  bindForms();
  await Promise.all([loadBusiness(), loadStaffAndServices(), loadLogins(), loadQuestions(), loadFaq(), loadChannels()]);
  await loadClosures();
  document.body.dataset.ready = 'yes';
}

/**
 * Runs a save: shows the API's refusal in `errorRegion` (marking the field), or announces
 * `done` (a text, or a function giving it once the work is done).
 */
async function saving(form, errorRegion, work, done) {
  clearErrors(form);
  const button = form.querySelector('button[type=submit]');
  if (button) button.disabled = true;
  try {
    await work();
    announce(typeof done === 'function' ? done() : done);
    return true;
  } catch (error) {
    if (!error.handled) showError(errorRegion, error, form);
    return false;
  } finally {
    if (button) button.disabled = false;
  }
}

function blankToNull(value) {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

// ---- business --------------------------------------------------------------------------

const POLICY_FIELDS = ['slot_interval_minutes', 'min_notice_minutes', 'booking_horizon_days', 'cancellation_cutoff_minutes'];

async function loadBusiness() {
  const business = await api('GET', base());
  const form = $('business-form');
  for (const name of ['name', 'address', 'phone', 'notification_email', 'time_zone', 'locale', ...POLICY_FIELDS]) {
    form.elements[name].value = business[name] ?? '';
  }
  const chat = $('chat-form');
  for (const name of CHAT_FIELDS) chat.elements[name].value = business[name];
  const privacy = $('privacy-form');
  for (const name of PRIVACY_FIELDS) privacy.elements[name].value = business[name] ?? '';
  showReminders(business.reminder_offsets_minutes || []);
}

function bindBusinessForm() {
  const form = $('business-form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {
      name: form.elements.name.value.trim(),
      address: form.elements.address.value.trim(),
      phone: blankToNull(form.elements.phone.value),
      notification_email: blankToNull(form.elements.notification_email.value),
      time_zone: form.elements.time_zone.value.trim(),
      locale: form.elements.locale.value,
    };
    for (const name of POLICY_FIELDS) body[name] = Number(form.elements[name].value);
    saving(form, $('business-error'), () => api('PATCH', base(), body), 'Business saved');
  });
}

// ---- reminders -------------------------------------------------------------------------

const REMINDER_LIMITS = { count: 5, min: 5, max: 7 * 24 * 60 };
const UNITS = [['minutes', 1, 'minute'], ['hours', 60, 'hour'], ['days', 24 * 60, 'day']];

/** 1440 → {amount: 1, unit: 'days'}: the largest unit that divides it. */
function friendlyOffset(minutes) {
  for (const [unit, size] of UNITS.slice().reverse()) {
    if (minutes % size === 0) return { amount: minutes / size, unit };
  }
  return { amount: minutes, unit: 'minutes' };
}

/** "1 day and 2 hours before" for announcements. */
function describeOffsets(minutes) {
  if (!minutes.length) return 'no reminders';
  const parts = minutes.map((m) => {
    const { amount, unit } = friendlyOffset(m);
    const [, , one] = UNITS.find(([u]) => u === unit);
    return `${amount} ${amount === 1 ? one : unit}`;
  });
  const last = parts.pop();
  return `${parts.length ? `${parts.join(', ')} and ` : ''}${last} before`;
}

function showReminders(minutes) {
  $('reminder-rows').replaceChildren(...minutes.map((m) => reminderRow(friendlyOffset(m))));
  renumberReminders();
}

let reminderRowIds = 0;

/** One reminder: a number, its unit and a Remove button; labelled by its place in the list. */
function reminderRow({ amount, unit }) {
  reminderRowIds += 1;
  const id = `reminder-${reminderRowIds}`;
  const row = el('li', { class: 'reminder-row' },
    el('label', { for: `${id}-amount` }, 'Reminder'),
    el('input', { id: `${id}-amount`, name: 'amount', type: 'number', min: 1, step: 1, inputmode: 'numeric',
      value: amount === '' ? null : amount, required: true }),
    el('select', { id: `${id}-unit`, name: 'unit', 'aria-label': 'Unit' },
      UNITS.map(([value]) => el('option', { value, selected: value === unit }, value))),
    el('span', { class: 'muted' }, 'before'),
    el('button', { type: 'button', class: 'remove-reminder', onclick: () => removeReminder(row) }, 'Remove'));
  return row;
}

/** Labels follow the order on screen: "Reminder 2", "Unit of reminder 2", "Remove reminder 2". */
function renumberReminders() {
  const rows = [...$('reminder-rows').children];
  rows.forEach((row, index) => {
    const place = index + 1;
    row.querySelector('label').textContent = `Reminder ${place}`;
    row.querySelector('select').setAttribute('aria-label', `Unit of reminder ${place}`);
    row.querySelector('.remove-reminder').setAttribute('aria-label', `Remove reminder ${place}`);
    row.querySelector('input').setAttribute('name', `reminder_offsets_minutes[${index}]`);
  });
  $('reminders-none').hidden = rows.length > 0;
  const add = $('add-reminder');
  add.disabled = rows.length >= REMINDER_LIMITS.count;
  add.title = add.disabled ? `At most ${REMINDER_LIMITS.count} reminders` : '';
}

function addReminder() {
  const rows = $('reminder-rows');
  if (rows.children.length >= REMINDER_LIMITS.count) return;
  const row = reminderRow({ amount: '', unit: 'hours' });
  rows.append(row);
  renumberReminders();
  row.querySelector('input').focus();
}

function removeReminder(row) {
  const next = row.nextElementSibling;
  const place = [...row.parentElement.children].indexOf(row) + 1;
  row.remove();
  renumberReminders();
  // The keyboard stays in the list: on the next row's Remove button, or on Add at the end.
  (next ? next.querySelector('.remove-reminder') : $('add-reminder')).focus();
  announce(`Reminder ${place} removed; save to keep the change`);
}

/** The rows as minutes, in the order on screen; refuses what is no whole number of minutes. */
function reminderMinutes() {
  return [...$('reminder-rows').children].map((row, index) => {
    const input = row.querySelector('input');
    const amount = Number(input.value.trim().replace(',', '.'));
    const [, size] = UNITS.find(([u]) => u === row.querySelector('select').value);
    const minutes = amount * size;
    if (input.value.trim() === '' || !Number.isFinite(minutes) || !Number.isInteger(minutes)) {
      const error = new Error(`Reminder ${index + 1}: write how long before, in whole minutes, hours or days (like 2 hours)`);
      error.field = `reminder_offsets_minutes[${index}]`;
      throw error;
    }
    return minutes;
  });
}

function bindRemindersForm() {
  const form = $('reminders-form');
  $('add-reminder').addEventListener('click', addReminder);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    let saved = null;
    saving(form, $('reminders-error'), async () => {
      const body = { reminder_offsets_minutes: reminderMinutes() };
      try {
        saved = await api('PATCH', base(), body);
      } catch (error) {
        // "reminder_offsets_minutes[1]: must be…" → "Reminder 2: must be…" (the server counts from 0).
        const place = /^reminder_offsets_minutes\[(\d+)\]: /.exec(error.message);
        if (place) {
          error.message = `Reminder ${Number(place[1]) + 1}: ${error.message.slice(place[0].length)}`
            + ` (in minutes: a reminder goes ${REMINDER_LIMITS.min} minutes to ${REMINDER_LIMITS.max / 1440} days before)`;
        } else {
          error.message = error.message.replace(/^reminder_offsets_minutes: /, 'Reminders: ');
        }
        throw error;
      }
    }, () => `Reminders saved: ${describeOffsets(saved.reminder_offsets_minutes)}`)
      .then((ok) => ok && showReminders(saved.reminder_offsets_minutes));
  });
}

// ---- chat ------------------------------------------------------------------------------

const CHAT_FIELDS = ['hold_minutes', 'handoff_timeout_minutes', 'contact_requirement'];

function bindChatForm() {
  const form = $('chat-form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {
      hold_minutes: Number(form.elements.hold_minutes.value),
      handoff_timeout_minutes: Number(form.elements.handoff_timeout_minutes.value),
      contact_requirement: form.elements.contact_requirement.value,
    };
    saving(form, $('chat-error'), () => api('PATCH', base(), body), 'Chat settings saved');
  });
}

// ---- privacy ---------------------------------------------------------------------------

const PRIVACY_FIELDS = ['privacy_url', 'transcript_retention_days', 'manage_link_days'];

function bindPrivacyForm() {
  const form = $('privacy-form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {
      privacy_url: blankToNull(form.elements.privacy_url.value),
      transcript_retention_days: Number(form.elements.transcript_retention_days.value),
      manage_link_days: Number(form.elements.manage_link_days.value),
    };
    saving(form, $('privacy-error'), () => api('PATCH', base(), body), 'Privacy settings saved');
  });
}

/** The questions in the order the chat asks them; inactive ones stay listed, marked. */
async function loadQuestions() {
  state.questions = await api('GET', `${base()}/questions`);
  $('question-list').replaceChildren(...state.questions.map(questionCard));
}

function questionCard(question, index) {
  const id = `q-${question.id}`;
  const short = question.prompt_en.length > 40 ? `${question.prompt_en.slice(0, 40)}…` : question.prompt_en;
  const error = el('p', { class: 'error', role: 'alert', hidden: true, id: `${id}-error` });
  const form = el('form', { class: 'stacked', novalidate: true, 'aria-label': `Question: ${short}` },
    el('div', { class: 'field' }, el('label', { for: `${id}-en` }, 'Question in English'),
      el('input', { id: `${id}-en`, name: 'prompt_en', value: question.prompt_en, maxlength: 300, required: true })),
    el('div', { class: 'field' }, el('label', { for: `${id}-de` }, 'Question in German'),
      el('input', { id: `${id}-de`, name: 'prompt_de', value: question.prompt_de, maxlength: 300 })),
    el('div', { class: 'field-row' },
      el('div', { class: 'field' }, el('label', { for: `${id}-kind` }, 'Answer'),
        el('select', { id: `${id}-kind`, name: 'kind' },
          el('option', { value: 'text', selected: question.kind === 'text' }, 'Free text'),
          el('option', { value: 'yes_no', selected: question.kind === 'yes_no' }, 'Yes or no'))),
      el('div', { class: 'field' }, el('label', { class: 'inline' },
        el('input', { type: 'checkbox', name: 'active', checked: question.active }), 'Asked in the chat'))),
    error,
    el('div', { class: 'button-row' },
      el('button', { type: 'submit', class: 'primary' }, 'Save question'),
      el('button', { type: 'button', 'aria-label': `Move “${short}” up`, disabled: index === 0,
        dataset: { move: 'up' }, onclick: () => moveQuestion(index, -1, 'up') }, '↑ Up'),
      el('button', { type: 'button', 'aria-label': `Move “${short}” down`, disabled: index === state.questions.length - 1,
        dataset: { move: 'down' }, onclick: () => moveQuestion(index, 1, 'down') }, '↓ Down')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {
      prompt_en: form.elements.prompt_en.value.trim(),
      prompt_de: form.elements.prompt_de.value.trim() || form.elements.prompt_en.value.trim(),
      kind: form.elements.kind.value,
      active: form.elements.active.checked,
    };
    saving(form, error, () => api('PATCH', `${base()}/questions/${question.id}`, body),
      body.active ? 'Question saved' : 'Question saved; the chat no longer asks it')
      .then((ok) => ok && loadQuestions());
  });
  return el('li', { class: question.active ? 'question-card' : 'question-card inactive', dataset: { questionId: question.id } },
    el('p', { class: 'prompt' }, el('strong', {}, `${index + 1}. `), question.prompt_en,
      question.active ? null : el('span', { class: 'muted' }, ' (not asked)')),
    form);
}

/** Moves a question one place; positions are renumbered 0, 1, 2… in the new order. */
async function moveQuestion(index, by, direction) {
  const order = state.questions.slice();
  const [moved] = order.splice(index, 1);
  order.splice(index + by, 0, moved);
  try {
    await Promise.all(order.map((question, position) => (question.position === position ? null
      : api('PATCH', `${base()}/questions/${question.id}`, { position }))));
    $('question-list-error').hidden = true;
    announce(`Moved “${moved.prompt_en}” to place ${index + by + 1}`);
  } catch (error) {
    showError($('question-list-error'), error);
  }
  await loadQuestions();
  // Keep the keyboard where it was: on the moved question's button, or its other one at an end.
  const card = document.querySelector(`[data-question-id="${CSS.escape(moved.id)}"]`);
  const button = card && ([...card.querySelectorAll('[data-move]')].find((b) => b.dataset.move === direction && !b.disabled)
    || card.querySelector('[data-move]:not([disabled])'));
  if (button) button.focus();
}

function bindAddQuestion() {
  const form = $('add-question-form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {
      prompt_en: form.elements.prompt_en.value.trim(),
      prompt_de: form.elements.prompt_de.value.trim() || undefined,
      kind: form.elements.kind.value,
    };
    saving(form, $('add-question-error'), () => api('POST', `${base()}/questions`, body), 'Question added')
      .then((ok) => { if (ok) { form.reset(); loadQuestions(); } });
  });
}

// ---- questions and answers -------------------------------------------------------------

const FAQ_LANGUAGES = [['en', 'English'], ['de', 'German'], ['es', 'Spanish']];

/** One language's fields of an entry: ways to ask (one per line) and the answer. */
function faqFields(prefix, translations) {
  return FAQ_LANGUAGES.map(([code, name]) => {
    const given = translations.find((t) => t.locale === code) || { examples: [], answer: '' };
    return el('fieldset', { class: 'stacked' }, el('legend', {}, name),
      el('div', { class: 'field' }, el('label', { for: `${prefix}-${code}-examples` }, `Ways customers ask it in ${name}, one per line`),
        el('textarea', { id: `${prefix}-${code}-examples`, name: `${code}_examples`, rows: 3 }, given.examples.join('\n'))),
      el('div', { class: 'field' }, el('label', { for: `${prefix}-${code}-answer` }, `Answer in ${name}`),
        el('textarea', { id: `${prefix}-${code}-answer`, name: `${code}_answer`, rows: 2, maxlength: 1000 }, given.answer)));
  });
}

/** The languages filled in on a form, as the API takes them; empty languages are left out. */
function faqBody(form) {
  const translations = FAQ_LANGUAGES.map(([code]) => ({
    locale: code,
    examples: form.elements[`${code}_examples`].value.split('\n').map((line) => line.trim()).filter(Boolean),
    answer: form.elements[`${code}_answer`].value.trim(),
  })).filter((t) => t.examples.length || t.answer);
  return { translations };
}

async function loadFaq() {
  state.faq = await api('GET', `${base()}/faq`);
  $('faq-list').replaceChildren(...state.faq.map(faqCard));
}

function faqCard(entry) {
  const id = `faq-${entry.id}`;
  const first = entry.translations[0] || { examples: [''] };
  const title = first.examples[0] || '';
  const error = el('p', { class: 'error', role: 'alert', hidden: true, id: `${id}-error` });
  const form = el('form', { class: 'stacked', novalidate: true, 'aria-label': `Question: ${title}` },
    ...faqFields(id, entry.translations), error,
    el('div', { class: 'button-row' },
      el('button', { type: 'submit', class: 'primary' }, 'Save'),
      el('button', { type: 'button', class: 'danger', onclick: () => removeFaq(entry, error) }, 'Delete')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saving(form, error, () => api('PATCH', `${base()}/faq/${entry.id}`, faqBody(form)), 'Answer saved')
      .then((ok) => ok && loadFaq());
  });
  return el('li', { class: 'question-card', dataset: { faqId: entry.id } }, el('p', { class: 'prompt' }, el('strong', {}, title)), form);
}

async function removeFaq(entry, error) {
  try {
    await api('DELETE', `${base()}/faq/${entry.id}`);
    announce('Question and answer deleted');
    await loadFaq();
  } catch (failure) {
    showError(error, failure);
  }
}

function bindAddFaq() {
  const form = $('add-faq-form');
  $('add-faq-fields').replaceChildren(...faqFields('new-faq', []));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    saving(form, $('add-faq-error'), () => api('POST', `${base()}/faq`, faqBody(form)), 'Question and answer added')
      .then((ok) => { if (ok) { form.reset(); loadFaq(); } });
  });
}

// ---- messaging channels ----------------------------------------------------------------

/**
 * The platforms and what each needs (`/api/v1/businesses/{slug}/channels/{platform}`). Secrets
 * are write-only: the API names the ones it holds (`secrets_set`) and never returns a value.
 */
const PLATFORMS = [
  {
    id: 'messenger', name: 'Messenger',
    about: 'Messages to the business’s Facebook Page. From the Meta developer console: the Page’s ID, a Page access token and the app secret.',
    webhookHint: 'In the Meta developer console, Messenger → Webhooks: enter this as the callback URL, with the verify token you chose.',
    fields: [
      { name: 'page_id', label: 'Page ID', inputmode: 'numeric', placeholder: '1234567890' },
      { name: 'page_access_token', label: 'Page access token', secret: true },
      { name: 'app_secret', label: 'App secret', secret: true },
      { name: 'verify_token', label: 'Verify token', secret: true, hint: 'Any text you choose; enter the same text with the webhook URL in the Meta console.' },
    ],
  },
  {
    id: 'whatsapp', name: 'WhatsApp',
    about: 'A WhatsApp Business number (Cloud API). From the Meta developer console: the phone number ID, an access token and the app secret.',
    webhookHint: 'In the Meta developer console, WhatsApp → Configuration: enter this as the callback URL, with the verify token you chose.',
    fields: [
      { name: 'phone_number_id', label: 'Phone number ID', inputmode: 'numeric', placeholder: '1098765' },
      { name: 'access_token', label: 'Access token', secret: true },
      { name: 'app_secret', label: 'App secret', secret: true },
      { name: 'verify_token', label: 'Verify token', secret: true, hint: 'Any text you choose; enter the same text with the webhook URL in the Meta console.' },
    ],
    templates: true,
  },
  {
    id: 'telegram', name: 'Telegram',
    about: 'A Telegram bot. Create it with @BotFather, which gives the bot token.',
    webhookHint: 'The bot’s webhook: Telegram’s setWebhook takes this URL together with the secret token you chose.',
    fields: [
      { name: 'bot_token', label: 'Bot token', secret: true, hint: 'From @BotFather, like 123456:ABC-DEF…' },
      { name: 'secret_token', label: 'Secret token', secret: true, hint: 'Any text you choose of letters, digits, _ and - (up to 256); Telegram sends it with every message, so others cannot pose as Telegram.' },
    ],
  },
  {
    id: 'twilio', name: 'SMS (Twilio)',
    about: 'Text messages through a Twilio phone number. From the Twilio console: the account SID, its auth token and the number.',
    webhookHint: 'In the Twilio console, the number’s Messaging configuration: “A message comes in” → Webhook, HTTP POST.',
    fields: [
      { name: 'account_sid', label: 'Account SID', placeholder: 'AC…', autocapitalize: 'off' },
      { name: 'auth_token', label: 'Auth token', secret: true },
      { name: 'from_number', label: 'Twilio phone number', type: 'tel', placeholder: '+15005550006' },
    ],
  },
];

/** WhatsApp message templates: messages sent outside the 24-hour window need approved ones. */
const TEMPLATES = [
  ['reminder', 'Reminder template'],
  ['booking_update', 'Booking update template'],
  ['verification_code', 'Verification code template (an authentication template with parameter "code")'],
];
const TEMPLATE_PARAMETERS = ['customer_name', 'business', 'service', 'staff', 'date', 'time', 'reference', 'manage_url', 'code'];
const TEMPLATE_PLACEHOLDERS = { reminder: 'appointment_reminder', booking_update: 'booking_update', verification_code: 'verification_code' };

const channelState = { connected: new Map(), pendingDisconnect: null };

/** Shows every platform, connected or not; a server without the channel API says so. */
async function loadChannels() {
  let list;
  try {
    list = await api('GET', `${base()}/channels`);
  } catch (error) {
    if (error.status === 404) {
      $('channels-unavailable').hidden = false;
      $('channel-list').replaceChildren();
      document.body.dataset.channels = 'unavailable';
    } else {
      showError($('channels-error'), error);
      document.body.dataset.channels = 'error';
    }
    return;
  }
  $('channels-unavailable').hidden = true;
  $('channels-error').hidden = true;
  channelState.connected = new Map(((list && list.channels) || []).map((view) => [view.platform, view]));
  const open = new Set([...document.querySelectorAll('.channel-card[open]')].map((card) => card.dataset.platform));
  $('channel-list').replaceChildren(...PLATFORMS.map((platform) => channelCard(platform,
    channelState.connected.get(platform.id), open.has(platform.id))));
  document.body.dataset.channels = 'ready';
}

function secretLabel(platform, name) {
  const field = platform.fields.find((f) => f.name === name);
  return field ? field.label : name.replace(/_/g, ' ');
}

// A Messenger page or WhatsApp number entered here is only claimed until the platform proves
// that this business owns it; the card says so instead of claiming "Connected".
const PENDING_TEXT = 'Pending: entered, not yet proven. It receives and sends nothing until Meta '
  + 'verifies the webhook with this verify token (while no other business holds this account) or '
  + 'sends a webhook call signed with this app secret.';

function channelCard(platform, view, keepOpen) {
  const id = `ch-${platform.id}`;
  const connected = Boolean(view);
  const pending = connected && view.status === 'pending';
  const stateText = pending ? 'Pending' : (connected ? 'Connected' : 'Not connected');
  const secretsSet = new Set((view && view.secrets_set) || []);
  const settings = (view && view.settings) || {};
  const error = el('p', { class: 'error', role: 'alert', hidden: true, id: `${id}-error` });

  const inputs = platform.fields.map((field) => {
    const hintId = `${id}-${field.name}-hint`;
    const stored = field.secret && secretsSet.has(field.name);
    const hint = field.secret
      ? [stored ? 'Stored; leave empty to keep it, or enter a new one to replace it.' : 'Required to connect.', field.hint]
        .filter(Boolean).join(' ')
      : field.hint;
    return el('div', { class: 'field' },
      el('label', { for: `${id}-${field.name}` }, field.label),
      el('input', {
        id: `${id}-${field.name}`,
        name: field.name,
        type: field.secret ? 'password' : (field.type || 'text'),
        autocomplete: 'off',
        spellcheck: 'false',
        autocapitalize: 'off',
        inputmode: field.inputmode,
        placeholder: field.secret ? (stored ? '•••••••• (stored, unchanged)' : null) : field.placeholder,
        value: field.secret ? null : (settings[field.name] ?? null),
        'aria-describedby': hint ? hintId : null,
        dataset: field.secret ? { secret: field.name } : {},
      }),
      hint ? el('p', { id: hintId, class: 'muted hint' }, hint) : null);
  });

  const form = el('form', { class: 'stacked channel-form', novalidate: true, 'aria-label': `${platform.name} settings` },
    el('div', { class: 'channel-fields' }, inputs),
    platform.templates ? templateFields(id, settings.templates || {}) : null,
    error,
    el('div', { class: 'button-row' },
      el('button', { type: 'submit', class: 'primary' }, connected ? `Save ${platform.name}` : `Connect ${platform.name}`),
      connected ? el('button', { type: 'button', class: 'danger', onclick: () => askDisconnect(platform) },
        `Disconnect ${platform.name}…`) : null));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    let body;
    try {
      body = channelBody(platform, form, view);
    } catch (problem) {
      showError(error, problem, form);
      return;
    }
    saving(form, error, () => api('PUT', `${base()}/channels/${platform.id}`, body),
      connected ? `${platform.name} saved` : `${platform.name} connected`)
      .then(async (ok) => {
        if (!ok) return;
        await loadChannels();
        const card = document.querySelector(`.channel-card[data-platform="${platform.id}"]`);
        if (card) card.querySelector('summary').focus();
      });
  });

  const status = connected
    ? el('dl', { class: 'details channel-status' },
      el('dt', {}, 'Status'), el('dd', {}, pending ? PENDING_TEXT : 'Connected', view.updated_at ? el('span', { class: 'muted' }, ` · changed ${inZone(view.updated_at, state.timeZone)}`) : null),
      el('dt', {}, 'Stored secrets'),
      el('dd', {}, secretsSet.size
        ? el('ul', { class: 'secret-names' }, [...secretsSet].map((name) => el('li', { dataset: { secretName: name } }, secretLabel(platform, name))))
        : 'none'),
      ...Object.entries(settings).filter(([key]) => key !== 'templates').map(([key, value]) => [
        el('dt', {}, (platform.fields.find((f) => f.name === key) || { label: key }).label),
        el('dd', {}, String(value))]).flat())
    : el('p', { class: 'muted' }, 'Not connected. Fill in the details below to connect it.');

  return el('details', { class: connected ? 'channel-card connected' : 'channel-card', open: keepOpen || connected,
    dataset: { platform: platform.id, connected: connected ? 'yes' : 'no', status: connected ? view.status : 'none' } },
  el('summary', {}, el('strong', {}, platform.name), ' ',
    el('span', { class: pending ? 'channel-state pending' : (connected ? 'channel-state on' : 'channel-state') }, stateText)),
  el('p', { class: 'muted' }, platform.about),
  status,
  connected ? webhookField(id, platform, view.webhook_url) : null,
  form);
}

/** The address the platform's console needs, read-only, with a Copy button. */
function webhookField(id, platform, url) {
  const input = el('input', { id: `${id}-webhook`, class: 'webhook-url', value: url, readonly: true,
    'aria-describedby': `${id}-webhook-hint`, spellcheck: 'false' });
  const copy = el('button', { type: 'button', 'aria-label': `Copy the webhook URL of ${platform.name}` }, 'Copy');
  copy.addEventListener('click', () => copyText(input, `Webhook URL of ${platform.name} copied`));
  return el('div', { class: 'field webhook' },
    el('label', { for: `${id}-webhook` }, 'Webhook URL'),
    el('div', { class: 'copy-row' }, input, copy),
    el('p', { id: `${id}-webhook-hint`, class: 'muted hint' }, platform.webhookHint));
}

/** Copies an input's text; where the clipboard is not allowed, selects it for Ctrl+C. */
async function copyText(input, done) {
  try {
    await navigator.clipboard.writeText(input.value);
    announce(done);
  } catch (e) {
    input.focus();
    input.select();
    announce('Selected: press Ctrl+C (⌘C) to copy it');
  }
}

function templateFields(id, templates) {
  return el('fieldset', { class: 'templates' },
    el('legend', {}, 'Message templates (optional)'),
    el('p', { class: 'muted hint' }, 'WhatsApp lets a business start a conversation only with a template approved in the WhatsApp Manager. '
      + `Give its name, language and the values that fill its {{1}}, {{2}}… in order, from: ${TEMPLATE_PARAMETERS.join(', ')}.`),
    TEMPLATES.map(([kind, label]) => {
      const template = templates[kind] || {};
      const field = (name, text, attributes) => el('div', { class: 'field' },
        el('label', { for: `${id}-${kind}-${name}` }, text),
        el('input', { id: `${id}-${kind}-${name}`, name: `templates.${kind}.${name}`, autocomplete: 'off', spellcheck: 'false', ...attributes }));
      return el('div', { class: 'template', dataset: { template: kind } },
        el('h4', {}, label),
        el('div', { class: 'field-row' },
          field('name', 'Name', { value: template.name ?? null, placeholder: TEMPLATE_PLACEHOLDERS[kind] }),
          field('language', 'Language', { value: template.language ?? null, placeholder: 'en_US', class: 'short' }),
          field('parameters', 'Parameters, comma-separated', { value: (template.parameters || []).join(', ') || null, placeholder: 'service, date, time' })));
    }));
}

/** The PUT body: public fields as written, secrets only when typed (empty keeps the stored one). */
function channelBody(platform, form, view) {
  const body = {};
  for (const field of platform.fields) {
    const value = form.elements[field.name].value.trim();
    if (field.secret) {
      if (value) body[field.name] = value;
    } else {
      body[field.name] = value;
    }
  }
  if (platform.templates) {
    const templates = {};
    for (const [kind, label] of TEMPLATES) {
      const read = (name) => form.elements[`templates.${kind}.${name}`].value.trim();
      const [name, language, parameters] = [read('name'), read('language'), read('parameters')];
      if (!name && !language && !parameters) continue;
      if (!name || !language) {
        const error = new Error(`${label}: give both its name and its language, or leave all its fields empty`);
        error.field = `templates.${kind}.${name ? 'language' : 'name'}`;
        throw error;
      }
      templates[kind] = { name, language, parameters: parameters ? parameters.split(',').map((p) => p.trim()).filter(Boolean) : [] };
    }
    const hadTemplates = view && view.settings && view.settings.templates && Object.keys(view.settings.templates).length;
    // Empty fields send no templates; once some were stored, an empty set removes them.
    if (Object.keys(templates).length || hadTemplates) body.templates = templates;
  }
  return body;
}

function askDisconnect(platform) {
  channelState.pendingDisconnect = platform;
  $('disconnect-title').textContent = `Disconnect ${platform.name}?`;
  $('disconnect-text').textContent = `Customers who write to the business on ${platform.name} will get no answer from `
    + 'Chairside. Its settings and stored secrets are removed: to connect it again, you enter them anew.';
  $('disconnect-error').hidden = true;
  $('disconnect-confirm').textContent = `Yes, disconnect ${platform.name}`;
  openDialog($('disconnect-dialog'), $('disconnect-keep'));
}

function bindDisconnectDialog() {
  const dialog = $('disconnect-dialog');
  $('disconnect-keep').addEventListener('click', () => {
    const platform = channelState.pendingDisconnect;
    dialog.close();
    if (platform) announce(`${platform.name} stays connected`);
  });
  $('disconnect-confirm').addEventListener('click', async () => {
    const platform = channelState.pendingDisconnect;
    if (!platform) return;
    const button = $('disconnect-confirm');
    button.disabled = true;
    try {
      await api('DELETE', `${base()}/channels/${platform.id}`);
      channelState.pendingDisconnect = null;
      dialog.close();
      announce(`${platform.name} disconnected`);
      await loadChannels();
      const card = document.querySelector(`.channel-card[data-platform="${platform.id}"]`);
      if (card) card.querySelector('summary').focus();
    } catch (error) {
      showError($('disconnect-error'), error);
    } finally {
      button.disabled = false;
    }
  });
}

// ---- staff and hours -------------------------------------------------------------------

function formatHours(intervals) {
  return (intervals || []).map(([from, to]) => `${from}-${to}`).join(', ');
}

/** "09:00-12:30, 13:30-18:00" → [["09:00","12:30"],["13:30","18:00"]]; the API checks the rest. */
function parseHours(text, field) {
  const trimmed = text.trim();
  if (!trimmed) return [];
  return trimmed.split(/[,;]/).map((part) => {
    const match = part.trim().match(/^(\d{1,2}:\d{2})\s*(?:-|–|to)\s*(\d{1,2}:\d{2})$/);
    if (!match) {
      const error = new Error(`${dayLabel(field) || 'Hours'}: write times like 09:00-12:30, 13:30-18:00 (not "${part.trim()}")`);
      error.field = field;
      throw error;
    }
    return [match[1].padStart(5, '0'), match[2].padStart(5, '0')];
  });
}

function dayLabel(field) {
  const key = (field || '').split(/[.[]/)[0];
  const day = DAYS.find(([k]) => k === key);
  return day ? day[1] : null;
}

function staffCard(member) {
  const detailsForm = el('form', { class: 'field-row', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: `s-name-${member.id}` }, 'Name'),
      el('input', { id: `s-name-${member.id}`, name: 'name', value: member.name, required: true })),
    el('div', { class: 'field' }, el('label', { class: 'inline' },
      el('input', { type: 'checkbox', name: 'active', checked: member.active }), 'Works here (bookable)')),
    el('div', { class: 'field' }, el('button', { type: 'submit' }, 'Save details')));
  const detailsError = el('p', { class: 'error', role: 'alert', hidden: true, id: `s-details-error-${member.id}` });
  detailsForm.append(detailsError);
  detailsForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { name: detailsForm.elements.name.value.trim(), active: detailsForm.elements.active.checked };
    saving(detailsForm, detailsError, () => api('PATCH', `${base()}/staff/${member.id}`, body),
      `${body.name} saved`).then((ok) => ok && loadStaffAndServices());
  });

  const hoursError = el('p', { class: 'error', role: 'alert', hidden: true, id: `s-hours-error-${member.id}` });
  const hoursForm = el('form', { class: 'hours-form', novalidate: true, 'aria-label': `Weekly hours of ${member.name}` },
    el('div', { class: 'hours-grid' }, DAYS.flatMap(([key, label]) => [
      el('label', { for: `h-${member.id}-${key}` }, label),
      el('input', { id: `h-${member.id}-${key}`, name: key, value: formatHours(member.hours[key]), placeholder: 'day off', inputmode: 'text' }),
    ])),
    hoursError,
    el('button', { type: 'submit', class: 'primary' }, `Save hours of ${member.name}`));
  hoursForm.addEventListener('submit', (event) => {
    event.preventDefault();
    saving(hoursForm, hoursError, async () => {
      const week = {};
      for (const [key] of DAYS) week[key] = parseHours(hoursForm.elements[key].value, key);
      try {
        await api('PUT', `${base()}/staff/${member.id}/hours`, week);
      } catch (error) {
        const day = dayLabel(error.field);
        if (day) error.message = `${day}: ${error.message.replace(/^[a-z]{3}(\[\d+\])?: /, '')}`;
        throw error;
      }
    }, `Hours of ${member.name} saved`);
  });
  const workingDays = DAYS.filter(([key]) => (member.hours[key] || []).length).map(([, label]) => label.slice(0, 3));
  return el('details', { class: 'staff-card', open: state.staff.length <= 3, dataset: { staffId: member.id } },
    el('summary', {}, el('strong', {}, member.name), ' ',
      el('span', { class: 'muted' }, member.active
        ? (workingDays.length ? `works ${workingDays.join(' ')}` : 'no weekly hours')
        : 'no longer bookable')),
    detailsForm, hoursForm);
}

async function loadStaffAndServices() {
  const [staff, services] = await Promise.all([
    api('GET', `${base()}/staff?include_inactive=true`),
    api('GET', `${base()}/services`),
  ]);
  state.staff = staff;
  state.services = services;
  $('staff-list').replaceChildren(...staff.map(staffCard));
  $('service-list').replaceChildren(...services.map((s) => serviceForm(s)));
  $('new-service').replaceChildren(serviceForm(null));
  const select = $('c-staff');
  const chosen = select.value;
  select.replaceChildren(el('option', { value: '' }, 'The whole business'),
    ...staff.filter((s) => s.active).map((s) => el('option', { value: s.id }, s.name)));
  select.value = chosen;
}

function bindAddStaff() {
  const form = $('add-staff-form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = form.elements.name.value.trim();
    saving(form, $('add-staff-error'), () => api('POST', `${base()}/staff`, { name }), `${name} added`)
      .then((ok) => { if (ok) { form.reset(); loadStaffAndServices(); } });
  });
}

// ---- services --------------------------------------------------------------------------

function serviceForm(service) {
  const id = service ? service.id : 'new';
  const field = (name, label, attributes) => el('div', { class: 'field' },
    el('label', { for: `svc-${id}-${name}` }, label),
    el('input', { id: `svc-${id}-${name}`, name, ...attributes }));
  const price = service && service.price_cents !== null ? (service.price_cents / 100).toFixed(2) : '';
  const error = el('p', { class: 'error', role: 'alert', hidden: true, id: `svc-error-${id}` });
  const form = el('form', { class: 'stacked service-form', novalidate: true },
    el('div', { class: 'field-row' },
      field('name', 'Name', { value: service ? service.name : '', required: true }),
      field('duration_minutes', 'Minutes', { type: 'number', min: 5, max: 720, value: service ? service.duration_minutes : 30 }),
      field('buffer_before_minutes', 'Buffer before', { type: 'number', min: 0, max: 240, value: service ? service.buffer_before_minutes : 0 }),
      field('buffer_after_minutes', 'Buffer after', { type: 'number', min: 0, max: 240, value: service ? service.buffer_after_minutes : 0 }),
      field('price', `Price (${service ? service.currency : 'EUR'})`, { inputmode: 'decimal', value: price })),
    el('fieldset', {}, el('legend', {}, 'Performed by'),
      el('div', { class: 'checks' }, state.staff.filter((s) => s.active).map((s) => el('label', { class: 'inline' },
        el('input', { type: 'checkbox', name: 'staff_ids', value: s.id, checked: service ? service.staff_ids.includes(s.id) : false }),
        s.name)))),
    error,
    el('div', { class: 'button-row' },
      el('button', { type: 'submit', class: 'primary' }, service ? `Save ${service.name}` : 'Add service'),
      service ? el('button', { type: 'button', class: 'danger', onclick: () => removeService(service, form, error) }, `Remove ${service.name}`) : null));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const priceText = form.elements.price.value.trim().replace(',', '.');
    const body = {
      name: form.elements.name.value.trim(),
      duration_minutes: Number(form.elements.duration_minutes.value),
      buffer_before_minutes: Number(form.elements.buffer_before_minutes.value),
      buffer_after_minutes: Number(form.elements.buffer_after_minutes.value),
      price_cents: priceText === '' ? null : Math.round(Number(priceText) * 100),
      staff_ids: [...form.querySelectorAll('input[name=staff_ids]:checked')].map((c) => c.value),
    };
    if (Number.isNaN(body.price_cents)) {
      showError(error, { message: 'Price: write a number like 28.00', field: 'price' }, form);
      return;
    }
    const request = service
      ? () => api('PATCH', `${base()}/services/${service.id}`, body)
      : () => api('POST', `${base()}/services`, body);
    saving(form, error, request, `${body.name} saved`).then((ok) => ok && loadStaffAndServices());
  });
  return service ? el('details', { class: 'service' }, el('summary', {}, `${service.name} · ${service.duration_minutes} min`), form) : form;
}

async function removeService(service, form, error) {
  if (!window.confirm(`Remove ${service.name}? Existing bookings keep it.`)) return;
  saving(form, error, () => api('DELETE', `${base()}/services/${service.id}`), `${service.name} removed`)
    .then((ok) => ok && loadStaffAndServices());
}

// ---- closures --------------------------------------------------------------------------

function staffName(id) {
  const member = state.staff.find((s) => s.id === id);
  return member ? member.name : 'a former staff member';
}

async function loadClosures() {
  const closures = await api('GET', `${base()}/closures`);
  const rows = closures.map((c) => el('tr', {},
    el('td', {}, c.from === c.to ? c.from : `${c.from} – ${c.to}`),
    el('td', {}, c.staff_id ? staffName(c.staff_id) : 'Everyone'),
    el('td', {}, c.hours ? `Open ${formatHours(c.hours)}` : 'Closed'),
    el('td', {}, c.reason || '—'),
    el('td', {}, el('button', { type: 'button', class: 'danger', onclick: () => deleteClosure(c) }, 'Delete'))));
  $('closure-list').replaceChildren(closures.length
    ? el('table', { class: 'list' }, el('thead', {}, el('tr', {}, ['Dates', 'For', 'Hours', 'Reason', ''].map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, rows))
    : el('p', { class: 'muted' }, 'No closures ahead.'));
}

async function deleteClosure(closure) {
  if (!window.confirm(`Delete the closure of ${closure.from}?`)) return;
  try {
    await api('DELETE', `${base()}/closures/${closure.id}`);
    announce('Closure deleted');
    loadClosures();
  } catch (error) {
    showError($('closure-error'), error);
  }
}

function bindClosureForm() {
  const form = $('closure-form');
  const conflict = $('closure-conflict');
  const submit = (affected) => {
    const body = state.pendingClosure;
    conflict.hidden = true;
    saving(form, $('closure-error'), async () => {
      try {
        await api('POST', `${base()}/closures`, affected ? { ...body, affected_bookings: affected } : body);
      } catch (error) {
        if (error.code === 'closure_affects_bookings') {
          showConflict(error);
          const quiet = new Error(error.message);
          quiet.handled = true;
          throw quiet;
        }
        throw error;
      }
      state.pendingClosure = null;
      form.reset();
      await loadClosures();
    }, affected === 'cancel' ? 'Closure added; the bookings were cancelled' : 'Closure added');
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    let hours;
    try {
      hours = form.elements.hours.value.trim() ? parseHours(form.elements.hours.value, 'hours') : undefined;
    } catch (error) {
      showError($('closure-error'), error, form);
      return;
    }
    state.pendingClosure = {
      from: form.elements.from.value,
      to: form.elements.to.value || undefined,
      staff_id: form.elements.staff_id.value || undefined,
      hours,
      reason: form.elements.reason.value.trim() || undefined,
    };
    submit(null);
  });
  $('closure-cancel-bookings').addEventListener('click', () => submit('cancel'));
  $('closure-keep-bookings').addEventListener('click', () => submit('keep'));
  $('closure-abandon').addEventListener('click', () => {
    conflict.hidden = true;
    state.pendingClosure = null;
    announce('The closure was not added');
    form.elements.from.focus();
  });
}

function showConflict(error) {
  const bookings = (error.details && error.details.bookings) || [];
  $('closure-conflict-text').textContent = `${bookings.length} booking${bookings.length === 1 ? '' : 's'} `
    + 'would fall outside the new hours. Nothing has changed yet. What should happen to them?';
  $('closure-conflict-list').replaceChildren(...bookings.map((b) => el('li', {},
    `${b.reference} · ${inZone(b.start, state.timeZone)} · ${staffName(b.staff_id)}`)));
  $('closure-conflict').hidden = false;
  $('closure-keep-bookings').focus();
}

// ---- logins ----------------------------------------------------------------------------

async function loadLogins() {
  const users = await api('GET', `${base()}/users`);
  $('login-list').replaceChildren(...users.map((user) => {
    const role = el('select', { 'aria-label': `Role of ${user.email}` },
      el('option', { value: 'staff', selected: user.role === 'staff' }, 'Staff'),
      el('option', { value: 'owner', selected: user.role === 'owner' }, 'Owner'));
    const active = el('input', { type: 'checkbox', checked: user.active, 'aria-label': `${user.email} may log in` });
    const name = el('input', { value: user.name, 'aria-label': `Name of ${user.email}` });
    const password = el('input', { type: 'password', autocomplete: 'new-password', placeholder: 'unchanged', 'aria-label': `New password for ${user.email}` });
    const save = el('button', { type: 'button' }, 'Save');
    save.addEventListener('click', async () => {
      const body = { name: name.value.trim(), role: role.value, active: active.checked };
      if (password.value) body.password = password.value;
      try {
        await api('PATCH', `${base()}/users/${user.id}`, body);
        announce(`${user.email} saved`);
        loadLogins();
      } catch (error) {
        showError($('login-list-error'), error);
      }
    });
    return el('tr', {}, el('td', {}, user.email), el('td', {}, name), el('td', {}, role),
      el('td', {}, active), el('td', {}, password), el('td', {}, save));
  }));
}

function bindAddLogin() {
  const form = $('add-login-form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {
      email: form.elements.email.value.trim(),
      name: form.elements.name.value.trim(),
      role: form.elements.role.value,
      password: form.elements.password.value,
    };
    saving(form, $('add-login-error'), () => api('POST', `${base()}/users`, body), `Login ${body.email} added`)
      .then((ok) => { if (ok) { form.reset(); loadLogins(); } });
  });
}

function bindForms() {
  bindBusinessForm();
  bindRemindersForm();
  bindChatForm();
  bindPrivacyForm();
  bindAddQuestion();
  bindAddFaq();
  bindAddStaff();
  bindClosureForm();
  bindAddLogin();
  bindDisconnectDialog();
}

start().catch((error) => {
  if (error && error.status === 401) return;
  showError($('owner-only'), error);
});
