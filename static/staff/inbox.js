// The inbox: conversations staff own (handed over by the bot, or taken over), newest first,
// each with its transcript, a reply box and the way back to the bot; below them the bot's
// recent conversations, to read and to take over. The live stream's `conversations` events
// say when to fetch again, whichever server instance took the customer's message; the
// selected transcript only ever grows, so screen readers hear just the new messages.
import {
  api, announce, clearErrors, conversationsWithStaff, el, loadSession, logOut, onLive,
  showError, showLiveState, showWaitingCount, startLive,
} from './common.js';

const CHANNEL_LABELS = {
  web: 'Web chat', messenger: 'Messenger', whatsapp: 'WhatsApp', telegram: 'Telegram', sms: 'SMS',
};
const RECENT_BOT_CONVERSATIONS = 20;

const state = {
  slug: '',
  timeZone: 'UTC',
  today: '',
  /** Server time minus browser time: "now" is the server's, as on the day view. */
  clockOffset: 0,
  human: [],
  bot: [],
  /** The id of the conversation shown, from `?c=`. */
  selected: null,
  /** The conversation shown, as last fetched. */
  shown: null,
  /** Conversations that were waiting at the last look, to announce newcomers once. */
  waiting: new Set(),
  refreshing: Promise.resolve(),
};

const $ = (id) => document.getElementById(id);
const base = () => `/api/v1/businesses/${state.slug}/conversations`;

async function start() {
  const session = await loadSession();
  state.slug = session.business.slug;
  state.timeZone = session.business.time_zone;
  state.today = session.today;
  state.clockOffset = new Date(session.now).getTime() - Date.now();
  $('business-name').textContent = session.business.name;
  $('user-name').textContent = session.user.name;
  $('settings-link').hidden = session.user.role !== 'owner';
  $('customers-link').hidden = session.user.role !== 'owner';
  $('logout-button').addEventListener('click', logOut);
  state.selected = new URLSearchParams(location.search).get('c');
  bindConversationPane();
  window.addEventListener('popstate', () => {
    state.selected = new URLSearchParams(location.search).get('c');
    refresh(null);
  });
  showLiveState($('live-indicator'));
  onLive('ready', () => refresh(null));
  onLive('conversations', ({ changed }) => refresh(changed));
  await refresh(null);
  startLive(state.slug);
  document.body.dataset.ready = 'yes';
}

/**
 * Fetches the lists again, and the shown conversation when it is among `changed` (or when
 * `changed` is null: everything may have changed). Refreshes run one after another, so an
 * older answer never paints over a newer one.
 */
function refresh(changed) {
  state.refreshing = state.refreshing.then(() => load(changed)).catch((error) => {
    if (error && error.status === 401) return; // on the way to the login page
    showError($('load-error'), error);
  });
  return state.refreshing;
}

async function load(changed) {
  const [human, bot] = await Promise.all([
    conversationsWithStaff(state.slug),
    api('GET', `${base()}?owner=bot&limit=${RECENT_BOT_CONVERSATIONS}`),
  ]);
  $('load-error').hidden = true;
  announceNewcomers(human, changed !== null);
  state.human = human;
  state.bot = bot;
  renderLists();
  const waiting = human.filter((c) => c.waiting).length;
  showWaitingCount(waiting);
  document.title = waiting ? `(${waiting}) Inbox · Chairside` : 'Inbox · Chairside';
  if (!state.selected) {
    showNothingSelected();
  } else if (changed === null || changed.includes(state.selected) || !state.shown
      || state.shown.id !== state.selected) {
    await showConversation(state.selected);
  }
}

function announceNewcomers(human, live) {
  const waitingNow = new Set(human.filter((c) => c.waiting).map((c) => c.id));
  if (live) {
    for (const conversation of human) {
      if (!waitingNow.has(conversation.id) || state.waiting.has(conversation.id)) continue;
      if (conversation.id === state.selected) continue; // the transcript says it already
      announce(`${customerLabel(conversation)} is waiting for an answer`);
    }
  }
  state.waiting = waitingNow;
}

// ---- the lists -------------------------------------------------------------------------

function customerLabel(conversation) {
  const customer = conversation.customer;
  if (customer && customer.name) return customer.name;
  return `${CHANNEL_LABELS[conversation.channel] || conversation.channel} visitor`;
}

/** An instant as the business's wall clock: the time today, else the day and the time. */
function when(instant) {
  if (!instant) return '';
  const date = new Date(instant);
  const day = date.toLocaleDateString('en-CA', { timeZone: state.timeZone });
  const time = date.toLocaleTimeString(undefined, { timeZone: state.timeZone, hour: '2-digit', minute: '2-digit' });
  if (day === state.today) return time;
  return `${date.toLocaleDateString(undefined, { timeZone: state.timeZone, weekday: 'short', day: 'numeric', month: 'short' })}, ${time}`;
}

function lastMessageText(conversation) {
  const message = conversation.last_message;
  if (!message) return 'No messages yet';
  const who = { customer: '', bot: 'Bot: ', staff: 'Staff: ' }[message.author] ?? '';
  return `${who}${message.text || '(opened the chat)'}`;
}

function conversationLink(conversation) {
  const selected = conversation.id === state.selected;
  const customer = conversation.customer || {};
  const since = conversation.owner === 'human'
    ? `with staff since ${when(conversation.handed_off_at)}`
    : `last active ${when(conversation.updated_at)}`;
  return el('li', {}, el('a', {
    href: `/staff/inbox?c=${encodeURIComponent(conversation.id)}`,
    class: conversation.waiting ? 'conversation-link waiting' : 'conversation-link',
    'aria-current': selected ? 'true' : null,
    dataset: { conversation: conversation.id },
    onclick: (event) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey) return; // a new tab, as usual
      event.preventDefault();
      select(conversation.id);
    },
  },
  el('span', { class: 'who' }, customerLabel(conversation)),
  el('span', { class: 'badges' },
    el('span', { class: 'badge' }, CHANNEL_LABELS[conversation.channel] || conversation.channel),
    conversation.waiting ? el('span', { class: 'badge waiting-badge' }, 'Waiting') : null),
  customer.phone ? el('span', { class: 'contact' }, customer.phone) : null,
  el('span', { class: 'last' }, lastMessageText(conversation)),
  el('span', { class: 'since' }, since)));
}

function renderLists() {
  const list = (conversations, empty) => (conversations.length
    ? conversations.map(conversationLink)
    : [el('li', { class: 'muted empty' }, empty)]);
  $('human-list').replaceChildren(...list(state.human,
    'Nobody is waiting. When a customer asks for a person, the conversation appears here.'));
  $('bot-list').replaceChildren(...list(state.bot, 'No chats yet.'));
}

// ---- one conversation ------------------------------------------------------------------

function select(id) {
  state.selected = id;
  const url = new URL(location.href);
  url.searchParams.set('c', id);
  history.pushState(null, '', url);
  for (const link of document.querySelectorAll('.conversation-link')) {
    if (link.dataset.conversation === id) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');
  }
  refresh([id]).then(() => $('conversation-heading').focus());
}

function showNothingSelected() {
  state.shown = null;
  document.body.dataset.view = 'list';
  $('conversation-heading').textContent = 'Choose a conversation';
  $('conversation-hint').hidden = false;
  for (const id of ['conversation-details', 'conversation-state', 'transcript', 'reply-form', 'take-over-row']) {
    $(id).hidden = true;
  }
}

async function showConversation(id) {
  let conversation;
  try {
    conversation = await api('GET', `${base()}/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error.status !== 404) throw error;
    showNothingSelected();
    $('conversation-heading').textContent = 'This conversation does not exist';
    return;
  }
  if (state.selected !== id) return; // another was chosen meanwhile
  const same = state.shown && state.shown.id === id;
  state.shown = conversation;
  document.body.dataset.view = 'conversation';
  $('conversation-hint').hidden = true;
  $('conversation-heading').textContent = customerLabel(conversation);
  renderDetails(conversation);
  renderTranscript(conversation, same);
  const withStaff = conversation.owner === 'human';
  $('reply-form').hidden = !withStaff;
  $('take-over-row').hidden = withStaff;
  $('reply-label').textContent = `Your reply to ${customerLabel(conversation)}`;
}

function renderDetails(conversation) {
  const customer = conversation.customer || {};
  const rows = [
    ['Channel', CHANNEL_LABELS[conversation.channel] || conversation.channel],
    ['Phone', customer.phone ? el('a', { href: `tel:${customer.phone}` }, customer.phone) : '—'],
    ['Email', customer.email ? el('a', { href: `mailto:${customer.email}` }, customer.email) : '—'],
  ];
  $('conversation-details').replaceChildren(...rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
  $('conversation-details').hidden = false;
  const status = $('conversation-state');
  if (conversation.owner === 'human') {
    const returns = conversation.bot_returns_at;
    const back = returns && new Date(returns).getTime() <= Date.now() + state.clockOffset
      ? 'The bot answers the customer’s next message.'
      : `The bot answers again from ${when(returns)} unless someone here replies or hands back sooner.`;
    status.textContent = `With staff since ${when(conversation.handed_off_at)}; the bot is silent. ${back}`;
  } else {
    status.textContent = 'The bot is handling this conversation. Take it over to answer yourself.';
  }
  status.hidden = false;
}

const AUTHOR_LABELS = { bot: 'Bot', staff: 'Staff' };

function messageItem(message, customerName) {
  const offered = (message.choices || []).map((c) => c.title);
  return el('li', { class: `message from-${message.author}`, dataset: { id: message.id } },
    el('span', { class: 'author' }, message.author === 'customer' ? customerName : AUTHOR_LABELS[message.author] || message.author),
    ' ',
    el('time', { datetime: message.created_at }, when(message.created_at)),
    el('p', { class: 'text' }, message.text || '(opened the chat)'),
    offered.length ? el('p', { class: 'offered' }, `Offered: ${offered.join(' · ')}`) : null);
}

/** Draws the transcript; for the conversation already shown, appends only what is new. */
function renderTranscript(conversation, same) {
  const transcript = $('transcript');
  const name = conversation.customer && conversation.customer.name ? conversation.customer.name : 'Customer';
  const messages = conversation.messages || [];
  if (same) {
    const shownIds = new Set([...transcript.children].map((item) => item.dataset.id));
    transcript.append(...messages.filter((m) => !shownIds.has(m.id)).map((m) => messageItem(m, name)));
  } else {
    // A newly chosen conversation is introduced by its heading, not read out message by message.
    transcript.setAttribute('aria-live', 'off');
    transcript.replaceChildren(...messages.map((m) => messageItem(m, name)));
    setTimeout(() => transcript.setAttribute('aria-live', 'polite'), 0);
  }
  transcript.hidden = false;
  requestAnimationFrame(() => { transcript.scrollTop = transcript.scrollHeight; });
}

function bindConversationPane() {
  const form = $('reply-form');
  const text = $('reply-text');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    sendReply();
  });
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      sendReply();
    }
  });
  $('hand-back').addEventListener('click', () => act('hand-back', form, $('reply-error'),
    (who) => `Handed ${who} back to the bot`, () => $('conversation-heading').focus()));
  $('take-over').addEventListener('click', () => act('take-over', null, $('take-over-error'),
    (who) => `You have taken over the chat with ${who}; the bot is silent`, () => text.focus()));
  $('back-to-list').addEventListener('click', (event) => {
    event.preventDefault();
    state.selected = null;
    history.pushState(null, '', '/staff/inbox');
    showNothingSelected();
    const first = document.querySelector('.conversation-link');
    if (first) first.focus();
  });
}

async function sendReply() {
  const form = $('reply-form');
  const text = $('reply-text');
  const id = state.selected;
  clearErrors(form);
  if (!text.value.trim()) {
    showError($('reply-error'), { message: 'Write a reply first.', field: 'text' }, form);
    return;
  }
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    await api('POST', `${base()}/${encodeURIComponent(id)}/messages`, { text: text.value });
    text.value = '';
    await refresh([id]);
    announce('Reply sent');
  } catch (error) {
    showError($('reply-error'), error, form);
  } finally {
    button.disabled = false;
    text.focus();
  }
}

/** Takes the shown conversation over or hands it back, then shows the result. */
async function act(action, form, errorRegion, done, then) {
  const conversation = state.shown;
  if (!conversation) return;
  if (form) clearErrors(form);
  errorRegion.hidden = true;
  try {
    await api('POST', `${base()}/${encodeURIComponent(conversation.id)}/${action}`);
    await refresh([conversation.id]);
    announce(done(customerLabel(conversation)));
    then();
  } catch (error) {
    showError(errorRegion, error, form);
  }
}

start().catch((error) => {
  if (error && error.status === 401) return; // on the way to the login page
  showError($('load-error'), error);
});
